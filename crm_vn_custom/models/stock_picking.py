from odoo import models


class StockPicking(models.Model):
    _inherit = "stock.picking"

    def _action_done(self):
        result = super()._action_done()
        # Each delivery of an order is an occasion of its own (backorders included).
        engine = self.env["crm.vn.care.engine"].sudo()
        for picking in self.filtered(
                lambda p: p.picking_type_code == "outgoing" and p.sale_id and p.state == "done"):
            engine._on_event("delivery_done", picking.sale_id,
                             occasion=f"{picking._name}:{picking.id}")
        return result
