from odoo import api, models

from .crm_vn_trusted_flow import in_trusted_flow


class SaleOrderCouponPoints(models.Model):
    """What an order will add to a card when it is confirmed: computed by the loyalty
    rules (a trusted flow), never typed in, or confirming would credit any amount."""

    _inherit = "sale.order.coupon.points"

    @api.model_create_multi
    def create(self, vals_list):
        if any(vals.get("points") for vals in vals_list):
            self._crm_vn_check_points()
        return super().create(vals_list)

    def write(self, vals):
        if "points" in vals:
            self._crm_vn_check_points()
        return super().write(vals)

    def unlink(self):
        # Deleted, a confirmed order's entry would no longer be taken back on cancelling.
        # Salespeople get the right to delete (cancelling an order does), in its flow only.
        self._crm_vn_check_points()
        return super().unlink()

    def _crm_vn_check_points(self):
        if not in_trusted_flow(self.env):
            raise self.env["loyalty.card"]._crm_vn_points_refused()
