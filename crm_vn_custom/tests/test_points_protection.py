
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from .common import call_kw
from .test_loyalty import LoyaltyCommon

ACCESS_ERROR = "odoo.exceptions.AccessError"
USER_ERROR = "odoo.exceptions.UserError"


@tagged("post_install", "-at_install")
class TestPointsAndTiersProtected(LoyaltyCommon, HttpCase):
    """Points and tiers change through orders, refunds, the crons and audited manual
    adjustments only: not through a direct write, whoever calls and however, over
    JSON-RPC as a script, a spreadsheet connector or a browser console would."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        common = {"company_id": cls.company.id, "company_ids": [(6, 0, cls.company.ids)],
                  "tz": "Asia/Ho_Chi_Minh"}
        cls.leader = new_test_user(
            cls.env, login="crmvn_pp_leader", name="Trần Trưởng Nhóm",
            groups="base.group_user,crm_vn_custom.group_crm_vn_team_leader", **common)
        cls.care_manager = new_test_user(
            cls.env, login="crmvn_pp_manager", name="Lê Quản Lý",
            groups="base.group_user,crm_vn_custom.group_crm_vn_care_manager", **common)
        cls.env["crm.team"].create({
            "name": "Nhóm điểm (thử)", "company_id": cls.company.id, "user_id": cls.leader.id,
            "member_ids": [(6, 0, (cls.leader | cls.salesperson).ids)]})

    def setUp(self):
        super().setUp()
        self.customer = self._customer("Chị Thu Điểm", user_id=self.salesperson.id)
        self._order(self.customer, 10)  # 1,000 points, tier Thành viên
        self.card = self._card(self.customer)
        self.order = self._order(self.customer, 2, confirm=False)
        self.order._update_programs_and_rewards()  # what the quotation will earn

    def _call(self, model, method, *args, **kwargs):
        reply = call_kw(self, model, method, *args, **kwargs,
                        context={"allowed_company_ids": self.company.ids}).json()
        return reply["error"]["data"]["name"] if "error" in reply else "ok"

    def _cancel(self, order_id):
        return call_kw(self, "sale.order", "action_cancel", [order_id],
                       context={"disable_cancel_warning": True}).json()

    def _attempts(self):
        """Every way around the screens, with what it would change."""
        customer, card, gold = self.customer, self.card, self.gold
        coupon_points = self.order.coupon_point_ids[:1]
        return {
            "write tier": ("res.partner", "write", [customer.id], {"tier_id": gold.id}),
            "set manual tier": ("res.partner", "write", [customer.id], {
                "tier_override_id": gold.id, "tier_override_reason": "Khách VIP"}),
            "web_save tier": ("res.partner", "web_save", [customer.id], {"tier_id": gold.id},
                              {"display_name": {}}),
            "create with tier": ("res.partner", "create", {"name": "Khách Vàng giả",
                                                           "tier_id": gold.id}),
            "write revenue": ("res.partner", "write", [customer.id],
                              {"tier_revenue": 999 * 10**6}),
            "write points": ("loyalty.card", "write", [card.id], {"points": 999999}),
            "add history": ("loyalty.history", "create", {
                "card_id": card.id, "issued": 500, "description": "Tự cộng"}),
            "reward cost": ("sale.order.line", "write", self.order.order_line.ids,
                            {"points_cost": -5000}),
            "order points": ("sale.order.coupon.points", "write", coupon_points.ids,
                             {"points": 99999}),
            "drop order points": ("sale.order.coupon.points", "unlink", coupon_points.ids),
        }

    def _run(self, login, expected):
        self.authenticate(login, login)
        for name, (model, method, *args) in self._attempts().items():
            with self.subTest(user=login, attempt=name), mute_logger("odoo.http"):
                self.assertEqual(self._call(model, method, *args), expected.get(name, ACCESS_ERROR))

    def test_care_staff_and_team_leaders_are_refused(self):
        for login in ("crmvn_sales", "crmvn_pp_leader"):
            self._run(login, {})
        self.assertEqual((self.customer.tier_id, self.card.points), (self.member, 1000))
        self.assertFalse(self.env["res.partner"].search([("name", "=", "Khách Vàng giả")]))
        self.assertEqual(len(self.card.history_ids), 1)
        self.assertFalse(self.env["crm.vn.audit.log"].search(
            [("partner_id", "=", self.customer.id)]))

    def test_care_managers_adjust_points_audited(self):
        self._run("crmvn_pp_manager", {"write points": "ok", "add history": "ok"})
        self.assertEqual(self.card.points, 999999)
        self.assertEqual(self.customer.tier_id, self.member)
        adjustment = self.card.history_ids.filtered(lambda line: line.crm_vn_kind == "adjustment")
        self.assertEqual(adjustment.issued, 998999, "the history still adds up to the balance")
        audit = self.env["crm.vn.audit.log"].search(
            [("kind", "=", "points"), ("partner_id", "=", self.customer.id)])
        self.assertEqual(audit.user_id, self.care_manager)
        self.assertEqual(sorted(audit.mapped("reason")), [
            "Changed directly on the card", "History line added by hand: Tự cộng"])

    def test_administrators_set_an_audited_manual_tier(self):
        self._run("crmvn_manager", {
            "set manual tier": "ok", "write tier": USER_ERROR, "web_save tier": USER_ERROR,
            "write points": "ok", "add history": "ok"})
        self.assertEqual((self.customer.tier_id, self.customer.tier_override_id),
                         (self.gold, self.gold))
        last = self._last_change(self.customer)
        self.assertEqual((last.cause, last.reason, last.user_id),
                         ("override", "Khách VIP", self.sales_manager))
        self.assertIn("Khách VIP", self.customer.message_ids[0].body)

    def test_staff_still_confirm_an_order_with_a_reward(self):
        self.authenticate("crmvn_sales", "crmvn_sales")
        self.assertEqual(self._call("sale.order", "action_open_reward_wizard", [self.order.id]),
                         "ok")
        reward_line = self.order.order_line.filtered("reward_id")
        self.assertTrue(reward_line.points_cost, "the reward costs points")
        self.assertEqual(self._call("sale.order", "action_confirm", [self.order.id]), "ok")
        self.assertEqual(self.order.state, "sale")
        earned = self.card.history_ids.filtered(lambda line: line.order_id == self.order.id)
        self.assertEqual(earned.used, reward_line.points_cost)
        self.assertEqual(self.card.points, 1000 - earned.used + earned.issued)
        self.assertNotIn("error", self._cancel(self.order.id))
        self.assertEqual(self.order.state, "cancel")
        self.assertEqual(self.card.points, 1000, "cancelling gives the points back")
