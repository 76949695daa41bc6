import re

from dateutil.relativedelta import relativedelta

from odoo import Command, fields
from odoo.tests import TransactionCase, tagged

from odoo.addons.crm_vn_custom import _uninstall_hook


@tagged("post_install", "-at_install")
class TestDemoData(TransactionCase):
    """`make demo` shows a newcomer a realistic Vietnamese company."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.ref("crm_vn_custom.company_sao_viet")
        cls.customers = cls.env["res.partner"].search(
            [("company_id", "=", cls.company.id), ("ref", "=like", "KH%")])

    def test_company_works_in_vnd_and_vietnamese(self):
        self.assertEqual(self.company.currency_id.name, "VND")
        self.assertEqual(self.company.country_id.code, "VN")
        staff = self.env["res.users"].search([("company_id", "=", self.company.id)])
        self.assertGreaterEqual(len(staff), 6)
        self.assertEqual(set(staff.mapped("lang")), {"vi_VN"})

    def test_several_hundred_vietnamese_customers(self):
        self.assertGreaterEqual(len(self.customers), 300)
        people = self.customers.filtered(lambda p: not p.is_company)
        family_names = {name.split()[0] for name in people.mapped("name")}
        self.assertIn("Nguyễn", family_names)
        mobile = re.compile(r"\+84 \d{3} \d{3} \d{3}")
        self.assertTrue(all(mobile.fullmatch(number) for number in people.mapped("mobile")))
        self.assertEqual(set(self.customers.country_id.mapped("code")), {"VN"})
        self.assertGreater(len(self.customers.state_id), 10)
        self.assertTrue(all(people.mapped("birthday")))
        self.assertTrue(people.filtered("lunar_birthday"))

    def test_confirmed_orders_spread_over_eighteen_months(self):
        orders = self.env["sale.order"].search(
            [("company_id", "=", self.company.id), ("state", "=", "sale")])
        self.assertGreater(len(orders), 300)
        self.assertEqual(orders.currency_id.name, "VND")
        oldest = min(orders.mapped("date_order"))
        self.assertLess(oldest, fields.Datetime.now() - relativedelta(months=16))
        months = {(o.date_order.year, o.date_order.month) for o in orders}
        self.assertGreaterEqual(len(months), 17)

    def test_leads_in_several_stages_and_teams_with_leaders(self):
        teams = self.env["crm.team"].search([("company_id", "=", self.company.id)])
        self.assertEqual(len(teams), 2)
        for team in teams:
            self.assertTrue(team.user_id, "each team has a leader")
            self.assertGreaterEqual(len(team.member_ids - team.user_id), 2)
        leads = self.env["crm.lead"].with_context(active_test=False).search(
            [("company_id", "=", self.company.id)])
        self.assertGreaterEqual(len(leads), 36)
        self.assertGreaterEqual(len(leads.stage_id), 3)
        self.assertTrue(leads.filtered(lambda lead: not lead.active), "some leads were lost")

    def test_staff_hold_positions_and_see_their_share(self):
        staff = self.env.ref("crm_vn_custom.user_sales_hn")
        leader = self.env.ref("crm_vn_custom.user_leader_hn")
        manager = self.env.ref("crm_vn_custom.user_care_manager")
        self.assertTrue(staff._crm_vn_is_care_staff_only())
        self.assertTrue(manager.has_group("crm_vn_custom.group_crm_vn_care_manager"))
        domain = [("id", "in", self.customers.ids)]
        seen = {user: self.env["res.partner"].with_user(user).search_count(domain)
                for user in (staff, leader, manager)}
        self.assertLess(seen[staff], seen[leader])
        self.assertLess(seen[leader], seen[manager])
        self.assertEqual(seen[manager], len(self.customers))

    def test_audit_log_shows_a_rebalanced_team(self):
        lines = self.env["crm.vn.audit.log"].search(
            [("company_id", "=", self.company.id), ("kind", "=", "ownership")])
        self.assertTrue(lines)
        self.assertIn("Cân đối", lines[0].reason)

    def test_customers_collect_points_in_the_demo_programme(self):
        program = self.env.ref("crm_vn_custom.loyalty_program_sao_viet")
        self.assertEqual(self.company.crm_vn_loyalty_program_id, program)
        cards = self.env["loyalty.card"].search([("program_id", "=", program.id)])
        self.assertGreater(len(cards), 100)
        self.assertTrue(all(points >= 0 for points in cards.mapped("points")))
        self.assertTrue(cards.history_ids.filtered("crm_vn_expiry_date"))

    def test_care_plans_run_and_care_history_exists(self):
        plans = self.env["mail.activity.plan"].search(
            [("crm_vn_stage", "!=", False), ("company_id", "in", [self.company.id, False])])
        self.assertEqual(set(plans.mapped("crm_vn_stage")),
                         {"pre_sale", "sale", "after_sale", "recurring"})
        logs = self.env["crm.vn.care.log"].search([("company_id", "=", self.company.id)])
        self.assertGreater(len(logs), 50)
        self.assertTrue(logs.filtered("nps"))
        complaints = self.env["crm.vn.complaint"].search([("company_id", "=", self.company.id)])
        self.assertEqual(set(complaints.mapped("state")), {"resolved", "new"})

    def test_a_customer_asked_for_across_teams(self):
        staff = self.env.ref("crm_vn_custom.user_sales_hn")
        request = self.env["crm.vn.duplicate"].with_user(staff).search(
            [("user_id", "=", staff.id)])
        self.assertEqual((request.state, request.partner_id.name),
                         ("requested", "Phạm Thị Trùng Số"))
        self.assertFalse(request.existing_partner_id, "nhanvien cannot see that customer")
        self.assertNotEqual(request.owner_id.sale_team_id, staff.sale_team_id)
        self.assertIn(request.owner_id, request.activity_ids.user_id)

    def test_uninstall_hook_removes_the_demo_company_only(self):
        """Uninstalling from a demo database leaves nothing of the demo company, whose
        generated orders, cards and customers have no external id Odoo could follow."""
        main = self.env.ref("base.main_company")
        admin = self.env.ref("base.user_admin")
        # `make demo` puts the administrator in the demo company: they must stay.
        companies = admin.company_ids
        admin.write({"company_ids": [Command.link(self.company.id)],
                     "company_id": self.company.id})
        elsewhere = {model: self.env[model].search_count([("company_id", "=", main.id)])
                     for model in ("sale.order", "res.partner", "crm.lead", "stock.picking")}
        program = self.env.ref("crm_vn_custom.loyalty_program_sao_viet")
        reward_products = program.reward_ids.discount_line_product_id
        staff = self.env.ref("crm_vn_custom.user_sales_hn")
        staff_partner = staff.partner_id
        self.assertTrue(reward_products)
        _uninstall_hook(self.env)
        self.assertFalse(self.company.exists())
        for records in (staff, staff_partner, program, reward_products):
            self.assertFalse(records.exists())
        self.assertFalse(self.customers.exists())
        self.assertFalse(self.env["crm.vn.tier.history"].search_count([]))
        self.assertEqual(admin.company_ids, companies)
        self.assertIn(admin.company_id, companies)
        self.assertEqual(
            elsewhere, {model: self.env[model].search_count([("company_id", "=", main.id)])
                        for model in elsewhere})
