from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError


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

    # Decree 91/2020/ND-CP, art. 12 and 13: advertising SMS only 07:00-22:00, at most three
    # advertising SMS or emails to one person in 24 hours. Defaults no looser than that.
    crm_vn_marketing_hour_from = fields.Float(
        string="Greetings and Promotions From", default=8.0,
        help="Advertising messages go out only after this hour (Decree 91/2020: 07:00).")
    crm_vn_marketing_hour_to = fields.Float(
        string="Greetings and Promotions Until", default=21.0,
        help="…and before this hour (Decree 91/2020: 22:00).")
    crm_vn_marketing_daily_cap = fields.Integer(
        string="Promotions per Customer per Day", default=1,
        help="At most this many greetings and promotions to one customer in 24 hours "
        "(Decree 91/2020: 3).")

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

    @api.constrains("crm_vn_marketing_hour_from", "crm_vn_marketing_hour_to",
                    "crm_vn_marketing_daily_cap")
    def _check_crm_vn_marketing_rules(self):
        for company in self:
            if not (7 <= company.crm_vn_marketing_hour_from < company.crm_vn_marketing_hour_to
                    <= 22 and 1 <= company.crm_vn_marketing_daily_cap <= 3):
                raise ValidationError(self.env._(
                    "Greetings and promotions may go out between 07:00 and 22:00, at most "
                    "three a day to one customer (Decree 91/2020/ND-CP)."))

    def _crm_vn_points_expiry_template(self):
        self.ensure_one()
        return self.crm_vn_points_expiry_template_id or self.env.ref(
            "crm_vn_custom.mail_template_points_expiry", raise_if_not_found=False)

    def action_crm_vn_setup_customer_care(self):
        """One click for a new company of the group: the main company's tiers (thresholds,
        care standard, multipliers) copied to it, and a loyalty programme of its own."""
        self.ensure_one()
        user = self.env.user
        if not (user.has_group("crm_vn_custom.group_crm_vn_admin") and self in user.company_ids):
            raise AccessError(self.env._(
                "Only customer care administrators of a company can set up its customer "
                "care."))
        Tier = self.env["crm.vn.tier"].sudo()
        if Tier.search_count([("company_id", "=", self.id)]):
            raise UserError(self.env._(
                "%(company)s already has customer tiers: edit them under CRM › Configuration "
                "› Customer Tiers.", company=self.name))
        main = self.env.ref("base.main_company")
        Tier.search([("company_id", "=", main.id)]).copy({"company_id": self.id})
        if not self.crm_vn_loyalty_program_id:
            self.sudo().crm_vn_loyalty_program_id = self._crm_vn_create_loyalty_program()
        return True

    def _crm_vn_create_loyalty_program(self):
        # Tích điểm as Vietnamese shops do it: 1 point per 10,000 ₫, 100 points take
        # 10,000 ₫ off an order; the same proportions in another currency's units.
        vnd = self.currency_id == self.env.ref("base.VND")
        return self.env["loyalty.program"].sudo().create({
            "name": self.env._("Loyal Customers %(company)s", company=self.name),
            "program_type": "loyalty", "trigger": "auto", "applies_on": "both",
            "company_id": self.id, "currency_id": self.currency_id.id,
            "portal_visible": True, "portal_point_name": self.env._("points"),
            "rule_ids": [Command.clear(), Command.create({
                "reward_point_mode": "money", "reward_point_amount": 0.0001 if vnd else 1,
                "minimum_amount": 0})],
            "reward_ids": [Command.clear(), Command.create({
                "reward_type": "discount", "discount_mode": "per_point",
                "discount": 100 if vnd else 0.01, "required_points": 100,
                "discount_applicability": "order"})],
        })
