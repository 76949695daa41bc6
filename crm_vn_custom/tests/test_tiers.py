from datetime import timedelta

from freezegun import freeze_time
from psycopg2 import IntegrityError

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged
from odoo.tools import mute_logger

from .common import CrmVnCommon

MILLION = 1_000_000


class TierCommon(CrmVnCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write({"crm_vn_tier_window_days": 365, "crm_vn_tier_grace_days": 90})
        Tier = cls.env["crm.vn.tier"]
        cls.member = Tier.create({"name": "Thành viên", "code": "M", "rank": 1,
                                  "company_id": cls.company.id, "min_order_count": 1,
                                  "contact_interval_days": 90})
        cls.silver = Tier.create({"name": "Bạc", "code": "S", "rank": 2,
                                  "company_id": cls.company.id, "min_revenue": 10 * MILLION,
                                  "min_order_count": 2, "contact_interval_days": 60})
        cls.gold = Tier.create({"name": "Vàng", "code": "G", "rank": 3,
                                "company_id": cls.company.id, "min_revenue": 50 * MILLION,
                                "min_order_count": 3, "contact_interval_days": 30})
        cls.product = cls.env["product.product"].create({
            "name": "Máy lọc nước", "list_price": MILLION, "taxes_id": [(5, 0, 0)]})
        cls.pricelist = cls.env["product.pricelist"].create({
            "name": "Giá VND", "currency_id": cls.company.currency_id.id,
            "company_id": cls.company.id})
        cls.engine = cls.env["crm.vn.tier.engine"]

    def _order(self, partner, millions, days_ago=0, confirm=True, pricelist=None, company=None):
        company = company or self.company
        order = self.env["sale.order"].with_company(company).create({
            "partner_id": partner.id, "company_id": company.id,
            "pricelist_id": (pricelist or self.pricelist).id,
            "order_line": [(0, 0, {"product_id": self.product.id, "product_uom_qty": 1,
                                   "price_unit": millions * MILLION})],
        })
        if confirm and days_ago:
            # An order placed in the past: classified once, on its real date.
            order.with_context(crm_vn_skip_tier_recompute=True).action_confirm()
            order.date_order = fields.Datetime.now() - timedelta(days=days_ago)
            self.engine._recompute(partner)
        elif confirm:
            order.action_confirm()
        return order

    def _last_change(self, partner):
        return self.env["crm.vn.tier.history"].search([("partner_id", "=", partner.id)], limit=1)


@tagged("post_install", "-at_install")
class TestTierQualification(TierCommon):
    def test_confirming_an_order_upgrades_at_once_and_logs_it(self):
        customer = self._customer("Chị Lan")
        self._order(customer, 6)
        self.assertEqual(customer.tier_id, self.member)
        order = self._order(customer, 6)
        self.assertEqual(customer.tier_id, self.silver)
        self.assertEqual(customer.tier_revenue, 12 * MILLION)
        self.assertEqual(customer.tier_order_count, 2)
        last = self._last_change(customer)
        self.assertEqual((last.old_tier_id, last.new_tier_id, last.cause, last.order_id),
                         (self.member, self.silver, "automatic", order))
        self.assertIn("Bạc", customer.message_ids[0].body)

    def test_window_edge_365_days_counts_366_does_not(self):
        inside, outside = self._customer("Anh Hùng"), self._customer("Anh Dũng")
        self._order(inside, 20, days_ago=365)
        self._order(outside, 20, days_ago=366)
        self.assertEqual((inside.tier_revenue, inside.tier_order_count), (20 * MILLION, 1))
        self.assertEqual((outside.tier_revenue, outside.tier_order_count), (0, 0))
        self.assertEqual(inside.tier_id, self.member)
        self.assertFalse(outside.tier_id)
        self.assertEqual(outside.first_order_date, outside.last_order_date)

    def test_foreign_currency_orders_count_in_company_currency(self):
        usd = self.env.ref("base.USD")
        usd.active = True
        self.env["res.currency.rate"].create({
            "currency_id": usd.id, "company_id": self.company.id, "name": "2020-01-01",
            "inverse_company_rate": 25_000})
        usd_pricelist = self.env["product.pricelist"].create({
            "name": "USD", "currency_id": usd.id, "company_id": self.company.id})
        customer = self._customer("Mr. Smith")
        order = self.env["sale.order"].with_company(self.company).create({
            "partner_id": customer.id, "company_id": self.company.id,
            "pricelist_id": usd_pricelist.id,
            "order_line": [(0, 0, {"product_id": self.product.id, "price_unit": 400})]})
        order.action_confirm()
        self.assertEqual(order.currency_id, usd)
        self.assertAlmostEqual(customer.tier_revenue, 10 * MILLION, delta=1)

    def test_cancelled_order_no_longer_counts(self):
        customer = self._customer("Chị Mai")
        self._order(customer, 6)
        order = self._order(customer, 6)
        self.assertEqual(customer.tier_id, self.silver)
        order._action_cancel()
        self.assertEqual(customer.tier_revenue, 6 * MILLION)
        self.assertEqual(customer.tier_id, self.silver, "a downgrade waits for the grace period")
        self.assertEqual(customer.tier_grace_until, fields.Date.today() + timedelta(days=90))

    def test_loyalty_points_earned_in_window_can_qualify(self):
        self.gold.min_points = 500
        self.silver.min_points = 100
        program = self.env["loyalty.program"].create({
            "name": "Tích điểm", "program_type": "loyalty", "company_id": self.company.id})
        customer = self._customer("Chị Ngọc")
        card = self.env["loyalty.card"].create({"program_id": program.id,
                                                "partner_id": customer.id})
        self.env["loyalty.history"].create({"card_id": card.id, "issued": 60,
                                            "description": "Đơn hàng"})
        self._order(customer, 6)
        self._order(customer, 6)
        self.assertEqual(customer.tier_points, 60)
        self.assertEqual(customer.tier_id, self.member, "revenue is enough, points are not")
        self.env["loyalty.history"].create({"card_id": card.id, "issued": 40,
                                            "description": "Sinh nhật"})
        self.engine._recompute(customer)
        self.assertEqual((customer.tier_points, customer.tier_id), (100, self.silver))

    def test_contacts_show_the_tier_of_their_company(self):
        company = self._customer("Công ty Minh Phát", is_company=True)
        buyer = self._customer("Lê Minh", parent_id=company.id)
        self._order(buyer, 30)
        self._order(buyer, 30)
        self.assertEqual(company.tier_id, self.silver)
        self.assertEqual(buyer.tier_id, self.silver)
        self.assertEqual(company.tier_revenue, 60 * MILLION)

    def test_next_care_date_follows_the_tier_frequency(self):
        customer = self._customer("Chị Hoa")
        self._order(customer, 1)
        today = fields.Date.today()
        self.assertEqual(customer.last_interaction_date, today)
        self.assertEqual(customer.next_care_date, today + timedelta(days=90))
        customer.last_interaction_date = today - timedelta(days=100)
        self.assertTrue(customer.care_overdue)
        self.assertIn(customer, self.env["res.partner"].search([("care_overdue", "=", True)]))


@tagged("post_install", "-at_install")
class TestTierRefunds(TierCommon):
    """Refunds need a chart of accounts: these run in the main company, which has one."""

    def test_refund_counts_against_revenue(self):
        main = self.env.ref("base.main_company")
        tier = self.env["crm.vn.tier"].search([("company_id", "=", main.id)], order="rank")[:1]
        self.assertTrue(tier, "the default tiers are installed for the main company")
        customer = self.env["res.partner"].create({"name": "Khách hoàn tiền",
                                                   "company_id": main.id})
        pricelist = self.env["product.pricelist"].create({
            "name": "Main", "currency_id": main.currency_id.id, "company_id": main.id})
        self._order(customer, 8, pricelist=pricelist, company=main)
        self.assertEqual(customer.tier_revenue, 8 * MILLION)
        refund = self.env["account.move"].with_company(main).create({
            "move_type": "out_refund", "partner_id": customer.id, "company_id": main.id,
            "invoice_date": fields.Date.today(),
            "invoice_line_ids": [(0, 0, {"name": "Trả hàng", "quantity": 1,
                                         "price_unit": 3 * MILLION, "tax_ids": [(5, 0, 0)]})]})
        refund.action_post()
        self.assertEqual(customer.tier_revenue, 5 * MILLION)


@tagged("post_install", "-at_install")
class TestTierGraceAndOverride(TierCommon):
    def test_downgrade_waits_for_the_grace_period(self):
        customer = self._customer("Anh Tuấn")
        with freeze_time("2026-01-10"):
            for _index in range(3):
                self._order(customer, 20)
            self.assertEqual(customer.tier_id, self.gold)
        with freeze_time("2027-01-11"):  # orders are now 366 days old
            self.engine._recompute(customer)
            self.assertEqual(customer.tier_id, self.gold)
            self.assertEqual(str(customer.tier_grace_until), "2027-04-11")
        with freeze_time("2027-04-10"):
            self.engine._recompute(customer)
            self.assertEqual(customer.tier_id, self.gold)
        with freeze_time("2027-04-11"):
            self.engine._recompute(customer)
            self.assertFalse(customer.tier_id)
            self.assertEqual(self._last_change(customer).cause, "grace_expiry")

    def test_requalifying_during_grace_cancels_the_downgrade(self):
        customer = self._customer("Chị Yến")
        with freeze_time("2026-01-10"):
            self._order(customer, 6)
            self._order(customer, 6)
        with freeze_time("2027-01-20"):
            self.engine._recompute(customer)
            self.assertTrue(customer.tier_grace_until)
            self._order(customer, 6)
            self._order(customer, 6)
            self.assertEqual(customer.tier_id, self.silver)
            self.assertFalse(customer.tier_grace_until)

    def test_override_is_kept_by_recompute_then_expires(self):
        customer = self._customer("Đối tác chiến lược")
        with freeze_time("2026-03-01"):
            self._order(customer, 1)
            overrides = self.env["crm.vn.tier.override"].with_user(self.sales_manager)
            wizard = Form(overrides.with_context(default_partner_id=customer.id))
            wizard.tier_id = self.gold
            wizard.reason = "Đối tác chiến lược"
            wizard.date_end = fields.Date.to_date("2026-06-30")
            wizard.save().action_apply()
            self.assertEqual(customer.tier_id, self.gold)
            audit = self._last_change(customer)
            self.assertEqual((audit.cause, audit.old_tier_id, audit.new_tier_id, audit.user_id,
                              audit.reason), ("override", self.member, self.gold,
                                              self.sales_manager, "Đối tác chiến lược"))
            self.engine._recompute(customer)
            self.assertEqual(customer.tier_id, self.gold)
        with freeze_time("2026-07-01"):
            self.engine._recompute(customer)
            self.assertEqual(customer.tier_id, self.member)
            self.assertFalse(customer.tier_override_id)
            self.assertEqual(self._last_change(customer).cause, "override_end")

    def test_only_managers_override_and_need_a_past_free_end(self):
        customer = self._customer("Khách thường")
        wizard = self.env["crm.vn.tier.override"].with_user(self.salesperson)
        with self.assertRaises(AccessError):
            wizard.create({"partner_id": customer.id, "tier_id": self.gold.id, "reason": "x"})
        manager_wizard = self.env["crm.vn.tier.override"].with_user(self.sales_manager).create({
            "partner_id": customer.id, "tier_id": self.gold.id, "reason": "x",
            "date_end": fields.Date.today() - timedelta(days=1)})
        with self.assertRaises(UserError):
            manager_wizard.action_apply()


@tagged("post_install", "-at_install")
class TestTierRules(TierCommon):
    def test_thresholds_must_rise_with_rank(self):
        with self.assertRaises(ValidationError):
            self.gold.min_revenue = 5 * MILLION

    def test_negative_values_and_duplicate_ranks_are_refused(self):
        with self.assertRaises(IntegrityError), self.cr.savepoint(), mute_logger("odoo.sql_db"):
            self.member.write({"min_order_count": 0, "contact_interval_days": -5})
            self.env.flush_all()
        with self.assertRaises(IntegrityError), self.cr.savepoint(), mute_logger("odoo.sql_db"):
            self.env["crm.vn.tier"].create({"name": "Trùng", "code": "X", "rank": 2,
                                            "company_id": self.company.id,
                                            "min_revenue": 20 * MILLION})
            self.env.flush_all()

    def test_a_tier_in_use_cannot_be_deleted_only_archived(self):
        self._order(self._customer("Khách"), 1)
        with self.assertRaises(UserError):
            self.member.unlink()
        self.member.active = False
        self.assertFalse(self.member.active)

    def test_multi_company_isolation(self):
        other = self.env["res.company"].create({"name": "Công ty Khác",
                                                "currency_id": self.company.currency_id.id})
        self.env.user.company_ids |= other
        other_tier = self.env["crm.vn.tier"].create({
            "name": "Khác", "code": "O", "rank": 1, "company_id": other.id})
        other_pricelist = self.env["product.pricelist"].create({
            "name": "Khác", "currency_id": other.currency_id.id, "company_id": other.id})
        ours = self._customer("Khách của chúng tôi")
        theirs = self.env["res.partner"].create({"name": "Khách của họ", "company_id": other.id})
        self._order(ours, 6)
        self._order(theirs, 30, pricelist=other_pricelist, company=other)
        self.assertEqual((ours.tier_id, ours.tier_revenue), (self.member, 6 * MILLION))
        self.assertEqual((theirs.tier_id, theirs.tier_revenue), (other_tier, 30 * MILLION))
        self.engine._recompute(ours | theirs)
        self.assertEqual(theirs.tier_id, other_tier, "each company's customers, its own tiers")
        staff_tiers = self.env["crm.vn.tier"].with_user(self.salesperson).search([])
        self.assertIn(self.member, staff_tiers)
        self.assertNotIn(other_tier, staff_tiers)
        staff_history = self.env["crm.vn.tier.history"].with_user(self.salesperson).search([])
        self.assertNotIn(theirs, staff_history.partner_id)

    def test_preview_counts_before_saving(self):
        customers = [self._customer(f"Khách {index}") for index in range(3)]
        for customer, millions in zip(customers, (5, 15, 60), strict=True):
            self._order(customer, millions)
            self._order(customer, millions)
            self._order(customer, millions)
        preview = Form(self.env["crm.vn.tier.preview"].with_user(self.sales_manager).with_context(
            allowed_company_ids=[self.company.id])).save()
        lines = {line.tier_id: line for line in preview.line_ids}
        self.assertEqual(lines[self.gold].current_count, 1)
        self.assertEqual(lines[self.silver].current_count, 2)
        lines[self.gold].min_revenue = 200 * MILLION
        preview.action_preview()
        self.assertEqual([lines[t].preview_count for t in (self.member, self.silver, self.gold)],
                         [0, 3, 0])
        self.assertEqual(self.gold.min_revenue, 50 * MILLION, "nothing saved by a preview")
        preview.action_apply()
        self.assertEqual(self.gold.min_revenue, 200 * MILLION)
        self.assertEqual(customers[2].tier_id, self.gold, "downgrades still wait for grace")
        self.assertTrue(customers[2].tier_grace_until)


@tagged("post_install", "-at_install")
class TestTierBatch(TierCommon):
    def test_query_count_does_not_grow_with_customers(self):
        partners = self.env["res.partner"].create([
            {"name": f"Khách {index}", "company_id": self.company.id, "customer_rank": 1}
            for index in range(2010)])
        self.member.min_order_count = 0  # everybody qualifies: every customer changes tier
        self.env.flush_all()

        def queries(batch):
            before = self.cr.sql_log_count
            self.engine._recompute(batch)
            self.env.flush_all()
            return self.cr.sql_log_count - before

        small = queries(partners[:10])
        large = queries(partners[10:])
        self.assertEqual(partners.tier_id, self.member)
        self.assertEqual(large, small)
        self.assertEqual(len(self.env["crm.vn.tier.history"].search(
            [("partner_id", "in", partners.ids)])), 2010)
        self.assertIn("Thành viên", partners[-1].message_ids[:1].body)


@tagged("post_install", "-at_install")
class TestRfmAndRelationship(TierCommon):
    def test_rfm_quantiles_segments_and_relationship_kinds(self):
        champion, sleeper, newcomer, lapsed, prospect = (
            self._customer(name) for name in ("Vô địch", "Ngủ đông", "Mới", "Lâu không mua",
                                               "Chưa mua"))
        prospect.customer_rank = 1
        for days in (400, 200, 60, 20, 5):
            self._order(champion, 30, days_ago=days)
        for days in (700, 650, 600):
            self._order(sleeper, 10, days_ago=days)
        self._order(newcomer, 2, days_ago=10)
        self._order(lapsed, 1, days_ago=300)
        self.engine._recompute_rfm(self.company)
        self.assertEqual((champion.rfm_recency, champion.rfm_frequency, champion.rfm_monetary),
                         (5, 5, 5))
        self.assertEqual(champion.rfm_segment, "champions")
        self.assertEqual(newcomer.rfm_segment, "new")
        self.assertEqual(sleeper.rfm_recency, 2)
        self.assertEqual(lapsed.rfm_segment, "potential")
        self.assertFalse(prospect.rfm_segment)
        self.assertEqual(
            [p.relationship_kind for p in (champion, sleeper, newcomer, lapsed, prospect)],
            ["loyal", "prospective", "current", "prospective", "new"])

    def test_relationship_kind_set_by_hand_is_kept(self):
        partner = self._customer("Đối tác")
        self._order(partner, 1)
        partner.relationship_kind = "strategic"
        self.engine._recompute_rfm(self.company)
        self.assertEqual(partner.relationship_kind, "strategic")
        self.assertTrue(partner.relationship_kind_manual)


@tagged("post_install", "-at_install")
class TestTierCron(TierCommon):
    def test_cron_works_in_batches_resumes_and_is_idempotent(self):
        customers = [self._customer(f"Khách {index}") for index in range(5)]
        for customer in customers:
            self._order(customer, 1, confirm=False).with_context(
                crm_vn_skip_tier_recompute=True).action_confirm()
        self.assertFalse(any(c.tier_id for c in customers), "bulk loads skip the hook")
        engine = self.engine
        calls = []
        for _run in range(200):  # the cron framework calls again while work remains
            calls.append(engine._recompute_all_batch(batch_size=3))
            if not calls[-1][1]:
                break
        # Customers three at a time, then the RFM scores of each company (one per call).
        self.assertGreaterEqual(len(calls), 3)
        self.assertEqual(calls[-1][1], 0)
        self.assertEqual([c.tier_id for c in customers], [self.member] * 5)
        self.assertTrue(all(c.rfm_segment for c in customers))
        history = self.env["crm.vn.tier.history"].search_count(
            [("partner_id", "in", [c.id for c in customers])])
        self.assertEqual(engine._recompute_all_batch(batch_size=3), (0, 0),
                         "a rerun the same day has nothing left to do")
        self.env["crm.vn.tier.cursor"].search([]).unlink()  # as on a new day
        engine._cron_recompute_all()
        self.assertEqual(self.env["crm.vn.tier.history"].search_count(
            [("partner_id", "in", [c.id for c in customers])]), history, "nothing changes twice")

    def test_upgrade_mails_the_customer_when_configured(self):
        self.company.crm_vn_tier_upgrade_mail_template_id = self.env.ref(
            "crm_vn_custom.mail_template_tier_upgrade")
        customer = self._customer("Chị Thư", email="thu@example.vn")
        self._order(customer, 1)
        mail = self.env["mail.mail"].search([("recipient_ids", "in", customer.ids)], limit=1)
        if not mail:
            mail = self.env["mail.mail"].search([("email_to", "ilike", "thu@example.vn")],
                                                limit=1)
        self.assertTrue(mail)
        self.assertIn("Thành viên", mail.subject)


@tagged("post_install", "-at_install")
class TestCustomerCareSetup(TierCommon):
    """A group's second company: one click gives it the main company's tiers and a loyalty
    programme of its own."""

    def test_a_new_company_is_set_up_in_one_click(self):
        branch = self.env["res.company"].create(
            {"name": "Chi nhánh Đà Nẵng", "currency_id": self.env.ref("base.VND").id})
        main_tiers = self.env["crm.vn.tier"].search(
            [("company_id", "=", self.env.ref("base.main_company").id)])
        self.assertTrue(main_tiers)
        admin = self.sales_manager
        with self.assertRaises(AccessError):
            branch.with_user(admin).action_crm_vn_setup_customer_care()
        admin.company_ids |= branch
        with self.assertRaises(AccessError):
            branch.with_user(self.salesperson).action_crm_vn_setup_customer_care()
        branch.with_user(admin).action_crm_vn_setup_customer_care()
        tiers = self.env["crm.vn.tier"].search([("company_id", "=", branch.id)])
        self.assertEqual(tiers.mapped("code"), main_tiers.mapped("code"))
        self.assertEqual(tiers.mapped("min_revenue"), main_tiers.mapped("min_revenue"))
        program = branch.crm_vn_loyalty_program_id
        self.assertEqual((program.company_id, program.program_type), (branch, "loyalty"))
        with self.assertRaisesRegex(UserError, "already has customer tiers"):
            branch.with_user(admin).action_crm_vn_setup_customer_care()

    def test_a_tier_copied_to_another_company_leaves_its_pricelist(self):
        self.gold.pricelist_id = self.pricelist
        branch = self.env["res.company"].create(
            {"name": "Chi nhánh Cần Thơ", "currency_id": self.env.ref("base.VND").id})
        copy = self.gold.copy({"company_id": branch.id})
        self.assertEqual((copy.company_id, copy.pricelist_id), (branch, self.env[
            "product.pricelist"]))
        self.assertEqual(self.gold.pricelist_id, self.pricelist)
