from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    crm_vn_tier_window_days = fields.Integer(
        related="company_id.crm_vn_tier_window_days", readonly=False)
    crm_vn_tier_grace_days = fields.Integer(
        related="company_id.crm_vn_tier_grace_days", readonly=False)
    crm_vn_tier_upgrade_mail_template_id = fields.Many2one(
        related="company_id.crm_vn_tier_upgrade_mail_template_id", readonly=False)
    crm_vn_loyalty_program_id = fields.Many2one(
        related="company_id.crm_vn_loyalty_program_id", readonly=False)
    crm_vn_points_validity_months = fields.Integer(
        related="company_id.crm_vn_points_validity_months", readonly=False)
    crm_vn_points_expiry_notice_days = fields.Integer(
        related="company_id.crm_vn_points_expiry_notice_days", readonly=False)
    crm_vn_points_expiry_template_id = fields.Many2one(
        related="company_id.crm_vn_points_expiry_template_id", readonly=False)
    crm_vn_care_escalation_days = fields.Integer(
        related="company_id.crm_vn_care_escalation_days", readonly=False)
    crm_vn_marketing_hour_from = fields.Float(
        related="company_id.crm_vn_marketing_hour_from", readonly=False)
    crm_vn_marketing_hour_to = fields.Float(
        related="company_id.crm_vn_marketing_hour_to", readonly=False)
    crm_vn_marketing_daily_cap = fields.Integer(
        related="company_id.crm_vn_marketing_daily_cap", readonly=False)
    crm_vn_churn_days = fields.Integer(related="company_id.crm_vn_churn_days", readonly=False)
