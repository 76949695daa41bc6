from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .crm_vn_consent import PURPOSES

TRIGGERS = [
    ("lead_created", "Lead Created"),
    ("lead_stage", "Lead Reaches a Stage"),
    ("quotation_sent", "Quotation Sent"),
    ("order_confirmed", "Order Confirmed"),
    ("delivery_done", "Delivery Done"),
    ("invoice_paid", "Invoice Paid"),
    ("after_purchase", "Days After the Last Purchase"),
    ("no_purchase", "No Purchase for N Days (Win-back)"),
    ("birthday", "Birthday (Solar or Lunar)"),
    ("occasion", "Occasion (Tết, Trung Thu, 8/3, 20/10, 20/11...)"),
    ("contact_due", "Next Care Date Reached"),
    ("near_next_tier", "Close to the Next Tier"),
    ("tier_at_risk", "Tier at Risk in N Days"),
]


class MailActivityPlanTemplate(models.Model):
    """A care step: an activity plan template with a trigger, an optional tier filter,
    a channel and a mail template sent automatically."""

    _inherit = "mail.activity.plan.template"

    crm_vn_trigger = fields.Selection(TRIGGERS, string="Trigger Event", index="btree_not_null")
    crm_vn_occasion_id = fields.Many2one(
        "crm.vn.occasion", string="Occasion", ondelete="restrict",
        help="The day of the year the step greets customers on.")
    crm_vn_trigger_percent = fields.Float(
        string="Within (%)", default=10.0,
        help="Close to the next tier: the customer lacks at most this share of the next "
        "tier's rule it is furthest from.")
    crm_vn_trigger_days = fields.Integer(
        string="Days", help="For the purchase triggers: how many days after the last purchase.")
    crm_vn_lead_stage_id = fields.Many2one("crm.stage", string="Lead Stage")
    crm_vn_tier_ids = fields.Many2many(
        "crm.vn.tier", string="Only for Tiers",
        help="Leave empty for every customer; otherwise only customers of these tiers.")
    crm_vn_channel_id = fields.Many2one("crm.vn.care.channel", string="Channel")
    crm_vn_mail_template_id = fields.Many2one(
        "mail.template", string="Send Email",
        domain="[('model', '=', res_model)]",
        help="Sent to the customer automatically when the step fires.")
    crm_vn_send_channel = fields.Selection(
        [("email", "Email"), ("sms", "SMS"), ("zalo", "Zalo ZNS"),
         ("tier", "The Tier's Preferred Channel")], string="Send a Message",
        help="Send the customer a message on this channel when the step fires (as well "
        "as scheduling the activity, unless Message Only). The tier's preferred channels "
        "are tried in their order (e.g. Zalo, then SMS, then email).")
    crm_vn_send_fallback = fields.Boolean(
        string="Fall Back to the Next Channel",
        help="When the customer cannot be reached on a channel (no Zalo account, no "
        "consent, no number), try the tier's next preferred channel.")
    crm_vn_message_only = fields.Boolean(
        string="Message Only", help="Send the message without scheduling an activity.")
    crm_vn_message_purpose = fields.Selection(
        PURPOSES, string="Message Purpose", default="service",
        help="Greetings and promotions need the customer's prior consent and go out only "
        "inside the sending window, under the daily cap (Decree 91/2020/ND-CP).")
    crm_vn_sms_template_id = fields.Many2one(
        "sms.template", string="SMS Template", domain="[('model', '=', res_model)]")
    crm_vn_zns_template_id = fields.Many2one("crm.vn.zns.template", string="ZNS Template")
    responsible_type = fields.Selection(
        selection_add=[("salesperson", "Customer's Salesperson"),
                       ("team_leader", "Team Leader")],
        ondelete={"salesperson": "set default", "team_leader": "set default"})

    @api.model
    def _crm_vn_event_triggers(self):
        """{trigger: model whose records raise it}: the triggers fired by events (the
        model's code calls crm.vn.care.engine._on_event). The other triggers are dates the
        daily cron looks for on customers, each with its method
        ``crm.vn.care.engine._crm_vn_trigger_<trigger>``. An extension adding an event
        trigger with ``selection_add`` adds it here too."""
        return {
            "lead_created": "crm.lead", "lead_stage": "crm.lead",
            "quotation_sent": "sale.order", "order_confirmed": "sale.order",
            "delivery_done": "sale.order", "invoice_paid": "account.move",
        }

    @api.constrains("crm_vn_trigger", "plan_id", "crm_vn_occasion_id")
    def _check_crm_vn_trigger(self):
        events = self._crm_vn_event_triggers()
        for step in self.filtered("crm_vn_trigger"):
            source = events.get(step.crm_vn_trigger, "res.partner")
            targets = {source, "res.partner"} if source != "account.move" else {"res.partner"}
            if step.plan_id.res_model not in targets:
                allowed = ", ".join(self.env["ir.model"]._get(model).name for model in targets)
                raise ValidationError(self.env._(
                    "The step %(step)s cannot run in a plan for %(model)s: with its trigger "
                    "the plan must be for %(allowed)s.", step=step.summary or step.display_name,
                    model=step.plan_id.res_model_id.name, allowed=allowed))
            if step.crm_vn_trigger == "lead_stage" and not step.crm_vn_lead_stage_id:
                raise ValidationError(self.env._("Choose the lead stage that triggers the step."))
            if step.crm_vn_trigger == "occasion" and not step.crm_vn_occasion_id:
                raise ValidationError(self.env._("Choose the occasion of the step."))

    def _determine_responsible(self, on_demand_responsible, applied_on_record):
        if self.responsible_type not in ("salesperson", "team_leader"):
            return super()._determine_responsible(on_demand_responsible, applied_on_record)
        owner = applied_on_record.user_id
        if "commercial_partner_id" in applied_on_record._fields:
            owner = applied_on_record.commercial_partner_id.user_id or owner
        team = applied_on_record.team_id if "team_id" in applied_on_record._fields else None
        leader = (team and team.user_id) or owner.sale_team_id.user_id
        responsible = leader if self.responsible_type == "team_leader" else owner
        responsible = responsible or owner or leader or self.responsible_id or on_demand_responsible
        return {"responsible": responsible or self.env.ref("base.user_admin"), "error": False}

    @api.constrains("crm_vn_send_channel", "crm_vn_mail_template_id", "crm_vn_sms_template_id",
                    "crm_vn_zns_template_id")
    def _check_crm_vn_message(self):
        content = {"email": "crm_vn_mail_template_id", "sms": "crm_vn_sms_template_id",
                   "zalo": "crm_vn_zns_template_id"}
        for step in self.filtered("crm_vn_send_channel"):
            channels = list(content) if step.crm_vn_send_channel == "tier" else [
                step.crm_vn_send_channel]
            if not any(step[content[channel]] for channel in channels):
                raise ValidationError(self.env._(
                    "The step %(step)s sends a message: choose its template.",
                    step=step.summary or step.display_name))

    def _crm_vn_message_channels(self, tier):
        """The channels to try for a customer of ``tier``, in order, among those the step
        has a template for."""
        self.ensure_one()
        content = {"email": self.crm_vn_mail_template_id, "sms": self.crm_vn_sms_template_id,
                   "zalo": self.crm_vn_zns_template_id}
        preferred = [c.code for c in tier.channel_ids.sorted("sequence") if c.code in content]
        if self.crm_vn_send_channel == "tier":
            channels = preferred or ["zalo", "sms", "email"]
        else:
            channels = [self.crm_vn_send_channel] + [
                c for c in preferred if c != self.crm_vn_send_channel]
        if not self.crm_vn_send_fallback:
            channels = channels[:1]
        return [channel for channel in channels if content[channel]]
