from dateutil.relativedelta import relativedelta

from odoo import fields
from odoo.exceptions import ValidationError
from odoo.tests import Form, tagged

from .common import CrmVnCommon


@tagged("post_install", "-at_install")
class TestDuplicates(CrmVnCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.existing = cls._customer(
            "Nguyễn Văn An", mobile="0912 345 678", email="an.nguyen@example.vn",
            vat="0312345678")

    def test_same_number_typed_differently_is_flagged_while_typing(self):
        form = Form(self.env["res.partner"])
        form.name = "Anh An"
        form.country_id = self.vietnam
        form.mobile = "+84 912 345 678"
        self.assertEqual(form.duplicate_partner_ids[:], self.existing)
        partner = form.save()
        self.assertEqual(partner.duplicate_partner_ids, self.existing)
        self.assertEqual(self.existing.duplicate_partner_ids, partner)

    def test_same_email_or_tax_code_is_flagged(self):
        by_email = self._customer("A. Nguyen", email="AN.NGUYEN@example.vn")
        by_vat = self._customer("Công ty của An", is_company=True, vat="0312345678")
        self.assertEqual(by_email.duplicate_partner_ids, self.existing)
        self.assertEqual(by_vat.duplicate_partner_ids, self.existing)

    def test_contacts_of_one_company_are_not_duplicates_of_each_other(self):
        company = self._customer("Công ty Minh Phát", is_company=True, phone="028 3822 1111")
        contact = self._customer("Lê Minh", parent_id=company.id, phone="028 3822 1111")
        self.assertFalse(contact.duplicate_partner_ids)
        self.assertFalse(self._customer("Khác hẳn", mobile="0933 111 222").duplicate_partner_ids)

    def test_import_warns_about_duplicates_and_names_the_existing_customer(self):
        result = self.env["res.partner"].load(
            ["name", "mobile", "country_id"],
            [["Nguyễn An", "84912345678", "Vietnam"], ["Trần Bình", "0933 222 333", "Vietnam"]])
        self.assertEqual(len(result["ids"]), 2, "duplicates are imported, with a warning")
        warnings = [m for m in result["messages"] if m["type"] == "warning"]
        self.assertEqual(len(warnings), 1)
        self.assertIn("Nguyễn Văn An", warnings[0]["message"])
        self.assertEqual(warnings[0]["rows"]["from"], 0)

    def test_merge_keeps_orders_leads_and_points(self):
        duplicate = self._customer("Anh An", mobile="0912345678")
        product = self.env["product.product"].create({"name": "Nồi cơm điện", "list_price": 1e6})
        order = self.env["sale.order"].create({
            "partner_id": duplicate.id, "company_id": self.company.id,
            "order_line": [(0, 0, {"product_id": product.id})]})
        order.action_confirm()
        lead = self.env["crm.lead"].create({"name": "Mua thêm", "partner_id": duplicate.id})
        program = self.env["loyalty.program"].create({
            "name": "Tích điểm", "program_type": "loyalty", "company_id": self.company.id})
        card = self.env["loyalty.card"].create({
            "program_id": program.id, "partner_id": duplicate.id, "points": 120})
        action = self.existing.with_user(self.sales_manager).action_merge_duplicates()
        wizard = self.env[action["res_model"]].with_user(self.sales_manager).with_context(
            **action["context"]).create({})
        self.assertEqual(wizard.partner_ids, self.existing | duplicate)
        wizard.dst_partner_id = self.existing
        wizard.action_merge()
        self.assertFalse(duplicate.exists())
        self.assertEqual(order.partner_id, self.existing)
        self.assertEqual(lead.partner_id, self.existing)
        self.assertEqual(card.partner_id, self.existing)
        self.assertEqual(card.points, 120)
        self.assertEqual(self.existing.tier_order_count, 1, "the merged order counts at once")


@tagged("post_install", "-at_install")
class TestImport(CrmVnCommon):
    ROWS = [["Phạm Hùng", "0987 111 222", "Vietnam"],
            ["Sai Số", "0987 11", "Vietnam"],
            ["Đỗ Mai", "0977 333 444", "Vietnam"],
            ["Nguyễn Văn An", "0912 345 678", "Vietnam"]]

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._customer("Nguyễn Văn An", mobile="0912 345 678")

    def test_a_bad_row_is_reported_with_its_line_and_nothing_is_imported(self):
        result = self.env["res.partner"].load(["name", "mobile", "country_id"], self.ROWS)
        self.assertFalse(result["ids"])
        errors = [m for m in result["messages"] if m["type"] == "error"]
        self.assertEqual(len(errors), 1)
        self.assertEqual(errors[0]["rows"]["from"], 1)
        self.assertIn("0987 11", errors[0]["message"])
        self.assertFalse(self.env["res.partner"].search([("name", "in", ["Phạm Hùng", "Đỗ Mai"])]))

    def test_skipping_bad_rows_imports_the_others(self):
        result = self.env["res.partner"].with_context(import_skip_invalid_rows=True).load(
            ["name", "mobile", "country_id"], self.ROWS)
        imported = self.env["res.partner"].browse(result["ids"])
        self.assertEqual(imported.mapped("name"), ["Phạm Hùng", "Đỗ Mai", "Nguyễn Văn An"])
        self.assertEqual(imported[:2].mapped("mobile"), ["+84 987 111 222", "+84 977 333 444"])
        skipped = [m for m in result["messages"] if m["message"].startswith("Line 3 skipped")]
        self.assertEqual(len(skipped), 1)
        duplicate = [m for m in result["messages"] if "same phone" in m["message"]]
        self.assertEqual(duplicate[0]["rows"]["from"], 3, "the duplicate is on the 4th line")

    def test_import_dialog_option_reaches_the_import(self):
        importer = self.env["base_import.import"].create({
            "res_model": "res.partner", "file_type": "text/csv", "file_name": "khach.csv",
            "file": "name,mobile\nPhạm Hùng,0987 111 222\nSai Số,0987 11\n".encode()})
        options = {"has_headers": True, "separator": ",", "quoting": '"',
                   "skip_invalid_rows": True}
        result = importer.execute_import(["name", "mobile"], ["name", "mobile"], options)
        self.assertEqual(len(result["ids"]), 1)


@tagged("post_install", "-at_install")
class TestPersonalData(CrmVnCommon):
    def test_age_group_follows_birthday_and_is_searchable(self):
        today = fields.Date.today()
        young = self._customer("Vy", birthday=today - relativedelta(years=24, days=1))
        thirty = self._customer("Lan", birthday=today - relativedelta(years=30))
        senior = self._customer("Ông Tư", birthday=today - relativedelta(years=55))
        self.assertEqual((young.age_group.code, thirty.age_group.code, senior.age_group.code),
                         ("under_25", "25_34", "55_plus"))
        self.assertEqual(thirty.crm_vn_age, 30)
        found = self.env["res.partner"].search(
            [("age_group", "=", "25_34"), ("id", "in", (young | thirty | senior).ids)])
        self.assertEqual(found, thirty)

    def test_id_card_number_must_be_a_cccd_or_cmnd(self):
        self._customer("Có CCCD", id_number="001090012345")
        self._customer("Có CMND", id_number="012345678")
        with self.assertRaises(ValidationError):
            self._customer("Sai CCCD", id_number="00109001234X")


@tagged("post_install", "-at_install")
class TestSegments(CrmVnCommon):
    def test_segment_count_matches_its_customers_and_marks_them_as_targets(self):
        today = fields.Date.today()
        facebook = self.env.ref("utm.utm_source_facebook")

        def customer(name, **values):
            return self._customer(name, customer_rank=1, source_id=facebook.id, **values)

        women_hanoi = [
            customer("Chị Lan", gender="female", state_id=self.hanoi.id,
                     birthday=today - relativedelta(years=30)),
            customer("Chị Hoa", gender="female", state_id=self.hanoi.id,
                     birthday=today - relativedelta(years=41)),
        ]
        others = [
            customer("Anh Nam", gender="male", state_id=self.hanoi.id,
                     birthday=today - relativedelta(years=30)),
            customer("Chị Mai", gender="female", state_id=self.hcmc.id,
                     birthday=today - relativedelta(years=30)),
            customer("Bà Tư", gender="female", state_id=self.hanoi.id,
                     birthday=today - relativedelta(years=60)),
            # Matches every filter, but is no customer: never bought, invoiced nor tiered.
            self._customer("Chị Ngân", gender="female", state_id=self.hanoi.id,
                           birthday=today - relativedelta(years=30), source_id=facebook.id),
        ]
        segment = self.env["crm.vn.segment"].create({
            "name": "Nữ 25–44 Hà Nội", "company_id": self.company.id, "gender": "female",
            "age_min": 25, "age_max": 44, "state_ids": [(6, 0, self.hanoi.ids)],
            "source_ids": [(6, 0, facebook.ids)]})
        self.assertEqual(segment.partner_count, 2)
        action = segment.action_open_partners()
        matched = self.env["res.partner"].search(action["domain"])
        self.assertEqual(matched.mapped("name"), sorted(p.name for p in women_hanoi))
        self.assertTrue(all(p.is_target and segment in p.segment_ids for p in women_hanoi))
        self.assertFalse(any(segment in p.segment_ids for p in others))
        targets = self.env["res.partner"].search(
            [("is_target", "=", True), ("id", "in", [p.id for p in women_hanoi + others])])
        self.assertEqual(len(targets), 2)

    def test_segment_ages_must_make_sense(self):
        with self.assertRaises(ValidationError):
            self.env["crm.vn.segment"].create({"name": "Sai", "age_min": 50, "age_max": 20})


@tagged("post_install", "-at_install")
class TestProvinceReform(CrmVnCommon):
    def test_old_provinces_are_archived_and_linked_to_the_new_unit(self):
        states = self.env["res.country.state"].search([("country_id", "=", self.vietnam.id)])
        self.assertEqual(len(states), 34)
        archived = self.env["res.country.state"].with_context(active_test=False).search(
            [("country_id", "=", self.vietnam.id), ("active", "=", False)])
        self.assertEqual(len(archived), 29)
        self.assertEqual(self.binh_duong.merged_into_id, self.hcmc)
        self.assertFalse(self.binh_duong.active)

    def test_wizard_shows_counts_then_moves_addresses(self):
        nam_dinh = self.env.ref("base.state_vn_VN-67")
        ninh_binh = self.env.ref("base.state_vn_VN-18")
        in_binh_duong = self._customer("Khách Thủ Dầu Một", state_id=self.binh_duong.id)
        in_nam_dinh = self._customer("Khách Nam Định", state_id=nam_dinh.id)
        lead = self.env["crm.lead"].create({"name": "Lead Nam Định", "state_id": nam_dinh.id})
        self.assertEqual(in_binh_duong.province_id, self.hcmc,
                         "reports count an old address under its new unit at once")
        wizard = Form(self.env["crm.vn.province.migration"].with_user(self.sales_manager))
        lines = {line.old_state_id: line for line in wizard.save().line_ids}
        self.assertGreaterEqual(lines[nam_dinh].partner_count, 1)
        self.assertGreaterEqual(lines[nam_dinh].lead_count, 1)
        self.assertEqual(lines[nam_dinh].new_state_id, ninh_binh)
        lines[nam_dinh].wizard_id.action_migrate()
        self.assertEqual(in_binh_duong.state_id, self.hcmc)
        self.assertEqual(in_nam_dinh.state_id, ninh_binh)
        self.assertEqual(lead.state_id, ninh_binh)

    def test_report_groups_customers_by_the_new_units(self):
        self._customer("Khách Bình Dương", state_id=self.binh_duong.id)
        self._customer("Khách Sài Gòn", state_id=self.hcmc.id)
        groups = self.env["res.partner"]._read_group(
            [("company_id", "=", self.company.id)], ["province_id"], ["__count"])
        self.assertIn((self.hcmc, 2), groups)
        self.assertNotIn(self.binh_duong, [province for province, _count in groups])
