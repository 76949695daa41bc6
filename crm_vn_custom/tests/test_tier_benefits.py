from odoo.tests import Form, tagged

from .test_tiers import MILLION, TierCommon


@tagged("post_install", "-at_install")
class TestTierBenefitsOnQuotations(TierCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.gold_pricelist = cls.env["product.pricelist"].create({
            "name": "Bảng giá hạng Vàng", "currency_id": cls.company.currency_id.id,
            "company_id": cls.company.id,
            "item_ids": [(0, 0, {"compute_price": "percentage", "percent_price": 10})]})
        cls.gold.pricelist_id = cls.gold_pricelist
        cls.silver.discount_percent = 5
        cls.gold_customer = cls._customer("Công ty Vàng Bạc Kim Long", is_company=True,
                                          property_product_pricelist=cls.pricelist.id)
        cls.silver_customer = cls._customer("Chị Đỗ Thị Ngân",
                                            property_product_pricelist=cls.pricelist.id)
        cls.gold_customer._crm_vn_set_tier_override(cls.gold, "Khách chiến lược")
        cls.silver_customer._crm_vn_set_tier_override(cls.silver, "Khách lâu năm")

    def _quotation(self, partner):
        form = Form(self.env["sale.order"].with_user(self.salesperson))
        form.partner_id = partner
        with form.order_line.new() as line:
            line.product_id = self.product
        return form

    def test_new_quotation_gets_the_tier_pricelist_and_says_why(self):
        order = self._quotation(self.gold_customer).save()
        self.assertEqual(order.pricelist_id, self.gold_pricelist)
        self.assertEqual(order.order_line.price_subtotal, 0.9 * MILLION)
        self.assertEqual(order.crm_vn_tier_benefit,
                         "Tier Vàng: pricelist Bảng giá hạng Vàng (VND)")

    def test_tier_discount_and_changing_the_customer(self):
        form = self._quotation(self.silver_customer)
        self.assertEqual(form.pricelist_id, self.pricelist)
        self.assertEqual(form.order_line.edit(0).discount, 5)
        self.assertEqual(form.crm_vn_tier_benefit, "Tier Bạc: 5% discount on every line")
        form.partner_id = self.gold_customer
        self.assertEqual(form.pricelist_id, self.gold_pricelist)
        self.assertEqual(form.order_line.edit(0).discount, 10, "the Gold pricelist's own 10%")
        ordinary = self._customer("Anh Khách Thường", property_product_pricelist=self.pricelist.id)
        form.partner_id = ordinary
        self.assertEqual(form.pricelist_id, self.pricelist)
        self.assertFalse(form.crm_vn_tier_benefit)

    def test_confirmed_orders_keep_their_prices(self):
        order = self._quotation(self.silver_customer).save()
        order.action_confirm()
        self.silver.discount_percent = 8
        self.assertEqual(order.order_line.discount, 5)
        self.assertEqual(order.pricelist_id, self.pricelist)
