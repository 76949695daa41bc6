from pathlib import Path

from odoo import Command, fields
from odoo.tests import HttpCase, new_test_user, tagged

from .access_matrix import INTERNAL_MODELS, METHODS, MODELS, POSITIONS, render_markdown
from .common import call_kw
from .test_access import build_staff

README = Path(__file__).parents[1] / "readme" / "CONFIGURE.md"
README_MARKERS = ("<!-- access-matrix:start -->", "<!-- access-matrix:end -->")
ADDON = "crm_vn_custom"
SCOPE_LETTERS = "OTA"  # own, team, all: the customers of setUpClass in that order

# A harmless change per model, to test the right to write.
WRITES = {
    "res.partner": {"function": "Giám đốc"},
    "crm.lead": {"description": "<p>Khách hẹn gọi lại</p>"},
    "loyalty.card": {"expiration_date": "2030-12-31"},
    "loyalty.history": {"description": "Ghi chú"},
    "crm.vn.care.log": {"note": "<p>Đã gọi</p>"},
    "crm.vn.complaint": {"description": "<p>Chi tiết</p>"},
    "crm.vn.care.occurrence": {"date_done": "2026-01-02"},
    "crm.vn.tier.history": {"reason": "Sửa"},
    "crm.vn.duplicate": {"request_reason": "Sửa"},
    "crm.vn.audit.log": {"reason": "Sửa"},
    "crm.vn.consent": {"evidence": "Sửa"},
    "crm.vn.message.provider": {"timeout": 12},
    "crm.vn.zns.template": {"name": "Mẫu đổi tên"},
    "crm.vn.tier": {"color": 3},
    "crm.vn.care.channel": {"sequence": 42},
    "crm.vn.occasion": {"sequence": 42},
    "crm.vn.age.group": {"code": "55_plus"},
    "crm.vn.segment": {"name": "Nhóm đổi tên"},
    "mail.activity.plan": {"name": "Kế hoạch đổi tên"},
}


def added_public_methods(env):
    """(model, method) of every public method the addon adds (not overrides) to a model."""
    found = set()
    for name in env.registry:
        mro = type(env[name]).__mro__
        for klass in mro:
            if not klass.__module__.startswith(f"odoo.addons.{ADDON}."):
                continue
            for attr, value in vars(klass).items():
                if attr.startswith("_") or not callable(value) or isinstance(value, type):
                    continue
                if not any(attr in vars(other) for other in mro
                           if not other.__module__.startswith(f"odoo.addons.{ADDON}.")):
                    found.add((name, attr))
    return found


@tagged("post_install", "-at_install")
class TestAccessMatrix(HttpCase):
    """Every cell of the access matrix (access_matrix.py), over JSON-RPC against the real
    server, so that sudo() and SQL inside the methods are covered."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env["res.company"].create({
            "name": "Công ty Ma Trận", "currency_id": cls.env.ref("base.VND").id,
            "country_id": cls.env.ref("base.vn").id})
        build_staff(cls)
        common = {"company_id": cls.company.id, "company_ids": [Command.set(cls.company.ids)]}
        other_company = cls.env["res.company"].create(
            {"name": "Công ty Bên Ngoài", "currency_id": cls.env.ref("base.VND").id})
        cls.users = {
            "portal": new_test_user(cls.env, login="crmvn_mx_portal", name="Khách Cổng",
                                    groups="base.group_portal", **common),
            "staff": cls.staff, "leader": cls.leader, "manager": cls.manager,
            "admin": cls.admin,
            "other_company": new_test_user(
                cls.env, login="crmvn_mx_other", name="Quản Lý Bên Ngoài",
                groups="base.group_user,crm_vn_custom.group_crm_vn_care_manager",
                company_id=other_company.id, company_ids=[Command.set(other_company.ids)]),
        }
        # A company of the group without customer care yet, where the admin works too.
        cls.setup_company = cls.env["res.company"].create(
            {"name": "Chi nhánh Mới", "currency_id": cls.env.ref("base.VND").id})
        cls.admin.company_ids |= cls.setup_company
        cls.spare_user = new_test_user(cls.env, login="crmvn_mx_spare", name="Nhân Viên Mới",
                                       groups="base.group_user", **common)
        customers = cls.own | cls.colleagues | cls.other_teams
        customers.customer_rank = 1
        cls.records = cls._build_records(customers)

    @classmethod
    def _build_records(cls, customers):
        env = cls.env
        owners = customers.user_id
        tier = env["crm.vn.tier"].create({"name": "Vàng ma trận", "code": "GMX", "rank": 7,
                                         "company_id": cls.company.id})
        program = env["loyalty.program"].create({
            "name": "Tích điểm ma trận", "program_type": "loyalty",
            "company_id": cls.company.id, "currency_id": cls.company.currency_id.id})
        cards = env["loyalty.card"].create([{"program_id": program.id, "partner_id": c.id,
                                            "points": 100} for c in customers])
        history = env["loyalty.history"].create([{
            "card_id": card.id, "issued": 100, "description": "Điểm ban đầu",
            "crm_vn_kind": "earning"} for card in cards])
        logs = env["crm.vn.care.log"].create([{
            "partner_id": c.id, "user_id": o.id, "company_id": cls.company.id,
            "date": fields.Date.today(), "satisfaction": "4", "nps": "9"}
            for c, o in zip(customers, owners, strict=True)])
        complaints = env["crm.vn.complaint"].create([{
            "name": "Giao hàng trễ", "partner_id": c.id, "user_id": o.id,
            "company_id": cls.company.id} for c, o in zip(customers, owners, strict=True)])
        plan = env["mail.activity.plan"].create({
            "name": "Chăm sóc ma trận", "crm_vn_stage": "recurring", "res_model": "res.partner",
            "company_id": cls.company.id,
            "template_ids": [Command.create({"summary": "Gọi hỏi thăm",
                                             "responsible_type": "on_demand"})]})
        occurrences = env["crm.vn.care.occurrence"].create([{
            "template_id": plan.template_ids.id, "res_model": "res.partner", "res_id": c.id,
            "partner_id": c.id, "occasion": "birthday:2026", "user_id": o.id,
            "date_deadline": fields.Date.today()}
            for c, o in zip(customers, owners, strict=True)])
        tier_history = env["crm.vn.tier.history"].create([{
            "partner_id": c.id, "company_id": cls.company.id, "new_tier_id": tier.id,
            "cause": "automatic", "direction": "up"} for c in customers])
        duplicates = env["crm.vn.duplicate"].create([{
            "partner_id": env["res.partner"].create({
                "name": f"Bản sao {c.name}", "company_id": cls.company.id,
                "user_id": cls.spare_user.id}).id,
            "existing_id": c.id, "matched_on": "phone", "user_id": cls.spare_user.id,
            "owner_id": o.id, "owner_team_id": o.sale_team_id.id, "company_id": cls.company.id}
            for c, o in zip(customers, owners, strict=True)])
        audit = env["crm.vn.audit.log"].create([{
            "res_model": "res.partner", "res_id": c.id, "partner_id": c.id,
            "record_name": c.name, "company_id": cls.company.id, "kind": "ownership"}
            for c in customers])
        consents = env["crm.vn.consent"].create([{
            "partner_id": c.id, "purpose": "marketing", "company_id": cls.company.id}
            for c in customers])
        provider = env["crm.vn.message.provider"].create({
            "name": "Zalo ma trận", "company_id": cls.company.id, "provider_type": "zalo_zns",
            "api_url": "http://127.0.0.1:9/message/template"})
        zns_template = env["crm.vn.zns.template"].create({
            "name": "Cảm ơn", "provider_id": provider.id, "template_ref": "1"})
        product = env["product.product"].create({"name": "Máy lọc", "list_price": 1e6})
        orders = env["sale.order"].create([{
            "partner_id": c.id, "user_id": o.id, "company_id": cls.company.id,
            "order_line": [Command.create({"product_id": product.id})]}
            for c, o in zip(customers, owners, strict=True)])
        orders.action_confirm()
        env.flush_all()

        def report_rows(model):
            rows = env[model].search([("partner_id", "in", customers.ids)])
            return [rows.filtered(lambda r, c=c: r.partner_id == c)[:1] for c in customers]

        scoped = {
            "res.partner": list(customers), "loyalty.card": list(cards),
            "crm.lead": list(cls.own_lead | cls.colleagues_lead | cls.other_teams_lead),
            "loyalty.history": list(history), "crm.vn.care.log": list(logs),
            "crm.vn.complaint": list(complaints), "crm.vn.care.occurrence": list(occurrences),
            "crm.vn.tier.history": list(tier_history), "crm.vn.duplicate": list(duplicates),
            "crm.vn.audit.log": list(audit), "crm.vn.consent": list(consents),
        }
        for model in ("crm.vn.customer.report", "crm.vn.cohort.report",
                      "crm.vn.care.compliance.report", "crm.vn.satisfaction.report",
                      "crm.vn.points.report"):
            scoped[model] = report_rows(model)
        segment = env["crm.vn.segment"].create({"name": "Khách Hà Nội",
                                                "company_id": cls.company.id})
        channel = env["crm.vn.care.channel"].search([], limit=1)
        single = {"crm.vn.tier": tier, "crm.vn.care.channel": channel,
                  "crm.vn.message.provider": provider, "crm.vn.zns.template": zns_template,
                  "crm.vn.occasion": env.ref("crm_vn_custom.occasion_tet"),
                  "crm.vn.age.group": env.ref("crm_vn_custom.age_group_55_plus"),
                  "crm.vn.segment": segment, "mail.activity.plan": plan}
        return {"scoped": scoped, "single": single, "tier": tier}

    # ------------------------------------------------------------------ calling
    def _call(self, model, method, *args, **kwargs):
        user = self.current_user
        kwargs["context"] = {"allowed_company_ids": user.company_ids.ids,
                             "disable_cancel_warning": True}
        return call_kw(self, model, method, *args, **kwargs).json()

    def _allowed(self, reply):
        error = reply.get("error")
        return not error or error["data"]["name"] != "odoo.exceptions.AccessError"

    def _wizard_call(self, model, values, method):
        reply = self._call(model, "create", values)
        if "error" in reply:
            return reply
        return self._call(model, method, [reply["result"]])

    def _method_call(self, model, method, record):
        tier = self.records["tier"]
        if model == "crm.vn.duplicate.reason":
            return self._wizard_call(model, {"duplicate_ids": [Command.set(record.ids)],
                                             "mode": "decline", "reason": "Không"}, method)
        if model == "crm.vn.data.subject.request":
            return self._wizard_call(model, {"partner_id": record.id, "reason": "Ma trận"},
                                     method)
        if model == "crm.vn.tier.override":
            return self._wizard_call(model, {"partner_id": record.id, "tier_id": tier.id,
                                             "reason": "Ma trận"}, method)
        if model == "crm.vn.staff.transfer":
            return self._wizard_call(model, {"from_user_id": self.spare_user.id,
                                             "to_user_id": self.staff.id,
                                             "reason": "Ma trận"}, method)
        if model in ("crm.vn.tier.preview", "crm.vn.province.migration"):
            return self._wizard_call(model, {}, method)
        if (model, method) in (("crm.vn.dashboard", "retrieve_dashboard"),
                               ("crm.vn.tier", "action_setup_company")):
            return self._call(model, method)
        if model == "res.company":
            return self._call(model, method, self.setup_company.ids)
        if model == "res.users":
            return self._call(model, method, self.spare_user.ids)
        return self._call(model, method, record.ids)

    def _records_for(self, model):
        """The model's records for the matrix's columns, and the target model of a
        method that acts on another model's records (wizards, partner buttons)."""
        scoped = self.records["scoped"]
        targets = {"crm.vn.duplicate.reason": "crm.vn.duplicate",
                   "crm.vn.tier.override": "res.partner",
                   "crm.vn.data.subject.request": "res.partner"}
        model = targets.get(model, model)
        if model in scoped:
            return scoped[model]
        return [self.records["single"].get(model, self.env[model])]

    def _verdict(self, records, attempt):
        allowed = [self._allowed(attempt(record)) for record in records]
        if len(records) == 1:
            return "A" if allowed[0] else "-"
        if not any(allowed):
            return "-"
        return SCOPE_LETTERS[max(i for i, ok in enumerate(allowed) if ok)] if allowed == sorted(
            allowed, reverse=True) else "?" + "".join("x" if ok else "." for ok in allowed)

    def _check_position(self, position):
        user = self.users[position]
        self.current_user = user
        self.authenticate(user.login, user.login)
        index = list(POSITIONS).index(position)
        cells = {}
        for model, operations in MODELS.items():
            for operation, expected in operations.items():
                if operation == "read":
                    def attempt(record, model=model):
                        return self._call(model, "read", record.ids, ["display_name"])
                else:
                    def attempt(record, model=model):
                        return self._call(model, "write", record.ids, WRITES[model])
                cells[(model, operation)] = (expected[index],
                                             self._verdict(self._records_for(model), attempt))
        for (model, method), expected in METHODS.items():
            cells[(model, method)] = (expected[index], self._verdict(
                self._records_for(model),
                lambda record, model=model, method=method: self._method_call(
                    model, method, record)))
        wrong = {key: found for key, (want, found) in cells.items() if want != found}
        self.assertEqual(wrong, {}, f"{position}: cells that differ from the matrix "
                         "(what the server did)")

    def test_portal(self):
        self._check_position("portal")

    def test_care_staff(self):
        self._check_position("staff")

    def test_team_leader(self):
        self._check_position("leader")

    def test_care_manager(self):
        self._check_position("manager")

    def test_administrator(self):
        self._check_position("admin")

    def test_care_manager_of_another_company(self):
        self._check_position("other_company")

    def test_every_model_and_public_method_is_in_the_matrix(self):
        own_models = {name for name in self.env.registry
                      if self.env[name]._original_module == ADDON}
        listed = set(MODELS) | set(INTERNAL_MODELS) | {model for model, _method in METHODS}
        self.assertEqual(own_models - listed, set(), "models missing from access_matrix.py")
        self.assertEqual(added_public_methods(self.env) - set(METHODS), set(),
                         "public methods missing from access_matrix.py")

    def test_readme_shows_the_matrix(self):
        text = README.read_text()
        start, end = (text.index(marker) for marker in README_MARKERS)
        self.assertEqual(text[start + len(README_MARKERS[0]):end].strip(),
                         render_markdown().strip(),
                         "readme/CONFIGURE.md's access matrix is out of date: "
                         "run `make access-table`")
