from datetime import date

from odoo.tests import tagged

from .common import CrmVnCommon


@tagged("post_install", "-at_install")
class TestVietnameseCalendar(CrmVnCommon):
    """Tết and Trung Thu move every year on the solar calendar; care plans and birthday
    bonuses must land on the right day."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.calendar = cls.env["crm.vn.calendar"]

    def test_tet_and_mid_autumn_on_their_solar_dates(self):
        # (year, mùng 1 Tết, Rằm tháng Tám) as printed on Vietnamese calendars
        for year, tet, mid_autumn in ((2025, date(2025, 1, 29), date(2025, 10, 6)),
                                      (2026, date(2026, 2, 17), date(2026, 9, 25)),
                                      (2027, date(2027, 2, 6), date(2027, 9, 15))):
            with self.subTest(year=year):
                self.assertEqual(self.calendar._tet_date(year), tet)
                self.assertEqual(self.calendar._mid_autumn_date(year), mid_autumn)

    def test_birthdays_celebrated_on_the_day_solar_or_lunar(self):
        born_on_tet = self._customer("Bà Phan Thị Xuân", birthday=date(1990, 1, 27),
                                     lunar_birthday=True)
        born_mid_autumn = self._customer("Ông Lê Văn Nguyệt", birthday=date(1990, 10, 3),
                                         lunar_birthday=True)
        solar = self._customer("Chị Trần Thu Hà", birthday=date(1990, 1, 27))
        leap_day = self._customer("Anh Vũ Nhuận", birthday=date(2000, 2, 29))
        people = born_on_tet | born_mid_autumn | solar | leap_day
        self.assertEqual((born_on_tet.lunar_birth_day, born_on_tet.lunar_birth_month), (1, 1))

        def celebrating(day):
            domain = self.env["res.partner"]._crm_vn_celebrating_domain(day)
            return people.filtered_domain(domain)

        self.assertEqual(celebrating(date(2026, 2, 17)), born_on_tet, "Tết 2026")
        self.assertEqual(celebrating(date(2027, 2, 6)), born_on_tet, "Tết 2027")
        self.assertEqual(celebrating(date(2026, 1, 27)), solar)
        self.assertEqual(celebrating(date(2026, 9, 25)), born_mid_autumn, "Trung Thu 2026")
        self.assertEqual(celebrating(date(2026, 2, 28)), leap_day, "29/2 kept on 28/2")
        self.assertFalse(celebrating(date(2028, 2, 28)), "2028 has a 29 February")
