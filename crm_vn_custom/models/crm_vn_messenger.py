import logging
import threading
from datetime import datetime, time, timedelta

import pytz
from markupsafe import Markup

from odoo import api, fields, models
from odoo.tools import SQL

from ..tools.message_clients import ProviderError
from ..tools.vn_text import vn_unaccent

_logger = logging.getLogger(__name__)

BATCH_SIZE = 200
MAX_ATTEMPTS = 5
# How long a worker keeps the messages it took before another may send them.
LEASE = timedelta(minutes=15)


class CrmVnMessenger(models.AbstractModel):
    """Care messages that send themselves. A care step that fires queues one care-log line
    per occasion (``message_key``, unique: never sent twice); a cron sends the queue in
    batches, each batch committed, rows locked with SKIP LOCKED so that several workers
    share a Tết day without sending anything twice. Each line tries its channels in order
    (the tier's preference), skipping those the customer cannot be reached on or did not
    consent to, and records what happened."""

    _name = "crm.vn.messenger"
    _description = "Customer Care Messages"

    # ------------------------------------------------------------------ queueing
    @api.model
    def _queue(self, step, items):
        """Queue the step's message for ``items`` (target, customer, occasion, day)."""
        if not step.crm_vn_send_channel:
            return self.env["crm.vn.care.log"]
        now = fields.Datetime.now()
        today = fields.Date.context_today(self)
        vals_list = []
        for target, partner, occasion, _day in items:
            customer = partner.commercial_partner_id
            if not customer:
                continue
            company = step.plan_id.company_id or customer.company_id or self.env.company
            vals_list.append({
                "partner_id": customer.id, "date": today, "step_id": step.id,
                "company_id": company.id,
                "user_id": (customer.user_id or self.env.user).id,
                "res_model": target._name, "res_id": target.id,
                "note": step.summary and Markup("<p>%s</p>") % step.summary,
                "message_state": "queued", "message_purpose": step.crm_vn_message_purpose,
                "message_key": f"{step.id}:{target._name}:{target.id}:{occasion}",
                # The channels of the customer's tier in the message's company.
                "message_channels": ",".join(step._crm_vn_message_channels(
                    customer.with_company(company).tier_id)),
                "message_fallback": step.crm_vn_send_fallback, "message_next_try": now,
            })
        return self.env["crm.vn.care.log"].sudo().create(vals_list)

    # ------------------------------------------------------------------ sending
    @api.model
    def _cron_send_queue(self):
        """One batch per call; the cron framework calls again while messages remain due.
        As Odoo's mail queue does, each message is committed as soon as it is sent: a
        crash then repeats at most the message in flight (which ZNS' tracking id and the
        gateway's request id let the provider recognise)."""
        logs = self._claim_due_batch(BATCH_SIZE)
        auto_commit = not getattr(threading.current_thread(), "testing", False)
        for log in logs:
            self._send_one(log)
            if auto_commit:
                self.env.cr.commit()
        remaining = self.env["crm.vn.care.log"].sudo().search_count(self._due_domain())
        _logger.info("Care messages: %s handled, %s due", len(logs), remaining)
        self.env["ir.cron"]._notify_progress(done=len(logs), remaining=remaining)
        return logs

    @api.model
    def _due_domain(self):
        return [("message_state", "=", "queued"),
                ("message_next_try", "<=", fields.Datetime.now())]

    @api.model
    def _claim_due_batch(self, limit):
        """The next due messages, leased to this worker for a while and committed at once:
        another worker skips them (no row lock is waited for, none outlives the commit),
        and a worker that dies leaves them to be sent when the lease ends."""
        self.env["crm.vn.care.log"].flush_model()
        now = fields.Datetime.now()
        rows = self.env.execute_query(SQL("""
            UPDATE crm_vn_care_log SET message_next_try = %s
             WHERE id IN (SELECT id FROM crm_vn_care_log
                           WHERE message_state = 'queued' AND message_next_try <= %s
                        ORDER BY message_next_try, id
                           LIMIT %s
                             FOR UPDATE SKIP LOCKED)
         RETURNING id
        """, now + LEASE, now, limit))
        self.env["crm.vn.care.log"].invalidate_model(["message_next_try"])
        if not getattr(threading.current_thread(), "testing", False):
            self.env.cr.commit()
        return self.env["crm.vn.care.log"].sudo().browse(sorted(row[0] for row in rows))

    @api.model
    def _marketing_delay(self, company, partner):
        """When a greeting or promotion to ``partner`` may go out: now, or the next opening
        of the sending window, or tomorrow when today's cap is reached."""
        tz = pytz.timezone(company.partner_id.tz or "Asia/Ho_Chi_Minh")
        now = fields.Datetime.now()
        local = pytz.utc.localize(now).astimezone(tz)
        hour = local.hour + local.minute / 60
        day = local.date()

        def opening(on_day):
            start = datetime.combine(on_day, time()) + timedelta(
                hours=company.crm_vn_marketing_hour_from)
            return tz.localize(start).astimezone(pytz.utc).replace(tzinfo=None)

        if hour < company.crm_vn_marketing_hour_from:
            return opening(day)
        if hour >= company.crm_vn_marketing_hour_to:
            return opening(day + timedelta(days=1))
        sent = self.env["crm.vn.care.log"].sudo().search_count([
            ("partner_id", "=", partner.id), ("message_purpose", "=", "marketing"),
            ("message_state", "in", ("sent", "delivered")),
            ("message_sent_at", ">", now - timedelta(hours=24))])
        if sent >= company.crm_vn_marketing_daily_cap:
            return opening(day + timedelta(days=1))
        return None

    @api.model
    def _blocked_reason(self, log, channel):
        """Why ``channel`` cannot carry this message to the customer, or None."""
        partner = log.partner_id
        purpose = log.message_purpose
        channel_name = log._fields["message_channel"].convert_to_export(channel, log)
        consent = self.env["crm.vn.consent"]._latest(partner, purpose, channel).get(partner.id)
        purpose_name = log._fields["message_purpose"].convert_to_export(purpose, log).lower()
        if consent is False:
            return self.env._("The customer refused %(purpose)s on %(channel)s.",
                              purpose=purpose_name, channel=channel_name)
        if purpose == "marketing" and consent is None:
            return self.env._("No consent to %(purpose)s on %(channel)s.",
                              purpose=purpose_name, channel=channel_name)
        if channel == "email":
            if not partner.email_normalized:
                return self.env._("No email address.")
            if purpose == "marketing" and self.env["mail.blacklist"].sudo().search_count(
                    [("email", "=", partner.email_normalized)]):
                return self.env._("The email address is on the blacklist.")
            return None
        number = partner.mobile or partner.phone
        if not number:
            return self.env._("No phone number.")
        blacklist = self.env["phone.blacklist"].sudo()
        if purpose == "marketing" and any(
                blacklist.search_count([("number", "=", n)])
                for n in {partner.phone_sanitized, partner.mobile} - {False, None}):
            return self.env._("The phone number is on the blacklist.")
        return None

    @api.model
    def _send_one(self, log):
        company = log.company_id
        if log.message_purpose == "marketing":
            later = self._marketing_delay(company, log.partner_id)
            if later:
                log.message_next_try = later
                return
        channels = [c for c in (log.message_channels or "").split(",") if c]
        reasons = [] if channels else [self.env._(
            "The step has no template for any channel of the customer's tier.")]
        while channels:
            channel = channels[0]
            reason = self._blocked_reason(log, channel)
            if not reason:
                try:
                    self._send_on(log, channel)
                    return
                except ProviderError as error:
                    if error.kind != "recipient":
                        return self._retry_later(log, channel, error)
                    reason = self.env._(
                        "Not reachable on %(channel)s: %(error)s",
                        channel=log._fields["message_channel"].convert_to_export(channel, log),
                        error=error.message or error.code)
            reasons.append(reason)
            channels.pop(0)
            log.message_channels = ",".join(channels)
            if not log.message_fallback:
                break
        log.write({"message_state": "skipped" if not log.message_attempts else "failed",
                   "message_error": " ".join(reasons)[:250], "message_next_try": False})

    @api.model
    def _retry_later(self, log, channel, error):
        attempts = log.message_attempts + 1
        values = {"message_attempts": attempts, "message_channel": channel,
                  "message_error": str(error)[:250]}
        if error.kind == "quota":
            values["message_next_try"] = fields.Datetime.now() + timedelta(days=1)
        elif error.kind == "temporary" and attempts < MAX_ATTEMPTS:
            # 5, 10, 20, 40 minutes: a gateway's outage is waited out, not hammered.
            values["message_next_try"] = fields.Datetime.now() + timedelta(
                minutes=5 * 2 ** (attempts - 1))
        else:
            values.update(message_state="failed", message_next_try=False)
        log.write(values)

    @api.model
    def _send_on(self, log, channel):
        step = log.step_id
        target = self.env[log.res_model].browse(log.res_id).exists() if log.res_model else None
        target = target or log.partner_id
        values = {"message_channel": channel, "message_sent_at": fields.Datetime.now(),
                  "message_next_try": False, "message_error": False}
        if channel == "email":
            template = step.crm_vn_mail_template_id
            mail = self.env["mail.mail"].sudo().browse(
                template.sudo().send_mail(target.id, force_send=False))
            if log.message_purpose == "marketing":
                mail.body_html = (mail.body_html or "") + self.env[
                    "res.partner"]._crm_vn_unsubscribe_footer(log.partner_id)
            values.update(message_state="sent", message_template=template.name)
        elif channel == "sms":
            template = step.crm_vn_sms_template_id
            provider = self.env["crm.vn.message.provider"]._of_company(log.company_id,
                                                                        "sms_esms")
            body = template._render_field("body", target.ids)[target.id]
            if log.message_purpose == "marketing":
                # Decree 91: "[QC]" first, how to refuse last.
                body = "[QC] %s %s" % (body, self.env._(
                    "To stop offers, text TC to %(brand)s",
                    brand=provider.sms_brand_name or log.company_id.name))
            self.env["sms.sms"].sudo().create({
                "number": log.partner_id.mobile or log.partner_id.phone,
                "body": vn_unaccent(body), "partner_id": log.partner_id.id,
                "crm_vn_care_log_id": log.id, "crm_vn_provider_id": provider.id,
            })
            # Odoo's SMS queue sends it and reports back (sms.sms._send).
            values.update(message_state="queued", message_template=template.name,
                          message_provider_id=provider.id, message_next_try=False)
        else:
            template = step.crm_vn_zns_template_id
            provider = template.provider_id
            card = self.env["loyalty.card"].sudo().search(
                [("partner_id", "=", log.partner_id.id),
                 ("program_id", "=", log.company_id.crm_vn_loyalty_program_id.id)], limit=1)
            customer = log.partner_id.with_company(log.company_id)  # its tier there
            params = template._params({
                "customer": customer, "tier": customer.tier_id, "card": card,
                "order": target if target._name == "sale.order" else None,
                "occasion": log.message_key.split(":", 3)[-1]})
            external_id, cost = provider._send_zns(
                log.partner_id.mobile or log.partner_id.phone, template.template_ref, params,
                log.message_key)
            values.update(message_state="sent", message_template=template.name,
                          message_provider_id=provider.id, message_external_id=external_id,
                          message_cost=float(cost or 0))
        values["channel_id"] = self.env["crm.vn.care.channel"].sudo().search(
            [("code", "=", channel)], limit=1).id
        log.write(values)

    # ------------------------------------------------------------------ reports
    @api.model
    def _sms_results(self, sms_records, error=None):
        """What Odoo's SMS queue did with messages of the care queue."""
        for sms in sms_records.filtered("crm_vn_care_log_id"):
            log = sms.crm_vn_care_log_id
            if not error:
                log.write({"message_state": "sent", "message_sent_at": fields.Datetime.now(),
                           "message_external_id": sms.crm_vn_external_id,
                           "message_cost": sms.crm_vn_cost})
            elif error.kind == "recipient" and log.message_fallback and log.message_channels:
                channels = log.message_channels.split(",")[1:]
                log.write({"message_channels": ",".join(channels),
                           "message_state": "queued" if channels else "failed",
                           "message_next_try": fields.Datetime.now() if channels else False,
                           "message_error": str(error)[:250]})
            else:
                # Retried by the care queue, which sends a new SMS.
                self._retry_later(log, "sms", error)
