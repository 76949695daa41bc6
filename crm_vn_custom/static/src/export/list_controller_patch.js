import { ListController } from "@web/views/list/list_controller";
import { patch } from "@web/core/utils/patch";

patch(ListController.prototype, {
    getStaticActionMenuItems() {
        // The server marks the lists whose records the user may not export (customers and
        // leads for care staff); it refuses the export anyway, this only hides the entry.
        const items = super.getStaticActionMenuItems(...arguments);
        const arch = this.env.config.viewArch;
        if (items.export && arch?.getAttribute("crm_vn_export") === "0") {
            items.export = { ...items.export, isAvailable: () => false };
        }
        return items;
    },
});
