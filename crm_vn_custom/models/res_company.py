from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    crm_vn_tier_window_days = fields.Integer(
        string="Tier Window (days)", default=365,
        help="Orders and revenue of this many past days qualify a customer for a tier.")
    crm_vn_tier_grace_days = fields.Integer(
        string="Downgrade Grace (days)", default=90,
        help="A customer who no longer qualifies keeps the tier this long before moving down.")
    crm_vn_tier_upgrade_mail_template_id = fields.Many2one(
        "mail.template", string="Tier Upgrade Email",
        domain="[('model', '=', 'res.partner')]",
        help="Sent to the customer when the tier goes up; leave empty to send nothing.")

    _sql_constraints = [
        ("crm_vn_tier_days_positive",
         "CHECK(crm_vn_tier_window_days > 0 AND crm_vn_tier_grace_days >= 0)",
         "The tier window must be positive and the grace period cannot be negative."),
    ]
