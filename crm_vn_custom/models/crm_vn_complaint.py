from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError


class CrmVnComplaint(models.Model):
    """A customer complaint (khiếu nại) with the first-response and resolution deadlines
    of the customer's tier; a passed deadline is flagged and escalated to the team leader
    once."""

    _name = "crm.vn.complaint"
    _description = "Customer Complaint"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date_open desc, id desc"

    name = fields.Char(string="Subject", required=True, tracking=True)
    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True, tracking=True)
    order_id = fields.Many2one("sale.order", index="btree_not_null")
    lead_id = fields.Many2one("crm.lead", index="btree_not_null")
    user_id = fields.Many2one(
        "res.users", string="Responsible", index=True, tracking=True,
        compute="_compute_user_id", store=True, readonly=False, precompute=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", index="btree_not_null")
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company)
    channel_id = fields.Many2one("crm.vn.care.channel", string="Received Through")
    description = fields.Html()
    state = fields.Selection(
        [("new", "New"), ("in_progress", "In Progress"), ("resolved", "Resolved"),
         ("cancelled", "Cancelled")], default="new", required=True, index=True, tracking=True)
    tier_id = fields.Many2one(
        "crm.vn.tier", string="Customer Tier", compute="_compute_deadlines", store=True)
    date_open = fields.Datetime(
        string="Received On", required=True, default=fields.Datetime.now, readonly=True)
    response_deadline = fields.Datetime(compute="_compute_deadlines", store=True)
    resolution_deadline = fields.Datetime(compute="_compute_deadlines", store=True)
    date_first_response = fields.Datetime(string="First Response On", readonly=True)
    date_resolved = fields.Datetime(string="Resolved On", readonly=True)
    response_breached = fields.Boolean(
        string="Response Late", readonly=True, index=True,
        help="The customer got no first response before the deadline.")
    resolution_breached = fields.Boolean(
        string="Resolution Late", readonly=True, index=True,
        help="The complaint was not resolved before the deadline.")
    deadline_status = fields.Selection(
        [("met", "Deadlines Met"), ("breached", "Deadline Missed"), ("open", "Open, on Time"),
         ("cancelled", "Cancelled")],
        compute="_compute_deadline_status", store=True, index=True,
        help="Met: answered and resolved before the tier's deadlines. Missed: the first "
        "response or the resolution came late (or has not come and is late).")
    escalated = fields.Boolean(readonly=True, help="The team leader has been alerted.")

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._crm_vn_check_documents(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._crm_vn_check_documents(vals)
        return super().write(vals)

    @api.model
    def _crm_vn_check_documents(self, vals):
        """A complaint is filed on a customer, order or lead the user may see."""
        self.env["res.partner"]._crm_vn_check_customer_access(*(
            self[name].browse(vals.get(name) or []) for name in ("partner_id", "order_id",
                                                                  "lead_id")))

    @api.depends("state", "response_breached", "resolution_breached")
    def _compute_deadline_status(self):
        for complaint in self:
            if complaint.response_breached or complaint.resolution_breached:
                complaint.deadline_status = "breached"
            else:
                complaint.deadline_status = {
                    "resolved": "met", "cancelled": "cancelled"}.get(complaint.state, "open")

    @api.depends("partner_id", "order_id", "lead_id")
    def _compute_user_id(self):
        for complaint in self:
            complaint.user_id = (complaint.order_id.user_id or complaint.lead_id.user_id
                                 or complaint.partner_id.commercial_partner_id.user_id
                                 or complaint.user_id or self.env.user)

    @api.depends("partner_id", "date_open")
    def _compute_deadlines(self):
        for complaint in self:
            tier = complaint.partner_id.commercial_partner_id.tier_id
            complaint.tier_id = tier
            start = complaint.date_open or fields.Datetime.now()
            complaint.response_deadline = tier.complaint_response_hours and (
                start + timedelta(hours=tier.complaint_response_hours))
            complaint.resolution_deadline = tier.complaint_resolution_hours and (
                start + timedelta(hours=tier.complaint_resolution_hours))

    def action_start(self):
        for complaint in self.filtered(lambda c: c.state == "new"):
            complaint.write({"state": "in_progress",
                             "date_first_response": fields.Datetime.now()})
            complaint._check_deadlines()

    def action_resolve(self):
        if self.filtered(lambda c: c.state == "cancelled"):
            raise UserError(self.env._("A cancelled complaint cannot be resolved."))
        now = fields.Datetime.now()
        for complaint in self.filtered(lambda c: c.state in ("new", "in_progress")):
            complaint.write({"state": "resolved", "date_resolved": now,
                             "date_first_response": complaint.date_first_response or now})
            complaint._check_deadlines()

    def action_cancel(self):
        self.write({"state": "cancelled"})

    def _check_deadlines(self):
        """Flag the deadlines passed (now, or when the answer came) and alert the team
        leader the first time one is missed."""
        now = fields.Datetime.now()
        for complaint in self:
            response_late = bool(complaint.response_deadline) and (
                (complaint.date_first_response or now) > complaint.response_deadline)
            resolution_late = bool(complaint.resolution_deadline) and (
                (complaint.date_resolved or now) > complaint.resolution_deadline)
            values = {}
            if response_late and not complaint.response_breached:
                values["response_breached"] = True
            if resolution_late and not complaint.resolution_breached:
                values["resolution_breached"] = True
            if values:
                complaint.sudo().write(values)
                if complaint.state in ("new", "in_progress") and not complaint.escalated:
                    complaint._escalate()

    def _team_leader(self):
        self.ensure_one()
        owner = self.user_id or self.partner_id.commercial_partner_id.user_id
        return self.team_id.user_id or owner.sale_team_id.user_id

    def _escalate(self):
        self.ensure_one()
        leader = self._team_leader()
        self.sudo().escalated = True
        if not leader:
            return
        self.sudo().message_subscribe(partner_ids=leader.partner_id.ids)
        self.sudo().activity_schedule(
            "mail.mail_activity_data_todo", user_id=leader.id,
            summary=self.env._("Complaint past its deadline: %(name)s", name=self.name))

    @api.model
    def _cron_check_deadlines(self):
        """Hourly: open complaints whose deadline passed get flagged and escalated once."""
        now = fields.Datetime.now()
        late = self.sudo().search([
            ("state", "in", ("new", "in_progress")), "|",
            "&", ("response_deadline", "<", now), ("response_breached", "=", False),
            "&", ("resolution_deadline", "<", now), ("resolution_breached", "=", False)])
        late._check_deadlines()
        self.env["crm.vn.care.engine"]._cron_escalate_overdue_care()
        return late
