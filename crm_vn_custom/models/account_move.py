from odoo import models


class AccountMove(models.Model):
    _inherit = "account.move"

    def _post(self, soft=True):
        posted = super()._post(soft=soft)
        refunds = posted.filtered(lambda move: move.move_type == "out_refund")
        if refunds:
            # A refund lowers the customer's revenue and takes back its points at once.
            self.env["crm.vn.tier.engine"].sudo()._recompute(refunds.partner_id)
            refunds.invoice_line_ids.sale_line_ids.order_id._crm_vn_take_back_refunded_points()
        return posted

    def _invoice_paid_hook(self):
        result = super()._invoice_paid_hook()
        invoices = self.filtered(lambda move: move.move_type == "out_invoice")
        self.env["crm.vn.care.engine"].sudo()._on_event("invoice_paid", invoices)
        return result

    def _crm_vn_care_partner(self):
        return self.partner_id.commercial_partner_id
