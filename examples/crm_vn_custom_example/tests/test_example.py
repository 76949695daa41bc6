"""Each extension point of crm_vn_custom, used the way readme/DEVELOP.md says."""

from datetime import date

from freezegun import freeze_time

from odoo.tests import tagged

from odoo.addons.crm_vn_custom.tests.test_care import CareCommon

MILLION = 1_000_000


@tagged("post_install", "-at_install")
class TestExtensionExample(CareCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.business_plan = cls.env.ref("crm_vn_custom_example.care_plan_business")
        cls.business_plan.write({"active": True, "company_id": cls.company.id})

    def _step_activities(self, partner, xmlid):
        step = self.env.ref(f"crm_vn_custom_example.{xmlid}")
        return self.env["mail.activity"].search([
            ("res_model", "=", "res.partner"), ("res_id", "=", partner.id),
            ("summary", "=", step.summary)])

    def test_a_new_occasion_greets_business_customers_on_13_october(self):
        business = self._customer("Công ty Hoàng Long", is_company=True, customer_rank=1,
                                  user_id=self.salesperson.id)
        person = self._customer("Anh Dũng", customer_rank=1, user_id=self.salesperson.id)
        self._run_cron("2027-10-12")
        self.assertFalse(self._step_activities(business, "care_step_entrepreneurs_day"))
        self._run_cron("2027-10-13")
        activity = self._step_activities(business, "care_step_entrepreneurs_day")
        self.assertEqual((activity.user_id, activity.date_deadline),
                         (self.salesperson, date(2027, 10, 13)))
        self.assertFalse(self._step_activities(person, "care_step_entrepreneurs_day"))

    def test_a_new_trigger_fires_on_the_first_purchase_anniversary_once_a_year(self):
        customer = self._customer("Chị Mai", user_id=self.salesperson.id)
        with freeze_time("2026-05-10"):
            self._order(customer, 3)
        self._run_cron("2026-05-10")
        self.assertFalse(self._step_activities(customer, "care_step_first_purchase_anniversary"),
                         "the day of the purchase is no anniversary")
        self._run_cron("2027-05-10")
        self._run_cron("2027-05-11")
        self.assertEqual(len(self._step_activities(
            customer, "care_step_first_purchase_anniversary")), 1)

    def test_a_new_tier_criterion_holds_back_customers_below_it(self):
        self.silver.min_product_count = 2
        customer = self._customer("Anh Phúc", user_id=self.salesperson.id)
        self._order(customer, 6)
        self._order(customer, 6)
        self.assertEqual(customer.tier_id, self.member, "12 million, 2 orders, one product")
        other = self.env["product.product"].create({
            "name": "Lõi lọc thay thế", "list_price": MILLION, "taxes_id": [(5, 0, 0)]})
        self.env["sale.order"].create({
            "partner_id": customer.id, "company_id": self.company.id,
            "pricelist_id": self.pricelist.id,
            "order_line": [(0, 0, {"product_id": other.id, "product_uom_qty": 1,
                                   "price_unit": MILLION})],
        }).action_confirm()
        self.assertEqual(customer.tier_id, self.silver)

    def test_the_preview_tries_the_new_criterion_too(self):
        self.silver.min_product_count = 2
        customer = self._customer("Chị Loan", user_id=self.salesperson.id)
        self._order(customer, 6)
        self._order(customer, 6)
        engine = self.env["crm.vn.tier.engine"]
        figures = engine._stats(self.company, customer.ids)[customer.id]
        self.assertEqual(figures["product_count"], 1)
        tiers = engine._tiers_by_rank(self.company)
        self.assertEqual(engine._qualifying_tier(tiers, figures), self.member)

    def test_a_new_report_column(self):
        source = self.env.ref("utm.utm_source_facebook")
        customer = self._customer("Chị Thu", source_id=source.id, customer_rank=1)
        row = self.env["crm.vn.customer.report"].search([("partner_id", "=", customer.id)])
        self.assertEqual(row.source_id, source)
        groups = self.env["crm.vn.customer.report"].read_group(
            [("partner_id", "=", customer.id)], ["source_id"], ["source_id"])
        self.assertEqual(groups[0]["source_id"][0], source.id)
