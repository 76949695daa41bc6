from odoo import api, models

# Changes of a confirmed order line that change what the order earns in points.
POINTS_FIELDS = {"product_id", "product_uom_qty", "price_unit", "discount", "tax_id"}


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        lines.order_id._crm_vn_sync_confirmed_points()
        return lines

    def write(self, vals):
        result = super().write(vals)
        if POINTS_FIELDS & set(vals):
            self.order_id._crm_vn_sync_confirmed_points()
        return result

    def unlink(self):
        orders = self.order_id
        result = super().unlink()
        orders.exists()._crm_vn_sync_confirmed_points()
        return result

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
