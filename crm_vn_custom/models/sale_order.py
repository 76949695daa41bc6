from odoo import models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    def _action_confirm(self):
        res = super()._action_confirm()
        self._crm_vn_recompute_tiers()
        return res

    def _action_cancel(self):
        res = super()._action_cancel()
        self._crm_vn_recompute_tiers()
        return res

    def _crm_vn_recompute_tiers(self):
        # The customer sees its new tier the moment the order is confirmed or cancelled;
        # one batched recomputation for all customers of these orders. Bulk loads of past
        # orders skip it and recompute once at the end.
        if not self.env.context.get("crm_vn_skip_tier_recompute"):
            self.env["crm.vn.tier.engine"].sudo()._recompute(self.partner_id, orders=self)
