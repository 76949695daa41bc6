import base64
import os
from datetime import timedelta
from pathlib import Path

from werkzeug.urls import url_join

from odoo import Command, fields
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tests.common import ChromeBrowser

SCREENSHOTS = Path(__file__).parents[1] / "static" / "description"
# Set by `make screenshots`: only then are the README's pictures (tracked files) rewritten.
WRITE_SCREENSHOTS = os.environ.get("CRM_VN_SCREENSHOTS") == "1"


@tagged("post_install", "-at_install")
class TestTours(HttpCase):
    """What care staff, team leaders and administrators do every day, clicked through in
    Chromium in the Vietnamese interface. A missing browser fails the run (conftest.py):
    Odoo would only skip these tests."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.ref("base.main_company")
        common = {"company_id": cls.company.id, "company_ids": [Command.set(cls.company.ids)],
                  "lang": "vi_VN", "tz": "Asia/Ho_Chi_Minh"}
        cls.staff = new_test_user(
            cls.env, login="tour_nhanvien", name="Nguyễn Thị Chăm",
            groups="base.group_user,crm_vn_custom.group_crm_vn_care_staff", **common)
        cls.leader = new_test_user(
            cls.env, login="tour_truongnhom", name="Trần Văn Trưởng",
            groups="base.group_user,crm_vn_custom.group_crm_vn_team_leader", **common)
        cls.env["crm.team"].create({
            "name": "Nhóm chăm sóc (tour)", "company_id": cls.company.id,
            "user_id": cls.leader.id,
            "member_ids": [Command.set((cls.leader | cls.staff).ids)]})
        cls.gold = cls.env.ref("crm_vn_custom.tier_gold")  # Vàng: care every 30 days
        cls.company = cls.gold.company_id
        # The users' day in Vietnam, which is already tomorrow in UTC after 17:00.
        cls.today = fields.Date.context_today(cls.staff.with_context(tz=cls.staff.tz))

    def _customer(self, name):
        customer = self.env["res.partner"].create({
            "name": name, "is_company": True, "company_id": self.company.id,
            "user_id": self.staff.id, "customer_rank": 1})
        customer._crm_vn_set_tier_override(self.gold, "Khách hàng chiến lược")
        return customer

    def test_care_staff_completes_a_care_call(self):
        customer = self._customer("Công ty Hoa Mai")
        activity = customer.activity_schedule(
            "mail.mail_activity_data_call", summary="Gọi hỏi thăm sau mua",
            user_id=self.staff.id, date_deadline=self.today)
        self.start_tour(f"/odoo/res.partner/{customer.id}", "crm_vn_care_staff_tour",
                        login="tour_nhanvien")
        log = customer.crm_vn_care_log_ids
        self.assertEqual((log.satisfaction, log.nps, log.user_id), ("5", "9", self.staff))
        self.assertFalse(activity.exists(), "logging the call completes the activity")
        self.assertEqual(customer.last_interaction_date, self.today)

    def test_team_leader_handles_an_overdue_customer_and_a_complaint(self):
        customer = self._customer("Công ty Trễ Hẹn")
        customer.last_interaction_date = self.today - timedelta(days=45)
        self.assertTrue(customer.care_overdue)
        complaint = self.env["crm.vn.complaint"].create({
            "name": "Giao hàng trễ hẹn", "partner_id": customer.id})
        self.start_tour("/odoo/contacts", "crm_vn_team_leader_tour", login="tour_truongnhom")
        self.assertFalse(customer.care_overdue)
        self.assertEqual(customer.next_care_date, self.today + timedelta(days=30))
        self.assertEqual((complaint.state, complaint.deadline_status), ("resolved", "met"))

    def test_admin_creates_a_tier_and_a_care_step(self):
        self.env.ref("base.user_admin").lang = "vi_VN"
        self.start_tour("/odoo/action-crm_vn_custom.crm_vn_tier_action", "crm_vn_admin_tour",
                        login="admin")
        tier = self.env["crm.vn.tier"].search([("code", "=", "PLAT")])
        self.assertEqual((tier.name, tier.min_revenue, tier.contact_interval_days),
                         ("Bạch kim", 500_000_000, 14))
        step = self.env["mail.activity.plan"].search(
            [("name", "=", "Chăm sóc khách Bạch kim")]).template_ids
        self.assertEqual((step.crm_vn_trigger, step.responsible_type, step.summary),
                         ("birthday", "salesperson", "Tặng quà sinh nhật khách Bạch kim"))


@tagged("post_install", "-at_install")
class TestScreenshots(HttpCase):
    """The README's pictures of the main screens, taken on the demo data as the care
    manager (Vietnamese interface). Every run opens the screens and takes the pictures;
    only `make screenshots` (CRM_VN_SCREENSHOTS=1) writes them over the tracked files."""

    def _screenshot(self, url_path, ready, name, login="quanly"):
        browser = ChromeBrowser(self, headless=True, success_signal="", debug=False)
        try:
            self.authenticate(login, login, browser=browser)
            browser.navigate_to(url_join(self.base_url(), url_path))
            loaded = f"({ready}) && !document.querySelector('.o_loading_indicator')"
            self.assertTrue(browser._wait_ready(loaded), f"{name}: the screen did not load")
            image = browser._websocket_request("Page.captureScreenshot")["data"]
        finally:
            browser.stop()
            self._wait_remaining_requests()
        png = base64.b64decode(image)
        self.assertGreater(len(png), 10_000, f"{name}: the screenshot is empty")
        if WRITE_SCREENSHOTS:
            (SCREENSHOTS / f"screenshot_{name}.png").write_bytes(png)

    def test_main_screens(self):
        customer = self.env["res.partner"].search([
            ("company_id", "=", self.env.ref("crm_vn_custom.company_sao_viet").id),
            ("tier_id", "!=", False), ("crm_vn_care_log_ids", "!=", False),
            ("is_company", "=", False)], order="tier_revenue desc", limit=1)
        open_care_tab = (
            "(document.querySelector(\".o_notebook a[name='crm_vn_care']\")?.click(), "
            "document.querySelector('.o_notebook')?.scrollIntoView(), "
            "!!document.querySelector(\"div[name='crm_vn_care_log_ids'] .o_data_row\"))")
        self._screenshot(f"/odoo/contacts/{customer.id}", open_care_tab, "customer_care_tab")
        self._screenshot("/odoo/action-crm_vn_custom.res_partner_action_by_tier",
                         "!!document.querySelector('.o_kanban_group .o_kanban_record')",
                         "customers_by_tier")
        self._screenshot("/odoo/action-crm_vn_custom.crm_vn_dashboard_action",
                         "document.querySelectorAll('.o_crm_vn_tile').length > 10",
                         "dashboard")
