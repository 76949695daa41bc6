# Run by `make test` through `odoo shell` (which provides `env` and `odoo`) on a database
# where OCA partner_contact_gender and partner_contact_birthdate were installed before
# crm_vn_custom: fails when either side's fields stop working beside the other.
# ruff: noqa: F821
import sys
from datetime import date

from dateutil.relativedelta import relativedelta

ADDON = "crm_vn_custom"
OCA = ("partner_contact_gender", "partner_contact_birthdate")
problems = []


def check(condition, message):
    if not condition:
        problems.append(message)


modules = env["ir.module.module"].search([("name", "in", [ADDON, *OCA])])
check(set(modules.filtered(lambda m: m.state == "installed").mapped("name")) == {ADDON, *OCA},
      f"not all installed: {[(m.name, m.state) for m in modules]}")
Partner = env["res.partner"]
today = date.today()
customer = Partner.create({
    "name": "Chị Nguyễn Thị Cùng Cài", "gender": "female", "customer_rank": 1,
    "birthday": today - relativedelta(years=30),  # ours: the date on the ID card
    "birthdate_date": today - relativedelta(years=41),  # OCA's own birth date field
})
# Each age follows its own birth date: OCA's `age`, ours `crm_vn_age` and the age group.
check(customer.age == 41, f"OCA age from birthdate_date: {customer.age}, expected 41")
check(customer.crm_vn_age == 30, f"crm_vn_age from birthday: {customer.crm_vn_age}")
check(customer.age_group.code == "25_34", f"age group: {customer.age_group.code}")
# `gender` is one field that both addons define with the same values (shared on purpose).
field = env["ir.model.fields"]._get("res.partner", "gender")
owners = set(env["ir.model.data"].search(
    [("model", "=", "ir.model.fields"), ("res_id", "=", field.id)]).mapped("module"))
check({ADDON, "partner_contact_gender"} <= owners, f"gender defined by {owners}")
check([value for value, _label in Partner._fields["gender"].selection]
      == ["male", "female", "other"], "gender values differ")
check(customer in Partner.search([("gender", "=", "female"), ("id", "=", customer.id)]),
      "search on gender")
# The customer form (both addons add the fields to it) and the care tools that read them.
arch = Partner.get_views([(False, "form")])["views"]["form"]["arch"]
for name in ("gender", "birthday", "birthdate_date", "age", "age_group"):
    check(f'name="{name}"' in arch, f"{name} missing from the customer form")
segment = env["crm.vn.segment"].create({"name": "Nữ 25–35", "gender": "female",
                                        "age_min": 25, "age_max": 35})
check(customer in Partner.search(segment._get_partner_domain()), "segment on gender and age")
women = env.ref(f"{ADDON}.occasion_womens_day")
check(customer in Partner.search(women._get_partner_domain()), "8/3 occasion for women")
env["crm.vn.care.engine"]._cron_run_date_steps()
env["res.partner"]._cron_crm_vn_update_age_groups()
env.cr.rollback()

if problems:
    print("\n".join(problems), file=sys.stderr)
    sys.exit(f"co-installation with OCA partner-contact: {len(problems)} problem(s)")
print("co-installation with OCA partner-contact: ok")
