import io
from datetime import date

import polib

from odoo.tests import TransactionCase, tagged
from odoo.tools import file_path, format_amount, format_date
from odoo.tools.translate import trans_export

ADDON = "crm_vn_custom"


@tagged("post_install", "-at_install")
class TestVietnameseTranslation(TransactionCase):
    """The addon is usable in Vietnamese: every term it shows has a translation."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.pot = polib.pofile(file_path(f"{ADDON}/i18n/{ADDON}.pot"))
        cls.vi_po = polib.pofile(file_path(f"{ADDON}/i18n/vi.po"))

    def test_every_term_of_the_pot_is_translated(self):
        translated = {entry.msgid for entry in self.vi_po.translated_entries()}
        missing = sorted(entry.msgid for entry in self.pot if entry.msgid not in translated)
        self.assertFalse(missing, "terms of the .pot without a Vietnamese translation in vi.po")

    def test_pot_lists_every_term_of_the_addon(self):
        buffer = io.BytesIO()
        trans_export(None, [ADDON], buffer, "po", self.env.cr)
        current = {entry.msgid for entry in polib.pofile(buffer.getvalue().decode())}
        shipped = {entry.msgid for entry in self.pot}
        self.assertFalse(sorted(current - shipped),
                         "terms missing from the .pot: run `make pot` and translate them")

    def test_field_labels_show_in_vietnamese(self):
        fields = self.env["res.partner"].with_context(lang="vi_VN").fields_get(
            ["gender", "birthday", "lunar_birthday"], ["string"])
        self.assertEqual(fields["gender"]["string"], "Giới tính")
        self.assertEqual(fields["birthday"]["string"], "Ngày sinh")
        self.assertEqual(fields["lunar_birthday"]["string"], "Sinh nhật theo âm lịch")

    def test_amounts_and_dates_read_the_vietnamese_way(self):
        """What the dashboard and the reports show a Vietnamese user: VND without
        decimals, dots between thousands, day/month/year."""
        env = self.env(context={"lang": "vi_VN"})
        vnd = self.env.ref("base.VND")
        self.assertEqual(format_amount(env, 12_010_000, vnd), "12.010.000\xa0₫")
        self.assertEqual(format_date(env, date(2026, 11, 23)), "23/11/2026")
        self.assertEqual(self.env["crm.vn.customer.report"].with_context(lang="vi_VN")
                         .fields_get(["lifetime_value"], ["string"])["lifetime_value"]["string"],
                         "Giá trị vòng đời")
