from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import Form, HttpCase, new_test_user, tagged

from .test_tiers import MILLION, TierCommon


class LoyaltyCommon(TierCommon):
    """A loyalty programme of 1 point per 10,000 VND; Silver earns ×1.5, Gold ×2."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.program = cls.env["loyalty.program"].create({
            "name": "Tích điểm", "program_type": "loyalty", "trigger": "auto",
            "applies_on": "both", "company_id": cls.company.id,
            "currency_id": cls.company.currency_id.id, "portal_point_name": "điểm",
            "rule_ids": [Command.clear(), Command.create({
                "reward_point_mode": "money", "reward_point_amount": 0.0001})],
            "reward_ids": [Command.clear(), Command.create({
                "reward_type": "discount", "discount_mode": "per_point", "discount": 100,
                "required_points": 100, "discount_applicability": "order"})],
        })
        cls.company.write({"crm_vn_loyalty_program_id": cls.program.id,
                           "crm_vn_points_validity_months": 12,
                           "crm_vn_points_expiry_notice_days": 30})
        cls.silver.points_multiplier = 1.5
        cls.gold.points_multiplier = 2.0

    def _card(self, partner):
        return self.env["loyalty.card"].search(
            [("partner_id", "=", partner.id), ("program_id", "=", self.program.id)])

    def _points(self, partner):
        return self._card(partner).points

    def _set_balance(self, partner, balance, reason="Đổi quà"):
        wizard = self.env["loyalty.card.update.balance"].with_user(self.sales_manager).create(
            {"card_id": self._card(partner).id, "new_balance": balance, "description": reason})
        wizard.action_update_card_point()


@tagged("post_install", "-at_install")
class TestPointsEarning(LoyaltyCommon):
    def test_tier_multiplies_the_points_and_the_history_says_so(self):
        ordinary, gold = self._customer("Anh Bình"), self._customer("Chị Vàng")
        gold._crm_vn_set_tier_override(self.gold, "Khách chiến lược")
        self._order(ordinary, 10)
        self._order(gold, 10)
        self.assertEqual(self._points(ordinary), 1000)
        self.assertEqual(self._points(gold), 2000)
        line = self._card(gold).history_ids
        self.assertEqual((line.crm_vn_kind, line.crm_vn_base_points), ("earning", 1000))
        self.assertIn("×2 for a Vàng customer", line.description)

    def test_cancel_reconfirm_and_edit_give_exactly_what_is_due(self):
        customer = self._customer("Chị Hồng")
        order = self._order(customer, 10)
        self.assertEqual(self._points(customer), 1000)
        order._action_cancel()
        self.assertEqual(self._points(customer), 0)
        order.action_draft()
        order.action_confirm()
        self.assertEqual(self._points(customer), 1000, "re-confirming does not award twice")
        line = order.order_line
        line.write({"product_uom_qty": 2, "price_unit": 10 * MILLION})
        self.assertEqual(self._points(customer), 2000, "an edit adds the difference")
        line.write({"product_uom_qty": 2, "price_unit": 10 * MILLION})
        order.write({"note": "Giao buổi sáng"})
        self.assertEqual(self._points(customer), 2000, "saving again changes nothing")
        line.write({"product_uom_qty": 1, "price_unit": 10 * MILLION})
        self.assertEqual(self._points(customer), 1000)
        order.action_open_reward_wizard()  # Odoo's Reward button: spends the 1,000 points
        self.assertEqual(order.order_line.filtered("is_reward_line").price_subtotal, -100000)
        self.assertEqual(self._points(customer), 0)
        history = self._card(customer).history_ids
        self.assertEqual(sum(history.mapped("issued")) - sum(history.mapped("used")), 0,
                         "the history adds up to the balance")
        kinds = self._card(customer).history_ids.mapped("crm_vn_kind")
        self.assertEqual(sorted(kinds), ["earning", "edit", "edit"])

    def test_cancelling_an_order_that_created_coupons(self):
        self.env["loyalty.program"].create({
            "name": "Giảm 10%", "program_type": "coupons", "applies_on": "current",
            "trigger": "auto", "company_id": self.company.id,
            "rule_ids": [Command.create({})],
            "reward_ids": [Command.create({"reward_type": "discount", "discount": 10,
                                           "discount_mode": "percent",
                                           "discount_applicability": "order"})]})
        customer = self._customer("Chị Lệ")
        order = self._order(customer, 1, confirm=False)
        order._update_programs_and_rewards()
        order._action_cancel()
        self.assertEqual(order.state, "cancel")
        self.assertFalse(order.coupon_point_ids)

    def test_refunds_take_back_their_share_once(self):
        # Invoices need a chart of accounts: this runs in the main company, which has one.
        main = self.env.ref("base.main_company")
        self.program.copy({"name": "Tích điểm (công ty chính)", "company_id": main.id,
                           "currency_id": main.currency_id.id})
        self.program = self.env["loyalty.program"].search(
            [("company_id", "=", main.id), ("name", "=", "Tích điểm (công ty chính)")])
        customer = self.env["res.partner"].create({"name": "Anh Tuấn", "company_id": main.id})
        pricelist = self.env["product.pricelist"].create(
            {"name": "Main", "currency_id": main.currency_id.id, "company_id": main.id})
        order = self._order(customer, 10, pricelist=pricelist, company=main)
        earned = self._points(customer)
        self.assertTrue(earned)
        invoice = order._create_invoices()
        invoice.action_post()
        refund = invoice._reverse_moves()
        refund.invoice_line_ids.quantity = 0.5
        refund.action_post()
        self.assertEqual(self._points(customer), earned / 2)
        refund.button_draft()
        refund.action_post()
        self.assertEqual(self._points(customer), earned / 2, "posting it again takes nothing")
        second = invoice._reverse_moves()
        second.invoice_line_ids.quantity = 0.5
        second.action_post()
        self.assertEqual(self._points(customer), 0)

    def test_a_reversal_beyond_the_balance_is_owed_then_settled(self):
        customer = self._customer("Chị Mai")
        first = self._order(customer, 10)
        self._set_balance(customer, 200)  # 800 points spent on a gift
        first._action_cancel()
        card = self._card(customer)
        self.assertEqual((card.points, card.crm_vn_points_debt), (0, 800))
        self.assertEqual(customer.crm_vn_points_debt, 800, "the debt shows on the customer")
        self._order(customer, 10)
        self.assertEqual((card.points, card.crm_vn_points_debt), (200, 0))
        self.assertIn("settlement", card.history_ids.mapped("crm_vn_kind"))


@tagged("post_install", "-at_install")
class TestPointsExpiry(LoyaltyCommon):
    def _expire(self):
        # As the cron worker runs it: in a new transaction, nothing in the cache.
        self.env.flush_all()
        self.env.invalidate_all()
        self.env["loyalty.card"]._cron_crm_vn_expire_points()

    def test_expiry_across_the_year_oldest_points_first(self):
        customer = self._customer("Bà Lan", email="lan@khachhang.example.vn")
        with freeze_time("2026-11-15"):
            self._order(customer, 10)  # 1,000 points until 15/11/2027
        with freeze_time("2027-03-01"):
            self._order(customer, 5)  # 500 points until 01/03/2028
        with freeze_time("2027-06-01"):
            self._set_balance(customer, 900)  # 600 spent, taken from the oldest points
        with freeze_time("2027-11-01"):
            self.assertEqual(customer.crm_vn_points_expiring, 400)
        with freeze_time("2027-11-16"):
            self._expire()
            self.assertEqual(self._points(customer), 500)
            self._expire()
            self.assertEqual(self._points(customer), 500, "a rerun expires nothing more")
        with freeze_time("2028-03-02"):
            self._expire()
            self.assertEqual(self._points(customer), 0)
        expired = self._card(customer).history_ids.filtered(lambda h: h.crm_vn_kind == "expiry")
        self.assertEqual(sorted(expired.mapped("used")), [400, 500])

    def test_customers_are_reminded_once_before_points_expire(self):
        customer = self._customer("Ông Phúc", email="phuc@khachhang.example.vn")
        with freeze_time("2026-01-10"):
            self._order(customer, 3)
        with freeze_time("2026-12-20"):
            self._expire()
            self._expire()
        mails = self.env["mail.mail"].search([("model", "=", "loyalty.card"),
                                              ("res_id", "=", self._card(customer).id)])
        self.assertEqual(len(mails), 1)
        self.assertIn("300", mails.body_html)
        self.assertEqual(self._points(customer), 300, "nothing expired yet")


@tagged("post_install", "-at_install")
class TestPointsBonuses(LoyaltyCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.member.birthday_bonus_points = 50
        cls.gold.upgrade_bonus_points = 200

    def _birthdays(self, day):
        with freeze_time(day):
            self.env["loyalty.card"]._cron_crm_vn_birthday_bonus()

    def test_birthday_bonus_once_a_year_solar_and_lunar(self):
        solar = self._customer("Chị Thu", birthday=date(1990, 11, 23))
        lunar = self._customer("Bà Xuân", birthday=date(1990, 1, 27), lunar_birthday=True)
        for customer in solar | lunar:
            self._order(customer, 1)  # 100 points, and the Member tier
        self._birthdays("2026-11-23")
        self._birthdays("2026-11-24")
        self.assertEqual((self._points(solar), self._points(lunar)), (150, 100))
        self._birthdays("2027-01-27")
        self.assertEqual(self._points(lunar), 100, "not on the solar date")
        self._birthdays("2027-02-06")  # Tết 2027, 1/1 lunar
        self._birthdays("2027-02-07")
        self.assertEqual(self._points(lunar), 150)
        self._birthdays("2027-11-23")
        self.assertEqual(self._points(solar), 200, "a new year, a new bonus")

    def test_upgrade_bonus_once_per_tier(self):
        customer = self._customer("Anh Khải")
        for _order in range(3):
            self._order(customer, 20)
        self.assertEqual(customer.tier_id, self.gold)
        # 1,000 + 2,000 (Silver ×1.5 = 3,000) ... earned, plus the Gold welcome bonus
        bonus = self._card(customer).history_ids.filtered(lambda h: h.crm_vn_kind == "bonus")
        self.assertEqual(bonus.issued, 200)
        customer._crm_vn_set_tier_override(self.silver, "Tạm hạ hạng")
        customer._crm_vn_set_tier_override(self.gold, "Khôi phục")
        bonus = self._card(customer).history_ids.filtered(lambda h: h.crm_vn_kind == "bonus")
        self.assertEqual(len(bonus), 1, "reaching Gold again gives no second bonus")


@tagged("post_install", "-at_install")
class TestPointsAdjustments(LoyaltyCommon):
    def test_adjustments_need_a_manager_a_reason_and_are_audited(self):
        customer = self._customer("Chị Ngọc", user_id=self.salesperson.id)
        self._order(customer, 10)
        card = self._card(customer)
        staff_wizard = self.env["loyalty.card.update.balance"].with_user(self.salesperson).create(
            {"card_id": card.id, "new_balance": 5000, "description": "Tặng thêm"})
        with self.assertRaisesRegex(AccessError, "Only care managers"):
            staff_wizard.action_update_card_point()
        self.assertEqual(card.points, 1000)
        self._set_balance(customer, 1200, "Bồi thường giao hàng trễ")
        self.assertEqual(card.points, 1200)
        audit = self.env["crm.vn.audit.log"].search(
            [("kind", "=", "points"), ("partner_id", "=", customer.id)])
        self.assertRecordValues(audit, [{"user_id": self.sales_manager.id,
                                         "reason": "Bồi thường giao hàng trễ",
                                         "old_value": card._format_points(1000),
                                         "new_value": card._format_points(1200)}])
        self.assertIn(card._format_points(1000), ("1.000 điểm", "1,000 điểm"))
        seen = card.history_ids.with_user(self.salesperson).search(
            [("card_id", "=", card.id)])
        self.assertEqual(seen.mapped("crm_vn_kind"), ["earning"],
                         "care staff do not see manual adjustments")


@tagged("post_install", "-at_install")
class TestPointsOnTheCustomer(LoyaltyCommon):
    def test_customer_form_shows_balance_expiring_points_and_history(self):
        customer = self._customer("Anh Đức")
        with freeze_time("2026-01-05"):
            self._order(customer, 4)
        with freeze_time("2026-12-20"):
            self._order(customer, 2)
            form = Form(customer)
            self.assertEqual(form.crm_vn_points_balance, 600)
            self.assertEqual(form.crm_vn_points_expiring, 400)
            self.assertEqual(len(customer.crm_vn_points_history_ids), 2)

    def test_points_can_qualify_for_a_tier(self):
        points_tier = self.env["crm.vn.tier"].create({
            "name": "Điểm cao", "code": "P", "rank": 9, "company_id": self.company.id,
            "min_revenue": 50 * MILLION, "min_order_count": 3, "min_points": 3000})
        customer = self._customer("Chị Hạnh")
        for _order in range(3):
            self._order(customer, 20)
        self.assertEqual(customer.tier_points, 6000, "points before multipliers qualify")
        self.assertEqual(customer.tier_id, points_tier)

    def test_staff_see_only_their_customers_cards(self):
        mine = self._customer("Khách của tôi", user_id=self.salesperson.id)
        other = new_test_user(self.env, login="crmvn_other", name="Người khác",
                              groups="base.group_user,crm_vn_custom.group_crm_vn_care_staff",
                              company_id=self.company.id, company_ids=self.company.ids)
        theirs = self._customer("Khách của người khác", user_id=other.id)
        self._order(mine, 1)
        self._order(theirs, 1)
        cards = self.env["loyalty.card"].with_user(self.salesperson).search(
            [("program_id", "=", self.program.id)])
        self.assertEqual(cards.partner_id, mine)


@tagged("post_install", "-at_install")
class TestPointsInThePortal(HttpCase):
    def test_customer_sees_tier_and_points_in_the_portal(self):
        program = self.env["loyalty.program"].create({
            "name": "Tích điểm", "program_type": "loyalty", "portal_visible": True,
            "portal_point_name": "điểm"})
        self.env.company.crm_vn_loyalty_program_id = program
        tier = self.env["crm.vn.tier"].search(
            [("company_id", "=", self.env.company.id)], order="rank desc", limit=1)
        portal = new_test_user(self.env, login="crmvn_portal", name="Chị Khách Cổng",
                               groups="base.group_portal")
        customer = portal.partner_id
        customer._crm_vn_set_tier_override(tier, "Khách chiến lược")
        self.env["loyalty.card"]._crm_vn_card_of(customer, program).points = 320
        self.authenticate("crmvn_portal", "crmvn_portal")
        page = self.url_open("/my").text
        self.assertIn(tier.with_context(lang=portal.lang).name, page)
        self.assertIn("320 điểm", page)
