from pathlib import Path

from odoo.tests import tagged

from .common import CrmVnCommon

OPTIONS = {"has_headers": True, "separator": ",", "quoting": '"', "date_format": "%d/%m/%Y"}


@tagged("post_install", "-at_install")
class TestCustomerListImport(CrmVnCommon):
    """A company's first week: its customer list, exported from Excel or another CRM,
    imported by a care manager through Odoo's import dialog."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = cls.sales_manager.with_context(allowed_company_ids=cls.company.ids)

    def _importer(self, text):
        return self.env["base_import.import"].with_user(self.manager).create({
            "res_model": "res.partner", "file_type": "text/csv", "file_name": "khach.csv",
            "file": text.encode()})

    def _import(self, header, rows, dryrun=False, **options):
        importer = self._importer("\n".join([",".join(header), *map(",".join, rows)]) + "\n")
        fields = [self.HEADER_FIELDS[column] for column in header]
        return importer.with_context(lang="en_US").execute_import(
            fields, header, dict(OPTIONS, **options), dryrun=dryrun)

    HEADER_FIELDS = {"Tên khách hàng": "name", "Số điện thoại": "mobile",
                     "Tỉnh/Thành": "state_id", "Nhân viên phụ trách": "user_id",
                     "Giới tính": "gender", "Âm lịch": "lunar_birthday", "Ngày sinh": "birthday"}

    def _messages(self, result):
        return [message["message"] for message in result["messages"]]

    def test_every_bad_row_is_reported_and_nothing_is_half_imported(self):
        header = ["Tên khách hàng", "Số điện thoại", "Tỉnh/Thành", "Nhân viên phụ trách",
                  "Giới tính", "Âm lịch"]
        rows = [["Lê Thị Tốt", "0912 100 001", "Hà Nội", "", "Nữ", ""],
                ["Trần Tỉnh Lạ", "0912 100 002", "Xứ Sở Lạ", "", "", ""],
                ["Phạm Không Ai", "0912 100 003", "", "Ông Vô Danh", "", ""],
                ["Vũ Không Rõ", "0912 100 004", "", "", "Không rõ", ""],
                ["Đỗ Văn Tốt", "0912 100 005", "TP.HCM", "", "Nam", "âm"],
                ["", "0912 100 006", "", "", "", ""]]
        for dryrun in (True, False):
            result = self._import(header, rows, dryrun=dryrun)
            self.assertFalse(result["ids"])
            messages = self._messages(result)
            for line, text in ((3, "Xứ Sở Lạ"), (4, "Ông Vô Danh"), (5, "Không rõ"),
                               (7, "Every customer needs a name")):
                with self.subTest(dryrun=dryrun, line=line):
                    self.assertTrue([m for m in messages
                                     if m.startswith(f"Line {line}:") and text in m], messages)
        self.assertFalse(self.env["res.partner"].search(
            [("name", "in", ["Lê Thị Tốt", "Đỗ Văn Tốt"])]), "nothing half-imported")
        result = self._import(header, [rows[0], rows[4], ["Hồ Dương", "0912 100 007", "", "",
                                                          "", "dương"]])
        self.assertEqual(self.env["res.partner"].browse(result["ids"]).mapped("lunar_birthday"),
                         [False, True, False], "âm: lunar birthday; dương: solar")

    def test_skipping_imports_the_good_rows_and_lists_the_others(self):
        header = ["Tên khách hàng", "Số điện thoại", "Tỉnh/Thành", "Ngày sinh"]
        rows = [["Lê Thị Tốt", "0912 100 001", "Hà Nội", "08/03/1990"],
                ["Ngô Ngày Sai", "0912 100 002", "Hà Nội", "31/02/1990"],
                ["", "0912 100 003", "Hà Nội", ""],
                ["Đỗ Văn Tốt", "0912 100 004", "Hà Nội", "20/10/1985"]]
        result = self._import(header, rows, skip_invalid_rows=True)
        imported = self.env["res.partner"].browse(result["ids"])
        self.assertEqual(imported.mapped("name"), ["Lê Thị Tốt", "Đỗ Văn Tốt"])
        self.assertEqual(str(imported[0].birthday), "1990-03-08")
        skipped = [m for m in self._messages(result) if "skipped" in m]
        self.assertEqual(len(skipped), 2, self._messages(result))
        self.assertTrue(skipped[0].startswith("Line 3 skipped") and "Birthday" in skipped[0]
                        and "31/02/1990" in skipped[0], skipped)
        self.assertTrue(skipped[1].startswith("Line 4 skipped"), skipped)

    def test_old_provinces_and_short_forms_are_understood(self):
        header = ["Tên khách hàng", "Số điện thoại", "Tỉnh/Thành"]
        typed = {"Đắk Nông": "Lâm Đồng", "Hà Giang": "Tuyên Quang",
                 "Bình Dương": "TP Hồ Chí Minh", "Thừa Thiên - Huế": "TP Huế",
                 "HN": "Hà Nội", "TP.HCM": "TP Hồ Chí Minh", "Sài Gòn": "TP Hồ Chí Minh",
                 "Thành phố Hà Nội": "Hà Nội", "ha noi": "Hà Nội"}
        rows = [[f"Khách {index}", f"0912 200 {index:03d}", name]
                for index, name in enumerate(typed, 1)]
        preview = self._import(header, rows, dryrun=True)
        notes = self._messages(preview)
        self.assertTrue(any(m.startswith("Line 4:") and "Bình Dương is part of TP Hồ Chí "
                            "Minh" in m for m in notes), notes)
        self.assertTrue(any(m.startswith("Line 7:") and "TP.HCM read as TP Hồ Chí Minh" in m
                            for m in notes), notes)
        result = self._import(header, rows)
        partners = self.env["res.partner"].browse(result["ids"])
        self.assertEqual([partner.province_id.name for partner in partners], list(typed.values()))
        self.assertEqual(partners[2].state_id.name, "Bình Dương", "the old province is kept")

    def test_vietnamese_headers_find_their_fields_and_the_template_imports(self):
        template = self.env["res.partner"].get_import_templates()[0]["template"]
        path = Path(__file__).parents[1] / template.split("/", 2)[2]
        preview = self._importer(path.read_text(encoding="utf-8-sig")).parse_preview(
            dict(OPTIONS, has_headers=True))
        mapped = dict(zip(preview["headers"],
                          [match and match[0] for match in preview["matches"].values()],
                          strict=True))
        self.assertEqual(mapped, {
            "Mã khách hàng": "ref", "Tên khách hàng": "name", "Số điện thoại": "mobile",
            "Email": "email", "Ngày sinh": "birthday", "Giới tính": "gender",
            "Địa chỉ": "street", "Tỉnh/Thành": "state_id", "Mã số thuế": "vat",
            "Nhân viên phụ trách": "user_id", "Nguồn khách hàng": "source_id",
            "Ghi chú": "comment"})
        importer = self._importer(path.read_text(encoding="utf-8-sig"))
        result = importer.execute_import(list(mapped.values()), list(mapped), OPTIONS)
        self.assertEqual(len(result["ids"]), 2, result["messages"])
        mai = self.env["res.partner"].browse(result["ids"][0])
        self.assertEqual((mai.gender, str(mai.birthday), mai.state_id.name, mai.source_id.name),
                         ("female", "1990-12-25", "Hà Nội", "Giới thiệu"))

    def test_messages_are_in_vietnamese(self):
        result = self.env["res.partner"].with_user(self.manager).with_context(
            lang="vi_VN").load(["name", "mobile"], [["", "0912 300 001"]])
        self.assertEqual(self._messages(result), ["Dòng 2: Mỗi khách hàng cần có tên."])
        self.assertEqual(self.env["res.partner"].with_context(lang="vi_VN").fields_get(
            ["state_id"])["state_id"]["string"], "Tỉnh/Thành phố")
