import json

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, HttpCase, tagged
from odoo.tools import mute_logger

from .common import CrmVnCommon, call_kw
from .test_access import build_staff

HIDDEN_MOBILE = "0905 123 456"


def hidden_customer(cls):
    """A customer of the Đà Nẵng team, which care staff of the Hà Nội team cannot see."""
    cls.hidden = cls.env["res.partner"].create({
        "name": "Bà Huỳnh Thị Kín", "company_id": cls.company.id,
        "user_id": cls.other_team_staff.id, "mobile": HIDDEN_MOBILE,
        "country_id": cls.env.ref("base.vn").id,
        "email": "kin.huynh@example.vn", "street": "12 Bạch Đằng", "vat": "0401234567"})
    cls.other_team.user_id = cls.other_team_leader = cls.env["res.users"].create({
        "name": "Hồ Văn Trưởng", "login": "crmvn_leader_dn", "company_id": cls.company.id,
        "company_ids": [(6, 0, cls.company.ids)],
        "groups_id": [(6, 0, [cls.env.ref("crm_vn_custom.group_crm_vn_team_leader").id,
                              cls.env.ref("base.group_user").id])]})
    cls.other_team.member_ids |= cls.other_team_leader


# What must never reach care staff about a customer they cannot see (they typed the phone).
SECRETS = ("Huỳnh Thị Kín", "kin.huynh", "Bạch Đằng", "0401234567")


@tagged("post_install", "-at_install")
class TestDuplicatesAcrossStaff(CrmVnCommon):
    """One customer database: a customer typed in twice by two salespeople is caught,
    whoever can see the first one."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        build_staff(cls)
        hidden_customer(cls)
        cls.Partner = cls.env["res.partner"].with_user(cls.staff)
        # Odoo gives every new user Contact Creation, which its merge wizard requires.
        cls.manager.groups_id |= cls.env.ref("base.group_partner_manager")

    def _save_duplicate(self):
        form = Form(self.Partner)
        form.name = "Phạm Thị Trùng Số"
        form.mobile = "+84905123456"
        form.user_id = self.staff
        self.assertFalse(form.duplicate_partner_ids[:], "the hidden customer is not shown")
        self.assertEqual(form.crm_vn_duplicate_owner_note,
                         "Phạm Thu Trang (Kinh doanh Đà Nẵng (thử))")
        return form.save()

    def test_staff_are_told_who_looks_after_a_customer_they_cannot_see(self):
        partner = self._save_duplicate()
        self.assertEqual(partner.crm_vn_duplicate_owner_note,
                         "Phạm Thu Trang (Kinh doanh Đà Nẵng (thử))")
        recorded = self.env["crm.vn.duplicate"].with_user(self.staff).search(
            [("partner_id", "=", partner.id)])
        self.assertEqual((recorded.owner_id, recorded.matched_on, recorded.state),
                         (self.other_team_staff, "phone", "saved"))
        self.assertFalse(recorded.existing_partner_id)
        for text in (recorded.display_name, partner.crm_vn_duplicate_owner_note):
            for secret in SECRETS:
                self.assertNotIn(secret, text)
        with self.assertRaises(AccessError):
            recorded.read(["existing_id"])

    def test_email_and_tax_code_are_caught_on_edit_too(self):
        partner = self.Partner.create({"name": "Huỳnh Kín", "user_id": self.staff.id})
        self.assertFalse(partner.crm_vn_duplicate_owner_note)
        partner.write({"email": "KIN.HUYNH@example.vn"})
        self.assertIn("Phạm Thu Trang", partner.crm_vn_duplicate_owner_note)
        recorded = self.env["crm.vn.duplicate"].search([("partner_id", "=", partner.id)])
        self.assertEqual(recorded.matched_on, "email")
        partner.write({"email": "kin.khac@example.vn"})
        self.assertFalse(recorded.exists(), "a corrected email is no duplicate any more")
        company = self.Partner.create({"name": "Cty Kín", "is_company": True, "vat": "0401234567",
                                       "user_id": self.staff.id})
        self.assertIn("Phạm Thu Trang", company.crm_vn_duplicate_owner_note)

    def test_the_owner_transfers_the_customer_on_request(self):
        partner = self._save_duplicate()
        action = partner.with_user(self.staff).action_crm_vn_request_customer()
        with self.assertRaises(UserError):
            self.env[action["res_model"]].with_user(self.staff).with_context(
                **action["context"]).create({"reason": "  "}).action_confirm()
        self.env[action["res_model"]].with_user(self.staff).with_context(
            **action["context"]).create({"reason": "Khách gọi tôi đặt hàng"}).action_confirm()
        duplicate = self.env["crm.vn.duplicate"].search([("partner_id", "=", partner.id)])
        self.assertEqual(duplicate.state, "requested")
        self.assertEqual(duplicate.activity_ids.user_id,
                         self.other_team_staff | self.other_team_leader,
                         "the owner and the owner's team leader are asked")
        with self.assertRaisesRegex(AccessError, "Phạm Thu Trang, their team leader"):
            duplicate.with_user(self.staff).action_transfer()
        owner_view = duplicate.with_user(self.other_team_staff)
        self.assertEqual(owner_view.existing_partner_id, self.hidden)
        owner_view.action_transfer()
        self.assertEqual(self.hidden.user_id, self.staff)
        self.assertTrue(self.hidden.with_user(self.staff).has_access("read"))
        self.assertEqual(duplicate.state, "transferred")
        self.assertFalse(duplicate.activity_ids)
        self.env.flush_all()
        self.env.cr.precommit.run()
        audit = self.env["crm.vn.audit.log"].search(
            [("res_model", "=", "res.partner"), ("res_id", "=", self.hidden.id)])
        self.assertEqual((audit.kind, audit.user_id, audit.new_value),
                         ("transfer", self.other_team_staff, self.staff.name))
        self.assertIn("Khách gọi tôi đặt hàng", audit.reason)

    def test_the_owner_may_decline_with_a_reason(self):
        partner = self._save_duplicate()
        duplicate = self.env["crm.vn.duplicate"].search([("partner_id", "=", partner.id)])
        duplicate.with_user(self.staff)._action_request("Khách quen của tôi")
        action = duplicate.with_user(self.other_team_leader).action_decline()
        self.env[action["res_model"]].with_user(self.other_team_leader).with_context(
            **action["context"]).create({"reason": "Khách đang đàm phán hợp đồng"}).action_confirm()
        self.assertEqual(duplicate.state, "declined")
        self.assertEqual(self.hidden.user_id, self.other_team_staff)
        message = duplicate.message_ids.filtered(lambda m: "đàm phán" in (m.body or ""))
        self.assertIn(self.staff.partner_id, message.partner_ids, "the requester is told")

    def test_import_names_the_owner_only(self):
        result = self.Partner.load(["name", "mobile", "user_id/id"], [
            ["Trùng Nhập", "84905123456", ""], ["Khác Nhập", "0933 444 555", ""]])
        self.assertEqual(len(result["ids"]), 2)
        warnings = [m["message"] for m in result["messages"] if m["type"] == "warning"]
        self.assertEqual(len(warnings), 1)
        self.assertIn("Phạm Thu Trang (Kinh doanh Đà Nẵng (thử))", warnings[0])
        for secret in SECRETS:
            self.assertNotIn(secret, warnings[0])

    def test_managers_merge_from_the_list(self):
        partner = self._save_duplicate()
        duplicate = self.env["crm.vn.duplicate"].with_user(self.manager).search(
            [("partner_id", "=", partner.id)])
        self.assertEqual(duplicate.existing_partner_id, self.hidden)
        with self.assertRaises(AccessError):
            duplicate.with_user(self.staff).action_merge()
        action = duplicate.action_merge()
        wizard = self.env[action["res_model"]].with_user(self.manager).with_context(
            **action["context"]).create({})
        self.assertEqual(wizard.partner_ids, self.hidden | partner)
        wizard.dst_partner_id = self.hidden
        wizard.action_merge()
        self.assertFalse(partner.exists())
        self.assertFalse(duplicate.exists(), "one customer left, nothing to resolve")

    def test_same_owner_or_unassigned_customers_are_ordinary_duplicates(self):
        self.Partner.create({"name": "Lần 1", "mobile": "0977 000 111", "user_id": self.staff.id})
        again = self.Partner.create({"name": "Lần 2", "mobile": "0977000111",
                                     "user_id": self.staff.id})
        self.assertTrue(again.duplicate_partner_ids)
        self.assertFalse(again.crm_vn_duplicate_owner_note)
        self.assertFalse(self.env["crm.vn.duplicate"].search([("partner_id", "=", again.id)]))


@tagged("post_install", "-at_install")
class TestDuplicatesAcrossStaffRpc(HttpCase):
    """The same over JSON-RPC, as a script or a browser console would ask."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env["res.company"].create(
            {"name": "Công ty RPC trùng", "currency_id": cls.env.ref("base.VND").id,
             "country_id": cls.env.ref("base.vn").id})
        build_staff(cls)
        hidden_customer(cls)

    def _call(self, model, method, *args, **kwargs):
        response = call_kw(self, model, method, *args, **kwargs)
        return response.text, response.json()

    @mute_logger("odoo.http")
    def test_nothing_of_the_hidden_customer_leaks(self):
        self.authenticate("crmvn_staff_1", "crmvn_staff_1")
        context = {"allowed_company_ids": self.company.ids}
        texts = []
        text, reply = self._call("res.partner", "onchange", [], {}, [],
                                 {"name": {}, "mobile": {}, "crm_vn_duplicate_owner_note": {},
                                  "duplicate_partner_ids": {"fields": {"display_name": {}}}},
                                 context=context)
        texts.append(text)
        text, reply = self._call("res.partner", "onchange", [],
                                 {"name": "Trùng", "mobile": "0905123456"}, ["mobile"],
                                 {"name": {}, "mobile": {}, "crm_vn_duplicate_owner_note": {},
                                  "duplicate_partner_ids": {"fields": {"display_name": {}}}},
                                 context=context)
        texts.append(text)
        self.assertIn("Phạm Thu Trang", reply["result"]["value"]["crm_vn_duplicate_owner_note"])
        text, reply = self._call("res.partner", "create",
                                 {"name": "Trùng RPC", "mobile": "+84 905 123 456",
                                  "user_id": self.staff.id}, context=context)
        partner_id = reply["result"]
        text, reply = self._call("res.partner", "read", [partner_id],
                                 ["duplicate_partner_ids", "crm_vn_duplicate_owner_note"])
        texts.append(text)
        self.assertEqual(reply["result"][0]["duplicate_partner_ids"], [])
        text, reply = self._call("res.partner", "name_search", "905123456")
        texts.append(text)
        self.assertEqual(reply["result"], [])
        text, reply = self._call("crm.vn.duplicate", "search_read", [], [])
        self.assertEqual(len(reply["result"]), 1)
        self.assertNotIn("existing_id", reply["result"][0])
        duplicate_id = reply["result"][0]["id"]
        texts.append(text)
        for method, args in (("read", [["existing_id"]]), ("action_transfer", []),
                             ("action_merge", [])):
            text, reply = self._call("crm.vn.duplicate", method, [duplicate_id], *args)
            self.assertEqual(reply["error"]["data"]["name"], "odoo.exceptions.AccessError")
            texts.append(text)
        for text in texts:
            for secret in SECRETS:
                self.assertNotIn(json.dumps(secret)[1:-1], text)
                self.assertNotIn(secret, text)
