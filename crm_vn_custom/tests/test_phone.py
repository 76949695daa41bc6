from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import CrmVnCommon


@tagged("post_install", "-at_install")
class TestVietnamesePhoneNumbers(CrmVnCommon):
    def test_every_way_of_writing_a_number_gives_one_number(self):
        forms = ["0912 345 678", "+84 912 345 678", "84912345678", "(+84) 912.345.678",
                 "0084 912 345 678", "+84 0912 345 678"]
        partners = self.env["res.partner"].create([
            {"name": f"Khách {i}", "mobile": form, "country_id": self.vietnam.id}
            for i, form in enumerate(forms)])
        self.assertEqual(set(partners.mapped("mobile")), {"+84 912 345 678"})

    def test_landline_and_write_are_normalised(self):
        partner = self._customer("Nhà hàng Phố Cổ", phone="024 3825 1234")
        self.assertEqual(partner.phone, "+84 24 3825 1234")
        partner.mobile = "0987654321"
        self.assertEqual(partner.mobile, "+84 987 654 321")

    def test_old_eleven_digit_mobiles_follow_the_2018_conversion(self):
        cases = {
            "01689 123 456": "+84 389 123 456",   # Viettel 0168 → 038
            "0122 345 6789": "+84 773 456 789",   # MobiFone 0122 → 077
            "+84 125 123 4567": "+84 851 234 567",  # VinaPhone 0125 → 085
            "01993456789": "+84 593 456 789",     # Gmobile 0199 → 059
        }
        for typed, expected in cases.items():
            with self.subTest(typed=typed):
                self.assertEqual(self._customer("Khách cũ", mobile=typed).mobile, expected)

    def test_invalid_vietnamese_number_is_refused_naming_the_field(self):
        with self.assertRaises(ValidationError) as caught:
            self._customer("Khách sai số", mobile="0912 345")
        self.assertIn("Mobile", str(caught.exception))
        self.assertIn("0912 345", str(caught.exception))
        with self.assertRaises(ValidationError) as caught:
            self._customer("Khách sai số", phone="+84 12")
        self.assertIn("Phone", str(caught.exception))

    def test_error_is_in_vietnamese_for_vietnamese_users(self):
        partner = self._customer("Khách hàng")
        with self.assertRaises(ValidationError) as caught:
            partner.with_context(lang="vi_VN").write({"mobile": "09"})
        self.assertIn("không phải số điện thoại Việt Nam hợp lệ", str(caught.exception))

    def test_foreign_numbers_are_formatted_not_refused(self):
        partner = self.env["res.partner"].create({
            "name": "Tanaka", "country_id": self.env.ref("base.jp").id,
            "phone": "03-1234-5678", "mobile": "not a number"})
        self.assertEqual(partner.phone, "+81 3-1234-5678")
        self.assertEqual(partner.mobile, "not a number")

    def test_lead_numbers_are_normalised_and_lead_source_reaches_the_customer(self):
        zalo = self.env.ref("crm_vn_custom.utm_source_zalo")
        lead = self.env["crm.lead"].create({
            "name": "Tư vấn máy lọc nước", "contact_name": "Lê Thị Hoa",
            "mobile": "0903 123 456", "country_id": self.vietnam.id,
            "source_id": zalo.id, "company_id": self.company.id})
        self.assertEqual(lead.mobile, "+84 903 123 456")
        partner = lead._create_customer()
        self.assertEqual(partner.source_id, zalo)
        self.assertEqual(partner.mobile, "+84 903 123 456")

    def test_merging_leads_keeps_a_normalised_number(self):
        # Odoo's lead merge writes the country as a record, not an id.
        leads = self.env["crm.lead"].create([
            {"name": "Lead 1", "type": "opportunity", "mobile": "0903 123 456",
             "country_id": self.vietnam.id, "company_id": self.company.id},
            {"name": "Lead 2", "type": "opportunity", "mobile": "+84 903 123 456",
             "country_id": self.vietnam.id, "company_id": self.company.id},
        ])
        merged = leads.merge_opportunity()
        self.assertEqual(merged.mobile, "+84 903 123 456")
        self.assertEqual(merged.country_id, self.vietnam)
