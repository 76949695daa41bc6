from odoo import fields, models
from odoo.tools import SQL


class CrmVnCohortReport(models.Model):
    """Customers by the month of their first purchase (the cohort) and each month since:
    one row per customer and month, so that the average of *retained* is the retention rate
    whatever the grouping (cohort, salesperson, team, tier)."""

    _name = "crm.vn.cohort.report"
    _description = "Customer Retention by Cohort"
    _inherit = "crm.vn.report.mixin"
    _auto = False
    _rec_name = "partner_id"
    _order = "cohort_month desc, months_since_first"

    cohort_month = fields.Date(string="First Purchase", readonly=True)
    month = fields.Date(readonly=True)
    months_since_first = fields.Integer(string="Months Since First Purchase", readonly=True)
    bought = fields.Boolean(string="Bought This Month", readonly=True)
    retention_rate = fields.Float(
        string="Retention Rate (%)", readonly=True, aggregator="avg",
        help="Share of the cohort's customers who bought in this month.")
    churn_rate = fields.Float(
        string="Churn Rate (%)", readonly=True, aggregator="avg",
        help="Share of the cohort's customers who have not bought in this month or since.")

    def _with(self):
        concepts = self.env["crm.vn.concepts"]
        return SQL("""
            WITH confirmed_order AS (%(orders)s),
            bought_in AS (
                SELECT DISTINCT partner_id, company_id,
                       date_trunc('month', date_order)::date AS month
                  FROM confirmed_order
            ), cohort AS (
                SELECT partner_id, company_id,
                       date_trunc('month', %(first_purchase)s)::date AS cohort_month,
                       date_trunc('month', MAX(date_order))::date AS last_month
                  FROM confirmed_order
              GROUP BY partner_id, company_id
            )""", orders=concepts._confirmed_orders_sql(),
            first_purchase=concepts._first_purchase_sql("confirmed_order"))

    def _select(self):
        """``c`` the customer's cohort, ``p`` the customer, ``period`` the month."""
        return SQL("""
            SELECT ROW_NUMBER() OVER (ORDER BY c.partner_id, c.company_id, period.month) AS id,
                   c.partner_id, c.company_id, p.user_id, %(team)s AS team_id, %(tier)s AS tier_id,
                   c.cohort_month, period.month::date AS month,
                   (12 * (date_part('year', period.month) - date_part('year', c.cohort_month))
                    + date_part('month', period.month) - date_part('month', c.cohort_month)
                   )::int AS months_since_first,
                   b.partner_id IS NOT NULL AS bought,
                   CASE WHEN b.partner_id IS NOT NULL THEN 100.0 ELSE 0.0 END AS retention_rate,
                   CASE WHEN period.month > c.last_month THEN 100.0 ELSE 0.0 END AS churn_rate""",
            team=self.env["crm.vn.concepts"]._salesperson_team_sql(SQL("p.user_id")),
            tier=self.env["crm.vn.concepts"]._company_value_sql("p", "tier_id",
                                                                SQL("c.company_id")))

    def _from(self):
        months_since = self.env.context.get("crm_vn_months_since_first")
        return SQL("""
              FROM cohort c
              JOIN res_partner p ON p.id = c.partner_id AND %(customers)s
        CROSS JOIN LATERAL generate_series(
                       c.cohort_month + make_interval(months => %(first)s),
                       LEAST(c.cohort_month + make_interval(months => %(last)s),
                             date_trunc('month', CURRENT_DATE)::date),
                       interval '1 month'
                   ) AS period(month)
         LEFT JOIN bought_in b ON b.partner_id = c.partner_id AND b.company_id = c.company_id
                              AND b.month = period.month""",
            customers=self.env["crm.vn.concepts"]._customer_sql("p"),
            # Every month since the first purchase; a reader that wants the Nth month only
            # (the dashboard's "back the next month") says so in the context, and each
            # cohort yields that row alone instead of one per month (customers × months at
            # every call: most of the dashboard's time on a large base). LEAST ignores the
            # NULL of "no last month".
            first=months_since or 0, last=months_since)
