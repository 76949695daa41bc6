/** @odoo-module */

import { PortalHomeCounters } from "@portal/js/portal";

PortalHomeCounters.include({
    /**
     * A customer without complaints still needs the way to file one.
     * @override
     */
    _getCountersAlwaysDisplayed() {
        return this._super(...arguments).concat(["crm_vn_complaint_count"]);
    },
});
