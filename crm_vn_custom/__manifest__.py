{
    "name": "Vietnam CRM Customer Care",
    "summary": "Customer care for Vietnamese companies: one customer database, tiers, "
    "care standards, loyalty points, greetings and role-based access",
    "version": "18.0.1.0.0",
    "category": "Sales/CRM",
    "website": "https://github.com/crm-vn/crm_vn_custom",
    "author": "crm_vn_custom developers",
    "license": "LGPL-3",
    "depends": [
        "contacts",
        "crm",
        "mail",
        "sale_crm",
        "sale_loyalty",
        "sale_management",
    ],
    "data": [
        "views/res_partner_views.xml",
    ],
    "demo": [
        "demo/res_company_demo.xml",
        "demo/res_users_demo.xml",
        "demo/crm_team_demo.xml",
        "demo/product_demo.xml",
        "demo/crm_vn_demo_data.xml",
    ],
    "installable": True,
}
