from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL

# RFM scores are quantiles (ceil of 5 × cumulative distribution, so equal values share a
# score) over the company's customers who bought; the segment and the relationship kind
# follow from them. Loyal, champion and at-risk customers must have bought at least twice
# in the window, whatever their quantile. Relationship kinds set by hand are kept. As in
# the tier engine, only the rows that change are written.
RFM_UPDATE = """
    WITH scope AS (
        SELECT id, %(last_order_date)s AS last_order_date,
               %(first_order_date)s AS first_order_date,
               %(tier_order_count)s AS tier_order_count, %(tier_revenue)s AS tier_revenue
          FROM res_partner p
         WHERE %(customers)s
    ), scored AS (
        SELECT id, first_order_date, last_order_date, tier_order_count,
               CEIL(5 * CUME_DIST() OVER (ORDER BY last_order_date))::int AS r,
               CEIL(5 * CUME_DIST() OVER (ORDER BY tier_order_count))::int AS f,
               CEIL(5 * CUME_DIST() OVER (ORDER BY tier_revenue))::int AS m
          FROM scope WHERE last_order_date IS NOT NULL
    ), rated AS (
        SELECT scope.id, scored.r, scored.f, scored.m,
               CASE
                   WHEN scored.id IS NULL THEN NULL
                   WHEN scored.first_order_date >= %(new_since)s
                        AND scored.tier_order_count <= 1 THEN 'new'
                   WHEN scored.tier_order_count < 2 AND r >= 3 THEN 'potential'
                   WHEN scored.tier_order_count < 2 AND r = 2 THEN 'hibernating'
                   WHEN scored.tier_order_count < 2 THEN 'lost'
                   WHEN r >= 4 AND f >= 4 AND m >= 4 THEN 'champions'
                   WHEN r >= 3 AND f >= 3 THEN 'loyal'
                   WHEN r >= 3 THEN 'potential'
                   WHEN f >= 3 THEN 'at_risk'
                   WHEN r = 2 THEN 'hibernating'
                   ELSE 'lost'
               END AS segment,
               CASE
                   WHEN scored.id IS NULL THEN 'new'
                   WHEN scored.tier_order_count >= 3
                        AND scored.first_order_date < %(loyal_before)s THEN 'loyal'
                   WHEN scored.last_order_date >= %(current_since)s THEN 'current'
                   ELSE 'prospective'
               END AS kind
          FROM scope LEFT JOIN scored ON scored.id = scope.id
    ), new AS (
        SELECT p.id, rated.r, rated.f, rated.m, rated.segment,
               CASE WHEN %(relationship_kind_manual)s THEN %(relationship_kind)s
                    ELSE rated.kind END AS kind
          FROM rated JOIN res_partner p ON p.commercial_partner_id = rated.id
    )
    UPDATE res_partner p
       SET %(set)s
      FROM new n
     WHERE p.id = n.id
       AND (%(rfm_recency)s, %(rfm_frequency)s, %(rfm_monetary)s, %(rfm_segment)s,
            %(relationship_kind)s)
           IS DISTINCT FROM (n.r, n.f, n.m, n.segment, n.kind)
"""
# The company-dependent fields written, each with the column of `n` holding its value.
RFM_VALUES = {"rfm_recency": "r", "rfm_frequency": "f", "rfm_monetary": "m",
              "rfm_segment": "segment", "relationship_kind": "kind"}


class CrmVnRfm(models.AbstractModel):
    """RFM scores, segments and relationship kinds: company-wide quantiles of the
    figures the tier engine stores (last order, orders and revenue in the window),
    recomputed after the night's tiers, one company per cron call."""

    _name = "crm.vn.rfm"
    _description = "Customer RFM Scores"

    @api.model
    def _recompute(self, company):
        """All the company's customers in one statement: quantiles need the whole base."""
        today = fields.Date.context_today(self)
        engine = self.env["crm.vn.tier.engine"]
        Partner = self.env["res.partner"].sudo().with_company(company)
        Partner.flush_model()
        # The company's values of its customers' figures, read as Odoo reads them.
        values = {name: Partner._field_to_sql("p", name) for name in (
            *RFM_VALUES, "last_order_date", "first_order_date", "tier_order_count",
            "tier_revenue", "relationship_kind_manual")}
        self.env.execute_query(SQL(
            RFM_UPDATE, **values, customers=engine._tiered_by_sql(company),
            set=SQL(", ").join(
                SQL("%s = %s", SQL.identifier(name), engine._company_value_set_sql(
                    "p", name, company, SQL.identifier("n", column)))
                for name, column in RFM_VALUES.items()),
            new_since=today - timedelta(days=90), current_since=today - timedelta(days=180),
            loyal_before=today - timedelta(days=365)))
        Partner.invalidate_model(list(RFM_VALUES))
