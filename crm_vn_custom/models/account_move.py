from odoo import models


class AccountMove(models.Model):
    _inherit = "account.move"

    def _post(self, soft=True):
        posted = super()._post(soft=soft)
        # A refund takes back its points and lowers the customer's revenue at once.
        posted._crm_vn_reconcile_points()
        refunds = posted.filtered(lambda move: move.move_type == "out_refund")
        if refunds:
            self.env["crm.vn.tier.engine"].sudo()._recompute(refunds.partner_id)
        return posted

    def button_draft(self):
        refunds = self.filtered(
            lambda move: move.move_type == "out_refund" and move.state == "posted")
        result = super().button_draft()
        refunds._crm_vn_reconcile_points()
        if refunds:
            self.env["crm.vn.tier.engine"].sudo()._recompute(refunds.partner_id)
        return result

    def button_cancel(self):
        refunds = self.filtered(
            lambda move: move.move_type == "out_refund" and move.state == "posted")
        result = super().button_cancel()
        refunds._crm_vn_reconcile_points()
        return result

    def _crm_vn_reconcile_points(self):
        """Each order these invoices or credit notes bill: its points reconciled with its
        net earning (a posted credit note takes back its share, one reset to draft or
        cancelled gives it back)."""
        orders = self.invoice_line_ids.sale_line_ids.order_id
        if orders:
            orders._crm_vn_reconcile_points("refund", self.env._("Refund of order %s"))

    def _invoice_paid_hook(self):
        result = super()._invoice_paid_hook()
        invoices = self.filtered(lambda move: move.move_type == "out_invoice")
        self.env["crm.vn.care.engine"].sudo()._on_event("invoice_paid", invoices)
        return result

    def _crm_vn_care_partner(self):
        return self.partner_id.commercial_partner_id
