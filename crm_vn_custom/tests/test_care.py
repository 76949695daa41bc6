from datetime import date, timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.tests import tagged

from .test_tiers import TierCommon


class CareCommon(TierCommon):
    """The ready-made Vietnamese care plans, switched on, in the test company."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.plans = (cls.env.ref("crm_vn_custom.care_plan_pre_sale")
                     | cls.env.ref("crm_vn_custom.care_plan_sale")
                     | cls.env.ref("crm_vn_custom.care_plan_after_sale")
                     | cls.env.ref("crm_vn_custom.care_plan_recurring"))
        cls.plans.write({"active": True, "company_id": cls.company.id})
        cls.plans.template_ids.crm_vn_tier_ids = False  # the demo data sets one on Tết
        cls.engine = cls.env["crm.vn.care.engine"]
        cls.leader = cls.env["res.users"].create({
            "name": "Trần Trưởng Nhóm", "login": "crmvn_care_leader",
            "company_id": cls.company.id, "company_ids": [(6, 0, cls.company.ids)],
            "groups_id": [(6, 0, cls.env.ref("crm_vn_custom.group_crm_vn_team_leader").ids)]})
        cls.team = cls.env["crm.team"].create({
            "name": "Nhóm CSKH", "company_id": cls.company.id, "user_id": cls.leader.id,
            "member_ids": [(6, 0, cls.salesperson.ids)]})

    def _activities(self, record, step_xmlid):
        step = self.env.ref(f"crm_vn_custom.{step_xmlid}")
        return self.env["mail.activity"].search([
            ("res_model", "=", record._name), ("res_id", "=", record.id),
            ("summary", "=", step.summary)])

    def _run_cron(self, day):
        with freeze_time(day):
            self.engine._cron_run_date_steps()


@tagged("post_install", "-at_install")
class TestCareEvents(CareCommon):
    def test_new_lead_gets_a_call_for_its_salesperson_once(self):
        lead = self.env["crm.lead"].create({
            "name": "Khách hỏi máy lọc nước", "user_id": self.salesperson.id,
            "company_id": self.company.id})
        activity = self._activities(lead, "care_step_new_lead_call")
        self.assertEqual(activity.user_id, self.salesperson)
        self.assertEqual(activity.date_deadline, fields.Date.today() + timedelta(days=1))
        lead.write({"name": "Khách hỏi máy lọc nước (gọi lại)"})
        self.assertEqual(len(self._activities(lead, "care_step_new_lead_call")), 1)

    def test_quotation_sent_and_order_confirmed_once_despite_edits(self):
        customer = self._customer("Chị Bích", user_id=self.salesperson.id)
        order = self._order(customer, 5, confirm=False)
        order.action_quotation_sent()
        follow_up = self._activities(order, "care_step_quotation_follow_up")
        self.assertEqual((follow_up.user_id, follow_up.date_deadline),
                         (self.salesperson, fields.Date.today() + timedelta(days=3)))
        order.action_confirm()
        order._action_cancel()
        order.action_draft()
        order.action_confirm()
        self.assertEqual(len(self._activities(order, "care_step_order_delivery")), 1,
                         "re-confirming an order does not repeat the step")

    def test_team_leader_and_tier_filter(self):
        step = self.env.ref("crm_vn_custom.care_step_quotation_follow_up")
        step.write({"responsible_type": "team_leader", "crm_vn_tier_ids": [(6, 0, self.gold.ids)]})
        gold = self._customer("Công ty Vàng", user_id=self.salesperson.id)
        gold._crm_vn_set_tier_override(self.gold, "Khách chiến lược")
        ordinary = self._customer("Anh Thường", user_id=self.salesperson.id)
        for customer in (gold, ordinary):
            order = self._order(customer, 5, confirm=False)
            order.team_id = self.team
            order.action_quotation_sent()
            activities = self._activities(order, "care_step_quotation_follow_up")
            if customer == gold:
                self.assertEqual(activities.user_id, self.leader)
            else:
                self.assertFalse(activities, "the tier filter leaves this customer out")

    def test_lead_reaching_a_stage_fires_once_per_stage(self):
        stage = self.env["crm.stage"].create({"name": "Đã gửi đề xuất", "sequence": 50})
        step = self.env["mail.activity.plan.template"].create({
            "plan_id": self.env.ref("crm_vn_custom.care_plan_pre_sale").id,
            "crm_vn_trigger": "lead_stage", "crm_vn_lead_stage_id": stage.id,
            "activity_type_id": self.env.ref("mail.mail_activity_data_email").id,
            "summary": "Gửi tài liệu và hẹn lịch gặp", "responsible_type": "salesperson"})
        lead = self.env["crm.lead"].create({"name": "Cơ hội lớn", "type": "opportunity",
                                            "user_id": self.salesperson.id,
                                            "company_id": self.company.id})
        first_stage = lead.stage_id
        lead.stage_id = stage
        lead.stage_id = first_stage
        lead.stage_id = stage
        activities = self.env["mail.activity"].search([
            ("res_model", "=", "crm.lead"), ("res_id", "=", lead.id),
            ("summary", "=", step.summary)])
        self.assertEqual(len(activities), 1)
        self.assertEqual(activities.user_id, self.salesperson)

    def test_each_delivery_is_followed_up(self):
        step = self.env["mail.activity.plan.template"].create({
            "plan_id": self.env.ref("crm_vn_custom.care_plan_sale").id,
            "crm_vn_trigger": "delivery_done",
            "activity_type_id": self.env.ref("mail.mail_activity_data_call").id,
            "summary": "Hỏi khách đã nhận hàng đầy đủ chưa", "responsible_type": "salesperson",
            "delay_count": 1, "delay_from": "after_plan_date"})
        customer = self._customer("Chị Giao", user_id=self.salesperson.id)
        self.product.is_storable = False
        order = self._order(customer, 3)
        picking = order.picking_ids
        self.assertTrue(picking, "a delivery for the order")
        picking.move_ids.quantity = 1
        picking.move_ids.picked = True
        picking._action_done()
        activities = self.env["mail.activity"].search([
            ("res_model", "=", "sale.order"), ("res_id", "=", order.id),
            ("summary", "=", step.summary)])
        self.assertEqual((len(activities), activities.user_id), (1, self.salesperson))
        self.assertEqual(activities.date_deadline, fields.Date.today() + timedelta(days=1))

    def test_paid_invoice_thanks_the_customer(self):
        # Invoices need a chart of accounts: the main company has one.
        main = self.env.ref("base.main_company")
        self.plans.company_id = False
        customer = self.env["res.partner"].create({"name": "Anh Trả Tiền", "company_id": main.id,
                                                   "user_id": self.salesperson.id})
        invoice = self.env["account.move"].with_company(main).create({
            "move_type": "out_invoice", "partner_id": customer.id, "company_id": main.id,
            "invoice_line_ids": [(0, 0, {"name": "Máy lọc nước", "quantity": 1,
                                         "price_unit": 1000, "tax_ids": [(5, 0, 0)]})]})
        invoice.action_post()
        self.env["account.payment.register"].with_company(main).with_context(
            active_model="account.move", active_ids=invoice.ids).create({})._create_payments()
        self.assertEqual(len(self._activities(customer, "care_step_paid_thanks")), 1)


@tagged("post_install", "-at_install")
class TestCareDates(CareCommon):
    def test_purchase_follow_up_and_win_back(self):
        customer = self._customer("Chị Dung", user_id=self.salesperson.id)
        with freeze_time("2026-03-02"):
            self._order(customer, 2)
        self._run_cron("2026-03-09")
        self.assertEqual(len(self._activities(customer, "care_step_satisfaction_call")), 1)
        self._run_cron("2026-03-10")
        self.assertEqual(len(self._activities(customer, "care_step_satisfaction_call")), 1,
                         "a rerun, or the next day's run, adds nothing")
        self.assertFalse(self._activities(customer, "care_step_win_back"))
        self._run_cron("2026-05-31")  # 90 days without buying
        self.assertEqual(len(self._activities(customer, "care_step_win_back")), 1)

    def test_birthdays_solar_and_lunar(self):
        solar = self._customer("Chị Thu", birthday=date(1990, 11, 23), customer_rank=1,
                               email="thu@khachhang.example.vn")
        lunar = self._customer("Bà Xuân", birthday=date(1990, 1, 27), lunar_birthday=True,
                               customer_rank=1)
        self._run_cron("2026-11-23")
        self.assertEqual(len(self._activities(solar, "care_step_birthday")), 1)
        self.assertFalse(self._activities(lunar, "care_step_birthday"))
        self._run_cron("2027-02-06")  # Tết 2027: the lunar birthday
        self.assertEqual(len(self._activities(lunar, "care_step_birthday")), 1)
        mails = self.env["mail.mail"].search([("model", "=", "res.partner"),
                                              ("res_id", "in", (solar | lunar).ids)])
        self.assertEqual(mails.mapped("res_id"), solar.ids,
                         "the greeting email goes to the customer who has an address")

    def test_a_buyer_not_yet_invoiced_nor_tiered_is_greeted(self):
        self.member.min_order_count = 2  # one order gives no tier
        buyer = self._customer("Chị Mua Lần Đầu", birthday=date(1990, 11, 23))
        self._order(buyer, 2)
        self.assertFalse(buyer.customer_rank or buyer.tier_id)
        self._run_cron("2026-11-23")
        self.assertEqual(len(self._activities(buyer, "care_step_birthday")), 1)
        self._run_cron("2027-01-30")  # seven days before Tết 2027
        self.assertEqual(len(self._activities(buyer, "care_step_tet")), 1)
        prospect = self._customer("Chị Chưa Mua", birthday=date(1990, 11, 23))
        self._run_cron("2027-11-23")
        self.assertFalse(self._activities(prospect, "care_step_birthday"),
                         "not a customer: never bought, invoiced nor tiered")

    def test_tet_and_mid_autumn_ahead_of_the_lunar_dates(self):
        customer = self._customer("Ông Tân", customer_rank=1)
        self._run_cron("2027-01-28")  # Tết is on 6 February 2027: not yet
        self.assertFalse(self._activities(customer, "care_step_tet"))
        self._run_cron("2027-01-30")  # seven days before
        tet = self._activities(customer, "care_step_tet")
        self.assertEqual(tet.date_deadline, date(2027, 1, 30))
        self._run_cron("2027-09-10")  # five days before Trung Thu (15 September 2027)
        self.assertEqual(self._activities(customer, "care_step_mid_autumn").date_deadline,
                         date(2027, 9, 10))

    def test_womens_days_go_to_women_and_teachers_day_to_all(self):
        woman = self._customer("Chị Hoa", gender="female", customer_rank=1)
        man = self._customer("Anh Hùng", gender="male", customer_rank=1)
        self._run_cron("2027-03-08")
        self._run_cron("2027-10-20")
        self._run_cron("2027-11-20")
        self.assertTrue(self._activities(woman, "care_step_womens_day"))
        self.assertTrue(self._activities(woman, "care_step_vn_womens_day"))
        self.assertFalse(self._activities(man, "care_step_womens_day"))
        self.assertTrue(self._activities(man, "care_step_teachers_day"))

    def test_a_worker_that_lost_the_race_creates_nothing(self):
        customer = self._customer("Chị Hạnh", customer_rank=1)
        step = self.env.ref("crm_vn_custom.care_step_teachers_day")
        # Another worker claimed this occasion first (same unique key).
        self.env["crm.vn.care.occurrence"].create({
            "template_id": step.id, "res_model": "res.partner", "res_id": customer.id,
            "occasion": "teachers_day:2027", "partner_id": customer.id})
        self._run_cron("2027-11-20")
        self.assertFalse(self._activities(customer, "care_step_teachers_day"))


@tagged("post_install", "-at_install")
class TestCareLog(CareCommon):
    def test_completing_a_care_activity_logs_it_and_moves_the_next_care_date(self):
        customer = self._customer("Anh Lộc", user_id=self.salesperson.id)
        with freeze_time("2026-06-01"):
            self._order(customer, 2)
        self.assertEqual(customer.next_care_date, date(2026, 8, 30), "member: every 90 days")
        self._run_cron("2026-08-30")
        activity = self._activities(customer, "care_step_periodic_call")
        self.assertEqual(activity.user_id, self.salesperson)
        with freeze_time("2026-09-02"):
            activity.with_user(self.salesperson).action_feedback(feedback="Khách hài lòng")
        log = customer.crm_vn_care_log_ids
        self.assertEqual((log.user_id, log.channel_id),
                         (self.salesperson, self.env.ref("crm_vn_custom.care_channel_call")))
        self.assertIn("Khách hài lòng", log.note)
        self.assertEqual(customer.last_interaction_date, date(2026, 9, 2))
        self.assertEqual(customer.next_care_date, date(2026, 12, 1))

    def test_logging_satisfaction_closes_the_activity(self):
        customer = self._customer("Chị Yến", user_id=self.salesperson.id)
        self._order(customer, 2)
        step = self.env.ref("crm_vn_custom.care_step_satisfaction_call")
        activity = customer.activity_schedule(
            "mail.mail_activity_data_call", summary=step.summary, user_id=self.salesperson.id)
        log = self.env["crm.vn.care.log"].with_user(self.salesperson).create({
            "partner_id": customer.id, "activity_id": activity.id, "satisfaction": "4",
            "nps": "9", "note": "<p>Giao hàng nhanh</p>",
            "channel_id": self.env.ref("crm_vn_custom.care_channel_zalo").id})
        self.assertFalse(activity.exists(), "the activity is done")
        self.assertEqual(len(customer.crm_vn_care_log_ids), 1, "logged once, not twice")
        self.assertEqual((log.satisfaction, log.nps), ("4", "9"))
        # The salesperson's day (Vietnam), which may already be tomorrow in UTC.
        self.assertEqual(customer.last_interaction_date, log.date)


@tagged("post_install", "-at_install")
class TestComplaints(CareCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.gold.write({"complaint_response_hours": 4, "complaint_resolution_hours": 24})
        cls.customer = cls._customer("Công ty Khiếu Nại", is_company=True,
                                     user_id=cls.salesperson.id)
        cls.customer._crm_vn_set_tier_override(cls.gold, "Khách chiến lược")

    def _complaint(self):
        return self.env["crm.vn.complaint"].with_user(self.salesperson).create({
            "name": "Giao hàng trễ", "partner_id": self.customer.id})

    def _check(self, moment):
        with freeze_time(moment):
            self.env["crm.vn.complaint"]._cron_check_deadlines()

    def test_deadlines_come_from_the_tier(self):
        with freeze_time("2026-11-23 08:00:00"):
            complaint = self._complaint()
        self.assertEqual(complaint.user_id, self.salesperson)
        self.assertEqual(str(complaint.response_deadline), "2026-11-23 12:00:00")
        self.assertEqual(str(complaint.resolution_deadline), "2026-11-24 08:00:00")

    def test_late_response_is_flagged_and_escalated_once(self):
        with freeze_time("2026-11-23 08:00:00"):
            complaint = self._complaint()
        self._check("2026-11-23 11:59:00")
        self.assertFalse(complaint.response_breached)
        self._check("2026-11-23 12:01:00")
        self.assertTrue(complaint.response_breached)
        self.assertTrue(complaint.escalated)
        alert = complaint.activity_ids.filtered(lambda a: a.user_id == self.leader)
        self.assertEqual(len(alert), 1)
        self._check("2026-11-24 09:00:00")  # now the resolution is late too
        self.assertTrue(complaint.resolution_breached)
        self.assertEqual(len(complaint.activity_ids.filtered(
            lambda a: a.user_id == self.leader)), 1, "escalated once")

    def test_answered_in_time_is_not_breached(self):
        with freeze_time("2026-11-23 08:00:00"):
            complaint = self._complaint()
        with freeze_time("2026-11-23 10:00:00"):
            complaint.action_start()
        with freeze_time("2026-11-23 20:00:00"):
            complaint.action_resolve()
        self._check("2026-11-25 08:00:00")
        self.assertEqual((complaint.state, complaint.response_breached,
                          complaint.resolution_breached, complaint.escalated),
                         ("resolved", False, False, False))

    def test_overdue_care_is_escalated_to_the_team_leader_once(self):
        self.company.crm_vn_care_escalation_days = 14
        with freeze_time("2026-06-01"):
            self._order(self.customer, 2)
        self.assertEqual(self.customer.next_care_date, date(2026, 7, 1), "gold: every 30 days")
        self._check("2026-07-10")
        self.assertFalse(self.customer.activity_ids.filtered(
            lambda a: a.user_id == self.leader))
        self._check("2026-07-16")
        self._check("2026-07-17")
        alerts = self.customer.activity_ids.filtered(lambda a: a.user_id == self.leader)
        self.assertEqual(len(alerts), 1)
        self.assertIn("2026-07-01", alerts.summary)
