import hashlib
import json
import time

from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestDeliveryReports(HttpCase):
    """Zalo's delivery reports reach Odoo's controller signed; unsigned, forged or replayed
    reports change nothing."""

    def setUp(self):
        super().setUp()
        company = self.env.ref("base.main_company")
        self.provider = self.env["crm.vn.message.provider"].create({
            "name": "Zalo OA", "company_id": company.id, "provider_type": "zalo_zns",
            "api_url": "http://127.0.0.1:9/message/template", "zalo_app_id": "app-9",
            "webhook_secret": "oa-secret"})
        customer = self.env["res.partner"].create({"name": "Khách Nhận Tin"})
        self.message = self.env["crm.vn.care.log"].sudo().create({
            "partner_id": customer.id, "company_id": company.id, "message_state": "sent",
            "message_channel": "zalo", "message_provider_id": self.provider.id,
            "message_external_id": "zns-msg-1", "message_key": "webhook-test:1"})

    def _post(self, event, secret="oa-secret", timestamp=None):
        event = dict(event, timestamp=str(timestamp or int(time.time() * 1000)))
        body = json.dumps(event)
        mac = hashlib.sha256(f"app-9{body}{event['timestamp']}{secret}".encode()).hexdigest()
        return self.url_open(f"/crm_vn/messages/status/{self.provider.id}", data=body,
                             headers={"Content-Type": "application/json",
                                      "X-ZEvent-Signature": f"mac={mac}"})

    def test_signed_report_marks_delivered_once(self):
        event = {"app_id": "app-9", "event_name": "user_received_message",
                 "message": {"msg_id": "zns-msg-1", "delivery_time": "1733100000000"}}
        response = self._post(event)
        self.assertEqual(response.status_code, 200)
        self.message.invalidate_recordset()
        self.assertEqual(self.message.message_state, "delivered")
        self.message.message_state = "sent"
        timestamp = json.loads(response.request.body)["timestamp"]
        replay = self._post(event, timestamp=timestamp)
        self.assertEqual(replay.status_code, 409, "the same signed report again: a replay")
        self.message.invalidate_recordset()
        self.assertEqual(self.message.message_state, "sent")

    def test_forged_or_old_reports_are_refused(self):
        event = {"app_id": "app-9", "event_name": "user_received_message",
                 "message": {"msg_id": "zns-msg-1"}}
        self.assertEqual(self._post(event, secret="guess").status_code, 403)
        old = int((time.time() - 3600) * 1000)
        self.assertEqual(self._post(event, timestamp=old).status_code, 409)
        self.message.invalidate_recordset()
        self.assertEqual(self.message.message_state, "sent")

    def test_unsubscribe_link_withdraws_consent_and_blacklists(self):
        customer = self.env["res.partner"].create(
            {"name": "Khách Hủy Đăng Ký", "email": "huy@example.vn"})
        token = customer._crm_vn_unsubscribe_token()
        self.assertEqual(self.url_open(f"/crm_vn/unsubscribe/{customer.id}/wrong").status_code,
                         404)
        page = self.url_open(f"/crm_vn/unsubscribe/{customer.id}/{token}")
        self.assertEqual(page.status_code, 200)
        done = self.url_open(f"/crm_vn/unsubscribe/{customer.id}/{token}", data={"ok": "1"})
        self.assertEqual(done.status_code, 200, done.text[:500])
        consent = self.env["crm.vn.consent"].search([("partner_id", "=", customer.id)])
        self.assertEqual((consent.purpose, consent.granted, consent.source),
                         ("marketing", False, "unsubscribe"))
        self.assertTrue(self.env["mail.blacklist"].search([("email", "=", "huy@example.vn")]))
