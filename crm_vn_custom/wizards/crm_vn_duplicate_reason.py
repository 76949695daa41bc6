from odoo import fields, models


class CrmVnDuplicateReason(models.TransientModel):
    """The reason given when asking for a customer of another salesperson, or when
    declining such a request: both are kept on the duplicate and sent to the other side."""

    _name = "crm.vn.duplicate.reason"
    _description = "Ask for or Decline a Customer of Another Salesperson"

    duplicate_ids = fields.Many2many("crm.vn.duplicate", required=True)
    mode = fields.Selection(
        [("request", "Ask for the Customer"), ("decline", "Decline the Request")],
        required=True, default="request")
    reason = fields.Text(required=True)

    def action_confirm(self):
        self.ensure_one()
        # Read as the server: Odoo would silently drop the duplicates the user may not
        # read, and the request or answer would do nothing instead of being refused.
        duplicates = self.sudo().duplicate_ids.with_env(self.env)
        if self.mode == "request":
            duplicates._action_request(self.reason)
        else:
            duplicates._action_decline(self.reason)
        return {"type": "ir.actions.act_window_close"}
