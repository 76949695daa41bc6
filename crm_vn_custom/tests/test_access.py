import json

from lxml import etree

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger
from odoo.tools.safe_eval import safe_eval

from .common import CrmVnCommon

GROUPS = {
    "staff": "crm_vn_custom.group_crm_vn_care_staff",
    "leader": "crm_vn_custom.group_crm_vn_team_leader",
    "manager": "crm_vn_custom.group_crm_vn_care_manager",
    "admin": "crm_vn_custom.group_crm_vn_admin",
}


def build_staff(cls):
    """Two sales teams: Hà Nội (leader, two care staff) and Đà Nẵng (one care staff), a
    care manager and an administrator, each owning customers and leads."""
    common = {"company_id": cls.company.id, "company_ids": [Command.set(cls.company.ids)],
              "tz": "Asia/Ho_Chi_Minh"}

    def user(login, name, level):
        return new_test_user(cls.env, login=login, name=name,
                             groups=f"base.group_user,{GROUPS[level]}", **common)

    cls.staff = user("crmvn_staff_1", "Nguyễn Thị Hoa", "staff")
    cls.colleague = user("crmvn_staff_2", "Lê Văn Minh", "staff")
    cls.other_team_staff = user("crmvn_staff_3", "Phạm Thu Trang", "staff")
    cls.leader = user("crmvn_leader", "Trần Quốc Bảo", "leader")
    cls.manager = user("crmvn_care_manager", "Võ Thị Mai", "manager")
    cls.admin = user("crmvn_admin", "Đỗ Văn Hùng", "admin")
    cls.team = cls.env["crm.team"].create({
        "name": "Kinh doanh Hà Nội (thử)", "company_id": cls.company.id,
        "user_id": cls.leader.id,
        "member_ids": [Command.set((cls.leader | cls.staff | cls.colleague).ids)]})
    cls.other_team = cls.env["crm.team"].create({
        "name": "Kinh doanh Đà Nẵng (thử)", "company_id": cls.company.id,
        "member_ids": [Command.set(cls.other_team_staff.ids)]})

    def customer(name, owner, **values):
        return cls.env["res.partner"].create({
            "name": name, "company_id": cls.company.id, "user_id": owner.id,
            "comment": "<p>Hay trả chậm</p>", **values})

    cls.own = customer("Công ty Hoa Sen", cls.staff, is_company=True)
    cls.own_contact = cls.env["res.partner"].create(
        {"name": "Ngô Văn Sen", "parent_id": cls.own.id, "company_id": cls.company.id})
    cls.colleagues = customer("Bà Lý Thị Cúc", cls.colleague)
    cls.other_teams = customer("Ông Mai Văn Đào", cls.other_team_staff)
    cls.unassigned = cls.env["res.partner"].create(
        {"name": "Khách vãng lai", "company_id": cls.company.id})

    def lead(name, owner, team):
        return cls.env["crm.lead"].create({"name": name, "user_id": owner.id,
                                           "team_id": team.id, "company_id": cls.company.id})

    cls.own_lead = lead("Cơ hội Hoa Sen", cls.staff, cls.team)
    cls.colleagues_lead = lead("Cơ hội Cúc", cls.colleague, cls.team)
    cls.other_teams_lead = lead("Cơ hội Đào", cls.other_team_staff, cls.other_team)


@tagged("post_install", "-at_install")
class TestCustomerVisibility(CrmVnCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        build_staff(cls)
        cls.customers = (cls.own | cls.own_contact | cls.colleagues | cls.other_teams
                         | cls.unassigned)
        cls.leads = cls.own_lead | cls.colleagues_lead | cls.other_teams_lead

    def _visible(self, user, records):
        return records.with_user(user).search([("id", "in", records.ids)])

    def test_care_staff_see_their_own_and_unassigned_customers_only(self):
        self.assertEqual(self._visible(self.staff, self.customers),
                         self.own | self.own_contact | self.unassigned)
        with self.assertRaisesRegex(AccessError, "Lý Thị Cúc|res.partner"):
            self.colleagues.with_user(self.staff).read(["name"])
        with self.assertRaises(AccessError):
            self.colleagues.with_user(self.staff).write({"phone": "0912345678"})

    def test_contacts_follow_their_company_when_it_changes_hands(self):
        self.own.user_id = self.colleague
        self.assertEqual(self._visible(self.staff, self.customers), self.unassigned)
        self.assertEqual(self._visible(self.colleague, self.customers),
                         self.own | self.own_contact | self.colleagues | self.unassigned)
        self.own_contact.parent_id = self.other_teams
        self.assertEqual(self._visible(self.other_team_staff, self.customers),
                         self.other_teams | self.own_contact | self.unassigned)
        self.assertEqual(self._visible(self.leader, self.customers),
                         self.own | self.colleagues | self.unassigned,
                         "the contact left the team with its new company")

    def test_care_staff_keep_what_odoo_needs(self):
        """Colleagues, companies and system partners stay readable: only other staff's
        customers are hidden."""
        partners = (self.colleague.partner_id | self.leader.partner_id | self.company.partner_id
                    | self.env.ref("base.partner_root") | self.env.ref("base.public_partner"))
        self.assertEqual(self._visible(self.staff, partners.with_context(active_test=False)),
                         partners)
        order = self.env["sale.order"].create({"partner_id": self.own.id,
                                               "user_id": self.staff.id})
        self.assertEqual(order.with_user(self.staff).partner_id.name, "Công ty Hoa Sen")

    def test_care_staff_create_and_edit_their_customers_but_not_delete(self):
        partners = self.env["res.partner"].with_user(self.staff)
        created = partners.create({"name": "Khách mới", "user_id": self.staff.id})
        created.phone = "0912 345 678"
        self.own.with_user(self.staff).write({"mobile": "0987 654 321"})
        self.assertEqual(self.own.mobile, "+84 987 654 321")
        with self.assertRaises(AccessError):
            created.unlink()

    def test_leads_follow_the_same_positions(self):
        self.assertEqual(self._visible(self.staff, self.leads), self.own_lead)
        self.assertEqual(self._visible(self.leader, self.leads),
                         self.own_lead | self.colleagues_lead)
        self.assertEqual(self._visible(self.manager, self.leads), self.leads)
        with self.assertRaises(AccessError):
            self.colleagues_lead.with_user(self.staff).write({"expected_revenue": 1})
        with self.assertRaises(AccessError):
            self.own_lead.with_user(self.leader).unlink()
        self.own_lead.with_user(self.admin).unlink()
        self.assertFalse(self.own_lead.exists())

    def test_team_leader_sees_the_team_not_other_teams(self):
        self.assertEqual(self._visible(self.leader, self.customers),
                         self.own | self.own_contact | self.colleagues | self.unassigned)
        self.colleagues.with_user(self.leader).write({"phone": "0912 000 111"})
        with self.assertRaises(AccessError):
            self.other_teams.with_user(self.leader).read(["name"])

    def test_managers_and_admins_see_everyone(self):
        for user in (self.manager, self.admin):
            self.assertEqual(self._visible(user, self.customers), self.customers)

    def test_revenue_and_internal_notes_are_hidden_from_care_staff(self):
        own = self.own.with_user(self.staff)
        with self.assertRaisesRegex(AccessError, "reserved to team leaders and managers"):
            own.read(["comment"])
        with self.assertRaisesRegex(AccessError, "reserved to team leaders and managers"):
            own.read(["tier_revenue"])
        with self.assertRaises(AccessError):
            own.write({"comment": "<p>Đã trả đủ</p>"})
        with self.assertRaises(AccessError):
            own.search([("tier_revenue", ">", 0)])
        values = own.read()[0]
        self.assertEqual(values["name"], "Công ty Hoa Sen")
        self.assertNotIn("comment", values, "reading every field leaves them out")
        self.assertNotIn("tier_revenue", own.fields_get())
        form = own.get_view(view_type="form")["arch"]
        self.assertNotIn('name="tier_revenue"', form)
        self.assertNotIn('name="comment"', form)
        self.assertIn('name="tier_id"', form, "the tier itself stays visible")
        leader_form = self.own.with_user(self.leader).get_view(view_type="form")["arch"]
        self.assertIn('name="tier_revenue"', leader_form)
        self.assertEqual(self.own.with_user(self.leader).comment, "<p>Hay trả chậm</p>")

    def test_care_staff_still_edit_companies_and_duplicate_customers(self):
        """Odoo copies a company's fields to its contacts and duplicates records as the
        current user: both keep working for care staff, without revealing notes."""
        own = self.own.with_user(self.staff)
        own.write({"vat": "0101234567"})
        self.assertEqual(self.own_contact.vat, "0101234567")
        contact = self.env["res.partner"].with_user(self.staff).create(
            {"name": "Đinh Thị Thu", "parent_id": self.own.id})
        self.assertEqual(contact.vat, "0101234567")
        copy = self.own_contact.with_user(self.staff).copy()
        self.assertFalse(copy.sudo().comment)
        self.assertEqual(self.own.comment, "<p>Hay trả chậm</p>", "the original keeps its notes")

    def test_care_logs_and_complaints_follow_the_customer(self):
        pairs = ((self.own, self.staff), (self.colleagues, self.colleague),
                 (self.other_teams, self.other_team_staff))
        logs = self.env["crm.vn.care.log"].create([
            {"partner_id": customer.id, "user_id": owner.id, "company_id": self.company.id}
            for customer, owner in pairs])
        complaints = self.env["crm.vn.complaint"].create([
            {"name": "Giao hàng trễ", "partner_id": customer.id, "user_id": owner.id,
             "company_id": self.company.id} for customer, owner in pairs])
        for records in (logs, complaints):
            self.assertEqual(self._visible(self.staff, records).partner_id, self.own)
            self.assertEqual(self._visible(self.leader, records).partner_id,
                             self.own | self.colleagues)
            self.assertEqual(self._visible(self.manager, records), records)

    def test_only_managers_export_customers_and_leads(self):
        with self.assertRaisesRegex(AccessError, "reserved to care managers"):
            self.own.with_user(self.staff).export_data(["name", "phone"])
        with self.assertRaises(AccessError):
            self.colleagues_lead.with_user(self.leader).export_data(["name"])
        rows = self.customers.with_user(self.manager).export_data(["name"])["datas"]
        self.assertEqual(len(rows), len(self.customers))
        staff_list = self.env["res.partner"].with_user(self.staff).get_view(view_type="list")
        self.assertIn('crm_vn_export="0"', staff_list["arch"], "the Export entry is hidden")
        manager_list = self.env["res.partner"].with_user(self.manager).get_view(view_type="list")
        self.assertNotIn("crm_vn_export", manager_list["arch"])


@tagged("post_install", "-at_install")
class TestAddonModelRights(CrmVnCommon):
    """Create / read / write / delete on every model of the addon, per position."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        build_staff(cls)
        cls.users = {"staff": cls.staff, "leader": cls.leader, "manager": cls.manager,
                     "admin": cls.admin}

    def _rights(self, model):
        return {level: "".join(op[0] if self.env[model].with_user(user).has_access(op) else "-"
                               for op in ("create", "read", "write", "unlink"))
                for level, user in self.users.items()}

    def test_rights_per_model_and_position(self):
        expected = {
            "crm.vn.tier": ("-r--", "-r--", "-r--", "crwu"),
            "crm.vn.care.channel": ("-r--", "-r--", "-r--", "crwu"),
            "crm.vn.segment": ("-r--", "-r--", "crwu", "crwu"),
            "crm.vn.tier.history": ("-r--", "-r--", "-r--", "-r--"),
            "crm.vn.audit.log": ("----", "----", "-r--", "-r--"),
            "crm.vn.tier.override": ("----", "----", "----", "crwu"),
            "crm.vn.tier.preview": ("----", "----", "----", "crwu"),
            "crm.vn.province.migration": ("----", "----", "----", "crwu"),
            "crm.vn.staff.transfer": ("----", "----", "crwu", "crwu"),
            "crm.vn.care.log": ("crw-", "crw-", "crwu", "crwu"),
            "crm.vn.care.occurrence": ("-r--", "-r--", "-r--", "-r--"),
            "crm.vn.complaint": ("crw-", "crw-", "crwu", "crwu"),
            "mail.activity.plan": ("-r--", "-r--", "crwu", "crwu"),
            "res.partner": ("crw-", "crw-", "crw-", "crw-"),
            "crm.lead": ("crw-", "crw-", "crw-", "crwu"),
        }
        for model, rights in expected.items():
            with self.subTest(model=model):
                self.assertEqual(self._rights(model), dict(zip(self.users, rights, strict=True)))

    def test_refusals_say_what_is_refused(self):
        with self.assertRaisesRegex(AccessError, "Customer Tier"):
            self.env["crm.vn.tier"].with_user(self.manager).create(
                {"name": "Bạch kim", "code": "P", "rank": 9, "company_id": self.company.id})
        with self.assertRaisesRegex(AccessError, "Audit Log"):
            self.env["crm.vn.audit.log"].with_user(self.staff).search([])


@tagged("post_install", "-at_install")
class TestAuditAndTransfer(CrmVnCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        build_staff(cls)
        cls.quotation = cls.env["sale.order"].create(
            {"partner_id": cls.own.id, "user_id": cls.staff.id, "company_id": cls.company.id})
        cls.activity = cls.own.activity_schedule(
            "mail.mail_activity_data_call", summary="Gọi chúc mừng", user_id=cls.staff.id)
        cls.audit = cls.env["crm.vn.audit.log"]

    def _audit(self, record=None, **conditions):
        """Audit lines are written just before the commit, as Odoo's field tracking."""
        self.env.flush_all()
        self.env.cr.precommit.run()
        domain = [(name, "=", value) for name, value in conditions.items()]
        if record:
            domain += [("res_model", "=", record._name), ("res_id", "=", record.id)]
        return self.audit.search(domain)

    def test_ownership_changes_are_audited_and_cannot_be_altered(self):
        self.colleagues.with_user(self.manager).write({"user_id": self.other_team_staff.id})
        line = self._audit(self.colleagues)
        self.assertRecordValues(line, [{
            "kind": "ownership", "user_id": self.manager.id, "partner_id": self.colleagues.id,
            "old_value": "Lê Văn Minh", "new_value": "Phạm Thu Trang"}])
        self.assertEqual(line.field_id.name, "user_id")
        self.colleagues.with_user(self.manager).write({"phone": "0912 111 222"})
        self.assertEqual(len(self._audit(self.colleagues)), 1, "only owner changes are audited")
        self.own_lead.with_user(self.admin).write({"user_id": self.colleague.id})
        self.own_lead.with_user(self.admin).write({"user_id": self.staff.id})
        self.assertFalse(self._audit(self.own_lead), "a change undone before saving is none")
        for user in (self.staff, self.manager, self.admin):
            with self.subTest(user=user.name), self.assertRaises(AccessError):
                line.with_user(user).write({"new_value": "Nguyễn Thị Hoa"})
            with self.subTest(user=user.name), self.assertRaises(AccessError):
                line.with_user(user).unlink()
        self.assertEqual(line.new_value, "Phạm Thu Trang")

    def test_tier_history_cannot_be_altered_by_staff(self):
        tier = self.env["crm.vn.tier"].create(
            {"name": "Thành viên", "code": "M", "rank": 1, "company_id": self.company.id})
        self.own.with_user(self.admin)._crm_vn_set_tier_override(tier, "Khách chiến lược")
        history = self.env["crm.vn.tier.history"].search([("partner_id", "=", self.own.id)])
        self.assertEqual((history.user_id, history.reason), (self.admin, "Khách chiến lược"))
        self.assertEqual(history.with_user(self.staff).read(["reason"])[0]["reason"],
                         "Khách chiến lược")
        for user in (self.staff, self.admin):
            with self.assertRaises(AccessError):
                history.with_user(user).write({"reason": "sửa"})

    def test_transfer_moves_everything_and_logs_it(self):
        wizard = self.env["crm.vn.staff.transfer"].with_user(self.manager).create({
            "from_user_id": self.staff.id, "to_user_id": self.colleague.id,
            "reason": "Nhân viên nghỉ việc"})
        # The care call planned above, and any activity the care plans scheduled.
        activities = self.env["mail.activity"].search([("user_id", "=", self.staff.id)])
        self.assertIn(self.activity, activities)
        self.assertEqual((wizard.customer_count, wizard.lead_count, wizard.quotation_count,
                          wizard.activity_count), (2, 1, 1, len(activities)))
        wizard.action_transfer()
        self.assertEqual((self.own | self.own_contact).user_id, self.colleague)
        self.assertEqual(self.own_lead.user_id, self.colleague)
        self.assertEqual(self.quotation.user_id, self.colleague)
        self.assertEqual(activities.user_id, self.colleague)
        self.assertTrue(self.staff.active, "care managers move customers, not user accounts")
        lines = self._audit(kind="transfer", user_id=self.manager.id)
        self.assertEqual(set(lines.mapped("res_model")), {"res.partner", "crm.lead"})
        self.assertEqual(set(lines.mapped("reason")), {"Nhân viên nghỉ việc"})
        self.assertEqual(self._visible_to(self.colleague), self.own | self.own_contact)

    def _visible_to(self, user):
        return self.env["res.partner"].with_user(user).search(
            [("id", "in", (self.own | self.own_contact).ids)])

    def test_transfer_to_a_team_goes_to_its_leader(self):
        self.staff.with_user(self.manager)._crm_vn_transfer_to(
            self.env["res.users"], self.team, "Chuyển về nhóm")
        self.assertEqual(self.own.user_id, self.leader)
        self.assertEqual(self.own_lead.team_id, self.team)
        with self.assertRaisesRegex(UserError, "no team leader"):
            self.colleague.with_user(self.manager)._crm_vn_transfer_to(
                self.env["res.users"], self.other_team, "x")

    def test_staff_cannot_transfer(self):
        with self.assertRaises(AccessError):
            self.colleague.with_user(self.staff)._crm_vn_transfer_to(self.staff, False, "Lấy khách")

    def _user_admin(self):
        return new_test_user(self.env, login="crmvn_user_admin", name="Bùi Văn Quản",
                             groups="base.group_user,base.group_erp_manager")

    def test_archiving_a_user_is_odoos_archiving(self):
        """HR offboarding, other addons and XML-RPC scripts archive users and expect
        Odoo's behaviour, whatever the users still look after."""
        users = self.env["res.users"].with_user(self._user_admin())
        self.assertIsNone(users.browse(self.staff.id).action_archive(),
                          "Odoo's action_archive returns nothing: no wizard")
        self.assertFalse(self.staff.active)
        self.assertEqual(self.own.user_id, self.staff, "customers wait for a transfer")
        owners = self.colleague | self.other_team_staff
        self.assertIsNone(users.browse(owners.ids).action_archive())
        self.assertFalse(owners.filtered("active"), "several owners archive at once")

    def _transfer_offer(self, user, viewer):
        """Whether the user form shows the transfer banner and button for ``user``."""
        form = self.env.ref("base.view_users_form")  # Settings › Users
        arch = etree.fromstring(self.env["res.users"].with_user(viewer).get_views(
            [(form.id, "form")])["views"]["form"]["arch"])
        values = user.with_user(viewer).read(["active", "crm_vn_owned_count"])[0]
        nodes = (arch.find(".//div[@name='crm_vn_transfer_offer']"),
                 arch.find(".//header/button[@name='action_crm_vn_transfer_customers']"))
        return tuple(not safe_eval(node.get("invisible"), values) for node in nodes)

    def test_user_form_offers_the_transfer_while_the_user_owns_customers(self):
        user_admin = self._user_admin()
        self.assertEqual(self._transfer_offer(self.staff, user_admin), (False, True),
                         "an active salesperson: the button only")
        self.staff.action_archive()  # Odoo deletes the open activities of archived users
        self.assertEqual(
            (self.staff.crm_vn_customer_count, self.staff.crm_vn_lead_count,
             self.staff.crm_vn_quotation_count, self.staff.crm_vn_activity_count,
             self.staff.crm_vn_owned_count), (2, 1, 1, 0, 4))
        self.assertEqual(self._transfer_offer(self.staff, user_admin), (True, True),
                         "archived but still owning customers: banner and button")
        self.assertEqual(self._transfer_offer(self.leader, user_admin), (False, False),
                         "a user who owns nothing is offered nothing")

    def test_transfer_button_opens_the_wizard(self):
        user_admin = self._user_admin()
        action = self.staff.with_user(user_admin).action_crm_vn_transfer_customers()
        self.assertEqual((action["res_model"], action["target"]),
                         ("crm.vn.staff.transfer", "new"))
        wizard = self.env[action["res_model"]].with_user(user_admin).with_context(
            **action["context"]).create({"to_user_id": self.colleague.id,
                                       "reason": "Nghỉ việc", "archive_user": True})
        self.assertEqual((wizard.from_user_id, wizard.customer_count), (self.staff, 2))
        wizard.action_transfer()
        self.assertFalse(self.staff.active, "the wizard still archives the user afterwards")
        self.assertEqual(self.own.user_id, self.colleague, "no customer left behind")
        self.assertEqual(self.staff.crm_vn_owned_count, 0)
        self.assertEqual(self._transfer_offer(self.staff, user_admin), (False, False))


@tagged("post_install", "-at_install")
class TestAccessThroughJsonRpc(HttpCase):
    """The same rules hold for a client talking JSON-RPC, as an integration would."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env["res.company"].create(
            {"name": "Công ty RPC", "currency_id": cls.env.ref("base.VND").id})
        build_staff(cls)

    def _call(self, model, method, args, kwargs=None):
        payload = {"jsonrpc": "2.0", "method": "call", "id": 1,
                   "params": {"model": model, "method": method, "args": args,
                              "kwargs": kwargs or {}}}
        response = self.url_open("/web/dataset/call_kw", data=json.dumps(payload),
                                 headers={"Content-Type": "application/json"})
        return response.json()

    @mute_logger("odoo.http")
    def test_staff_read_through_rpc(self):
        self.authenticate("crmvn_staff_1", "crmvn_staff_1")
        customers = self.own | self.own_contact | self.colleagues | self.other_teams
        found = self._call("res.partner", "search_read", [[("id", "in", customers.ids)]],
                           {"fields": ["name"], "order": "id"})["result"]
        self.assertEqual([row["name"] for row in found], ["Công ty Hoa Sen", "Ngô Văn Sen"])
        error = self._call("res.partner", "read", [self.colleagues.ids, ["name"]])["error"]
        self.assertEqual(error["data"]["name"], "odoo.exceptions.AccessError")
        error = self._call("res.partner", "read", [self.own.ids, ["comment"]])["error"]
        self.assertIn("reserved to team leaders and managers", error["data"]["message"])
