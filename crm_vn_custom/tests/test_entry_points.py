from datetime import timedelta

from odoo import Command, fields
from odoo.tests import HttpCase, new_test_user, tagged

from .common import call_kw
from .test_access import build_staff

ACCESS_ERROR = "odoo.exceptions.AccessError"
VALIDATION_ERROR = "odoo.exceptions.ValidationError"


@tagged("post_install", "-at_install")
class TestEntryPointsCheckTheCaller(HttpCase):
    """The five ways around the record rules found over JSON-RPC (issue 23): each server
    entry point acts only on what its caller may act on."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env["res.company"].create(
            {"name": "Công ty Cổng", "currency_id": cls.env.ref("base.VND").id})
        build_staff(cls)
        cls.portal = new_test_user(
            cls.env, login="crmvn_portal", name="Khách Cổng", groups="base.group_portal",
            company_id=cls.company.id, company_ids=[Command.set(cls.company.ids)])
        cls.portal_customer = cls.portal.partner_id
        cls.portal_customer.write({
            "comment": "<p>Khách khó tính: giảm giá tối đa 5%</p>", "company_id": cls.company.id,
            "user_id": cls.staff.id})
        cls.portal_customer.sudo()._crm_vn_set_tier_override(
            cls.env["crm.vn.tier"].create({"name": "Vàng cổng", "code": "GP", "rank": 9,
                                           "company_id": cls.company.id}),
            "Khách chiến lược")
        cls.other_company = cls.env["res.company"].create(
            {"name": "Công ty Khác", "currency_id": cls.env.ref("base.VND").id})
        cls.other_company_manager = new_test_user(
            cls.env, login="crmvn_other_manager", name="Quản Lý Khác",
            groups="base.group_user,crm_vn_custom.group_crm_vn_care_manager",
            company_id=cls.other_company.id, company_ids=[Command.set(cls.other_company.ids)])
        cls.other_company_staff = new_test_user(
            cls.env, login="crmvn_other_staff", name="Nhân Viên Khác",
            groups="base.group_user,crm_vn_custom.group_crm_vn_care_staff",
            company_id=cls.other_company.id, company_ids=[Command.set(cls.other_company.ids)])

    def _call(self, model, method, *args, **kwargs):
        kwargs.setdefault("context", {"allowed_company_ids": self.env.user.company_ids.ids})
        reply = call_kw(self, model, method, *args, **kwargs).json()
        return reply.get("result", reply.get("error", {}).get("data", {}).get("name"))

    def _login(self, user):
        self.authenticate(user.login, user.login)
        self.env = self.env(user=user)

    def test_1_tiers_are_recomputed_only_by_administrators(self):
        history = self.env["crm.vn.tier.history"].sudo()
        before = history.search_count([])
        partners = self.env["res.partner"].sudo().search([("company_id", "=", self.company.id)])
        for user in (self.portal, self.staff, self.manager):
            self._login(user)
            self.assertEqual(self._call("res.partner", "action_recompute_tier", partners.ids),
                             ACCESS_ERROR)
        self.assertEqual(history.search_count([]), before)
        self._login(self.admin)
        self.assertIn(self._call("res.partner", "action_recompute_tier", self.own.ids),
                      (None, False))

    def test_2_care_and_complaints_only_on_customers_one_sees(self):
        self._login(self.staff)
        values = {"partner_id": self.other_teams.id, "satisfaction": "1", "nps": "0"}
        self.assertEqual(self._call("crm.vn.care.log", "create", values), ACCESS_ERROR)
        self.assertEqual(self._call("crm.vn.complaint", "create", {
            "name": "Khiếu nại giả", "partner_id": self.other_teams.id}), ACCESS_ERROR)
        future = fields.Date.to_string(fields.Date.today() + timedelta(days=30))
        self.assertEqual(self._call("crm.vn.care.log", "create", {
            "partner_id": self.own.id, "date": future}), VALIDATION_ERROR)
        log_id = self._call("crm.vn.care.log", "create", {"partner_id": self.own.id})
        self.assertIsInstance(log_id, int, "staff still log care on their own customers")
        self.assertEqual(self._call("crm.vn.care.log", "write", [log_id],
                                    {"partner_id": self.other_teams.id}), ACCESS_ERROR)
        self.assertFalse(self.other_teams.sudo().last_interaction_date)
        self.assertFalse(self.env["crm.vn.care.log"].sudo().search(
            [("partner_id", "=", self.other_teams.id)]))

    def test_3_care_occurrences_follow_their_customer(self):
        plan = self.env["mail.activity.plan"].sudo().create({
            "name": "Kế hoạch thử", "crm_vn_stage": "recurring", "company_id": self.company.id,
            "res_model": "res.partner",
            "template_ids": [Command.create({"summary": "Gọi hỏi thăm",
                                             "responsible_type": "on_demand"})]})
        Occurrence = self.env["crm.vn.care.occurrence"].sudo()
        for partner in (self.own, self.colleagues, self.other_teams):
            Occurrence.create({"template_id": plan.template_ids.id, "res_model": "res.partner",
                               "res_id": partner.id, "partner_id": partner.id,
                               "occasion": "birthday:2026", "user_id": partner.user_id.id})
        domain = [("template_id", "=", plan.template_ids.id)]
        self._login(self.staff)
        rows = self._call("crm.vn.care.occurrence", "search_read", domain, ["partner_id"])
        self.assertEqual({row["partner_id"][0] for row in rows}, set(self.own.ids))
        self._login(self.leader)
        rows = self._call("crm.vn.care.occurrence", "search_read", domain, ["partner_id"])
        self.assertEqual({row["partner_id"][0] for row in rows},
                         set((self.own | self.colleagues).ids))
        self._login(self.other_company_staff)
        self.assertEqual(self._call("crm.vn.care.occurrence", "search_read", domain,
                                    ["partner_id"]), [])

    def test_4_care_plans_of_a_company_are_changed_in_that_company(self):
        shared = self.env.ref("crm_vn_custom.care_plan_recurring")
        plan_a = shared.sudo().copy({"company_id": self.company.id})
        self._login(self.other_company_manager)
        self.assertEqual(self._call("mail.activity.plan", "write", shared.ids,
                                    {"name": "Đổi tên"}), ACCESS_ERROR)
        self.assertEqual(self._call("mail.activity.plan", "write", plan_a.ids,
                                    {"name": "Đổi tên"}), ACCESS_ERROR)
        self.assertEqual(self._call("mail.activity.plan.template", "write",
                                    shared.template_ids[:1].ids, {"summary": "Đổi"}),
                         ACCESS_ERROR)
        self.assertEqual(self._call("mail.activity.plan", "create", {
            "name": "Kế hoạch lạ", "crm_vn_stage": "recurring", "res_model": "res.partner",
            "company_id": self.company.id}), ACCESS_ERROR)
        own_plan = self._call("mail.activity.plan", "create", {
            "name": "Kế hoạch riêng", "crm_vn_stage": "recurring", "res_model": "res.partner",
            "company_id": self.other_company.id})
        self.assertIsInstance(own_plan, int, "a manager still plans care for their company")
        self.assertNotEqual(shared.name, "Đổi tên")
        self._login(self.admin)
        self.assertTrue(self._call("mail.activity.plan", "write", shared.ids,
                                   {"name": "Chăm sóc định kỳ (chung)"}))

    def test_5_customers_do_not_read_what_the_company_notes_about_them(self):
        self._login(self.portal)
        for field_name in ("comment", "tier_revenue", "tier_override_reason"):
            self.assertEqual(self._call("res.partner", "read", self.portal_customer.ids,
                                        [field_name]), ACCESS_ERROR)
        row = self._call("res.partner", "read", self.portal_customer.ids, ["name", "tier_id"])[0]
        self.assertEqual((row["name"], row["tier_id"][1]), ("Khách Cổng", "Vàng cổng"),
                         "the customer still sees his own tier")
        self.assertIn("Vàng cổng", self.url_open("/my").text)
