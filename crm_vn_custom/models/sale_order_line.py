from odoo import api, models


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    @api.depends("order_id.partner_id")
    def _compute_discount(self):
        # The tier's discount is a floor: a pricelist giving more keeps its own discount.
        result = super()._compute_discount()
        for line in self:
            tier_discount = line.order_id.crm_vn_tier_id.discount_percent
            if (tier_discount and line.product_id and not line.display_type
                    and not line.is_reward_line and line.discount < tier_discount):
                line.discount = tier_discount
        return result
