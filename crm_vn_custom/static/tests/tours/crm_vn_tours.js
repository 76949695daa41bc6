/** @odoo-module **/
import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

// The three daily paths of the addon, in the Vietnamese interface (the users' language is
// vi_VN in the tests): texts checked here are the Vietnamese ones users read.
const tours = registry.category("web_tour.tours");

tours.add("crm_vn_care_staff_tour", {
    steps: () => [
        {
            content: "The customer's tier shows as a badge",
            trigger: ".o_crm_vn_tier_badge:contains('Vàng')",
        },
        {
            content: "Open the customer care tab",
            trigger: ".o_notebook a[name='crm_vn_care']:contains('Chăm sóc khách hàng')",
            run: "click",
        },
        {
            content: "Log the call planned for today",
            trigger: "button[name='action_crm_vn_log_care']:contains('Ghi nhật ký chăm sóc')",
            run: "click",
        },
        {
            content: "It completes the planned care activity",
            trigger: ".modal div[name='activity_id'] input",
            run: "edit Gọi hỏi thăm",
        },
        {
            trigger: ".o-autocomplete--dropdown-item:contains('Gọi hỏi thăm sau mua')",
            run: "click",
        },
        {
            content: "The customer is very satisfied",
            trigger: ".modal div[name='satisfaction'] input[data-value='5']",
            run: "click",
        },
        {
            content: "and would recommend us",
            trigger: ".modal div[name='nps'] select",
            run: "selectByLabel 9",
        },
        {
            trigger: ".modal .o_form_button_save",
            run: "click",
        },
        {
            content: "The care log is on the customer",
            trigger: "div[name='crm_vn_care_log_ids'] .o_data_row:contains('5 - Rất hài lòng')",
        },
    ],
});

tours.add("crm_vn_team_leader_tour", {
    steps: () => [
        {
            content: "Find the customers whose care is overdue",
            trigger: ".o_searchview_dropdown_toggler",
            run: "click",
        },
        {
            trigger: ".o_filter_menu .o-dropdown-item:contains('Quá hạn chăm sóc')",
            run: "click",
        },
        {
            trigger: ".o_kanban_record:contains('Công ty Trễ Hẹn')",
            run: "click",
        },
        {
            content: "The next care date is overdue",
            trigger: ".o_notebook a[name='crm_vn_care']",
            run: "click",
        },
        {
            trigger: "div[name='next_care_date'].text-danger, div[name='next_care_date'] .text-danger",
        },
        {
            content: "Call the customer and log it",
            trigger: "button[name='action_crm_vn_log_care']",
            run: "click",
        },
        {
            trigger: ".modal div[name='satisfaction'] input[data-value='3']",
            run: "click",
        },
        {
            trigger: ".modal .o_form_button_save",
            run: "click",
        },
        {
            content: "Then open the customer's complaint",
            trigger: "div[name='crm_vn_care_log_ids'] .o_data_row",
        },
        ...stepUtils.goToAppSteps("crm.crm_menu_root", "Open CRM"),
        {
            trigger: "button[data-menu-xmlid='crm_vn_custom.menu_crm_vn_care']",
            run: "click",
        },
        {
            trigger: "a[data-menu-xmlid='crm_vn_custom.menu_crm_vn_complaint']",
            run: "click",
        },
        {
            trigger: ".o_data_row td[name='name']:contains('Giao hàng trễ hẹn')",
            run: "click",
        },
        {
            content: "Answer the customer",
            trigger: "button[name='action_start']",
            run: "click",
        },
        {
            content: "and close the complaint",
            trigger: "button[name='action_resolve']",
            run: "click",
        },
        {
            trigger: ".o_statusbar_status .o_arrow_button_current:contains('Đã giải quyết')",
        },
    ],
});

tours.add("crm_vn_admin_tour", {
    steps: () => [
        {
            content: "A new customer tier",
            trigger: ".o_list_button_add",
            run: "click",
        },
        {
            trigger: "div[name='name'] input",
            run: "edit Bạch kim",
        },
        {
            trigger: "div[name='code'] input",
            run: "edit PLAT",
        },
        {
            trigger: "div[name='rank'] input",
            run: "edit 9",
        },
        {
            trigger: "div[name='min_revenue'] input",
            run: "edit 500000000",
        },
        {
            trigger: "div[name='min_order_count'] input",
            run: "edit 10",
        },
        {
            trigger: "div[name='contact_interval_days'] input",
            run: "edit 14",
        },
        ...stepUtils.saveForm(),
        ...stepUtils.goToAppSteps("crm.crm_menu_root", "Open CRM"),
        {
            content: "The care plans",
            trigger: "button[data-menu-xmlid='crm_vn_custom.menu_crm_vn_care']",
            run: "click",
        },
        {
            trigger: "a[data-menu-xmlid='crm_vn_custom.menu_crm_vn_care_plan']",
            run: "click",
        },
        {
            trigger: ".o_list_button_add",
            run: "click",
        },
        {
            trigger: "div[name='name'] textarea",
            run: "edit Chăm sóc khách Bạch kim",
        },
        {
            content: "A birthday step",
            trigger: "div[name='template_ids'] .o_field_x2many_list_row_add a",
            run: "click",
        },
        {
            trigger: "div[name='template_ids'] .o_selected_row td[name='crm_vn_trigger'] select",
            run: "selectByLabel Sinh nhật",
        },
        {
            trigger: "div[name='template_ids'] .o_selected_row td[name='summary'] input",
            run: "edit Tặng quà sinh nhật khách Bạch kim",
        },
        {
            trigger: "div[name='template_ids'] .o_selected_row td[name='responsible_type'] select",
            run: "selectByLabel Nhân viên phụ trách khách hàng",
        },
        ...stepUtils.saveForm(),
    ],
});
