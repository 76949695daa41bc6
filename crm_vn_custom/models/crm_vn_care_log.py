from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .crm_vn_consent import PURPOSES

SATISFACTION = [("1", "1 - Very Dissatisfied"), ("2", "2 - Dissatisfied"), ("3", "3 - Neutral"),
                ("4", "4 - Satisfied"), ("5", "5 - Very Satisfied")]
NPS = [(str(score), str(score)) for score in range(11)]


class CrmVnCareLog(models.Model):
    """One interaction with a customer (nhật ký chăm sóc): who, when, through which
    channel, the outcome and how satisfied the customer was. Logging it moves the
    customer's last interaction, hence its next care date."""

    _name = "crm.vn.care.log"
    _description = "Customer Care Log"
    _order = "date desc, id desc"
    _rec_name = "partner_id"

    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True, ondelete="cascade")
    user_id = fields.Many2one(
        "res.users", string="Care Staff", required=True, index=True,
        default=lambda self: self.env.user)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company)
    date = fields.Date(required=True, index=True, default=fields.Date.context_today)
    channel_id = fields.Many2one("crm.vn.care.channel")
    outcome = fields.Selection(
        [("reached", "Reached the Customer"), ("no_answer", "No Answer"),
         ("call_back", "Call Back Later"), ("not_interested", "Not Interested"),
         ("complaint", "Raised a Complaint")], default="reached", required=True)
    satisfaction = fields.Selection(SATISFACTION, help="Customer satisfaction, 1 to 5.")
    nps = fields.Selection(
        NPS, string="NPS Score",
        help="How likely is the customer to recommend us, 0 (not at all) to 10 (certainly).")
    note = fields.Html()
    activity_type_id = fields.Many2one("mail.activity.type")
    step_id = fields.Many2one("mail.activity.plan.template", string="Care Step", index=True)
    activity_id = fields.Many2one(
        "mail.activity", string="Closes Activity", ondelete="set null",
        domain="[('res_model', 'in', ('res.partner', 'crm.lead', 'sale.order'))]",
        help="The planned care activity this interaction completes.")
    res_model = fields.Char(string="Document Model")
    res_id = fields.Many2oneReference(string="Document", model_field="res_model")
    # An automated message is a care-log line too (crm.vn.messenger sends it); it is not
    # an interaction: it does not move the customer's care dates.
    message_state = fields.Selection(
        [("queued", "Queued"), ("sent", "Sent"), ("delivered", "Delivered"),
         ("failed", "Failed"), ("skipped", "Not Sent")],
        string="Message Status", index="btree_not_null", readonly=True, copy=False)
    message_channel = fields.Selection(
        [("zalo", "Zalo ZNS"), ("sms", "SMS"), ("email", "Email")], readonly=True)
    message_purpose = fields.Selection(PURPOSES, readonly=True)
    message_template = fields.Char(readonly=True)
    message_error = fields.Char(string="Why Not Sent", readonly=True)
    message_cost = fields.Float(readonly=True)
    message_provider_id = fields.Many2one(
        "crm.vn.message.provider", readonly=True, index="btree_not_null", ondelete="set null")
    message_external_id = fields.Char(
        string="Provider Message ID", readonly=True, index="btree_not_null", copy=False)
    message_key = fields.Char(readonly=True, copy=False,
                              help="The occasion: a message is never sent twice for it.")
    message_attempts = fields.Integer(readonly=True)
    message_next_try = fields.Datetime(readonly=True, index="btree_not_null")
    message_sent_at = fields.Datetime(readonly=True)
    message_channels = fields.Char(readonly=True, help="Channels still to try, in order.")
    message_fallback = fields.Boolean(readonly=True)

    _sql_constraints = [("message_key_uniq", "unique(message_key)",
                         "A message is sent once per occasion.")]

    @api.constrains("date")
    def _check_date(self):
        today = fields.Date.context_today(self)
        if any(log.date > today for log in self):
            raise ValidationError(self.env._(
                "Care cannot be logged in the future: it moves the customer's next care date."))

    @api.model_create_multi
    def create(self, vals_list):
        Partner = self.env["res.partner"]
        Partner._crm_vn_check_customer_access(Partner.browse(
            {vals.get("partner_id") for vals in vals_list} - {None, False}))
        logs = super().create(vals_list)
        logs.filtered(lambda log: not log.message_state)._update_last_interaction()
        closing = logs.filtered("activity_id")
        step_of = {occurrence.activity_id: occurrence for occurrence in
                   self.env["crm.vn.care.occurrence"].sudo().search(
                       [("activity_id", "in", closing.activity_id.ids)])}
        for log in closing:
            occurrence = step_of.get(log.activity_id, self.env["crm.vn.care.occurrence"])
            log.write({"step_id": occurrence.template_id.id,
                       "activity_type_id": log.activity_id.activity_type_id.id,
                       "channel_id": log.channel_id.id or occurrence.channel_id.id,
                       "res_model": log.activity_id.res_model,
                       "res_id": log.activity_id.res_id})
            log.activity_id.with_context(crm_vn_care_logged=True).action_feedback(
                feedback=log.note)
        return logs

    def write(self, vals):
        if vals.get("partner_id"):
            Partner = self.env["res.partner"]
            Partner._crm_vn_check_customer_access(Partner.browse(vals["partner_id"]))
        return super().write(vals)

    def _update_last_interaction(self):
        latest = {}
        for log in self:
            customer = log.partner_id.commercial_partner_id
            latest[customer] = max(log.date, latest.get(customer) or log.date)
        for customer, day in latest.items():
            if not customer.last_interaction_date or customer.last_interaction_date < day:
                customer.sudo().last_interaction_date = day

    @api.model
    def _crm_vn_apply_delivery_event(self, provider, event):
        """A provider's delivery report: Zalo's ``user_received_message``, or a gateway's
        ``message_status`` with delivered / failed."""
        message = event.get("message") or {}
        log = self.search([("message_provider_id", "=", provider.id),
                           ("message_external_id", "=", str(message.get("msg_id") or ""))],
                          limit=1) if message.get("msg_id") else self.browse()
        if not log:
            return log
        status = message.get("status") or (
            "delivered" if event.get("event_name") == "user_received_message" else None)
        if status == "delivered":
            log.message_state = "delivered"
        elif status == "failed":
            log.write({"message_state": "failed",
                       "message_error": str(message.get("error") or "")[:250]})
        if message.get("cost") is not None:
            log.message_cost = float(message["cost"])
        return log
