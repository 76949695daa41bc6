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
        if self.mode == "request":
            self.duplicate_ids._action_request(self.reason)
        else:
            self.duplicate_ids._action_decline(self.reason)
        return {"type": "ir.actions.act_window_close"}
