from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError


# One concern of the customer per file (issue 21): res_partner.py holds its data.
class ResPartner(models.Model):
    """The customer's care: when staff were last in touch, when the next contact is due,
    its care logs and complaints."""

    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    last_interaction_date = fields.Date(
        copy=False, help="Last time staff were in touch with the customer, or it bought.")
    # One care rhythm per customer: a shared customer is cared for at the most demanding
    # of its tiers (the shortest contact interval of its companies' tiers).
    next_care_date = fields.Date(
        compute="_compute_next_care_date", store=True, index="btree_not_null", copy=False,
        help="Last interaction plus the contact interval of the customer's tier (the "
        "shortest of its tiers, for a customer of several companies).")
    care_overdue = fields.Boolean(
        compute="_compute_care_overdue", search="_search_care_overdue")
    crm_vn_care_log_ids = fields.One2many("crm.vn.care.log", "partner_id", string="Care Logs")
    crm_vn_care_escalated_for = fields.Date(
        string="Overdue Care Escalated", readonly=True, copy=False,
        help="The missed care date the team leader was last alerted about.")
    crm_vn_complaint_ids = fields.One2many("crm.vn.complaint", "partner_id", string="Complaints")

    @api.depends("last_interaction_date", "tier_id")
    def _compute_next_care_date(self):
        # The tier engine writes it in SQL with the same rule (crm.vn.concepts).
        concepts = self.env["crm.vn.concepts"]
        tiers = self._crm_vn_tiers_of_all_companies()
        for partner in self:
            partner.next_care_date = concepts._next_care_date(
                partner.last_interaction_date, tiers.get(partner.id, self.env["crm.vn.tier"]))

    def _compute_care_overdue(self):
        today = fields.Date.context_today(self)
        for partner in self:
            partner.care_overdue = bool(partner.next_care_date and partner.next_care_date < today)

    def _search_care_overdue(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise ValidationError(self.env._("Unsupported search on overdue care."))
        domain = [("next_care_date", "<", fields.Date.context_today(self))]
        return domain if (operator == "=") == value else ["!", *domain]

    @api.model
    def _crm_vn_check_customer_access(self, *documents):
        """Care and complaints are recorded on customers (and their orders and leads) the
        user may see: they move the customer's care dates and count in its figures."""
        if not self.env.su and any(doc - doc._filtered_access("read") for doc in documents):
            raise AccessError(self.env._(
                "You can only record care and complaints for customers you look after."))

    def action_crm_vn_log_care(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window", "res_model": "crm.vn.care.log",
            "view_mode": "form", "target": "new", "name": self.env._("Log Care"),
            "context": {"default_partner_id": self.commercial_partner_id.id},
        }

    def action_crm_vn_new_complaint(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window", "res_model": "crm.vn.complaint",
            "view_mode": "form", "name": self.env._("New Complaint"),
            "context": {"default_partner_id": self.commercial_partner_id.id},
        }

    def _crm_vn_care_partner(self):
        return self.commercial_partner_id

    @api.model
    def _commercial_fields(self):
        return super()._commercial_fields() + ["last_interaction_date"]
