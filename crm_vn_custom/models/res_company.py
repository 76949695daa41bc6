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

    crm_vn_care_escalation_days = fields.Integer(
        string="Escalate Overdue Care After (days)", default=14,
        help="When a customer's care is overdue by more than this, the team leader gets an "
        "activity; 0 never escalates.")
    crm_vn_churn_days = fields.Integer(
        string="Customer Lost After (days)", default=180,
        help="A customer who bought before but not in this many days counts as lost (churned) "
        "in the customer analysis.")
    crm_vn_loyalty_program_id = fields.Many2one(
        "loyalty.program", string="Customer Loyalty Programme",
        domain="[('program_type', '=', 'loyalty'), ('company_id', 'in', [id, False])]",
        help="The loyalty programme birthday and tier-upgrade bonuses are credited to.")
    crm_vn_points_validity_months = fields.Integer(
        string="Points Validity (months)", default=12,
        help="Loyalty points expire this many months after they were earned, oldest "
        "first; 0 keeps them forever.")
    crm_vn_points_expiry_notice_days = fields.Integer(
        string="Expiry Reminder (days before)", default=30,
        help="Customers are emailed this many days before points expire; 0 sends nothing.")
    crm_vn_points_expiry_template_id = fields.Many2one(
        "mail.template", string="Points Expiry Email",
        domain="[('model', '=', 'loyalty.card')]",
        help="Leave empty to use the addon's Vietnamese and English email.")

    _sql_constraints = [
        ("crm_vn_tier_days_positive",
         "CHECK(crm_vn_tier_window_days > 0 AND crm_vn_tier_grace_days >= 0)",
         "The tier window must be positive and the grace period cannot be negative."),
        ("crm_vn_churn_days_positive", "CHECK(crm_vn_churn_days > 0)",
         "The number of days after which a customer counts as lost must be positive."),
        ("crm_vn_points_days_positive",
         "CHECK(crm_vn_points_validity_months >= 0 AND crm_vn_points_expiry_notice_days >= 0)",
         "The points validity and the reminder delay cannot be negative."),
    ]

    def _crm_vn_points_expiry_template(self):
        self.ensure_one()
        return self.crm_vn_points_expiry_template_id or self.env.ref(
            "crm_vn_custom.mail_template_points_expiry", raise_if_not_found=False)
