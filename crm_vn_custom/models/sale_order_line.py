from odoo import api, models

from .crm_vn_trusted_flow import in_trusted_flow, trusted

# Changes of a confirmed order line that change what the order earns in points.
POINTS_FIELDS = {"product_id", "product_uom_qty", "price_unit", "discount", "tax_id"}


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    @api.model_create_multi
    def create(self, vals_list):
        # What a reward line costs is written by the rewards engine (a trusted flow); a
        # line typed in with its own cost would credit the card when the order confirms.
        if any(vals.get("points_cost") for vals in vals_list):
            self._crm_vn_check_points_cost()
        lines = super().create(vals_list)
        lines.order_id._crm_vn_sync_confirmed_points()
        return lines

    def write(self, vals):
        if "points_cost" in vals:
            self._crm_vn_check_points_cost()
        result = super().write(vals)
        if POINTS_FIELDS & set(vals):
            self.order_id._crm_vn_sync_confirmed_points()
        return result

    def _crm_vn_check_points_cost(self):
        if not in_trusted_flow(self.env):
            raise self.env["loyalty.card"]._crm_vn_points_refused()

    # Removing a reward gives its points back (sale_loyalty): part of the order's flow.
    @trusted
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
