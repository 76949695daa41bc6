import re
from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import Command, fields
from odoo.tests import HttpCase, TransactionCase, tagged

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

    def test_a_customer_shared_by_the_group_holds_a_tier_in_each_company(self):
        south = self.env.ref("crm_vn_custom.company_sao_viet_south")
        shared = self.env["res.partner"].search([("ref", "=", "KHG00001")])
        self.assertFalse(shared.company_id)
        tiers = {company: shared.with_company(company).tier_id.code
                 for company in (self.company, south)}
        self.assertEqual(tiers, {self.company: "SILVER", south: "GOLD"})
        manager = self.env.ref("crm_vn_custom.user_care_manager")
        self.assertIn(south, manager.company_ids, "quanly switches between the two")
        notes = shared.message_ids.mapped("body")
        self.assertTrue(any("Miền Nam" in note and "Vàng" in note for note in notes), notes)

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
        self.assertTrue(lines.filtered(lambda line: "Cân đối" in (line.reason or "")))

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
        self.assertEqual(set(complaints.mapped("state")), {"resolved", "new", "in_progress"})

    def test_care_messages_queued_sent_and_failed(self):
        messages = self.env["crm.vn.care.log"].search(
            [("company_id", "=", self.company.id), ("message_state", "!=", False)])
        states = set(messages.mapped("message_state"))
        self.assertTrue({"queued", "sent", "delivered", "failed", "skipped"} <= states, states)
        self.assertEqual(set(messages.mapped("message_channel")) - {False}, {"zalo", "sms"})
        provider = self.env.ref("crm_vn_custom.demo_provider_zalo")
        self.assertTrue(provider.api_url.startswith("http://127.0.0.1:8070/"),
                        "the demo's Zalo OA is the stand-in `make demo` runs")
        self.assertTrue(self.env["crm.vn.consent"].search(
            [("company_id", "=", self.company.id), ("granted", "=", False)]))

    def test_a_customer_asked_for_across_teams(self):
        staff = self.env.ref("crm_vn_custom.user_sales_hn")
        request = self.env["crm.vn.duplicate"].with_user(staff).search(
            [("user_id", "=", staff.id)])
        self.assertEqual((request.state, request.partner_id.name),
                         ("requested", "Phạm Thị Trùng Số"))
        self.assertFalse(request.existing_partner_id, "nhanvien cannot see that customer")
        self.assertNotEqual(request.owner_id.sale_team_id, staff.sale_team_id)
        self.assertIn(request.owner_id, request.activity_ids.user_id)

    def test_the_demo_writes_in_vietnamese(self):
        """Generated while the database was still without the addon's Vietnamese terms:
        the notes, points history and activities must not be in English."""
        notes = self.env["mail.message"].search([
            ("model", "=", "res.partner"), ("res_id", "in", self.customers.ids),
            ("body", "ilike", "→")])
        self.assertTrue(notes)
        bodies = " ".join(notes.mapped("body"))
        self.assertIn("Hạng khách hàng: chưa có hạng → Bạc (Tự động)", bodies)
        for english in ("Customer tier", "no tier", "Silver", "Automatic"):
            self.assertNotIn(english, bodies)
        program = self.env.ref("crm_vn_custom.loyalty_program_sao_viet")
        lines = self.env["loyalty.history"].search([("card_id.program_id", "=", program.id)])
        descriptions = set(lines.mapped("description"))
        self.assertIn("Chào mừng quý khách lên hạng Bạc", descriptions)
        self.assertFalse({d for d in descriptions if d.startswith(("Welcome", "Order "))})
        summaries = " ".join(filter(None, self.env["mail.activity"].search(
            [("user_id.company_id", "=", self.company.id)]).mapped("summary")))
        for english in ("asks to look after", "Answer the customer", "Resolve the customer"):
            self.assertNotIn(english, summaries)

    def test_every_position_starts_the_day_with_work(self):
        """nhanvien, truongnhom and quanly open the demo on care due that day, care
        overdue, and a complaint whose deadline is a few hours away."""
        for xmlid in ("user_sales_hn", "user_leader_hn", "user_care_manager"):
            user = self.env.ref(f"crm_vn_custom.{xmlid}")
            call_back = self.env["crm.vn.care.log"].search(
                [("user_id", "=", user.id), ("outcome", "=", "call_back")], limit=1)
            self.assertTrue(call_back, user.login)
            first_day = call_back.date + timedelta(days=1)  # the demo's first morning
            activities = self.env["mail.activity"].search([("user_id", "=", user.id)])
            care = activities.filtered(lambda a: a.res_model == "res.partner")
            self.assertTrue(care.filtered(lambda a, d=first_day: a.date_deadline == d),
                            f"{user.login}: care due on the first morning")
            overdue = care.filtered(lambda a, d=first_day: a.date_deadline < d)
            self.assertTrue(overdue, f"{user.login}: overdue care")
            self.assertTrue(self.env["crm.vn.care.occurrence"].search_count(
                [("activity_id", "in", overdue.ids)]), "overdue care planned by a care step")
            complaints = self.env["crm.vn.complaint"].search(
                [("user_id", "=", user.id), ("state", "in", ("new", "in_progress"))])
            near = complaints.filtered(lambda c: (
                c.resolution_deadline if c.state == "in_progress" else c.response_deadline
            ) and timedelta(0) < (c.resolution_deadline if c.state == "in_progress"
                                  else c.response_deadline) - c.create_date <= timedelta(hours=6))
            self.assertTrue(near, f"{user.login}: a complaint near its deadline")
            self.assertIn(user, near.activity_ids.user_id)
            self.assertFalse(near.filtered(lambda c: c.response_breached or c.resolution_breached))

    def test_a_portal_customer_with_points_and_a_complaint(self):
        user = self.env.ref("crm_vn_custom.user_portal_customer")
        customer = user.partner_id
        self.assertTrue(user.share)
        self.assertEqual((user.login, customer.lang, customer.company_id),
                         ("khachhang", "vi_VN", self.company))
        self.assertIn(customer, self.customers)
        self.assertEqual(customer.user_id, self.env.ref("crm_vn_custom.user_sales_hn"))
        self.assertTrue(customer.tier_id)
        self.assertGreater(customer.crm_vn_points_balance, 1000)
        self.assertGreater(customer.crm_vn_points_expiring, 0, "points expiring this month")
        self.assertTrue(all(customer.crm_vn_points_history_ids.filtered(
            lambda h: h.issued > 0).mapped("crm_vn_expiry_date")))
        complaint = self.env["crm.vn.complaint"].search([("partner_id", "=", customer.id)])
        self.assertEqual(len(complaint), 1)
        self.assertEqual((complaint.state, complaint.user_id, complaint.channel_id),
                         ("new", customer.user_id,
                          self.env.ref("crm_vn_custom.care_channel_portal")))
        self.assertTrue(complaint.order_id)
        self.assertIn(customer, complaint.message_ids.author_id)

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
        portal = self.env.ref("crm_vn_custom.user_portal_customer")
        portal_customer = portal.partner_id
        complaints = self.env["crm.vn.complaint"].search([("company_id", "=", self.company.id)])
        self.assertTrue(reward_products)
        _uninstall_hook(self.env)
        self.assertFalse(self.company.exists())
        for records in (staff, staff_partner, program, reward_products, portal, portal_customer,
                        complaints):
            self.assertFalse(records.exists())
        self.assertFalse(self.customers.exists())
        self.assertFalse(self.env["crm.vn.tier.history"].search_count([]))
        self.assertEqual(admin.company_ids, companies)
        self.assertIn(admin.company_id, companies)
        self.assertEqual(
            elsewhere, {model: self.env[model].search_count([("company_id", "=", main.id)])
                        for model in elsewhere})


@tagged("post_install", "-at_install")
class TestDemoPortal(HttpCase):
    """`khachhang` logs into the portal of the demo and finds her tier, points and the
    complaint she filed this morning, in Vietnamese."""

    def test_the_portal_customer_follows_her_complaint_and_points(self):
        customer = self.env.ref("crm_vn_custom.user_portal_customer").partner_id
        complaint = self.env["crm.vn.complaint"].search([("partner_id", "=", customer.id)])
        self.authenticate("khachhang", "khachhang")
        page = self.url_open("/my/complaints")
        self.assertEqual(page.status_code, 200)
        self.assertIn(complaint.name, page.text)
        self.assertIn("Khiếu nại", page.text)
        membership = self.url_open("/my/membership").text
        self.assertIn(customer.tier_id.with_context(lang="vi_VN").name, membership)
        self.assertRegex(membership, r"\d\.\d{3} điểm", "thousands grouped the Vietnamese way")
        self.assertIn("Hạng tiếp theo", membership)
