from odoo import api, fields, models


class CrmVnTierHistory(models.Model):
    """One change of a customer's tier. Written by the tier engine only: an audit trail
    nobody edits."""

    _name = "crm.vn.tier.history"
    _description = "Customer Tier Change"
    _order = "date desc, id desc"
    _check_company_auto = True

    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one("res.company", required=True, index=True)
    old_tier_id = fields.Many2one("crm.vn.tier", string="From Tier", ondelete="restrict")
    new_tier_id = fields.Many2one("crm.vn.tier", string="To Tier", ondelete="restrict")
    date = fields.Datetime(required=True, default=fields.Datetime.now, index=True)
    cause = fields.Selection([
        ("automatic", "Automatic"),
        ("grace_expiry", "End of Grace Period"),
        ("override", "Manual Override"),
        ("override_end", "End of Override"),
    ], required=True)
    direction = fields.Selection([("up", "Upgrade"), ("down", "Downgrade")], required=True)
    order_id = fields.Many2one("sale.order", string="Triggering Order", ondelete="set null")
    user_id = fields.Many2one(
        "res.users", string="Changed By", default=lambda self: self.env.user)
    reason = fields.Char()

    @api.model
    def _direction(self, old_tier, new_tier):
        return "up" if (new_tier.rank or 0) > (old_tier.rank or 0) else "down"
