from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .crm_vn_age_group import MAX_AGE
from .res_partner_tier import RELATIONSHIP_KINDS, RFM_SEGMENTS


class CrmVnSegment(models.Model):
    """A target segment (nhóm khách hàng mục tiêu): a named set of filters on customer
    data. Customers are never stored in it: membership is evaluated live, so a segment
    always matches the customer base as it is now."""

    _name = "crm.vn.segment"
    _description = "Target Customer Segment"
    _order = "sequence, name, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    description = fields.Text(translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", default=lambda self: self.env.company, index=True)
    color = fields.Integer()
    state_ids = fields.Many2many(
        "res.country.state",
        string="Provinces",
        domain="[('country_id.code', '=', 'VN')]",
        help="Customers whose address is in one of these provinces (2025 units).",
    )
    age_min = fields.Integer(string="Minimum Age")
    age_max = fields.Integer(string="Maximum Age")
    gender = fields.Selection(
        [("male", "Male"), ("female", "Female"), ("other", "Other")],
    )
    industry_ids = fields.Many2many("res.partner.industry", string="Industries")
    category_ids = fields.Many2many("res.partner.category", string="Tags")
    source_ids = fields.Many2many("utm.source", string="Customer Sources")
    tier_ids = fields.Many2many("crm.vn.tier", string="Tiers", check_company=True)
    rfm_segment = fields.Selection(RFM_SEGMENTS, string="RFM Segment")
    relationship_kind = fields.Selection(RELATIONSHIP_KINDS)
    partner_count = fields.Integer(string="Customers", compute="_compute_partner_count")

    @api.constrains("age_min", "age_max")
    def _check_ages(self):
        for segment in self:
            if segment.age_min < 0 or segment.age_max < 0:
                raise ValidationError(self.env._("Ages of a segment cannot be negative."))
            if segment.age_max and segment.age_min > segment.age_max:
                raise ValidationError(self.env._(
                    "Segment %(name)s: the minimum age (%(min)s) is above the maximum (%(max)s).",
                    name=segment.name, min=segment.age_min, max=segment.age_max))

    def _get_partner_domain(self):
        """Customers of the segment's company (of any company for a shared segment; see
        crm.vn.concepts) matching every filter set on the segment. Other features extend it
        with their own filters."""
        self.ensure_one()
        Partner = self.env["res.partner"]
        domain = self.env["crm.vn.concepts"]._customer_domain(self.company_id)
        if self.state_ids:
            domain.append(("province_id", "in", self.state_ids.ids))
        if self.age_min or self.age_max:
            domain += Partner._age_group_birthday_domain(
                self.age_min, self.age_max or MAX_AGE)
        if self.gender:
            domain.append(("gender", "=", self.gender))
        if self.industry_ids:
            domain.append(("industry_id", "in", self.industry_ids.ids))
        if self.category_ids:
            domain.append(("category_id", "in", self.category_ids.ids))
        if self.source_ids:
            domain.append(("source_id", "in", self.source_ids.ids))
        if self.tier_ids:
            domain.append(("tier_id", "in", self.tier_ids.ids))
        if self.rfm_segment:
            domain.append(("rfm_segment", "=", self.rfm_segment))
        if self.relationship_kind:
            domain.append(("relationship_kind", "=", self.relationship_kind))
        return domain

    def _compute_partner_count(self):
        Partner = self.env["res.partner"]
        for segment in self:
            segment.partner_count = Partner.search_count(segment._get_partner_domain())

    def action_open_partners(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("contacts.action_contacts")
        action.update({
            "name": self.name,
            "domain": self._get_partner_domain(),
            "context": {"default_company_id": self.company_id.id},
        })
        return action
