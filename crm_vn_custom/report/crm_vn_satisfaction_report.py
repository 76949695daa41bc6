from odoo import fields, models
from odoo.tools import SQL


class CrmVnSatisfactionReport(models.Model):
    """The customers' answers logged with care interactions. Unanswered questions stay
    empty (NULL), so averages are over the answers only; the average of nps_value is the
    Net Promoter Score."""

    _name = "crm.vn.satisfaction.report"
    _description = "Customer Satisfaction and NPS"
    _inherit = "crm.vn.report.mixin"
    _auto = False
    _rec_name = "partner_id"
    _order = "date desc"

    date = fields.Date(readonly=True)
    user_id = fields.Many2one(string="Care Staff")
    channel_id = fields.Many2one("crm.vn.care.channel", readonly=True)
    satisfaction = fields.Float(
        readonly=True, aggregator="avg",
        help="Average satisfaction (1 to 5) of the interactions where the customer answered.")
    nps_category = fields.Selection(
        [("promoter", "Promoter (9-10)"), ("passive", "Passive (7-8)"),
         ("detractor", "Detractor (0-6)")], string="NPS Category", readonly=True)
    nps = fields.Float(
        string="NPS", readonly=True, aggregator="avg",
        help="Net Promoter Score: % of promoters (9-10) minus % of detractors (0-6) among "
        "the customers who answered, from -100 to 100.")
    answer_count = fields.Integer(string="NPS Answers", readonly=True)

    def _select(self):
        """``log`` the care log, ``cp`` its customer."""
        return SQL("""
            SELECT log.id, log.date, p.commercial_partner_id AS partner_id, log.company_id,
                   log.user_id, %s AS team_id,
                   %s AS tier_id, log.channel_id,
                   log.satisfaction::int AS satisfaction,
                   CASE WHEN log.nps::int >= 9 THEN 'promoter'
                        WHEN log.nps::int >= 7 THEN 'passive'
                        WHEN log.nps IS NOT NULL THEN 'detractor' END AS nps_category,
                   CASE WHEN log.nps::int >= 9 THEN 100.0
                        WHEN log.nps::int >= 7 THEN 0.0
                        WHEN log.nps IS NOT NULL THEN -100.0 END AS nps,
                   (log.nps IS NOT NULL)::int AS answer_count""",
            self.env["crm.vn.concepts"]._salesperson_team_sql(SQL("log.user_id")),
            self.env["crm.vn.concepts"]._company_value_sql("cp", "tier_id", SQL("log.company_id")))

    def _from(self):
        return SQL("""
              FROM crm_vn_care_log log
              JOIN res_partner p ON p.id = log.partner_id
              JOIN res_partner cp ON cp.id = p.commercial_partner_id""")
