import json

from odoo.tests import TransactionCase, new_test_user
from odoo.tools import mute_logger


def call_kw(case, model, method, *args, **kwargs):
    """Call a model method over JSON-RPC as the user ``case`` (an HttpCase) authenticated,
    as a script, a spreadsheet connector or a browser console would; returns the response."""
    payload = {"jsonrpc": "2.0", "method": "call", "id": 1,
               "params": {"model": model, "method": method, "args": list(args),
                          "kwargs": kwargs}}
    with mute_logger("odoo.http"):
        return case.url_open("/web/dataset/call_kw", data=json.dumps(payload),
                             headers={"Content-Type": "application/json"})


class CrmVnCommon(TransactionCase):
    """A Vietnamese company with a care staff member and a care administrator, built once.

    Tests run against a database that also holds the demo data, so they work in their
    own company and never count records they did not create."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.vietnam = cls.env.ref("base.vn")
        cls.company = cls.env["res.company"].create({
            "name": "Công ty TNHH Kiểm Thử",
            "country_id": cls.vietnam.id,
            "currency_id": cls.env.ref("base.VND").id,
        })
        cls.env = cls.env(context=dict(cls.env.context, allowed_company_ids=[cls.company.id]))
        common = {"company_id": cls.company.id, "company_ids": [(6, 0, [cls.company.id])],
                  "tz": "Asia/Ho_Chi_Minh"}
        cls.salesperson = new_test_user(
            cls.env, login="crmvn_sales", name="Nguyễn Văn Bán",
            groups="base.group_user,crm_vn_custom.group_crm_vn_care_staff", **common)
        cls.sales_manager = new_test_user(
            cls.env, login="crmvn_manager", name="Trần Thị Quản Lý",
            groups="base.group_user,crm_vn_custom.group_crm_vn_admin,base.group_partner_manager",
            **common)
        cls.hanoi = cls.env.ref("base.state_vn_VN-HN")
        cls.hcmc = cls.env.ref("base.state_vn_VN-SG")
        cls.binh_duong = cls.env.ref("base.state_vn_VN-57")

    @classmethod
    def _customer(cls, name, **values):
        return cls.env["res.partner"].create({
            "name": name, "company_id": cls.company.id, "country_id": cls.vietnam.id,
            **values,
        })
