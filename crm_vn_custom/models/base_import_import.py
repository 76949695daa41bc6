from odoo import models


class BaseImportImport(models.TransientModel):
    _inherit = "base_import.import"

    def execute_import(self, fields, columns, options, dryrun=False):
        # The import dialog's "skip rows with errors" option reaches the models' load().
        if options.get("skip_invalid_rows"):
            self = self.with_context(import_skip_invalid_rows=True)
        return super().execute_import(fields, columns, options, dryrun=dryrun)
