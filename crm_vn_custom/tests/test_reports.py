from datetime import datetime, time, timedelta

from dateutil.relativedelta import relativedelta

from odoo import Command, fields
from odoo.tests import tagged

from .common import CrmVnCommon
from .test_access import build_staff

MILLION = 1_000_000


def month_day(months_ago):
    """The 5th of the month ``months_ago`` months back, at 10:00."""
    day = fields.Date.today().replace(day=5) - relativedelta(months=months_ago)
    return datetime.combine(day, time(10))


@tagged("post_install", "-at_install")
class TestReports(CrmVnCommon):
    """A small base whose figures are known:

    ====  ===========  ====================================  =========================
    who   salesperson  confirmed orders (months ago: amount)  other
    ====  ===========  ====================================  =========================
    An    staff        4: 10M, 3: 5M, now: 2M                 female, 30 years old
    Bình  staff        4: 4M                                  lost (churn after 100 days)
    Cúc   colleague    2: 6M                                  same team as staff
    Em    staff        now: 9M                                new this month
    Đào   other team   none (customer_rank 1)
    ====  ===========  ====================================  =========================
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        build_staff(cls)
        cls.company.crm_vn_churn_days = 100
        cls.product = cls.env["product.product"].create({
            "name": "Máy lọc nước", "list_price": MILLION, "taxes_id": [Command.clear()]})
        cls.pricelist = cls.env["product.pricelist"].create({
            "name": "Giá VND", "currency_id": cls.company.currency_id.id,
            "company_id": cls.company.id})
        thirty_years_ago = fields.Date.today() - relativedelta(years=30, days=1)

        def customer(name, owner, **values):
            return cls.env["res.partner"].create({
                "name": name, "company_id": cls.company.id, "user_id": owner.id,
                "customer_rank": 1, **values})

        cls.an = customer("Chị Nguyễn Thị An", cls.staff, gender="female",
                          birthday=thirty_years_ago, state_id=cls.hanoi.id)
        cls.binh = customer("Anh Trần Văn Bình", cls.staff, gender="male")
        cls.cuc = customer("Bà Lý Thị Cúc", cls.colleague)
        cls.em = customer("Em Phạm Thu Em", cls.staff)
        cls.dao = customer("Ông Mai Văn Đào", cls.other_team_staff)
        cls.customers = cls.an | cls.binh | cls.cuc | cls.em | cls.dao
        for partner, months_ago, millions in [(cls.an, 4, 10), (cls.an, 3, 5), (cls.an, 0, 2),
                                              (cls.binh, 4, 4), (cls.cuc, 2, 6), (cls.em, 0, 9)]:
            cls._order(partner, millions, months_ago)

    @classmethod
    def _order(cls, partner, millions, months_ago):
        order = cls.env["sale.order"].create({
            "partner_id": partner.id, "company_id": cls.company.id,
            "pricelist_id": cls.pricelist.id,
            "order_line": [Command.create({"product_id": cls.product.id, "product_uom_qty": 1,
                                           "price_unit": millions * MILLION})],
        })
        order.with_context(crm_vn_skip_tier_recompute=True).action_confirm()
        order.date_order = month_day(months_ago) if months_ago else fields.Datetime.now()
        return order

    def _report(self, model, user=None, domain=()):
        self.env.flush_all()  # the reports are SQL views over other tables
        report = self.env[model].with_user(user) if user else self.env[model]
        return report.search([("partner_id", "in", self.customers.ids), *domain])

    def _aggregate(self, model, aggregates, user=None, domain=(), groupby=(), months_since=None):
        self.env.flush_all()
        report = self.env[model].with_user(user) if user else self.env[model]
        if months_since is not None:
            report = report.with_context(crm_vn_months_since_first=months_since)
        return report._read_group([("partner_id", "in", self.customers.ids), *domain],
                                  groupby, aggregates)

    # -------------------------------------------------------------- customers
    def test_customers_value_churn_and_profile(self):
        rows = self._report("crm.vn.customer.report")
        self.assertEqual(len(rows), 5)
        an = rows.filtered(lambda row: row.partner_id == self.an)
        self.assertEqual(an.order_count, 3)
        self.assertEqual(an.lifetime_value, 17 * MILLION)
        self.assertEqual(an.cohort_month, month_day(4).date().replace(day=1))
        self.assertEqual((an.age_group.code, an.gender, an.province_id),
                         ("25_34", "female", self.hanoi))
        self.assertEqual(rows.filtered("churned").partner_id, self.binh)
        self.assertEqual(rows.filtered(lambda row: row.partner_id == self.dao).order_count, 0)
        [(count, value, churn, repeat)] = self._aggregate(
            "crm.vn.customer.report",
            ["__count", "average_value:avg", "churn_rate:avg", "repeat_rate:avg"])
        # Averages are over the four who bought: (17 + 4 + 6 + 9) / 4, 1 lost, 1 repeat.
        self.assertEqual(count, 5)
        self.assertAlmostEqual(value, 9 * MILLION)
        self.assertAlmostEqual(churn, 25.0)
        self.assertAlmostEqual(repeat, 25.0)

    def test_customers_by_tier(self):
        Tier = self.env["crm.vn.tier"]
        gold = Tier.create({"name": "Vàng", "code": "G", "rank": 3, "company_id": self.company.id})
        silver = Tier.create({"name": "Bạc", "code": "S", "rank": 2,
                              "company_id": self.company.id})
        (self.an | self.cuc).write({"tier_id": gold.id})
        self.binh.tier_id = silver
        by_tier = dict(self._aggregate("crm.vn.customer.report", ["__count"],
                                       groupby=["tier_id"]))
        self.assertEqual(by_tier, {silver: 1, gold: 2, Tier: 2})

    # --------------------------------------------------------------- cohorts
    def test_retention_and_churn_per_cohort(self):
        cohort = month_day(4).date().replace(day=1)
        rows = {months: (retention, churn) for months, retention, churn in
                self._aggregate("crm.vn.cohort.report", ["retention_rate:avg", "churn_rate:avg"],
                                domain=[("cohort_month", "=", cohort)],
                                groupby=["months_since_first"])}
        # An and Bình started 4 months ago; An came back the month after and this month.
        self.assertEqual(rows, {0: (100.0, 0.0), 1: (50.0, 50.0), 2: (0.0, 50.0),
                                3: (0.0, 50.0), 4: (50.0, 50.0)})
        cohorts = dict(self._aggregate("crm.vn.cohort.report", ["__count"],
                                       domain=[("months_since_first", "=", 0)],
                                       groupby=["cohort_month:month"]))
        self.assertEqual(sorted(cohorts.values()), [1, 1, 2])  # An+Bình, Cúc, Em
        # Narrowed to one month since the first purchase (the dashboard), the same rows.
        for months in range(6):
            domain = [("months_since_first", "=", months)]
            whole = self._aggregate("crm.vn.cohort.report", ["__count", "retention_rate:avg"],
                                    domain=domain, groupby=["cohort_month:month"])
            self.env.invalidate_all()
            self.assertEqual(self._aggregate(
                "crm.vn.cohort.report", ["__count", "retention_rate:avg"], domain=domain,
                groupby=["cohort_month:month"], months_since=months), whole)

    # ----------------------------------------------------------------- revenue
    def test_revenue_from_new_and_returning_customers(self):
        month_start = datetime.combine(fields.Date.today().replace(day=1), time.min)
        revenue = dict(self.env["sale.report"]._read_group(
            [("commercial_partner_id", "in", self.customers.ids), ("state", "=", "sale"),
             ("date", ">=", month_start)], ["crm_vn_customer_kind"], ["price_subtotal:sum"]))
        self.assertEqual(revenue, {"new": 9 * MILLION, "returning": 2 * MILLION})

    # -------------------------------------------------------- NPS, satisfaction
    def test_nps_and_satisfaction_over_answers_only(self):
        Log = self.env["crm.vn.care.log"]
        answers = [(self.staff, self.an, "10", "5"), (self.staff, self.an, "9", "4"),
                   (self.staff, self.binh, "5", "2"), (self.staff, self.em, "7", False),
                   (self.staff, self.em, False, False), (self.colleague, self.cuc, "0", False)]
        Log.create([{"partner_id": partner.id, "user_id": user.id, "company_id": self.company.id,
                     "nps": nps, "satisfaction": satisfaction}
                    for user, partner, nps, satisfaction in answers])
        [(nps, satisfaction, answered)] = self._aggregate(
            "crm.vn.satisfaction.report", ["nps:avg", "satisfaction:avg", "answer_count:sum"])
        # 2 promoters and 2 detractors of 5 answers; satisfaction (5 + 4 + 2) / 3.
        self.assertEqual((nps, answered), (0.0, 5))
        self.assertAlmostEqual(satisfaction, 11 / 3)
        [(staff_nps,)] = self._aggregate("crm.vn.satisfaction.report", ["nps:avg"],
                                         user=self.staff)
        self.assertEqual(staff_nps, 25.0)  # (2 - 1) / 4

    # ---------------------------------------------------------- care compliance
    def test_care_compliance_counts_against_the_first_deadline(self):
        plan = self.env.ref("crm_vn_custom.care_plan_after_sale")
        plan.write({"active": True, "company_id": self.company.id})
        step = self.env.ref("crm_vn_custom.care_step_paid_thanks")
        today = fields.Date.today()
        engine = self.env["crm.vn.care.engine"]
        due = {"late": today - timedelta(days=4), "on_time": today + timedelta(days=3),
               "overdue": today - timedelta(days=2), "planned": today + timedelta(days=5),
               "cancelled": today + timedelta(days=6)}
        activities = {
            name: engine._schedule(step, [(self.an, self.an, f"test:{name}", day)])
            for name, day in due.items()}
        self.assertEqual(activities["late"].date_deadline, due["late"])
        activities["late"].action_feedback("Đã gọi, khách hài lòng")
        activities["on_time"].date_deadline = today + timedelta(days=10)
        activities["on_time"].action_feedback("Đã gọi")
        activities["cancelled"].unlink()
        activities["overdue"].user_id = self.colleague
        mine = [("step_id", "=", step.id)]  # the demo's plans schedule other steps too
        rows = self._report("crm.vn.care.compliance.report", domain=mine)
        self.assertEqual({(row.date_deadline, row.state) for row in rows},
                         {(day, state) for state, day in due.items()})
        overdue = rows.filtered(lambda row: row.state == "overdue")
        self.assertEqual((overdue.user_id, overdue.days_late), (self.colleague, 2))
        [(rate,)] = self._aggregate("crm.vn.care.compliance.report", ["compliance_rate:avg"],
                                    domain=mine)
        self.assertAlmostEqual(rate, 100 / 3)  # on time of on time, late and overdue
        [(staff_rate, staff_rows)] = self._aggregate(
            "crm.vn.care.compliance.report", ["compliance_rate:avg", "__count"], user=self.staff,
            domain=mine)
        self.assertEqual((staff_rate, staff_rows), (50.0, 4))

    # -------------------------------------------------------------- complaints
    def test_complaint_deadlines_met_or_missed(self):
        gold = self.env["crm.vn.tier"].create({
            "name": "Vàng", "code": "G", "rank": 3, "company_id": self.company.id,
            "complaint_response_hours": 4, "complaint_resolution_hours": 24})
        (self.an | self.binh).write({"tier_id": gold.id})
        Complaint = self.env["crm.vn.complaint"]
        met = Complaint.create({"name": "Giao thiếu hàng", "partner_id": self.an.id})
        met.action_start()
        met.action_resolve()
        late = Complaint.create({"name": "Máy hỏng", "partner_id": self.binh.id})
        late.date_open = fields.Datetime.now() - timedelta(days=2)
        Complaint._cron_check_deadlines()
        still_open = Complaint.create({"name": "Hỏi bảo hành", "partner_id": self.an.id})
        self.assertEqual((met | late | still_open).mapped("deadline_status"),
                         ["met", "breached", "open"])

    # ------------------------------------------------------------------ points
    def test_points_issued_redeemed_expired(self):
        program = self.env["loyalty.program"].create({
            "name": "Tích điểm", "program_type": "loyalty", "trigger": "auto",
            "company_id": self.company.id, "currency_id": self.company.currency_id.id})
        Card = self.env["loyalty.card"]
        an_card = Card._crm_vn_card_of(self.an, program)
        an_card._crm_vn_post(100, "Đơn hàng", "earning")
        an_card._crm_vn_post(-30, "Đổi quà", "earning")
        an_card._crm_vn_post(-20, "Hết hạn", "expiry")
        an_card._crm_vn_post(-10, "Trả hàng", "refund")
        Card._crm_vn_card_of(self.cuc, program)._crm_vn_post(50, "Đơn hàng", "earning")
        aggregates = ["points_issued:sum", "points_redeemed:sum", "points_expired:sum",
                      "points_taken_back:sum"]
        self.assertEqual(self._aggregate("crm.vn.points.report", aggregates),
                         [(150.0, 30.0, 20.0, 10.0)])
        self.assertEqual(self._aggregate("crm.vn.points.report", aggregates, user=self.staff),
                         [(100.0, 30.0, 20.0, 10.0)])

    # --------------------------------------------------------- who sees what
    def test_staff_see_their_own_rows_leaders_their_team(self):
        def visible(user):
            return self._report("crm.vn.customer.report", user=user).partner_id

        self.assertEqual(visible(self.staff), self.an | self.binh | self.em)
        self.assertEqual(visible(self.leader), self.an | self.binh | self.em | self.cuc)
        self.assertEqual(visible(self.manager), self.customers)
        self.assertEqual(self._report("crm.vn.cohort.report", user=self.staff).partner_id,
                         self.an | self.binh | self.em)
        [(value,)] = self._aggregate("crm.vn.customer.report", ["average_value:avg"],
                                     user=self.staff)
        self.assertAlmostEqual(value, 10 * MILLION)  # (17 + 4 + 9) / 3

    def test_dashboard_shows_each_user_their_own_figures(self):
        Dashboard = self.env["crm.vn.dashboard"]

        def tiles(user):
            data = Dashboard.with_user(user).with_context(
                allowed_company_ids=self.company.ids).retrieve_dashboard()
            return {tile["label"]: tile["value"] for section in data["sections"]
                    for tile in section["tiles"]}

        staff, leader = tiles(self.staff), tiles(self.leader)
        self.assertEqual((staff["Customers"], leader["Customers"]), (3, 4))
        self.assertEqual(staff["Lost Customers"], 1)
        self.assertEqual(staff["From New Customers"], 9 * MILLION)
        self.assertEqual(staff["From Returning Customers"], 2 * MILLION)
        self.assertAlmostEqual(leader["Average Lifetime Value"], 9 * MILLION)
        self.assertAlmostEqual(staff["Back the Next Month"], 50.0)  # An of An and Bình
