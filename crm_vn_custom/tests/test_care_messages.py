import json
from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged

from ..tools.message_standin import DOWN, NOT_ON_ZALO, QUOTA, SLOW, StandIn
from .test_care import CareCommon


class MessagesCommon(CareCommon):
    """A Zalo OA and an SMS gateway played by a stand-in server on 127.0.0.1, and a care
    plan that thanks the customer for each order on the tier's preferred channel."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.standin = StandIn().start()
        cls.addClassCleanup(cls.standin.stop)
        Provider = cls.env["crm.vn.message.provider"]
        cls.zalo = Provider.create({
            "name": "Zalo OA Kiểm Thử", "company_id": cls.company.id,
            "provider_type": "zalo_zns", "api_url": f"{cls.standin.url}/message/template",
            "oauth_url": f"{cls.standin.url}/v4/oa/access_token", "timeout": 1,
            "zalo_app_id": "app-1", "zalo_secret_key": "app-secret",
            "zalo_access_token": "access-1", "zalo_refresh_token": "refresh-1",
            "zalo_token_expiry": fields.Datetime.now() + timedelta(hours=20),
            "webhook_secret": "oa-secret"})
        cls.sms_gateway = Provider.create({
            "name": "SMS Brandname", "company_id": cls.company.id,
            "provider_type": "sms_esms", "api_url": f"{cls.standin.url}/sms/send",
            "timeout": 1, "sms_brand_name": "KIEMTHU", "sms_api_key": "key",
            "sms_secret_key": "secret"})
        cls.thanks = cls.env["crm.vn.zns.template"].create({
            "name": "Cảm ơn đơn hàng", "provider_id": cls.zalo.id, "template_ref": "248079",
            "purpose": "service",
            "parameter_ids": [(0, 0, {"name": "customer_name", "value_path": "customer.name"}),
                              (0, 0, {"name": "tier", "value_path": "tier.name"}),
                              (0, 0, {"name": "points", "value_path": "card.points"})]})
        sms_template = cls.env["sms.template"].create({
            "name": "Cảm ơn (SMS)", "model_id": cls.env.ref("base.model_res_partner").id,
            "body": "Cảm ơn {{ object.name }} đã mua hàng!"})
        plan = cls.env["mail.activity.plan"].create({
            "name": "Cảm ơn khách hàng", "res_model": "res.partner",
            "company_id": cls.company.id, "crm_vn_stage": "after_sale"})
        cls.step = cls.env["mail.activity.plan.template"].create({
            "plan_id": plan.id, "summary": "Cảm ơn khách đã mua hàng",
            "activity_type_id": cls.env.ref("mail.mail_activity_data_todo").id,
            "crm_vn_trigger": "order_confirmed", "crm_vn_send_channel": "tier",
            "crm_vn_send_fallback": True, "crm_vn_message_only": True,
            "crm_vn_zns_template_id": cls.thanks.id,
            "crm_vn_sms_template_id": sms_template.id,
            "crm_vn_mail_template_id": cls.env.ref(
                "crm_vn_custom.mail_template_tier_upgrade").id})
        channels = cls.env["crm.vn.care.channel"].search([("code", "in", ("zalo", "sms"))])
        (cls.member | cls.silver | cls.gold).channel_ids = channels
        cls.messenger = cls.env["crm.vn.messenger"]

    def setUp(self):
        super().setUp()
        self.standin.requests.clear()
        self.standin.access_token, self.standin.refresh_token = "access-1", "refresh-1"

    def _buyer(self, name, mobile, **values):
        customer = self._customer(name, mobile=mobile, user_id=self.salesperson.id, **values)
        self._order(customer, 5)
        return customer

    def _message(self, customer):
        return self.env["crm.vn.care.log"].search(
            [("partner_id", "=", customer.id), ("step_id", "=", self.step.id)])

    def _send_queue(self):
        self.messenger._cron_send_queue()
        self.env["sms.sms"].search([("state", "=", "outgoing")]).send()


@tagged("post_install", "-at_install")
class TestSendingMessages(MessagesCommon):
    def test_order_thanks_go_out_on_zalo_once_per_order(self):
        customer = self._buyer("Nguyễn Thị Zalo", "0912 345 601")
        message = self._message(customer)
        self.assertEqual(message.message_state, "queued", "queued, never sent by the order")
        self.assertFalse(self.standin.calls("/message/template"))
        self._send_queue()
        self.assertEqual((message.message_state, message.message_channel),
                         ("sent", "zalo"))
        sent = self.standin.calls("/message/template")
        self.assertEqual(len(sent), 1)
        self.assertEqual(sent[0]["phone"], "84912345601", "ZNS wants the 84… form")
        self.assertEqual(sent[0]["tracking_id"], message.message_key)
        self.assertEqual(sent[0]["template_data"]["customer_name"], "Nguyễn Thị Zalo")
        self.assertTrue(message.message_external_id.startswith("zns-"))
        self.assertEqual(customer.last_interaction_date, fields.Date.today(),
                         "the order moved it, the message does not count as care")
        self._send_queue()
        self.assertEqual(len(self.standin.calls("/message/template")), 1, "never twice")

    def test_not_on_zalo_falls_back_to_sms_through_odoo_sms_queue(self):
        customer = self._buyer("Trần Văn Không Zalo", "0912 345 " + NOT_ON_ZALO)
        self._send_queue()
        message = self._message(customer)
        self.assertEqual((message.message_state, message.message_channel), ("sent", "sms"))
        sms = self.standin.calls("/sms")
        self.assertEqual(len(sms), 1)
        self.assertEqual(sms[0]["Content"], "Cam on Tran Van Khong Zalo da mua hang!",
                         "brand-name SMS go without diacritics")
        self.assertEqual((sms[0]["Brandname"], sms[0]["RequestId"]),
                         ("KIEMTHU", message.message_key))
        self.assertEqual(message.message_cost, 750)

    def test_without_fallback_a_customer_not_on_zalo_is_not_reached(self):
        self.step.crm_vn_send_fallback = False
        customer = self._buyer("Lê Thị Không Zalo", "0912 345 " + NOT_ON_ZALO)
        self._send_queue()
        message = self._message(customer)
        self.assertEqual(message.message_state, "skipped")
        self.assertIn("Zalo account does not exist", message.message_error)
        self.assertFalse(self.standin.calls("/sms"))

    def test_customer_without_phone_is_skipped_saying_why(self):
        customer = self._buyer("Phạm Văn Không Số", False)
        self._send_queue()
        message = self._message(customer)
        self.assertEqual(message.message_state, "skipped")
        self.assertIn("No phone number", message.message_error)

    def test_expired_token_is_refreshed_and_the_message_retried_once(self):
        self.standin.access_token = "access-new-from-zalo"  # ours was revoked
        self.standin.refresh_token = "refresh-1"
        customer = self._buyer("Đỗ Thị Token", "0912 345 602")
        self._send_queue()
        self.assertEqual(self._message(customer).message_state, "sent")
        zalo = self.zalo.sudo()
        self.assertEqual((zalo.zalo_access_token, zalo.zalo_refresh_token),
                         (self.standin.access_token, self.standin.refresh_token),
                         "Zalo's refresh token is single-use: the new one is kept")
        self.assertEqual(len(self.standin.calls("/v4/oa/access_token")), 1)

    def test_quota_exceeded_retries_the_next_day(self):
        customer = self._buyer("Vũ Văn Hạn Mức", "0912 345 " + QUOTA)
        self.step.crm_vn_send_fallback = False
        self._send_queue()
        message = self._message(customer)
        self.assertEqual(message.message_state, "queued")
        self.assertGreater(message.message_next_try,
                           fields.Datetime.now() + timedelta(hours=23))

    def test_timeouts_and_outages_retry_with_backoff_then_fail(self):
        slow = self._buyer("Hoàng Văn Chậm", "0912 345 " + SLOW)
        down = self._buyer("Hoàng Văn Sập", "0912 345 " + DOWN)
        self._send_queue()
        for customer in (slow, down):
            message = self._message(customer)
            self.assertEqual((message.message_state, message.message_attempts), ("queued", 1))
            self.assertAlmostEqual(message.message_next_try, fields.Datetime.now()
                                   + timedelta(minutes=5), delta=timedelta(minutes=1))
        message = self._message(down)
        for _attempt in range(4):
            message.message_next_try = fields.Datetime.now() - timedelta(seconds=1)
            self._send_queue()
        self.assertEqual((message.message_state, message.message_attempts), ("failed", 5))
        self.assertIn("HTTP 500", message.message_error)
        dashboard = self.env["crm.vn.dashboard"].with_user(self.sales_manager).with_context(
            allowed_company_ids=self.company.ids).retrieve_dashboard()
        tiles = {tile["label"]: tile for section in dashboard["sections"]
                 for tile in section["tiles"]}
        self.assertEqual(tiles["Messages Failed"]["value"], 1, "a manager sees the failure")


    def test_token_refreshed_before_it_expires(self):
        self.zalo.sudo().zalo_token_expiry = fields.Datetime.now() + timedelta(minutes=10)
        self.standin.access_token = "access-1"
        customer = self._buyer("Tạ Thị Sắp Hết Hạn", "0912 345 608")
        self._send_queue()
        self.assertEqual(self._message(customer).message_state, "sent")
        self.assertEqual(len(self.standin.calls("/v4/oa/access_token")), 1)
        self.assertEqual(len(self.standin.calls("/message/template")), 1,
                         "refreshed first: no message refused for an expired token")
        self.assertGreater(self.zalo.zalo_token_expiry,
                           fields.Datetime.now() + timedelta(hours=24))

    def test_email_goes_through_odoo_mail_queue_with_unsubscribe_link(self):
        self.step.write({"crm_vn_send_channel": "email", "crm_vn_message_purpose": "marketing",
                         "crm_vn_send_fallback": False})
        self.company.write({"crm_vn_marketing_hour_from": 7, "crm_vn_marketing_hour_to": 22})
        customer = self._customer("Lâm Thị Thư", email="thu@example.vn",
                                  user_id=self.salesperson.id)
        self.env["crm.vn.consent"].create({
            "partner_id": customer.id, "purpose": "marketing", "channel": "email",
            "company_id": self.company.id})
        with freeze_time("2026-12-02 03:00:00"):  # 10:00 in Hà Nội
            self._order(customer, 5)
            self._send_queue()
        message = self._message(customer)
        self.assertEqual((message.message_state, message.message_channel), ("sent", "email"))
        mail = self.env["mail.mail"].search([("email_to", "ilike", "thu@example.vn")],
                                            order="id desc", limit=1)
        self.assertEqual(mail.state, "outgoing", "queued in Odoo's mail queue")
        self.assertIn(f"/crm_vn/unsubscribe/{customer.id}/", mail.body_html)

    def test_provider_secrets_are_for_administrators_only(self):
        provider = self.zalo.with_user(self.sales_manager)
        self.assertEqual(provider.name, "Zalo OA Kiểm Thử")
        with self.assertRaises(AccessError):
            provider.zalo_secret_key  # noqa: B018 (reading is what is refused)


@tagged("post_install", "-at_install")
class TestConsent(MessagesCommon):
    def setUp(self):
        super().setUp()
        self.step.crm_vn_message_purpose = "marketing"
        self.company.write({"crm_vn_marketing_hour_from": 7, "crm_vn_marketing_hour_to": 22,
                            "crm_vn_marketing_daily_cap": 3})

    def _consent(self, customer, granted=True, channel="all"):
        return self.env["crm.vn.consent"].create({
            "partner_id": customer.id, "purpose": "marketing", "channel": channel,
            "granted": granted, "source": "form", "company_id": self.company.id})

    def test_no_promotion_without_prior_consent_per_channel(self):
        customer = self._buyer("Ngô Thị Chưa Đồng Ý", "0912 345 603")
        message = self._message(customer).sudo()
        self.assertIn("No consent", self.messenger._blocked_reason(message, "zalo"))
        self._consent(customer, channel="zalo")
        self.assertFalse(self.messenger._blocked_reason(message, "zalo"))
        self.assertIn("No consent", self.messenger._blocked_reason(message, "sms"),
                      "consent is given per channel")
        with freeze_time("2026-12-02 03:00:00"):  # 10:00 in Hà Nội
            self.step.crm_vn_send_fallback = False
            stranger = self._buyer("Lý Văn Im Lặng", "0912 345 607")
            self._send_queue()
        self.assertEqual(self._message(stranger).message_state, "skipped",
                         "silence is not consent")
        self.assertEqual(len(self.standin.calls("/message/template")), 0)

    def test_withdrawal_blacklists_email_and_phones_and_stops_service_messages(self):
        customer = self._customer("Bùi Thị Rút Lại", mobile="0912 345 604",
                                  email="rutlai@example.vn", user_id=self.salesperson.id)
        self._consent(customer)
        self._consent(customer, granted=False)
        self.assertTrue(self.env["mail.blacklist"].search([("email", "=", "rutlai@example.vn")]))
        self.assertTrue(self.env["phone.blacklist"].search([("number", "=", "+84912345604")]))
        self._consent(customer)
        self.assertFalse(self.env["mail.blacklist"].search(
            [("email", "=", "rutlai@example.vn")]), "a new consent lifts the blacklist")
        self.env["crm.vn.consent"].create({
            "partner_id": customer.id, "purpose": "service", "channel": "all",
            "granted": False, "source": "call", "company_id": self.company.id})
        self.step.crm_vn_message_purpose = "service"
        self._order(customer, 5)
        self._send_queue()
        message = self._message(customer)
        self.assertEqual(message.message_state, "skipped")
        self.assertFalse(self.standin.calls("/message/template"))

    def test_sending_window_and_daily_cap(self):
        self.company.write({"crm_vn_marketing_hour_from": 8, "crm_vn_marketing_hour_to": 21,
                            "crm_vn_marketing_daily_cap": 1})
        with freeze_time("2026-12-01 23:30:00"):  # 06:30 in Hà Nội: before the window
            customer = self._buyer("Đinh Thị Giờ Gửi", "0912 345 605")
            self._consent(customer)
            self._send_queue()
        message = self._message(customer)
        self.assertEqual(message.message_state, "queued")
        self.assertEqual(message.message_next_try, datetime(2026, 12, 2, 1, 0),
                         "waits for 08:00 Hà Nội time")
        self.assertFalse(self.standin.calls("/message/template"))
        with freeze_time("2026-12-02 01:00:00"):
            self._send_queue()
            self.assertEqual(message.message_state, "sent")
            self._order(customer, 3)
            second = self._message(customer) - message
            self._send_queue()
        self.assertEqual(second.message_state, "queued", "one promotion a day at most")
        self.assertEqual(second.message_next_try, datetime(2026, 12, 3, 1, 0))
        with freeze_time("2026-12-02 15:00:00"):  # 22:00: after the window
            self.assertEqual(self.messenger._marketing_delay(self.company, customer),
                             datetime(2026, 12, 3, 1, 0))

    def test_rules_no_looser_than_decree_91(self):
        with self.assertRaises(ValidationError):
            self.company.crm_vn_marketing_daily_cap = 4
        with self.assertRaises(ValidationError):
            self.company.crm_vn_marketing_hour_to = 23


@tagged("post_install", "-at_install")
class TestZnsTemplates(MessagesCommon):
    def test_every_parameter_must_be_mapped_to_an_existing_field(self):
        with self.assertRaises(ValidationError) as error:
            self.thanks.write({"parameter_ids": [(0, 0, {"name": "order_code"})]})
        self.assertIn("order_code", str(error.exception))
        with self.assertRaises(ValidationError):
            self.thanks.write({"parameter_ids": [
                (0, 0, {"name": "x", "value_path": "customer.no_such_field"})]})

    def test_step_sending_a_message_needs_its_template(self):
        with self.assertRaises(ValidationError):
            self.step.copy({"crm_vn_send_channel": "zalo", "crm_vn_zns_template_id": False})


@tagged("post_install", "-at_install")
class TestPersonalData(MessagesCommon):
    def test_export_and_erase_for_care_managers_only_audited(self):
        customer = self._buyer("Mai Thị Dữ Liệu", "0912 345 606", email="dulieu@example.vn")
        self.env["crm.vn.consent"].create({
            "partner_id": customer.id, "purpose": "marketing", "source": "paper",
            "evidence": "Phiếu đăng ký số 12", "company_id": self.company.id})
        staff_request = self.env["crm.vn.data.subject.request"].with_user(self.salesperson)
        with self.assertRaises(AccessError):
            staff_request.create({"partner_id": customer.id, "reason": "x"}).action_confirm()
        manager = self.sales_manager
        request = self.env["crm.vn.data.subject.request"].with_user(manager).create({
            "partner_id": customer.id, "reason": "Email của khách ngày 2/12"})
        action = request.action_confirm()
        attachment = self.env["ir.attachment"].browse(int(action["url"].split("/")[3][:-14]))
        data = json.loads(attachment.raw)
        self.assertEqual(data["customer"][0]["mobile"], "+84 912 345 606")
        self.assertEqual(data["consents"][0]["evidence"], "Phiếu đăng ký số 12")
        order = self.env["sale.order"].search([("partner_id", "=", customer.id)])
        total = order.amount_total
        self.env["crm.vn.data.subject.request"].with_user(manager).create({
            "partner_id": customer.id, "request": "erase",
            "reason": "Khách yêu cầu xoá ngày 2/12"}).action_confirm()
        customer.invalidate_recordset()
        self.assertFalse(customer.active)
        self.assertFalse(customer.mobile or customer.email)
        self.assertNotIn("Mai Thị", customer.name)
        self.assertEqual((order.partner_id, order.amount_total), (customer, total),
                         "orders and totals stay for accounting")
        audit = self.env["crm.vn.audit.log"].search([("partner_id", "=", customer.id)])
        self.assertEqual(set(audit.mapped("kind")), {"data_export", "data_erasure"})
