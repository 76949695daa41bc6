# Run by `make test` through `odoo shell` (which provides `env` and `odoo`): uninstalls
# crm_vn_custom and fails when it leaves records, models, columns or broken views behind,
# or, in a database with the demo data, anything of the demo company.
# ruff: noqa: F821
import sys

ADDON = "crm_vn_custom"
module = env["ir.module.module"].search([("name", "=", ADDON)])
assert module.state == "installed", f"{ADDON} is not installed (state {module.state})"
# Models and stored columns this addon created (not those it only extends).
own_models = [name for name in env.registry if env[name]._original_module == ADDON]
field_modules = {}
for data in env["ir.model.data"].search([("model", "=", "ir.model.fields")]):
    field_modules.setdefault(data.res_id, set()).add(data.module)
own_fields = [(env[field.model]._table, field.name)
              for field in env["ir.model.fields"].browse(
                  [fid for fid, modules in field_modules.items() if modules == {ADDON}])
              if field.store and field.model in env and env[field.model]._auto
              and env[field.model]._original_module != ADDON
              and env[field.model]._fields[field.name].column_type]
# In a database with the demo data: every row of the demo company (found through the
# foreign keys to res_company) and the products of its loyalty rewards, which must all go.
demo_rows = {}
companies = [env.ref(f"{ADDON}.{xmlid}", raise_if_not_found=False)
             for xmlid in ("company_sao_viet", "company_sao_viet_south")]
for company in filter(None, companies):
    env.cr.execute("""
        SELECT c.conrelid::regclass::text, a.attname
          FROM pg_constraint c
          JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
          JOIN pg_attribute i ON i.attrelid = c.conrelid AND i.attname = 'id'
         WHERE c.contype = 'f' AND c.confrelid = 'res_company'::regclass""")
    for table, column in env.cr.fetchall():
        env.cr.execute(f'SELECT id FROM "{table}" WHERE "{column}" = %s', (company.id,))
        demo_rows.setdefault(table, set()).update(row[0] for row in env.cr.fetchall())
    demo_rows.setdefault("res_company", set()).add(company.id)
    demo_rows.setdefault("res_partner", set()).add(company.partner_id.id)
    rewards = env["loyalty.reward"].search([("company_id", "=", company.id)])
    demo_rows.setdefault("product_product", set()).update(rewards.discount_line_product_id.ids)
if any(companies):
    # The customer the demo shares between its two companies.
    demo_rows.setdefault("res_partner", set()).update(env["res.partner"].with_context(
        active_test=False).search([("ref", "=", "KHG00001")]).ids)
demo_rows = {table: ids for table, ids in demo_rows.items() if ids}
module.button_immediate_uninstall()

problems = []
with odoo.modules.registry.Registry(env.cr.dbname).cursor() as cr:
    new_env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
    cr.execute("SELECT model, count(*) FROM ir_model_data WHERE module = %s GROUP BY model",
               (ADDON,))
    problems += [f"{count} {model} record(s) still owned by {ADDON}"
                 for model, count in cr.fetchall()]
    if new_env["ir.module.module"].search([("name", "=", ADDON)]).state != "uninstalled":
        problems.append(f"{ADDON} is not marked uninstalled")
    for model in own_models:
        cr.execute("SELECT 1 FROM ir_model WHERE model = %s", (model,))
        if cr.rowcount:
            problems.append(f"model {model} still registered")
    for table, field in own_fields:
        cr.execute("SELECT 1 FROM information_schema.columns "
                   "WHERE table_name = %s AND column_name = %s", (table, field))
        if cr.rowcount:
            problems.append(f"column {table}.{field} left behind")
    for table, ids in sorted(demo_rows.items()):
        cr.execute("SELECT to_regclass(%s)", (table,))
        if cr.fetchone()[0]:
            cr.execute(f'SELECT count(*) FROM "{table}" WHERE id = ANY(%s)', (sorted(ids),))
            if count := cr.fetchone()[0]:
                problems.append(f"{count} {table} row(s) of the demo company left behind")
    # Every remaining view must still render: an inherited view of ours left behind, or
    # a core view pointing at a removed field, fails here.
    for view in new_env["ir.ui.view"].search([("inherit_id", "=", False)]):
        try:
            view._check_xml()
        except Exception as err:  # noqa: BLE001 - reported, not hidden
            problems.append(f"view {view.xml_id or view.id} broken: {err}")

if problems:
    print("\n".join(problems), file=sys.stderr)
    sys.exit(1)
print(f"{ADDON} uninstalled cleanly")
