from odoo import api, fields, models


class CrmVnStaffTransfer(models.TransientModel):
    """Chuyển giao khách hàng: when someone leaves or changes job, everything they look
    after goes to a colleague or a team in one step, and the move is audited."""

    _name = "crm.vn.staff.transfer"
    _description = "Transfer Customers to Another Salesperson"

    from_user_id = fields.Many2one(
        "res.users", string="From", required=True, domain=[("share", "=", False)],
        context={"active_test": False})
    to_user_id = fields.Many2one(
        "res.users", string="To Salesperson", domain=[("share", "=", False)],
        help="Leave empty to give everything to the leader of the sales team below.")
    to_team_id = fields.Many2one(
        "crm.team", string="To Sales Team",
        help="Open leads and quotations move into this team as well.")
    reason = fields.Text(required=True, help="Kept in the audit log with every change.")
    archive_user = fields.Boolean(
        string="Archive the User Afterwards",
        help="Archive the former owner once everything has been handed over.")
    customer_count = fields.Integer(compute="_compute_counts", string="Customers")
    lead_count = fields.Integer(compute="_compute_counts", string="Open Leads")
    quotation_count = fields.Integer(compute="_compute_counts", string="Open Quotations")
    activity_count = fields.Integer(compute="_compute_counts", string="Open Activities")

    @api.depends("from_user_id")
    def _compute_counts(self):
        for wizard in self:
            owned = (wizard.from_user_id._crm_vn_owned_records()
                     if wizard.from_user_id else {})
            wizard.customer_count = len(owned.get("customers", ()))
            wizard.lead_count = len(owned.get("leads", ()))
            wizard.quotation_count = len(owned.get("quotations", ()))
            wizard.activity_count = len(owned.get("activities", ()))

    def action_transfer(self):
        self.ensure_one()
        moved = self.from_user_id._crm_vn_transfer_to(self.to_user_id, self.to_team_id, self.reason)
        if self.archive_user:
            self.from_user_id.action_archive()
        message = self.env._(
            "%(customers)s customers, %(leads)s leads, %(quotations)s quotations and "
            "%(activities)s activities moved from %(from)s.",
            **moved, **{"from": self.from_user_id.display_name})
        return {
            "type": "ir.actions.client", "tag": "display_notification",
            "params": {"type": "success", "message": message,
                       "next": {"type": "ir.actions.act_window_close"}},
        }
