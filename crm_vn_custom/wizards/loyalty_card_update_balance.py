from odoo import models
from odoo.exceptions import AccessError

from ..models.crm_vn_trusted_flow import trusted_flow


class LoyaltyCardUpdateBalance(models.TransientModel):
    """Odoo's own "Update Balance" of a loyalty card is the manual points adjustment: it
    needs a manager, its description is the reason, and it is audited."""

    _inherit = "loyalty.card.update.balance"

    def action_update_card_point(self):
        user = self.env.user
        if not (self.env.su or user.has_group("crm_vn_custom.group_crm_vn_care_manager")
                or user.has_group("sales_team.group_sale_manager")):
            raise AccessError(self.env._(
                "Only care managers can adjust a customer's loyalty points."))
        old_balance = self.card_id.points
        with trusted_flow():  # audited below, with the manager's reason
            result = super().action_update_card_point()
        line = self.env["loyalty.history"].sudo().search(
            [("card_id", "=", self.card_id.id)], order="id desc", limit=1)
        line.crm_vn_kind = "adjustment"
        self.env["crm.vn.audit.log"]._log_points_adjustment(
            self.card_id, old_balance, self.new_balance, self.description)
        return result
