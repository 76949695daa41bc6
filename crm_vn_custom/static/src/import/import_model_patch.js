import { BaseImportModel } from "@base_import/import_model";
import { patch } from "@web/core/utils/patch";

patch(BaseImportModel.prototype, {
    async init() {
        // Off by default: a file with a bad row imports nothing unless the user opts in.
        this.importOptionsValues.skip_invalid_rows = { value: false };
        return super.init(...arguments);
    },
});
