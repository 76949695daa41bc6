from odoo import fields, models
from odoo.tools import SQL

COMPLIANCE_STATES = [
    ("on_time", "Done on Time"),
    ("late", "Done Late"),
    ("overdue", "Overdue"),
    ("planned", "Planned"),
    ("cancelled", "Cancelled"),
]


class CrmVnCareComplianceReport(models.Model):
    """Every care step a care plan scheduled: done on time, done late, overdue, still
    planned or cancelled, against the deadline it was first given."""

    _name = "crm.vn.care.compliance.report"
    _description = "Care Compliance"
    _inherit = "crm.vn.report.mixin"
    _auto = False
    _rec_name = "step_id"
    _order = "date_deadline desc"

    step_id = fields.Many2one("mail.activity.plan.template", string="Care Step", readonly=True)
    plan_id = fields.Many2one("mail.activity.plan", string="Care Plan", readonly=True)
    user_id = fields.Many2one(string="Responsible")
    date_scheduled = fields.Date(string="Planned On", readonly=True)
    date_deadline = fields.Date(string="Due Date", readonly=True)
    date_done = fields.Date(string="Done On", readonly=True)
    state = fields.Selection(COMPLIANCE_STATES, string="Status", readonly=True)
    compliance_rate = fields.Float(
        string="On Time (%)", readonly=True, aggregator="avg",
        help="Share of the care steps due so far that were done by their deadline.")
    days_late = fields.Integer(
        readonly=True, aggregator="avg",
        help="Days past the deadline, for care done late or still overdue.")

    def _with(self):
        return SQL("""
            WITH step AS (
                SELECT o.*,
                       CASE WHEN o.date_done IS NOT NULL AND o.date_done <= o.date_deadline
                                 THEN 'on_time'
                            WHEN o.date_done IS NOT NULL THEN 'late'
                            WHEN o.activity_id IS NULL THEN 'cancelled'
                            WHEN o.date_deadline < CURRENT_DATE THEN 'overdue'
                            ELSE 'planned' END AS state
                  FROM crm_vn_care_occurrence o
                 WHERE o.date_deadline IS NOT NULL
            )""")

    def _select(self):
        """``s`` the care step scheduled, ``t`` its template, ``cp`` the customer."""
        return SQL("""
            SELECT s.id, s.template_id AS step_id, t.plan_id, cp.id AS partner_id,
                   cp.company_id, s.user_id, %s AS team_id, %s AS tier_id,
                   s.date AS date_scheduled, s.date_deadline, s.date_done, s.state,
                   CASE s.state WHEN 'on_time' THEN 100.0
                                WHEN 'late' THEN 0.0 WHEN 'overdue' THEN 0.0 END
                       AS compliance_rate,
                   CASE WHEN s.state IN ('late', 'overdue')
                        THEN COALESCE(s.date_done, CURRENT_DATE) - s.date_deadline END
                       AS days_late""",
            self.env["crm.vn.concepts"]._salesperson_team_sql(SQL("s.user_id")),
            # The customer's tier in the company of the care plan.
            self.env["crm.vn.concepts"]._company_value_sql("cp", "tier_id", SQL("plan.company_id")))

    def _from(self):
        return SQL("""
              FROM step s
              JOIN mail_activity_plan_template t ON t.id = s.template_id
              JOIN mail_activity_plan plan ON plan.id = t.plan_id
         LEFT JOIN res_partner p ON p.id = s.partner_id
         LEFT JOIN res_partner cp ON cp.id = p.commercial_partner_id""")
