from odoo import models

from odoo.addons.base_import.models.base_import import ImportValidationError

from ..tools.vn_text import vn_key
from .res_partner_import import VIETNAMESE_HEADERS


class BaseImportImport(models.TransientModel):
    _inherit = "base_import.import"

    def execute_import(self, fields, columns, options, dryrun=False):
        # The import dialog's "skip rows with errors" option reaches the models' load(),
        # and messages name the lines as the spreadsheet numbers them.
        context = {"crm_vn_header_rows": 1 if options.get("has_headers") else 0}
        if options.get("skip_invalid_rows"):
            context["import_skip_invalid_rows"] = True
        return super(BaseImportImport, self.with_context(**context)).execute_import(
            fields, columns, options, dryrun=dryrun)

    def _get_mapping_suggestion(self, header, fields_tree, header_types, mapping_fields):
        field_name = self.res_model == "res.partner" and VIETNAMESE_HEADERS.get(vn_key(header))
        if field_name and any(field["name"] == field_name for field in fields_tree) and (
                header.lower() not in mapping_fields):
            return {"field_path": [field_name], "distance": 0}
        return super()._get_mapping_suggestion(header, fields_tree, header_types, mapping_fields)

    def _parse_date_from_data(self, data, index, name, field_type, options):
        if self.res_model != "res.partner":
            return super()._parse_date_from_data(data, index, name, field_type, options)
        # Row by row: a date that cannot be read is left as typed, so that the import
        # reports it on its own line (with the column's label) instead of stopping the
        # whole file, and "skip rows with errors" can skip it.
        for line in data:
            try:
                super()._parse_date_from_data([line], index, name, field_type, options)
            except ImportValidationError:
                continue
        return None
