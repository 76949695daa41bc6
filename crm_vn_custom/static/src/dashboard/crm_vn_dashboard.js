/** @odoo-module **/
import { Component, onWillStart, useState } from "@odoo/owl";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { formatFloat, formatInteger, formatMonetary } from "@web/views/fields/formatters";

// The figures come from crm.vn.dashboard.retrieve_dashboard, read as the current user:
// each tile opens the report it summarises, filtered the same way.
export class CrmVnDashboard extends Component {
    static template = "crm_vn_custom.Dashboard";
    static props = ["*"];

    setup() {
        this.orm = useService("orm");
        this.action = useService("action");
        this.state = useState({ data: null });
        onWillStart(async () => {
            this.state.data = await this.orm.call("crm.vn.dashboard", "retrieve_dashboard", []);
        });
    }

    format(tile) {
        if (tile.value === false || tile.value === null) {
            return "—";
        }
        switch (tile.kind) {
            case "percent":
                return `${formatFloat(tile.value, { digits: [16, 1] })} %`;
            case "monetary":
                return formatMonetary(tile.value, { currencyId: this.state.data.currency_id });
            case "decimal":
                return formatFloat(tile.value, { digits: [16, 2] });
            case "score":
                return formatFloat(tile.value, { digits: [16, 0] });
            default:
                return formatInteger(tile.value);
        }
    }

    async open(tile) {
        const action = await this.action.loadAction(tile.action);
        await this.action.doAction({ ...action, domain: tile.domain });
    }

    openTier(tier) {
        return this.open({
            action: "crm_vn_custom.crm_vn_customer_report_action",
            domain: [["tier_id", "=", tier.id]],
        });
    }

    openAction(xmlId) {
        return this.action.doAction(xmlId);
    }
}

registry.category("actions").add("crm_vn_dashboard", CrmVnDashboard);
