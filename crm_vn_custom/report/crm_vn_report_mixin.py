from odoo import fields, models


class CrmVnReportMixin(models.AbstractModel):
    """What every customer care report row carries: the customer, its company and who
    answers for it, the columns the reports' record rules read
    (security/crm_vn_report_security.xml)."""

    _name = "crm.vn.report.mixin"
    _description = "Customer Care Report Row"

    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True)
    tier_id = fields.Many2one("crm.vn.tier", readonly=True)
