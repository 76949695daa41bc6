import json
from datetime import timedelta

from odoo import Command, fields, http
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

ACCESS_ERROR = "odoo.exceptions.AccessError"


@tagged("post_install", "-at_install")
class TestCustomerPortal(HttpCase):
    """The customer's side (issue 24, item 5), over HTTP as two portal customers of one
    Vietnamese shop: each sees his own tier, points and complaints only, files a complaint
    that gets his tier's deadlines and reaches his salesperson, and reads numbers the
    Vietnamese way."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env["res.company"].create({
            "name": "Cửa hàng Điện máy Cổng", "currency_id": cls.env.ref("base.VND").id,
            "country_id": cls.env.ref("base.vn").id})
        common = {"company_id": cls.company.id, "company_ids": [Command.set(cls.company.ids)],
                  "tz": "Asia/Ho_Chi_Minh", "lang": "vi_VN"}
        cls.staff = new_test_user(
            cls.env, login="crmvn_portal_staff", name="Nguyễn Thị Chăm Sóc",
            groups="base.group_user,crm_vn_custom.group_crm_vn_care_staff", **common)
        cls.program = cls.env["loyalty.program"].create({
            "name": "Tích điểm Cổng", "program_type": "loyalty", "portal_visible": True,
            "portal_point_name": "điểm", "company_id": cls.company.id,
            "currency_id": cls.company.currency_id.id})
        cls.company.crm_vn_loyalty_program_id = cls.program
        Tier = cls.env["crm.vn.tier"].with_context(crm_vn_defer_tier_check=True)
        cls.gold = Tier.create({
            "name": "Vàng Cổng", "code": "PGOLD", "rank": 3, "company_id": cls.company.id,
            "min_revenue": 20_000_000, "min_order_count": 4,
            "complaint_response_hours": 8, "complaint_resolution_hours": 48,
            "discount_percent": 5, "points_multiplier": 1.5, "birthday_bonus_points": 1000})
        cls.diamond = Tier.create({
            "name": "Kim Cương Cổng", "code": "PDIAMOND", "rank": 4,
            "company_id": cls.company.id, "min_revenue": 50_000_000, "min_order_count": 6,
            "complaint_response_hours": 4, "complaint_resolution_hours": 24})
        cls.alice = cls._portal_customer("crmvn_portal_a", "Trần Thị Ánh")
        cls.bob = cls._portal_customer("crmvn_portal_b", "Lê Văn Bình")
        cls.alice.partner_id._crm_vn_set_tier_override(cls.gold, "Khách chiến lược nội bộ")
        Card = cls.env["loyalty.card"]
        cls.alice_card = Card._crm_vn_card_of(cls.alice.partner_id, cls.program)
        cls.alice_card._crm_vn_post(7111, "Đơn hàng S0042", "earning")
        cls.bob_card = Card._crm_vn_card_of(cls.bob.partner_id, cls.program)
        cls.bob_card._crm_vn_post(55, "Đơn hàng S0043", "earning")
        product = cls.env["product.product"].create({"name": "Quạt điều hòa", "list_price": 3e6})
        cls.alice_order, cls.bob_order = cls.env["sale.order"].create([{
            "partner_id": user.partner_id.id, "user_id": cls.staff.id,
            "company_id": cls.company.id,
            "order_line": [Command.create({"product_id": product.id})]}
            for user in (cls.alice, cls.bob)])
        (cls.alice_order | cls.bob_order).action_confirm()
        Complaint = cls.env["crm.vn.complaint"]
        cls.alice_complaint = Complaint.create({
            "name": "Giao thiếu phụ kiện", "partner_id": cls.alice.partner_id.id,
            "company_id": cls.company.id, "lead_id": cls.env["crm.lead"].create(
                {"name": "Cơ hội nội bộ", "company_id": cls.company.id}).id})
        cls.bob_complaint = Complaint.create({
            "name": "Quạt kêu to bất thường", "partner_id": cls.bob.partner_id.id,
            "company_id": cls.company.id})

    @classmethod
    def _portal_customer(cls, login, name):
        user = new_test_user(
            cls.env, login=login, name=name, groups="base.group_portal",
            company_id=cls.company.id, company_ids=[Command.set(cls.company.ids)],
            lang="vi_VN", tz="Asia/Ho_Chi_Minh")
        user.partner_id.write({
            "company_id": cls.company.id, "user_id": cls.staff.id, "customer_rank": 1,
            "comment": "<p>Khách hay đổi trả: chỉ giảm tối đa 2%</p>"})
        return user

    def _login(self, user):
        self.authenticate(user.login, user.login)

    def _get(self, url):
        with mute_logger("odoo.http", "werkzeug"):
            return self.url_open(url, allow_redirects=False)

    def _call(self, model, method, *args, **kwargs):
        payload = {"jsonrpc": "2.0", "method": "call", "id": 1,
                   "params": {"model": model, "method": method, "args": list(args),
                              "kwargs": kwargs}}
        with mute_logger("odoo.http"):
            reply = self.url_open("/web/dataset/call_kw", data=json.dumps(payload),
                                  headers={"Content-Type": "application/json"}).json()
        return reply.get("result", reply.get("error", {}).get("data", {}).get("name"))

    def _file(self, **form):
        with mute_logger("odoo.http"):
            return self.url_open("/my/complaints/new", data={
                "csrf_token": http.Request.csrf_token(self), **form}, allow_redirects=False)

    # ------------------------------------------------------------------ complaints
    def test_each_customer_sees_only_his_own_complaints(self):
        for user, mine, theirs in ((self.alice, self.alice_complaint, self.bob_complaint),
                                   (self.bob, self.bob_complaint, self.alice_complaint)):
            self._login(user)
            page = self._get("/my/complaints")
            self.assertEqual(page.status_code, 200)
            self.assertIn(mine.name, page.text)
            self.assertNotIn(theirs.name, page.text)
            own = self._get(f"/my/complaints/{mine.id}")
            self.assertEqual(own.status_code, 200)
            self.assertIn(mine.name, own.text)
            self.assertEqual(self._get(f"/my/complaints/{theirs.id}").status_code, 404,
                             "another customer's complaint does not exist for him")
            self.assertEqual(self._call("crm.vn.complaint", "read", theirs.ids, ["name"]),
                             ACCESS_ERROR)
            found = self._call("crm.vn.complaint", "search_read", [], ["name"])
            self.assertEqual([row["name"] for row in found], [mine.name])
            counters = self.url_open("/my/counters", data=json.dumps({
                "jsonrpc": "2.0", "method": "call", "id": 1,
                "params": {"counters": ["crm_vn_complaint_count"]}}),
                headers={"Content-Type": "application/json"}).json()["result"]
            self.assertEqual(counters, {"crm_vn_complaint_count": 1})

    def test_customers_read_their_complaint_but_not_the_company_notes_on_it(self):
        self._login(self.alice)
        row = self._call("crm.vn.complaint", "read", self.alice_complaint.ids,
                         ["name", "state", "response_deadline", "resolution_deadline"])[0]
        self.assertEqual((row["name"], row["state"]), ("Giao thiếu phụ kiện", "new"))
        for internal in ("lead_id", "team_id", "escalated", "deadline_status"):
            self.assertEqual(self._call("crm.vn.complaint", "read", self.alice_complaint.ids,
                                        [internal]), ACCESS_ERROR, internal)
        self.assertEqual(self._call("crm.vn.complaint", "write", self.alice_complaint.ids,
                                    {"state": "resolved"}), ACCESS_ERROR)
        page = self._get(f"/my/complaints/{self.alice_complaint.id}").text
        self.assertNotIn("Cơ hội nội bộ", page)

    def test_a_customer_files_a_complaint_that_reaches_his_salesperson(self):
        self._login(self.alice)
        form = self._get("/my/complaints/new")
        self.assertEqual(form.status_code, 200)
        self.assertIn(self.alice_order.name, form.text, "his orders are offered")
        self.assertNotIn(self.bob_order.name, form.text)
        self.assertRegex(form.text, r"\b8\b[^<]*giờ", "the tier's first-answer time is shown")
        before = fields.Datetime.now().replace(microsecond=0)
        reply = self._file(subject="  Quạt giao đến   bị nứt ", order_id=str(self.alice_order.id),
                           description="Mặt trước bị nứt.\nMong được đổi <b>quạt</b> mới.")
        self.assertEqual(reply.status_code, 303)
        complaint = self.env["crm.vn.complaint"].search(
            [("partner_id", "=", self.alice.partner_id.id), ("name", "=", "Quạt giao đến bị nứt")])
        self.assertEqual(len(complaint), 1)
        self.assertIn(f"/my/complaints/{complaint.id}", reply.headers["Location"])
        self.assertRecordValues(complaint, [{
            "order_id": self.alice_order.id, "user_id": self.staff.id, "tier_id": self.gold.id,
            "company_id": self.company.id, "state": "new",
            "channel_id": self.env.ref("crm_vn_custom.care_channel_portal").id}])
        self.assertGreaterEqual(complaint.date_open, before)
        self.assertEqual(complaint.response_deadline - complaint.date_open, timedelta(hours=8))
        self.assertEqual(complaint.resolution_deadline - complaint.date_open,
                         timedelta(hours=48))
        self.assertIn("&lt;b&gt;quạt&lt;/b&gt;", complaint.description, "text, not HTML")
        # It reaches the salesperson: a to-do by the first-answer deadline, and the
        # customer's message; the customer follows the complaint.
        todo = complaint.activity_ids
        self.assertEqual((todo.user_id, todo.activity_type_id),
                         (self.staff, self.env.ref("mail.mail_activity_data_todo")))
        self.assertIn(complaint.name, todo.summary)
        self.assertEqual(todo.date_deadline, fields.Datetime.context_timestamp(
            complaint.with_context(tz="Asia/Ho_Chi_Minh"), complaint.response_deadline).date())
        self.assertIn(self.staff.partner_id, complaint.message_partner_ids)
        self.assertIn(self.alice.partner_id, complaint.message_partner_ids)
        message = complaint.message_ids.filtered(lambda m: m.message_type == "comment")
        self.assertEqual(message.author_id, self.alice.partner_id)
        self.assertIn(self.staff.partner_id, message.notification_ids.res_partner_id)
        page = self._get(reply.headers["Location"])
        self.assertEqual(page.status_code, 200)
        self.assertIn("Quạt giao đến bị nứt", page.text)
        self.assertIn("o_crm_vn_complaint_filed", page.text)
        # Answering closes the to-do; the customer hears of the change of status.
        complaint.with_user(self.staff).action_start()
        self.assertFalse(complaint.activity_ids)
        self.env.flush_all()
        self.env.cr.precommit.run()  # field tracking is posted just before the commit
        status = complaint.message_ids.filtered(
            lambda m: m.subtype_id == self.env.ref("crm_vn_custom.mt_complaint_state"))
        self.assertIn(self.alice.partner_id, status.notification_ids.res_partner_id)

    def test_a_complaint_is_filed_only_with_the_form_and_only_on_ones_own_orders(self):
        self._login(self.alice)
        Complaint = self.env["crm.vn.complaint"]
        count = Complaint.search_count([])
        with mute_logger("odoo.http"):
            forged = self.url_open("/my/complaints/new", data={"subject": "Không có mã CSRF"},
                                   allow_redirects=False)
        self.assertEqual(forged.status_code, 400, "a post without the form's CSRF token")
        refused = self._file(subject="Đơn của người khác", order_id=str(self.bob_order.id))
        self.assertEqual(refused.status_code, 200)
        self.assertIn("is-invalid", refused.text)
        empty = self._file(subject="   ")
        self.assertIn("is-invalid", empty.text)
        self.assertEqual(Complaint.search_count([]), count)
        self.assertEqual(self._call("crm.vn.complaint", "create", {
            "name": "Qua API", "partner_id": self.alice.partner_id.id}), ACCESS_ERROR)

    # ------------------------------------------------------------------ tier and points
    def test_tier_benefits_next_tier_and_points_history_in_vietnamese(self):
        self._login(self.alice)
        page = self._get("/my/membership")
        self.assertEqual(page.status_code, 200)
        text = page.text
        self.assertIn("7.111 điểm", text, "Vietnamese thousands separator")
        self.assertIn("Vàng Cổng", text)
        self.assertIn("1.000", text, "birthday bonus of the tier, grouped")
        self.assertIn("× 1,5 ", text, "points multiplier, Vietnamese decimal comma")
        self.assertIn("Kim Cương Cổng", text, "the next tier")
        self.assertIn("50.000.000", text, "the next tier's revenue threshold")
        customer = self.alice.partner_id
        self.assertEqual(customer.tier_next_id.name, "Kim Cương Cổng")
        missing_orders = customer.tier_next_missing_orders
        self.assertEqual(missing_orders, 6 - 1, "one order of the six the next tier asks")
        revenue = customer.with_context(lang="vi_VN")._crm_vn_next_tier_missing()[0]
        self.assertIn(f"Còn thiếu: {revenue}", text, "what is still missing for the next tier")
        self.assertIn(f"{missing_orders} đơn hàng nữa", text)
        expiry = self.alice_card.history_ids.crm_vn_expiry_date
        self.assertTrue(expiry)
        self.assertIn(expiry.strftime("%d/%m/%Y"), text, "points history with expiry dates")
        self.assertIn("Đơn hàng S0042", text)
        # The company's notes about him stay with the company.
        for internal in ("Khách chiến lược nội bộ", "Khách hay đổi trả", "Đơn hàng S0043"):
            self.assertNotIn(internal, text)
        home = self._get("/my").text
        self.assertIn("7.111 điểm", home)
        self.assertIn("/my/membership", home)
        self.assertIn("/my/complaints", home)

    def test_each_customer_sees_his_own_points_only(self):
        self._login(self.bob)
        text = self._get("/my/membership").text
        self.assertIn("55 điểm", text)
        self.assertNotIn("7.111", text)
        self.assertNotIn("Đơn hàng S0042", text)
        self.assertEqual(self._call("loyalty.history", "read",
                                    self.alice_card.history_ids.ids, ["description"]),
                         ACCESS_ERROR)

    def test_points_show_with_the_readers_thousands_separator(self):
        self.env["res.lang"]._activate_lang("en_US")
        card = self.alice_card
        self.assertEqual(card.with_context(lang="vi_VN")._format_points(7111), "7.111 điểm")
        self.assertEqual(card.with_context(lang="en_US")._format_points(7111), "7,111 điểm")
        self.assertEqual(card.with_context(lang="vi_VN")._format_points(12.5), "12,5 điểm")
        self.assertEqual(card.with_context(lang="vi_VN")._format_points(1234.25), "1.234,25 điểm")

    def test_in_the_browser_the_complaints_card_shows_without_complaints(self):
        """Odoo hides the cards of the portal's home until their counter is above zero: a
        customer without complaints must still find where to file one. The complaint page
        (with the portal's chatter) runs without a JavaScript error."""
        new_customer = self._portal_customer("crmvn_portal_c", "Phạm Thị Chưa Khiếu Nại")
        self.browser_js("/my", """
            const card = document.querySelector("[data-placeholder_count='crm_vn_complaint_count']")
                .closest(".o_portal_index_card");
            if (card.classList.contains("d-none")) {
                console.error("the complaints card is hidden");
            } else {
                console.log("test successful");
            }""", ready="document.querySelector('.o_portal_my_home') "
                        "&& !document.querySelector('.o_portal_doc_spinner')",
            login=new_customer.login)
        self.browser_js(f"/my/complaints/{self.alice_complaint.id}",
                        "odoo.portalChatterReady.then(() => console.log('test successful'))",
                        ready="odoo.portalChatterReady", login=self.alice.login)
