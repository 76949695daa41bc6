from odoo import fields, models
from odoo.tools import SQL

from ..models.res_partner_tier import RELATIONSHIP_KINDS, RFM_SEGMENTS


class CrmVnCustomerReport(models.Model):
    """One row per customer and company it bought from (or its own company if it never
    bought): who the customers are, what they are worth, whether they are lost."""

    _name = "crm.vn.customer.report"
    _description = "Customer Analysis"
    _inherit = "crm.vn.report.mixin"
    _auto = False
    _rec_name = "partner_id"
    _order = "lifetime_value desc, partner_id"

    currency_id = fields.Many2one("res.currency", readonly=True)
    rfm_segment = fields.Selection(RFM_SEGMENTS, string="RFM Segment", readonly=True)
    province_id = fields.Many2one("res.country.state", readonly=True)
    age_group = fields.Many2one("crm.vn.age.group", readonly=True)
    gender = fields.Selection(
        lambda self: self.env["res.partner"]._fields["gender"].selection, readonly=True)
    relationship_kind = fields.Selection(RELATIONSHIP_KINDS, readonly=True)
    cohort_month = fields.Date(
        string="First Purchase", readonly=True,
        help="The month of the customer's first confirmed order in this company.")
    last_order_date = fields.Date(readonly=True)
    order_count = fields.Integer(string="Orders", readonly=True)
    lifetime_value = fields.Monetary(
        readonly=True,
        help="Confirmed orders since the first purchase, untaxed, less posted credit notes.")
    average_value = fields.Monetary(
        string="Average Lifetime Value", readonly=True, aggregator="avg",
        help="Lifetime value per customer who bought.")
    churned = fields.Boolean(
        string="Lost", readonly=True,
        help="Bought before, but not within the company's 'customer lost after' days.")
    churn_rate = fields.Float(
        string="Churn Rate (%)", readonly=True, aggregator="avg",
        help="Share of the customers who bought that are lost.")
    repeat_rate = fields.Float(
        string="Repeat Rate (%)", readonly=True, aggregator="avg",
        help="Share of the customers who bought that bought at least twice.")

    def _with(self):
        """The customers (crm.vn.concepts) with what they bought and got refunded, per
        company they bought from."""
        concepts = self.env["crm.vn.concepts"]
        return SQL("""
            WITH confirmed_order AS (%(orders)s),
            bought AS (
                SELECT partner_id, company_id, COUNT(*) AS order_count, SUM(amount) AS revenue,
                       %(first_purchase)s AS first_order, MAX(date_order) AS last_order
                  FROM confirmed_order
              GROUP BY partner_id, company_id
            ), refunded AS (
                SELECT partner_id, company_id, SUM(amount) AS amount
                  FROM (%(refunds)s) refund
              GROUP BY partner_id, company_id
            ), customer AS (
                SELECT p.id, p.company_id, p.user_id, b.company_id AS sold_by,
                       b.order_count, b.revenue, b.first_order, b.last_order
                  FROM res_partner p
             LEFT JOIN bought b ON b.partner_id = p.id
                 WHERE %(customers)s
            )""", orders=concepts._confirmed_orders_sql(),
            first_purchase=concepts._first_purchase_sql("confirmed_order"),
            refunds=concepts._posted_refunds_sql(), customers=concepts._customer_sql("p"))

    def _select(self):
        """One column per field; ``c`` is the customer and its purchases, ``partner`` its
        res_partner row, ``company`` the company it bought from."""
        return SQL("""
            SELECT ROW_NUMBER() OVER (ORDER BY c.id, c.sold_by) AS id,
                   c.id AS partner_id,
                   COALESCE(c.sold_by, c.company_id) AS company_id,
                   company.currency_id,
                   c.user_id, %(team)s AS team_id, %(tier_id)s AS tier_id,
                   %(rfm_segment)s AS rfm_segment,
                   partner.province_id, partner.age_group, partner.gender,
                   %(relationship_kind)s AS relationship_kind,
                   date_trunc('month', c.first_order)::date AS cohort_month,
                   c.last_order::date AS last_order_date,
                   COALESCE(c.order_count, 0) AS order_count,
                   COALESCE(c.revenue, 0) - COALESCE(r.amount, 0) AS lifetime_value,
                   CASE WHEN c.sold_by IS NOT NULL
                        THEN COALESCE(c.revenue, 0) - COALESCE(r.amount, 0) END AS average_value,
                   COALESCE(c.last_order < CURRENT_DATE - company.crm_vn_churn_days, FALSE)
                       AS churned,
                   CASE WHEN c.last_order < CURRENT_DATE - company.crm_vn_churn_days THEN 100.0
                        WHEN c.sold_by IS NOT NULL THEN 0.0 END AS churn_rate,
                   CASE WHEN c.order_count > 1 THEN 100.0
                        WHEN c.sold_by IS NOT NULL THEN 0.0 END AS repeat_rate""",
            team=self.env["crm.vn.concepts"]._salesperson_team_sql(SQL("c.user_id")),
            # The customer's tier and scores in the company of the row.
            **{name: self.env["crm.vn.concepts"]._company_value_sql(
                "partner", name, SQL("COALESCE(c.sold_by, c.company_id)"))
               for name in ("tier_id", "rfm_segment", "relationship_kind")})

    def _from(self):
        return SQL("""
              FROM customer c
              JOIN res_partner partner ON partner.id = c.id
         LEFT JOIN res_company company ON company.id = COALESCE(c.sold_by, c.company_id)
         LEFT JOIN refunded r ON r.partner_id = c.id AND r.company_id = c.sold_by""")
