from datetime import timedelta

from odoo import Command, fields
from odoo.tests import tagged
from odoo.tools import format_amount

from .test_care import CareCommon
from .test_tiers import MILLION


@tagged("post_install", "-at_install")
class TestNextTier(CareCommon):
    """What a customer lacks for the next tier, and when its tier will be lost, from the
    engine's own figures; on the quotation counting the quotation itself."""

    def _vnd(self, amount):
        return format_amount(self.env, amount, self.company.currency_id)

    def test_missing_figures_and_progress_of_a_member(self):
        customer = self._customer("Chị Hồng")
        self._order(customer, 4)
        self.assertEqual(customer.tier_id, self.member)
        self.assertEqual(customer.tier_next_id, self.silver)
        # Silver asks 10 M and 2 orders: 6 M and one order to go, 40 % of the revenue rule.
        self.assertEqual((customer.tier_next_missing_revenue, customer.tier_next_missing_orders),
                         (6 * MILLION, 1))
        self.assertEqual(customer.tier_next_progress, 40.0)

    def test_quotation_counts_itself(self):
        customer = self._customer("Anh Tùng")
        self._order(customer, 4)
        small = self._order(customer, 2, confirm=False)
        self.assertEqual(small.crm_vn_next_tier_note,
                         f"{self._vnd(4 * MILLION)} more to reach the Bạc tier")
        big = self._order(customer, 7, confirm=False)
        self.assertEqual(big.crm_vn_next_tier_note,
                         "This order upgrades the customer to the Bạc tier.")
        big.action_confirm()
        self.assertEqual(customer.tier_id, self.silver, "as the quotation said")
        self.assertFalse(big.crm_vn_next_tier_note, "said on quotations only")

    def test_refund_and_grace_period(self):
        # Refunds need a chart of accounts: this runs in the main company, which has one,
        # with its default tiers given the test's rules.
        main = self.env.ref("base.main_company")
        main.crm_vn_tier_grace_days = 90
        tiers = self.env["crm.vn.tier"].search([("company_id", "=", main.id)], order="rank")
        for tier, (revenue, orders) in zip(tiers, [(0, 1), (10, 2), (50, 3), (200, 5)],
                                           strict=False):
            tier.write({"min_revenue": revenue * MILLION, "min_order_count": orders,
                        "min_points": 0})
        silver, gold = tiers[1], tiers[2]
        pricelist = self.env["product.pricelist"].create({
            "name": "Main", "currency_id": main.currency_id.id, "company_id": main.id})
        customer = self.env["res.partner"].create({"name": "Công ty Hoàn Tiền",
                                                   "is_company": True, "company_id": main.id})
        for _order in range(2):
            self._order(customer, 6, pricelist=pricelist, company=main)
        self.assertEqual((customer.tier_id, customer.tier_next_id), (silver, gold))
        # Gold asks 50 M and 3 orders: 38 M and one order to go, 24 % of the revenue.
        self.assertEqual((customer.tier_next_missing_revenue, customer.tier_next_missing_orders),
                         (38 * MILLION, 1))
        self.assertEqual(customer.tier_next_progress, 24.0)
        refund = self.env["account.move"].with_company(main).create({
            "move_type": "out_refund", "partner_id": customer.id, "company_id": main.id,
            "invoice_date": fields.Date.today(),
            "invoice_line_ids": [(0, 0, {"name": "Trả hàng", "quantity": 1,
                                         "price_unit": 6 * MILLION, "tax_ids": [(5, 0, 0)]})]})
        refund.action_post()
        self.assertEqual(customer.tier_revenue, 6 * MILLION)
        self.assertEqual(customer.tier_id, silver, "kept during the grace period")
        self.assertEqual(customer.tier_grace_until, fields.Date.today() + timedelta(days=90),
                         "the day the tier will be lost")
        self.assertEqual(customer.tier_next_missing_revenue, 44 * MILLION)

    def test_manual_and_highest_tiers_have_no_next_tier_above_them(self):
        customer = self._customer("Bà Kim")
        self._order(customer, 4)
        customer._crm_vn_set_tier_override(self.gold, "Khách chiến lược")
        self.assertEqual(customer.tier_id, self.gold)
        self.assertFalse(customer.tier_next_id)
        self.assertFalse(customer.tier_next_progress)
        silver_by_hand = self._customer("Ông Bạc")
        self._order(silver_by_hand, 1)
        silver_by_hand._crm_vn_set_tier_override(self.silver, "Đối tác")
        self.assertEqual(silver_by_hand.tier_next_id, self.gold,
                         "the next tier is above the tier held, manual or not")

    def test_close_to_the_next_tier_filter(self):
        close = self._customer("Chị Gần")
        self._order(close, 9)
        far = self._customer("Anh Xa")
        self._order(far, 1)
        self._order(close, 0.5)  # 9.5 M of 10 M, 2 orders: 95 %
        found = self.env["res.partner"].search(
            [("id", "in", (close | far).ids), ("tier_next_id", "!=", False),
             ("tier_next_progress", ">=", 80)])
        self.assertEqual(found, close)


@tagged("post_install", "-at_install")
class TestNextTierCareSteps(CareCommon):
    def _step(self, trigger, **values):
        plan = self.env["mail.activity.plan"].create({
            "name": "Nâng hạng", "res_model": "res.partner", "company_id": self.company.id,
            "crm_vn_stage": "recurring",
            "template_ids": [Command.create({
                "summary": f"Gọi khách ({trigger})", "crm_vn_trigger": trigger,
                "activity_type_id": self.env.ref("mail.mail_activity_data_call").id,
                "responsible_type": "salesperson", **values})]})
        return plan.template_ids

    def _calls(self, customer, step):
        return self.env["mail.activity"].search([
            ("res_model", "=", "res.partner"), ("res_id", "=", customer.id),
            ("summary", "=", step.summary)])

    def test_close_to_the_next_tier_calls_once_per_tier(self):
        step = self._step("near_next_tier", crm_vn_trigger_percent=20)
        close = self._customer("Chị Sắp Lên Bạc", user_id=self.salesperson.id)
        self._order(close, 5)
        self._order(close, 4)  # 9 of Silver's 10 M, its 2 orders: 90 %
        far = self._customer("Anh Còn Xa", user_id=self.salesperson.id)
        self._order(far, 2)
        today = fields.Date.today()
        self._run_cron(today)
        self._run_cron(today + timedelta(days=1))
        self.assertEqual(len(self._calls(close, step)), 1, "once per customer and tier")
        self.assertEqual(self._calls(close, step).user_id, self.salesperson)
        self.assertFalse(self._calls(far, step))

    def test_tier_at_risk_calls_n_days_before_the_grace_period_ends(self):
        step = self._step("tier_at_risk", crm_vn_trigger_days=30)
        customer = self._customer("Công ty Sắp Xuống Hạng", is_company=True,
                                  user_id=self.salesperson.id)
        self._order(customer, 6)
        order = self._order(customer, 6)
        order._action_cancel()  # no longer qualifies: keeps Silver for 90 days
        ends = customer.tier_grace_until
        self.assertEqual(ends, fields.Date.today() + timedelta(days=90))
        self._run_cron(ends - timedelta(days=31))
        self.assertFalse(self._calls(customer, step))
        self._run_cron(ends - timedelta(days=30))
        self._run_cron(ends - timedelta(days=29))
        self.assertEqual(len(self._calls(customer, step)), 1)
