"""The scratch databases: a Vietnamese company, ~100 salespeople, a generated customer base
and 18 months of orders, identical with and without the addon.

Odoo is installed once into template databases (reused while the addon does not change),
and each size starts from a copy of them. Users, products and one customer with one order
are created with the ORM; the bulk is cloned from those rows in SQL, so that every column
the ORM fills (stored computed fields included) has a sensible value at 1,000,000 lines.
"""

import ast
import datetime
import hashlib
import shutil

from devtools import LOGS, ROOT, dev

ADDON = dev.ADDON
ADDON_DB = "crm_vn_bench"
BARE_DB = "crm_vn_bench_bare"
SALESPEOPLE = 100  # so that one salesperson owns 1% of the customers
LINES_PER_ORDER = 4  # on average: 1 to 7
DRAFTS, DRAFT_LINES = 500, 3
DRAFT_REF = "BENCH-CONFIRM"
HISTORY_DAYS = 548  # 18 months
# Birthdays spread over 16,000 days from 1 January 1960 (customers born 1960-2003).
BIRTHDAY_FROM, BIRTHDAY_DAYS = datetime.date(1960, 1, 1), 16_000
BIRTHDAY_FROM_SQL = f"date '{BIRTHDAY_FROM}'"
LUNAR_BIRTHDAY_SHARE = 0.15  # customers who keep their lunar birthday
# Loyalty points (database with the addon only): 1 point per 10,000 VND of an order,
# valid 12 months.
POINT_VND, POINTS_VALIDITY_MONTHS = 10_000, 12
CARE_PLANS = ["crm_vn_custom.care_plan_pre_sale", "crm_vn_custom.care_plan_sale",
              "crm_vn_custom.care_plan_after_sale", "crm_vn_custom.care_plan_recurring"]
STAFF_GROUP = "crm_vn_custom.group_crm_vn_care_staff"
FALLBACK_STAFF_GROUP = "sales_team.group_sale_salesman"

# Family names weighted roughly as in Vietnam (Nguyễn ~38%), so that a search for
# "Nguyễn" matches a realistic share of the base.
FAMILY = (["Nguyễn"] * 38 + ["Trần"] * 11 + ["Lê"] * 10 + ["Phạm"] * 7 + ["Hoàng"] * 5
          + ["Huỳnh"] * 5 + ["Phan"] * 5 + ["Vũ"] * 4 + ["Võ"] * 4 + ["Đặng"] * 2
          + ["Bùi"] * 2 + ["Đỗ"] * 2 + ["Hồ"] + ["Ngô"] + ["Dương"] + ["Lý"] + ["Đinh"])
MIDDLE = ["Văn", "Thị", "Hữu", "Đức", "Minh", "Ngọc", "Thanh", "Quốc", "Thu", "Hoàng"]
GIVEN = ["An", "Anh", "Bình", "Chi", "Cường", "Dũng", "Dung", "Giang", "Hà", "Hải", "Hằng",
         "Hạnh", "Hiếu", "Hoa", "Hùng", "Hương", "Khánh", "Lan", "Linh", "Long", "Mai", "Nam",
         "Nga", "Phong", "Phương", "Quân", "Quang", "Sơn", "Tâm", "Thảo", "Thắng", "Thành",
         "Trang", "Trung", "Tuấn", "Vân", "Việt", "Yến"]
# (name, price in VND)
PRODUCTS = [(f"Sản phẩm {i:02d}", price) for i, price in enumerate(
    [49_000, 89_000, 120_000, 150_000, 199_000, 250_000, 320_000, 450_000, 590_000, 790_000,
     990_000, 1_290_000, 1_590_000, 1_990_000, 2_490_000, 2_990_000, 3_490_000, 4_990_000,
     6_990_000, 9_990_000], start=1)]


# ----------------------------------------------------------------- databases
def addon_depends():
    manifest = ast.literal_eval((ROOT / ADDON / "__manifest__.py").read_text())
    return list(manifest["depends"])


def _fingerprint(modules, with_addon):
    import odoo.release  # noqa: PLC0415

    digest = hashlib.sha1(f"{odoo.release.version} {sorted(modules)}".encode())
    if with_addon:
        digest.update(dev.addon_fingerprint().encode())
    return digest.hexdigest()


def _stored_fingerprint(db, name):
    if not dev.database_exists(db, name):
        return None
    rows = dev.run_sql(db, "SELECT value FROM ir_config_parameter WHERE key = %s",
                       ("crm_vn_bench.fingerprint",), dbname=name)
    return rows[0][0] if rows else None


_checked_templates = set()


def ensure_template(db, name, with_addon):
    """An installed, empty database to copy: rebuilt only when the addon (or the module
    list) changed, since installing takes minutes and copying seconds. Checked once per
    run: the addon's Python code is imported once, and both sizes of --grow must measure
    the same code even if the addon is edited meanwhile."""
    template = f"{name}_tpl"
    if template in _checked_templates:
        return template
    _checked_templates.add(template)
    modules = [ADDON] if with_addon else addon_depends()
    fingerprint = _fingerprint(modules, with_addon)
    if _stored_fingerprint(db, template) == fingerprint:
        return template
    dev.drop_database(db, template)
    dev.say(f"installing {', '.join(modules)} into {template} (without demo data, Vietnamese)")
    LOGS.mkdir(exist_ok=True)
    dev.run_odoo(["-d", template, "-i", ",".join(modules), "--without-demo=all",
                  "--load-language=vi_VN"], LOGS / f"{template}-install.log",
                 f"installing {template}")
    dev.run_sql(db, """INSERT INTO ir_config_parameter (key, value, create_date, write_date)
                       VALUES ('crm_vn_bench.fingerprint', %s, now(), now())""",
                (fingerprint,), dbname=template)
    return template


def forget(name):
    """Drop this process's registry and connections of a database about to be dropped."""
    from odoo import sql_db  # noqa: PLC0415
    from odoo.modules.registry import Registry  # noqa: PLC0415

    Registry.delete(name)
    sql_db.close_db(name)


def drop(db, name):
    forget(name)
    dev.drop_database(db, name)


def fresh_copy(db, template, name):
    from psycopg2 import sql  # noqa: PLC0415

    drop(db, name)
    dev.run_sql(db, sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
        sql.Identifier(name), sql.Identifier(template)))
    filestore = dev.LOCAL / "data" / "filestore"
    if (filestore / template).is_dir():
        shutil.copytree(filestore / template, filestore / name)


# ------------------------------------------------------------- ORM set-up
def setup_company(env):
    """The main company becomes a Vietnamese one keeping its books in VND (a fresh database
    has no journal items yet, so its currency may change); the addon's default tiers
    belong to it. Then the salespeople (care staff when the addon defines that position)
    and the products, without taxes so that amounts stay simple."""
    from odoo import Command  # noqa: PLC0415

    vnd = env.ref("base.VND")
    vnd.active = True
    env.ref("base.main_company").write({
        "name": "Công ty CP Thương mại Bench Việt", "currency_id": vnd.id,
        "country_id": env.ref("base.vn").id})
    # The pricelist made at install is in the old currency: orders take its currency.
    env["product.pricelist"].with_context(active_test=False).search([]).currency_id = vnd
    env.ref("base.user_admin").write({"lang": "vi_VN", "tz": "Asia/Ho_Chi_Minh"})
    group = env.ref(STAFF_GROUP, raise_if_not_found=False) or env.ref(FALLBACK_STAFF_GROUP)
    users = env["res.users"].with_context(no_reset_password=True).create([{
        "name": f"{FAMILY[i * 7 % len(FAMILY)]} {MIDDLE[i % len(MIDDLE)]} "
                f"{GIVEN[i % len(GIVEN)]} {i:03d}",
        "login": f"nv{i:03d}", "lang": "vi_VN", "tz": "Asia/Ho_Chi_Minh",
        "groups_id": [Command.link(group.id)],
    } for i in range(1, SALESPEOPLE + 1)])
    products = env["product.product"].create([{
        "name": name, "list_price": price, "type": "consu", "taxes_id": [Command.clear()],
    } for name, price in PRODUCTS])
    return users, products


def template_order(env, users, products):
    """One customer and one confirmed order made by the ORM: the rows the bulk is cloned
    from. The tier recompute is skipped, as for a bulk load of past orders."""
    from odoo import Command  # noqa: PLC0415

    partner = env["res.partner"].create({
        "name": "Khách hàng mẫu", "customer_rank": 1, "lang": "vi_VN", "user_id": users[0].id,
        "country_id": env.ref("base.vn").id, "phone": "+84 912 000 000",
        "email": "mau@example.vn", "city": "Hà Nội"})
    order = env["sale.order"].with_context(crm_vn_skip_tier_recompute=True).create({
        "partner_id": partner.id, "user_id": users[0].id,
        "order_line": [Command.create({"product_id": products[0].id, "product_uom_qty": 1})]})
    order.with_context(crm_vn_skip_tier_recompute=True).action_confirm()
    env.flush_all()
    return partner, order


# -------------------------------------------------------------- SQL bulk
# A deterministic uniform number in [0, 1) per (row, salt): both databases get the same
# customers and orders, run after run. Temporary, so nothing is left in the database.
UNIFORM_FUNCTION = """
    CREATE OR REPLACE FUNCTION pg_temp.bench_u(k bigint, salt int) RETURNS float8
    LANGUAGE sql IMMUTABLE AS
    $$ SELECT (hashint8(k * 7919 + salt)::float8 + 2147483648.0) / 4294967296.0 $$
"""


def _columns(cr, table):
    cr.execute("""SELECT column_name FROM information_schema.columns
                   WHERE table_name = %s AND column_name != 'id'
                ORDER BY ordinal_position""", [table])
    return [row[0] for row in cr.fetchall()]


def clone_rows(cr, table, template_id, source, overrides, params):
    """INSERT into ``table`` one row per row of ``source`` (a FROM clause exposing ``s``),
    copying the template row ``t`` except for the ``overrides`` (column: SQL expression)."""
    columns = _columns(cr, table)
    values = [overrides.get(column, f"t.{column}") for column in columns]
    cr.execute(f"""
        INSERT INTO {table} (id, {", ".join(columns)})
        SELECT nextval('{table}_id_seq'), {", ".join(values)}
          FROM {source} CROSS JOIN {table} t
         WHERE t.id = %(template_id)s
    """, dict(params, template_id=template_id))
    return cr.rowcount


def generate(env, customers, lines, users, products, partner, order):
    """The customer base and its orders, cloned in SQL from the ORM-made ``partner`` and
    ``order``; amounts in VND, order dates spread over 18 months."""
    cr = env.cr
    env.flush_all()
    cr.execute(UNIFORM_FUNCTION)
    params = {"n": customers, "users": users.ids, "family": FAMILY, "middle": MIDDLE,
              "given": GIVEN, "days": HISTORY_DAYS, "orders": max(1, lines // LINES_PER_ORDER),
              "product_ids": products.ids, "product_names": [n for n, _p in PRODUCTS],
              "prices": [p for _n, p in PRODUCTS]}
    pick = "(%({0})s::text[])[1 + floor(pg_temp.bench_u(s.g, {1}) * {2})::int]"
    person = (f"{pick.format('family', 1, len(FAMILY))} || ' ' || "
              f"{pick.format('middle', 2, len(MIDDLE))} || ' ' || "
              f"{pick.format('given', 3, len(GIVEN))}")
    name = (f"CASE WHEN mod(s.g, 10) = 0 THEN 'Công ty TNHH ' || "
            f"{pick.format('given', 4, len(GIVEN))} || ' ' || s.g ELSE {person} END")
    phone = "900000000 + s.g"
    birthday = f"{BIRTHDAY_FROM_SQL} + floor(pg_temp.bench_u(s.g, 5) * {BIRTHDAY_DAYS})::int"
    clone_rows(cr, "res_partner", partner.id, "generate_series(1, %(n)s) AS s(g)", {
        "name": name, "complete_name": name, "is_company": "mod(s.g, 10) = 0",
        "ref": "'KH' || lpad(s.g::text, 7, '0')",
        "email": "'kh' || s.g || '@example.vn'", "email_normalized": "'kh' || s.g || '@example.vn'",
        "phone": f"'+84 ' || substr(({phone})::text, 1, 3) || ' ' || substr(({phone})::text, 4, 3)"
                 f" || ' ' || substr(({phone})::text, 7, 3)",
        "phone_sanitized": f"'+84' || ({phone})",
        "user_id": f"(%(users)s::int[])[1 + mod(s.g, {len(users)})]",
        # The addon's copy of the salesperson for its record rules (each customer is its
        # own commercial entity); ignored in the database without the addon.
        "crm_vn_owner_id": f"(%(users)s::int[])[1 + mod(s.g, {len(users)})]",
        "birthday": birthday,
        "birthday_month": f"extract(month FROM {birthday})::int",
        "birthday_day": f"extract(day FROM {birthday})::int",
        "gender": "(ARRAY['male', 'female'])[1 + mod(s.g, 2)]",
        "create_date": "t.create_date - interval '600 days'",
    }, params)
    cr.execute("""UPDATE res_partner SET commercial_partner_id = id
                   WHERE commercial_partner_id = %s AND id != %s""", [partner.id, partner.id])
    # Customers by index, for the orders below (a few customers buy a lot, many rarely).
    cr.execute("""CREATE TEMP TABLE bench_customer ON COMMIT DROP AS
                  SELECT substr(ref, 3)::int AS idx, id, user_id
                    FROM res_partner WHERE ref LIKE 'KH%%' AND id != %s""", [partner.id])
    cr.execute("CREATE INDEX ON bench_customer (idx)")
    clone_rows(cr, "sale_order", order.id, """(
            SELECT k AS g, c.id AS partner_id, c.user_id,
                   date_trunc('second', now() AT TIME ZONE 'UTC'
                       - pg_temp.bench_u(k, 12) * %(days)s * interval '1 day') AS date_order,
                   CASE WHEN pg_temp.bench_u(k, 13) < 0.85 THEN 'sale'
                        WHEN pg_temp.bench_u(k, 13) < 0.92 THEN 'cancel'
                        ELSE 'draft' END AS state
              FROM generate_series(1, %(orders)s) AS k
              JOIN bench_customer c
                ON c.idx = 1 + floor(pg_temp.bench_u(k, 11) ^ 2 * %(n)s)::int) AS s""", {
        "name": "'BS' || lpad(s.g::text, 7, '0')", "partner_id": "s.partner_id",
        "partner_invoice_id": "s.partner_id", "partner_shipping_id": "s.partner_id",
        "user_id": "s.user_id", "date_order": "s.date_order", "create_date": "s.date_order",
        "write_date": "s.date_order", "state": "s.state", "access_token": "NULL",
        "invoice_status": "CASE WHEN s.state = 'sale' THEN t.invoice_status ELSE 'no' END",
    }, params)
    # Keyed by the order's number, not its id: the same lines in both databases.
    qty, product = "s.qty", "s.product"
    clone_rows(cr, "sale_order_line", order.order_line.id, f"""(
            SELECT so.id AS order_id, so.partner_id, so.user_id, so.state, so.date_order,
                   j, 1 + floor(pg_temp.bench_u(so.k * 8 + j, 21) * 5)::int AS qty,
                   1 + floor(pg_temp.bench_u(so.k * 8 + j, 22) * {len(PRODUCTS)})::int AS product
              FROM (SELECT *, substr(name, 3)::bigint AS k FROM sale_order
                     WHERE name LIKE 'BS%%') AS so,
                   generate_series(1, 1 + floor(pg_temp.bench_u(so.k, 20) * 7)::int) AS j
           ) AS s""", {
        "order_id": "s.order_id", "sequence": "10 + s.j", "order_partner_id": "s.partner_id",
        "salesman_id": "s.user_id", "state": "s.state",
        "product_id": f"(%(product_ids)s::int[])[{product}]",
        "name": f"(%(product_names)s::text[])[{product}]",
        "product_uom_qty": qty, "price_unit": f"(%(prices)s::numeric[])[{product}]",
        "technical_price_unit": f"(%(prices)s::numeric[])[{product}]",
        "price_reduce_taxexcl": f"(%(prices)s::numeric[])[{product}]",
        "price_reduce_taxinc": f"(%(prices)s::numeric[])[{product}]",
        "price_subtotal": f"{qty} * (%(prices)s::numeric[])[{product}]",
        "price_total": f"{qty} * (%(prices)s::numeric[])[{product}]",
        "qty_to_invoice": f"CASE WHEN s.state = 'sale' THEN {qty} ELSE 0 END",
        "untaxed_amount_to_invoice": f"CASE WHEN s.state = 'sale'"
                                     f" THEN {qty} * (%(prices)s::numeric[])[{product}] ELSE 0 END",
        "invoice_status": "CASE WHEN s.state = 'sale' THEN t.invoice_status ELSE 'no' END",
        "create_date": "s.date_order", "write_date": "s.date_order",
    }, params)
    cr.execute("""
        UPDATE sale_order so
           SET amount_untaxed = l.amount, amount_total = l.amount, amount_tax = 0
          FROM (SELECT order_id, SUM(price_subtotal) AS amount FROM sale_order_line
                 GROUP BY order_id) AS l
         WHERE so.id = l.order_id AND so.name LIKE 'BS%%'""")
    cr.execute("ANALYZE res_partner; ANALYZE sale_order; ANALYZE sale_order_line")
    env.invalidate_all()
    return counts(env)


def counts(env):
    cr = env.cr
    cr.execute("""SELECT (SELECT count(*) FROM res_partner WHERE customer_rank > 0),
                         (SELECT count(*) FROM sale_order),
                         (SELECT count(*) FROM sale_order_line)""")
    customers, orders, lines = cr.fetchone()
    return {"customers": customers, "orders": orders, "order_lines": lines}


# ------------------------------------------------ with the addon: points, care
def loyalty_program(env):
    """The company's loyalty programme, as an admin sets it up: 1 point per 10,000 VND,
    points redeemed for a discount, valid 12 months."""
    from odoo import Command  # noqa: PLC0415

    company = env.ref("base.main_company")
    program = env["loyalty.program"].create({
        "name": "Khách hàng thân thiết", "program_type": "loyalty", "trigger": "auto",
        "applies_on": "both", "company_id": company.id, "currency_id": env.ref("base.VND").id,
        "rule_ids": [Command.create({"reward_point_mode": "money",
                                     "reward_point_amount": 1 / POINT_VND})],
        "reward_ids": [Command.create({"reward_type": "discount", "discount_mode": "per_point",
                                       "discount": 1_000, "required_points": 100,
                                       "discount_applicability": "order"})],
    })
    if "crm_vn_loyalty_program_id" in company._fields:
        company.write({"crm_vn_loyalty_program_id": program.id,
                       "crm_vn_points_validity_months": POINTS_VALIDITY_MONTHS})
    return program


def generate_points(env, partner, order):
    """A loyalty card per customer who bought, and the points each confirmed order earned
    (never spent), cloned in SQL from one card and one history line made by the ORM for
    ``partner``'s ``order``. Earnings expire 12 months after the order: those of the
    orders older than a year are due, as if the expiry cron had never run."""
    program = loyalty_program(env)
    points = round(order.amount_untaxed / POINT_VND)
    card = env["loyalty.card"].with_context(loyalty_no_mail=True).create({
        "partner_id": partner.id, "program_id": program.id, "points": points})
    line = env["loyalty.history"].create({
        "card_id": card.id, "crm_vn_kind": "earning", "order_model": order._name,
        "order_id": order.id, "description": f"Order {order.name}",
        "issued": points, "used": 0, "crm_vn_base_points": points})
    env.flush_all()
    cr = env.cr
    params = {"program": program.id, "point": POINT_VND, "months": POINTS_VALIDITY_MONTHS,
              "template_name": order.name}
    earned = "round(so.amount_untaxed / %(point)s)"
    clone_rows(cr, "loyalty_card", card.id, f"""(
            SELECT so.partner_id, MIN(so.date_order) AS since, SUM({earned}) AS points
              FROM sale_order so
             WHERE so.name LIKE 'BS%%' AND so.state = 'sale'
          GROUP BY so.partner_id) AS s""", {
        "partner_id": "s.partner_id", "points": "s.points",
        "code": "'044' || lpad(s.partner_id::text, 13, '0')",
        "create_date": "s.since", "write_date": "s.since",
    }, params)
    clone_rows(cr, "loyalty_history", line.id, f"""(
            SELECT so.id AS order_id, so.name, so.date_order, {earned} AS points,
                   lc.id AS card_id
              FROM sale_order so
              JOIN loyalty_card lc
                ON lc.partner_id = so.partner_id AND lc.program_id = %(program)s
             WHERE so.name LIKE 'BS%%' AND so.state = 'sale') AS s""", {
        "card_id": "s.card_id", "order_id": "s.order_id",
        "description": "replace(t.description, %(template_name)s, s.name)",
        "issued": "s.points", "used": "0", "crm_vn_base_points": "s.points",
        "crm_vn_expiry_date": "(s.date_order + %(months)s * interval '1 month')::date",
        "crm_vn_expiry_done": "false", "crm_vn_reminder_sent": "false",
        "create_date": "s.date_order", "write_date": "s.date_order",
    }, params)
    cr.execute("ANALYZE loyalty_card; ANALYZE loyalty_history")
    cr.execute("""SELECT count(DISTINCT card_id), count(*),
                         count(DISTINCT card_id) FILTER (WHERE crm_vn_expiry_date <= %s)
                    FROM loyalty_history""", [datetime.date.today()])
    cards, lines, due = cr.fetchone()
    return {"loyalty_cards": cards, "points_lines": lines, "cards_with_points_due": due}


def lunar_birthdays(env):
    """The lunar day and month of every birthday the bulk gave (stored by the addon, from
    its calendar) and the age group; some customers keep their lunar birthday."""
    calendar = env["crm.vn.calendar"]
    lunar = [calendar._lunar_day_month(BIRTHDAY_FROM + datetime.timedelta(days=offset))
             for offset in range(BIRTHDAY_DAYS)]
    env.cr.execute(UNIFORM_FUNCTION)
    env.cr.execute(f"""
        UPDATE res_partner
           SET lunar_birth_day = (%(days)s::int[])[birthday - {BIRTHDAY_FROM_SQL} + 1],
               lunar_birth_month = (%(months)s::int[])[birthday - {BIRTHDAY_FROM_SQL} + 1],
               lunar_birthday = CASE WHEN pg_temp.bench_u(substr(ref, 3)::bigint, 6)
                                          < %(share)s THEN true ELSE lunar_birthday END
         WHERE ref LIKE 'KH%%' AND birthday IS NOT NULL""",
                   {"days": [day for day, _m, _l in lunar],
                    "months": [month for _d, month, _l in lunar],
                    "share": LUNAR_BIRTHDAY_SHARE})
    # And their age group, stored too (one UPDATE, as the addon's daily cron).
    env["res.partner"]._crm_vn_update_age_groups()


def activate_care(env):
    """The addon's ready care plans switched on, as an admin does after installing it."""
    plans = env["mail.activity.plan"].browse([env.ref(xmlid).id for xmlid in CARE_PLANS])
    plans.write({"active": True})
    env.flush_all()
    return {"care_plans": len(plans), "care_steps": len(plans.template_ids)}


def addon_data(env, partner, order):
    """What the addon's crons work on: points earned over the 18 months, care plans."""
    info = generate_points(env, partner, order)
    lunar_birthdays(env)
    info.update(activate_care(env))
    env.invalidate_all()
    return info


def create_drafts(env, products):
    """Quotations of a few lines for customers spread over the base, made by the ORM as
    the administrator: what scenario 4 confirms, the same in both databases."""
    from odoo import Command  # noqa: PLC0415

    env.cr.execute("SELECT id FROM res_partner WHERE ref LIKE 'KH%' ORDER BY ref")
    ids = [row[0] for row in env.cr.fetchall()]
    partners = env["res.partner"].browse(ids[::max(1, len(ids) // DRAFTS)][:DRAFTS])
    admin = env.ref("base.user_admin")
    env["sale.order"].with_user(admin).create([{
        "partner_id": partner.id, "user_id": partner.user_id.id, "client_order_ref": DRAFT_REF,
        "order_line": [Command.create({"product_id": products[(i + j) % len(products)].id,
                                       "product_uom_qty": 1 + j}) for j in range(DRAFT_LINES)],
    } for i, partner in enumerate(partners)])
    env.flush_all()


def build(db, with_addon, customers, lines):
    """A fresh scratch database of this size; returns its name and what it holds."""
    from odoo import SUPERUSER_ID, api  # noqa: PLC0415
    from odoo.modules.registry import Registry  # noqa: PLC0415

    name = ADDON_DB if with_addon else BARE_DB
    template = ensure_template(db, name, with_addon)
    fresh_copy(db, template, name)
    with Registry(name).cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        users, products = setup_company(env)
        partner, order = template_order(env, users, products)
        info = generate(env, customers, lines, users, products, partner, order)
        if with_addon:
            info.update(addon_data(env, partner, order))
        else:
            # The same Odoo without the addon still runs its loyalty programme: scenario 4
            # compares the addon's own overhead, not the cost of Odoo's loyalty.
            loyalty_program(env)
        create_drafts(env, products)
        staff_group = STAFF_GROUP if env.ref(STAFF_GROUP, raise_if_not_found=False) \
            else FALLBACK_STAFF_GROUP
        return dict(info, database=name, staff_login=users[0].login, staff_group=staff_group)
