from odoo import models


class AccountMove(models.Model):
    _inherit = "account.move"

    def _post(self, soft=True):
        posted = super()._post(soft=soft)
        refunds = posted.filtered(lambda move: move.move_type == "out_refund")
        if refunds:
            # A refund lowers the customer's revenue at once.
            self.env["crm.vn.tier.engine"].sudo()._recompute(refunds.partner_id)
        return posted
