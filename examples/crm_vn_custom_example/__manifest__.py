{
    "name": "Vietnam CRM Customer Care: Extension Example",
    "summary": "How a consultant extends crm_vn_custom: an occasion, a care trigger, "
    "a tier criterion and a report column, without forking it",
    "version": "18.0.1.0.0",
    "category": "Sales/CRM",
    "website": "https://github.com/crm-vn/crm_vn_custom",
    "author": "crm_vn_custom developers",
    "license": "LGPL-3",
    "depends": ["crm_vn_custom"],
    "data": [
        "data/crm_vn_occasion_data.xml",
        "data/care_plan_data.xml",
        "views/crm_vn_tier_views.xml",
        "views/crm_vn_customer_report_views.xml",
    ],
    "installable": True,
}
