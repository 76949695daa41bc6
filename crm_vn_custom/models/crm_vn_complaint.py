from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import plaintext2html

from .crm_vn_batches import BATCH_SIZE, run_batch


class CrmVnComplaint(models.Model):
    """A customer complaint (khiếu nại) with the first-response and resolution deadlines
    of the customer's tier; a passed deadline is flagged and escalated to the team leader
    once.

    Customers file and follow their complaints in the portal (/my/complaints): they read
    their own (record rule on their commercial entity), never the fields the company keeps
    for itself (``groups``), and may write in the complaint's chatter."""

    _name = "crm.vn.complaint"
    _description = "Customer Complaint"
    _inherit = ["portal.mixin", "mail.thread", "mail.activity.mixin"]
    _order = "date_open desc, id desc"
    # Customers answer in the portal's chatter: reading the complaint is enough to post.
    _mail_post_access = "read"

    name = fields.Char(string="Subject", required=True, tracking=True)
    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True, tracking=True)
    order_id = fields.Many2one("sale.order", index="btree_not_null")
    lead_id = fields.Many2one("crm.lead", index="btree_not_null", groups="base.group_user")
    user_id = fields.Many2one(
        "res.users", string="Responsible", index=True, tracking=True,
        compute="_compute_user_id", store=True, readonly=False, precompute=True)
    team_id = fields.Many2one(
        "crm.team", string="Sales Team", index="btree_not_null", groups="base.group_user")
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
        groups="base.group_user",
        help="Met: answered and resolved before the tier's deadlines. Missed: the first "
        "response or the resolution came late (or has not come and is late).")
    escalated = fields.Boolean(
        readonly=True, groups="base.group_user", help="The team leader has been alerted.")

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

    @api.depends("partner_id", "date_open", "company_id")
    def _compute_deadlines(self):
        for complaint in self:
            # The customer's tier in the complaint's company (one per company when shared).
            tier = complaint.partner_id.commercial_partner_id.with_company(
                complaint.company_id).tier_id
            complaint.tier_id = tier
            start = complaint.date_open or fields.Datetime.now()
            complaint.response_deadline = tier.complaint_response_hours and (
                start + timedelta(hours=tier.complaint_response_hours))
            complaint.resolution_deadline = tier.complaint_resolution_hours and (
                start + timedelta(hours=tier.complaint_resolution_hours))

    def _compute_access_url(self):
        for complaint in self:
            complaint.access_url = f"/my/complaints/{complaint.id}"

    def _track_subtype(self, init_values):
        # A change of status reaches the customers who follow their complaint (the one
        # who filed it in the portal); other changes stay internal notes.
        self.ensure_one()
        if "state" in init_values:
            return self.env.ref("crm_vn_custom.mt_complaint_state")
        return super()._track_subtype(init_values)

    # ------------------------------------------------------------------ portal
    @api.model
    def _crm_vn_portal_file(self, subject, description, order=None):
        """File a complaint for the logged-in customer (portal): on his commercial entity,
        with the deadlines of its tier, for the salesperson who looks after it (or the
        order's), who gets the customer's message and an activity due by the first-response
        deadline. Created as the server: customers do not write complaints themselves."""
        user = self.env.user
        customer = user.partner_id.commercial_partner_id.sudo()
        order = (order or self.env["sale.order"]).sudo()
        if order and order.partner_id.commercial_partner_id != customer:
            raise AccessError(self.env._("You can only complain about your own orders."))
        owner = order.user_id or customer.user_id
        company = order.company_id or customer.company_id or user.company_id
        complaint = self.sudo().with_company(company).with_context(
            mail_create_nosubscribe=True, mail_auto_subscribe_no_notify=True).create({
                "name": subject, "partner_id": customer.id, "order_id": order.id,
                "user_id": owner.id, "company_id": company.id,
                "team_id": (order.team_id or customer.team_id or owner.sale_team_id).id,
                "channel_id": self.env.ref(
                    "crm_vn_custom.care_channel_portal", raise_if_not_found=False).id,
                "description": plaintext2html(description) if description else False,
            })
        complaint.message_subscribe(partner_ids=user.partner_id.ids)
        complaint.message_post(
            body=complaint.description or subject, author_id=user.partner_id.id,
            message_type="comment", subtype_xmlid="mail.mt_comment")
        complaint._crm_vn_schedule_answer()
        return complaint.sudo(False)

    def _crm_vn_schedule_answer(self):
        """A to-do for the responsible, due on the day (in their time zone) of the deadline
        that comes next: the first response, or the resolution once answered."""
        for complaint in self.sudo().filtered("user_id"):
            user = complaint.user_id
            answered = complaint.state == "in_progress"
            deadline = complaint.resolution_deadline if answered else complaint.response_deadline
            day = deadline and fields.Datetime.context_timestamp(
                complaint.with_context(tz=user.tz or "Asia/Ho_Chi_Minh"), deadline).date()
            env = self.with_context(lang=user.lang).env
            summary = (env._("Resolve the customer's complaint: %(name)s", name=complaint.name)
                       if answered else
                       env._("Answer the customer's complaint: %(name)s", name=complaint.name))
            complaint.activity_schedule(
                "mail.mail_activity_data_todo", user_id=user.id,
                date_deadline=day or fields.Date.context_today(complaint), summary=summary)

    def _crm_vn_close_answer_activities(self):
        """The complaint is answered: the responsible's to-dos on it are done."""
        todo = self.env.ref("mail.mail_activity_data_todo")
        for complaint in self.sudo():
            complaint.activity_ids.filtered(
                lambda a, c=complaint: a.user_id == c.user_id and a.activity_type_id == todo
            ).action_feedback()

    def action_start(self):
        for complaint in self.filtered(lambda c: c.state == "new"):
            complaint.write({"state": "in_progress",
                             "date_first_response": fields.Datetime.now()})
            complaint._check_deadlines()
            complaint._crm_vn_close_answer_activities()

    def action_resolve(self):
        if self.filtered(lambda c: c.state == "cancelled"):
            raise UserError(self.env._("A cancelled complaint cannot be resolved."))
        now = fields.Datetime.now()
        for complaint in self.filtered(lambda c: c.state in ("new", "in_progress")):
            complaint.write({"state": "resolved", "date_resolved": now,
                             "date_first_response": complaint.date_first_response or now})
            complaint._check_deadlines()
            complaint._crm_vn_close_answer_activities()

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
        """Hourly: open complaints whose deadline passed get flagged and escalated once,
        then customers whose care is overdue; a batch per call, the cron worker calls
        again while some remain and commits between calls."""
        done, remaining = self._check_deadlines_batch()
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)

    @api.model
    def _check_deadlines_batch(self, batch_size=BATCH_SIZE):
        """Returns (done, remaining). A complaint answered in time never matches again:
        the first-response deadline counts only while there is no answer."""
        now = fields.Datetime.now()
        late = [
            ("state", "in", ("new", "in_progress")), "|",
            "&", "&", ("response_deadline", "<", now), ("response_breached", "=", False),
            ("date_first_response", "=", False),
            "&", ("resolution_deadline", "<", now), ("resolution_breached", "=", False)]
        return run_batch(
            [(self.sudo(), late, lambda complaints: complaints._check_deadlines())]
            + self.env["crm.vn.care.engine"]._escalate_overdue_care_units(), batch_size)
