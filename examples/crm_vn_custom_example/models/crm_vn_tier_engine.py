from odoo import api, models
from odoo.tools import SQL


class CrmVnTierEngine(models.AbstractModel):
    """Recipe "a new tier criterion", 2/2: the figure, its lateral and its threshold."""

    _inherit = "crm.vn.tier.engine"

    @api.model
    def _stats_figures(self, company):
        return dict(super()._stats_figures(company),
                    product_count=SQL("COALESCE(example_products.product_count, 0)"))

    @api.model
    def _stats_laterals(self, company):
        return [*super()._stats_laterals(company), SQL("""
            CROSS JOIN LATERAL (
                SELECT COUNT(DISTINCT line.product_id) AS product_count
                  FROM (%(orders)s) so
                  JOIN sale_order_line line ON line.order_id = so.id
                 WHERE so.partner_id = b.pid AND so.company_id = %(company)s
                   AND so.date_order >= %(cutoff)s AND line.display_type IS NULL
            ) example_products""",
            orders=self.env["crm.vn.concepts"]._confirmed_orders_sql(),
            company=company.id, cutoff=self._window_cutoff(company))]

    @api.model
    def _tier_thresholds(self, tier):
        return dict(super()._tier_thresholds(tier), product_count=tier.min_product_count)
