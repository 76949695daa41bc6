from odoo.exceptions import UserError
from odoo.tests import new_test_user, tagged

from .test_tiers import MILLION, TierCommon


@tagged("post_install", "-at_install")
class TestTiersInAGroup(TierCommon):
    """A group of two companies: a customer shared by both (imported customers have no
    company) holds a tier in each, from that company's orders, and users see the tier of
    the company they work in; a customer of one company keeps its tier wherever seen."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sao_viet = cls.env["res.company"].create({
            "name": "Công ty Sao Việt", "country_id": cls.vietnam.id,
            "currency_id": cls.env.ref("base.VND").id})
        cls.env.user.company_ids |= cls.sao_viet
        Tier = cls.env["crm.vn.tier"]
        cls.sv_bronze = Tier.create({
            "name": "Đồng", "code": "SV-B", "rank": 1, "company_id": cls.sao_viet.id,
            "min_order_count": 1, "contact_interval_days": 120})
        cls.sv_gold = Tier.create({
            "name": "Vàng Sao Việt", "code": "SV-G", "rank": 2, "company_id": cls.sao_viet.id,
            "min_revenue": 20 * MILLION, "min_order_count": 1, "contact_interval_days": 15})
        cls.sv_pricelist = cls.env["product.pricelist"].create({
            "name": "Giá Sao Việt", "currency_id": cls.sao_viet.currency_id.id,
            "company_id": cls.sao_viet.id})
        # Imported from another system: no company, so shared by the group.
        cls.shared = cls.env["res.partner"].create({
            "name": "Chị Hoa (khách chung)", "country_id": cls.vietnam.id,
            "email": "hoa@example.vn"})
        cls.ours = cls._customer("Anh Nam (khách riêng)")
        cls.sv_staff = new_test_user(
            cls.env, login="crmvn_sv_staff", name="Lê Văn Sao Việt",
            groups="base.group_user,crm_vn_custom.group_crm_vn_care_manager",
            company_id=cls.sao_viet.id, company_ids=[(6, 0, cls.sao_viet.ids)],
            tz="Asia/Ho_Chi_Minh")
        cls.our_staff = new_test_user(
            cls.env, login="crmvn_our_staff", name="Phạm Thị Kiểm Thử",
            groups="base.group_user,crm_vn_custom.group_crm_vn_care_manager",
            company_id=cls.company.id, company_ids=[(6, 0, (cls.company | cls.sao_viet).ids)],
            tz="Asia/Ho_Chi_Minh")

    def _as(self, user, records):
        """``records`` as ``user`` sees them in the web client: working in his company, with
        every company he has selected."""
        return records.with_user(user).with_context(
            allowed_company_ids=(user.company_id | user.company_ids).ids)

    def _buy_in_both(self):
        """6 + 6 million with the test company (Silver there), 25 million with Sao Việt
        (its gold tier), each order confirmed as a salesperson would."""
        self._order(self.shared, 6)
        self._order(self.shared, 6)
        return self._order(self.shared, 25, company=self.sao_viet,
                           pricelist=self.sv_pricelist)

    def test_a_shared_customer_holds_the_tier_of_each_company_it_buys_from(self):
        self._buy_in_both()
        here, there = self.shared.with_company(self.company), self.shared.with_company(
            self.sao_viet)
        self.assertEqual((here.tier_id, here.tier_revenue, here.tier_order_count),
                         (self.silver, 12 * MILLION, 2))
        self.assertEqual((there.tier_id, there.tier_revenue, there.tier_order_count),
                         (self.sv_gold, 25 * MILLION, 1))
        self.assertEqual(here.tier_next_id, self.gold, "the next tier is the company's own")
        self.assertFalse(there.tier_next_id, "the highest tier of Sao Việt")
        # Each company's staff see their own company's tier of the customer.
        self.assertEqual(self._as(self.sv_staff, self.shared).tier_id, self.sv_gold)
        self.assertEqual(self._as(self.our_staff, self.shared).tier_id, self.silver)
        # ... and find it by its tier there, not by the other company's.
        Partner = self.env["res.partner"]
        self.assertIn(self.shared, self._as(self.sv_staff, Partner).search(
            [("tier_id", "=", self.sv_gold.id)]))
        self.assertNotIn(self.shared, self._as(self.our_staff, Partner).search(
            [("tier_id", "=", self.sv_gold.id)]))
        # One history line per company, and the chatter says which company each is of.
        history = self.env["crm.vn.tier.history"].search([("partner_id", "=", self.shared.id)])
        self.assertEqual({(line.company_id, line.new_tier_id) for line in history}, {
            (self.company, self.member), (self.company, self.silver),
            (self.sao_viet, self.sv_gold)})
        notes = self.shared.message_ids.mapped("body")
        self.assertTrue(any("Vàng Sao Việt" in note and "Công ty Sao Việt" in note
                            for note in notes), notes)
        # The most demanding care standard of its two tiers sets its care rhythm.
        self.shared.last_interaction_date = "2026-11-01"
        self.assertEqual(str(self.shared.next_care_date), "2026-11-16")

    def test_quotations_loyalty_and_complaints_use_the_tier_of_their_company(self):
        self.sv_gold.discount_percent = 5
        self._buy_in_both()
        quotation = self._order(self.shared, 2, company=self.sao_viet,
                                pricelist=self.sv_pricelist, confirm=False)
        self.assertEqual(quotation.crm_vn_tier_id, self.sv_gold)
        self.assertEqual(quotation.order_line.discount, 5, "Sao Việt's tier discount")
        here = self._order(self.shared, 2, confirm=False)
        self.assertEqual(here.crm_vn_tier_id, self.silver)
        self.assertFalse(here.order_line.discount, "Silver gives no discount here")
        self.assertIn("Vàng", here.crm_vn_next_tier_note)
        complaint = self.env["crm.vn.complaint"].create({
            "name": "Giao hàng chậm", "partner_id": self.shared.id,
            "company_id": self.sao_viet.id})
        self.assertEqual(complaint.tier_id, self.sv_gold)

    def test_a_manual_tier_is_set_in_the_company_of_the_tier(self):
        self._buy_in_both()
        self.shared._crm_vn_set_tier_override(self.sv_bronze, "Khách tạm ngừng hợp tác")
        self.assertEqual(self.shared.with_company(self.sao_viet).tier_id, self.sv_bronze)
        self.assertEqual(self.shared.with_company(self.company).tier_id, self.silver,
                         "the other company's tier is untouched")
        self.engine._recompute(self.shared)
        self.assertEqual(self.shared.with_company(self.sao_viet).tier_override_id,
                         self.sv_bronze, "kept by the recompute")
        self.assertFalse(self.shared.with_company(self.company).tier_override_id)
        with self.assertRaisesRegex(UserError, "another company"):
            self.ours._crm_vn_set_tier_override(self.sv_gold, "Nhầm công ty")

    def test_a_customer_of_one_company_keeps_its_tier_wherever_it_is_seen(self):
        self._order(self.ours, 6)
        self._order(self.ours, 6)
        # A user with both companies selected, working in Sao Việt, opens it.
        seen = self._as(self.our_staff, self.ours).with_company(self.sao_viet)
        self.assertEqual((seen.tier_id, seen.tier_revenue), (self.silver, 12 * MILLION))
        self.assertIn(self.ours, seen.search([("tier_id", "=", self.silver.id)]))
        # Writing its relationship from Sao Việt writes it in its own company.
        seen.relationship_kind = "strategic"
        self.assertEqual(self.ours.with_company(self.company).relationship_kind, "strategic")

    def test_reports_and_scores_are_per_company(self):
        self._buy_in_both()
        self.engine._recompute_rfm(self.company)
        self.engine._recompute_rfm(self.sao_viet)
        self.env.flush_all()
        rows = self.env["crm.vn.customer.report"].search([("partner_id", "=", self.shared.id)])
        self.assertEqual({(row.company_id, row.tier_id, row.order_count) for row in rows}, {
            (self.company, self.silver, 2), (self.sao_viet, self.sv_gold, 1)})
        for company in (self.company, self.sao_viet):
            self.assertEqual(self.shared.with_company(company).relationship_kind, "current")
        # A manager working in both companies sees each company's tiers, named apart.
        both = self.env["crm.vn.dashboard"].with_context(
            allowed_company_ids=(self.company | self.sao_viet).ids).retrieve_dashboard()
        self.assertIn(f"{self.sv_gold.name} · {self.sao_viet.name}",
                      [tier["name"] for tier in both["tiers"]])
        # A copy of his personal data names his tier in each company.
        tiers = {row["company"]: row["tier_id"] for row in self.shared._crm_vn_personal_data()[
            "tiers"]}
        self.assertEqual(tiers, {self.company.name: self.silver.display_name,
                                 self.sao_viet.name: self.sv_gold.display_name})
        sales = self.env["sale.report"].with_context(
            allowed_company_ids=(self.company | self.sao_viet).ids).search(
            [("partner_id", "=", self.shared.id)])
        self.assertEqual(set(sales.mapped(lambda line: (line.company_id, line.crm_vn_tier_id))),
                         {(self.company, self.silver), (self.sao_viet, self.sv_gold)})
