from odoo import api, models
from odoo.tools import format_date

from ..tools.vn_text import vn_key

# Column headers of Vietnamese customer lists (Excel, other CRMs), by vn_key, and the
# field each one fills.
VIETNAMESE_HEADERS = {
    "tenkhachhang": "name", "hovaten": "name", "hoten": "name", "ten": "name",
    "khachhang": "name", "tencongty": "name",
    "sodienthoai": "mobile", "sdt": "mobile", "dienthoai": "mobile", "didong": "mobile",
    "sodidong": "mobile", "dienthoaididong": "mobile",
    "dienthoaiban": "phone", "dienthoaicodinh": "phone",
    "ngaysinh": "birthday", "gioitinh": "gender", "nghenghiep": "function",
    "diachi": "street", "phuongxa": "street2", "quanhuyen": "city",
    "tinhthanh": "state_id", "tinhthanhpho": "state_id", "tinh": "state_id",
    "thanhpho": "state_id", "tinhtp": "state_id",
    "email": "email", "thudientu": "email",
    "masothue": "vat", "mst": "vat",
    "nhanvienphutrach": "user_id", "nguoiphutrach": "user_id", "nvphutrach": "user_id",
    "nhanvienkinhdoanh": "user_id", "nhanvienchamsoc": "user_id",
    "nguonkhachhang": "source_id", "nguon": "source_id",
    "makhachhang": "ref", "makh": "ref", "cccd": "id_number", "socccd": "id_number",
    "cmnd": "id_number", "cccdcmnd": "id_number", "ghichu": "comment",
    "quocgia": "country_id", "amlich": "lunar_birthday", "sinhnhatamlich": "lunar_birthday",
}
TEMPLATE = "/crm_vn_custom/static/xls/mau_nhap_khach_hang.csv"
# How lists say whether a birthday is kept on the lunar calendar.
LUNAR_VALUES = {"am": "1", "amlich": "1", "x": "1", "duong": "0", "duonglich": "0"}


# One concern of the customer per file (issue 21): res_partner.py holds its data.
class ResPartner(models.Model):
    """Importing a customer list exported from Excel or another CRM (nhập danh sách
    khách hàng): every row's problem is reported with its line, bad rows can be skipped,
    duplicates and mapped provinces are named."""

    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def get_import_templates(self):
        return [{"label": self.env._("Import Template for Customers"), "template": TEMPLATE}]

    def load(self, fields, data):
        if self.env.context.get("crm_vn_odoo_load"):
            return super().load(fields, data)
        skip = self.env.context.get("import_skip_invalid_rows")
        if "lunar_birthday" in fields:
            column = fields.index("lunar_birthday")
            data = [[*line[:column], LUNAR_VALUES.get(vn_key(line[column]), line[column]),
                     *line[column + 1:]] for line in data]
        own_errors = self._crm_vn_check_rows(fields, data)
        rows = [row for row in range(len(data)) if row not in own_errors]
        with self.env.cr.savepoint(flush=True) as savepoint:
            result, loaded = self._crm_vn_load_rows(fields, data, rows)
            bad = set(own_errors) | {
                row for msg in result["messages"] if msg.get("type") == "error"
                for row in self._crm_vn_message_rows(msg)}
            if skip and bad:
                skipped = sorted(list(own_errors.values()) + [
                    msg for msg in result["messages"] if msg.get("type") == "error"],
                    key=lambda msg: msg["rows"]["from"])
                if not result["ids"]:  # Odoo rolled the file back: load the good rows
                    result, loaded = self._crm_vn_load_rows(
                        fields, data, [row for row in rows if row not in bad])
                result["messages"] = [self._crm_vn_skipped(msg) for msg in skipped] + [
                    msg for msg in result["messages"] if msg.get("type") != "error"
                    or not set(self._crm_vn_message_rows(msg)) & bad]
            elif own_errors:
                savepoint.rollback()
                self.env.invalidate_all()
                result = dict(result, ids=False,
                              messages=list(own_errors.values()) + result["messages"])
        if result["ids"]:
            result["messages"] += self._crm_vn_duplicate_import_warnings(loaded)
            result["messages"] += self._crm_vn_province_import_notes(fields, data, loaded)
        result["messages"] = [self._crm_vn_with_line(msg) for msg in result["messages"]]
        return result

    def _crm_vn_load_rows(self, fields, data, rows):
        """Odoo's load of the given rows of ``data``, its messages and loaded records
        reported on the user's lines; returns (result, [(partner id, row)])."""
        loaded = []
        result = self.with_context(crm_vn_odoo_load=True, crm_vn_loaded_rows=loaded).load(
            fields, [data[row] for row in rows])
        messages = [self._crm_vn_shift_rows(msg, rows) for msg in result["messages"]]
        loaded_rows = [(partner_id, rows[info["rows"]["from"]]) for partner_id, info in loaded
                       if "rows" in info]
        messages = self._crm_vn_drop_repeated_error(messages, {row for _id, row in loaded_rows})
        return dict(result, messages=messages), loaded_rows

    @api.model
    def fields_get(self, allfields=None, attributes=None):
        # Odoo's Vietnamese translation of "State" (Trạng thái) comes with base and would
        # win over the addon's label in forms, lists and the import's column matching.
        result = super().fields_get(allfields, attributes)
        if "string" in result.get("state_id", {}):
            result["state_id"]["string"] = self.env._("Province / City")
        return result

    @api.model
    def _check_import_consistency(self, vals_list):
        # Odoo looks the imported provinces up among active ones only: a province merged
        # in 2025 (archived, kept for old addresses) would stop the row.
        return super(ResPartner, self.with_context(active_test=False))._check_import_consistency(
            vals_list)

    def _load_records(self, data_list, update=False):
        records = super()._load_records(data_list, update)
        loaded_rows = self.env.context.get("crm_vn_loaded_rows")
        if loaded_rows is not None:
            loaded_rows += [(record.id, data.get("info") or {})
                            for record, data in zip(records, data_list, strict=False)]
        return records

    @api.model
    def _crm_vn_drop_repeated_error(self, messages, loaded_rows):
        """When a batch fails, Odoo retries it row by row and repeats the batch's error on
        the batch's first row, good or not: that copy would send the user looking for a
        mistake on a correct line. It is a row error without a field, on a row that loaded
        in the retry, repeating another row's message."""
        errors = [msg for msg in messages if msg.get("type") == "error" and "rows" in msg]
        return [msg for msg in messages if not (
            msg in errors and "field" not in msg and msg["rows"]["from"] in loaded_rows
            and any(other is not msg and other["message"] == msg["message"]
                    for other in errors))]

    @api.model
    def _crm_vn_check_rows(self, fields, data):
        """Problems Odoo would report in English from the database: {row: message}."""
        if "name" not in fields:
            return {}
        column = fields.index("name")
        kinds = fields.index("type") if "type" in fields else None
        return {row: {"type": "error", "field": "name", "rows": {"from": row, "to": row},
                      "record": row, "message": self.env._("Every customer needs a name.")}
                for row, line in enumerate(data)
                if not (line[column] or "").strip()
                and (kinds is None or (line[kinds] or "contact") == "contact")}

    @api.model
    def _crm_vn_message_rows(self, msg):
        rows = msg.get("rows") or {}
        return range(rows.get("from", -1), rows.get("to", -2) + 1) if rows else range(0)

    @api.model
    def _crm_vn_shift_rows(self, info, kept):
        rows = info.get("rows")
        if not rows or rows.get("from", -1) < 0 or rows.get("to", -1) >= len(kept):
            return info
        return dict(info, rows={"from": kept[rows["from"]], "to": kept[rows["to"]]},
                    record=kept[rows["from"]])

    @api.model
    def _crm_vn_line(self, row):
        """The line of the user's spreadsheet: its header is line 1."""
        return row + 1 + self.env.context.get("crm_vn_header_rows", 1)

    @api.model
    def _crm_vn_skipped(self, msg):
        return dict(msg, type="warning", crm_vn_line_done=True, message=self.env._(
            "Line %(line)s skipped: %(reason)s",
            line=self._crm_vn_line(msg["rows"]["from"]), reason=msg["message"]))

    @api.model
    def _crm_vn_with_line(self, msg):
        if msg.pop("crm_vn_line_done", False) or "rows" not in msg:
            return msg
        return dict(msg, message=self.env._(
            "Line %(line)s: %(message)s", line=self._crm_vn_line(msg["rows"]["from"]),
            message=msg["message"]))

    @api.model
    def _crm_vn_row_info(self, row):
        return {"rows": {"from": row, "to": row}, "record": row}

    @api.model
    def _crm_vn_duplicate_import_warnings(self, loaded):
        partners = self.browse([partner_id for partner_id, _row in loaded])
        warnings = []
        for partner, (_partner_id, row) in zip(partners, loaded, strict=True):
            duplicates = partner.duplicate_partner_ids
            if duplicates:
                warnings.append(dict(self._crm_vn_row_info(row), type="warning",
                                     message=self.env._(
                    "%(name)s has the same phone, email or tax code as existing customer(s) "
                    "%(existing)s.", name=partner.display_name,
                    existing=", ".join(duplicates.mapped("display_name")))))
            if partner.crm_vn_duplicate_owner_note:
                warnings.append(dict(self._crm_vn_row_info(row), type="warning",
                                     message=self.env._(
                    "%(name)s has the same phone, email or tax code as a customer looked "
                    "after by %(owner)s: ask for that customer instead of keeping two.",
                    name=partner.display_name, owner=partner.crm_vn_duplicate_owner_note)))
        return warnings

    @api.model
    def _crm_vn_province_import_notes(self, fields, data, loaded):
        """Say which rows named a province of before July 2025 or a short form."""
        if "state_id" not in fields:
            return []
        column = fields.index("state_id")
        notes = []
        for partner, (_partner_id, row) in zip(
                self.browse([partner_id for partner_id, _row in loaded]), loaded, strict=True):
            typed, state = data[row][column], partner.state_id
            if state.merged_into_id:
                message = self.env._(
                    "%(old)s is part of %(new)s since %(date)s: the address is kept as "
                    "typed and counts under %(new)s.", old=state.name,
                    new=state.merged_into_id.name, date=format_date(self.env, state.merge_date))
            elif state and vn_key(typed) != vn_key(state.name):
                message = self.env._("%(typed)s read as %(province)s.", typed=typed,
                                     province=state.name)
            else:
                continue
            notes.append(dict(self._crm_vn_row_info(row), type="warning", message=message))
        return notes
