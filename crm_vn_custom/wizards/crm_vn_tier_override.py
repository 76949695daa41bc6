from odoo import api, fields, models


class CrmVnTierOverride(models.TransientModel):
    """A manager sets a customer's tier by hand, for a reason and until a date; the
    nightly recomputation keeps it until then. Every override is audited."""

    _name = "crm.vn.tier.override"
    _description = "Set a customer's tier manually"

    partner_id = fields.Many2one("res.partner", string="Customer", required=True)
    current_tier_id = fields.Many2one(related="partner_id.tier_id", string="Current Tier")
    company_id = fields.Many2one("res.company", compute="_compute_company_id")
    tier_id = fields.Many2one(
        "crm.vn.tier", string="New Tier", domain="[('company_id', '=', company_id)]",
        help="Leave empty to remove a manual tier and go back to the rules.")
    reason = fields.Char(required=True)
    date_end = fields.Date(string="Until", help="Leave empty to keep it until changed again.")

    @api.depends("partner_id")
    def _compute_company_id(self):
        # A customer shared by the group holds a tier in each company: the one the user
        # works in is set.
        for wizard in self:
            wizard.company_id = (wizard.partner_id.commercial_partner_id.company_id
                                 or self.env.company)

    def action_apply(self):
        self.ensure_one()
        self.partner_id.commercial_partner_id._crm_vn_set_tier_override(
            self.tier_id, self.reason, self.date_end)
