"""The scenarios of issue 10, in its order. Each is a function registered with @scenario:
it measures with ``bench.measure`` and reports rows with ``bench.add``. A scenario whose
feature the addon does not have (yet) reports "n/a (feature not installed)", never a number.
"""

import datetime
import re
import statistics
import threading
import time

from lxml import etree

from odoo.tools.safe_eval import safe_eval

import dataset
from measuring import check, query_count

SCENARIOS = []


def scenario(key, title):
    def register(fn):
        SCENARIOS.append((key, title, fn))
        return fn
    return register


# ------------------------------------------------------------------ crons
MAX_CRON_CALLS = 100_000


def run_cron(cron):
    """What Odoo's cron worker does with a job (ir.cron._run_job), without committing and
    without its limit of 10 calls per wake-up: call the server action until it reports
    nothing left. Returns the number of queries of each call (one call = one batch) and
    of records each call said it processed."""
    cron = cron.with_user(cron.user_id)
    per_call, done, seconds = [], [], []
    while len(per_call) < MAX_CRON_CALLS:
        start, started = query_count(), time.perf_counter()
        job, progress = cron._add_progress()
        job._callback(cron.cron_name, cron.ir_actions_server_id.id)
        # What the worker's commit does besides committing: flush (with the precommit
        # hooks) and empty the ORM cache, so memory does not pile up batch after batch.
        cron.env.cr.flush()
        cron.env.cr.clear()
        per_call.append(query_count() - start)
        seconds.append(time.perf_counter() - started)
        done.append(progress.done)
        if not progress.remaining or not progress.done:
            break
    # Each call is one transaction of the cron worker: the longest is what a deploy or
    # a crash can lose, and how long the locks of a batch are held.
    return {"queries": per_call, "done": done, "longest_call": max(seconds, default=0)}


def queries_per_batch(run):
    """Queries of a full batch: the last call also finishes the run (e.g. RFM scores)."""
    per_call = run["queries"]
    return statistics.median(per_call[:-1]) if len(per_call) > 1 else None


def addon_crons(env):
    data = env["ir.model.data"].search([("module", "=", dataset.ADDON), ("model", "=", "ir.cron")])
    return {f"{item.module}.{item.name}": env["ir.cron"].browse(item.res_id) for item in data}


def find_cron(env, pattern, exclude=()):
    """The addon's cron whose XML id or code matches ``pattern``, if it has one."""
    for xmlid, cron in addon_crons(env).items():
        if xmlid not in exclude and re.search(pattern, f"{xmlid} {cron.code or ''}", re.I):
            return cron
    return None


# ---------------------------------------------------- 1. tier recompute
TIER_ENGINE = "crm.vn.tier.engine"
TIER_CRON = "crm_vn_custom.ir_cron_recompute_tiers"
TIER_BATCH = "crm_vn_custom.tier_batch_size"
TIER_CURSOR = "crm_vn_custom.tier_cursor"
TIER_CURSOR_MODEL = "crm.vn.tier.cursor"

# The least any full recompute must do: one aggregate of the confirmed orders in the window
# per customer (commercial entity), one UPDATE of every customer's revenue and order count.
BOUND_AGGREGATE = """
    SELECT c.id, COALESCE(SUM(so.amount_untaxed / NULLIF(so.currency_rate, 0)), 0),
           COUNT(so.id)
      FROM res_partner c
      LEFT JOIN res_partner p ON p.commercial_partner_id = c.id
      LEFT JOIN sale_order so ON so.partner_id = p.id AND so.state = 'sale'
                             AND so.company_id = %(company)s AND so.date_order >= %(cutoff)s
     WHERE c.id = c.commercial_partner_id AND c.customer_rank > 0
       AND (c.company_id IS NULL OR c.company_id = %(company)s)
  GROUP BY c.id
"""
BOUND_UPDATE = """
    UPDATE res_partner p SET tier_revenue = {revenue}, tier_order_count = {count}
      FROM unnest(%(ids)s::int[], %(revenues)s::numeric[], %(counts)s::int[])
           AS v(id, revenue, order_count)
     WHERE p.id = v.id
"""


def raw_bound(env, company, cutoff):
    env.cr.execute(BOUND_AGGREGATE, {"company": company.id, "cutoff": cutoff})
    rows = env.cr.fetchall()
    # Since the tier figures are company-dependent (issue 24), one key of a jsonb each.
    per_company = env["res.partner"]._fields["tier_revenue"].company_dependent
    update = BOUND_UPDATE.format(**{
        column: f"jsonb_build_object('{company.id:d}', v.{value})" if per_company
        else f"v.{value}" for column, value in (("revenue", "revenue"),
                                                ("count", "order_count"))})
    env.cr.execute(update, {"ids": [row[0] for row in rows],
                            "revenues": [row[1] for row in rows],
                            "counts": [row[2] for row in rows]})


def _fresh_start(env, cron, batch_size=None):
    """A run on a new day: the cron starts again from the first customer (its progress
    is a row of crm.vn.tier.cursor; before issue 25 it was a parameter)."""
    param = env["ir.config_parameter"].sudo()
    if TIER_CURSOR_MODEL in env.registry:
        env[TIER_CURSOR_MODEL].sudo().search([]).unlink()
    else:
        param.set_param(TIER_CURSOR, False)
    param.set_param(TIER_BATCH, str(batch_size) if batch_size else False)
    return cron


def classify(bench):
    """Tier the whole base once, for good, as after the first night: the state a normal
    night, order confirmation and the customer list are measured on."""
    env = bench.env
    cron = env.ref(TIER_CRON, raise_if_not_found=False)
    if bench.state.get("classified") or TIER_ENGINE not in env.registry or not cron:
        return
    run_cron(_fresh_start(env, cron))
    env.cr.commit()
    bench.state["classified"] = True


@scenario("1", "Full tier recompute vs a raw SQL lower bound")
def tier_recompute(bench):
    env = bench.env
    cron = env.ref(TIER_CRON, raise_if_not_found=False)
    if TIER_ENGINE not in env.registry or not cron:
        bench.not_installed("1", "tier", "full tier recompute")
        return
    engine = env[TIER_ENGINE]
    default_batch = int(env["ir.config_parameter"].sudo().get_param(TIER_BATCH)
                        or engine.BATCH_SIZE)

    def undo():
        bench.rollback(env, clear_caches=True)

    company = env["res.company"].search([], order="id", limit=1)
    cutoff = engine._window_cutoff(company)
    bound = bench.measure(lambda: raw_bound(env, company, cutoff), after=undo)
    bench.add("1", "bound", "raw SQL lower bound (1 aggregate + 1 UPDATE)", bound)

    if not bench.state.get("classified"):
        first = bench.measure(run_cron, before=lambda: _fresh_start(env, cron), after=undo)
        bench.add("1", "first", "first classification, cron", first,
                  ratio=first.median / bound.median,
                  note="every customer gets a tier: also writes a tier history line and a "
                       "chatter note each, which the bound does not")
        classify(bench)
    nightly = bench.measure(run_cron, before=lambda: _fresh_start(env, cron), after=undo)
    ratio = nightly.median / bound.median
    bench.add("1", "nightly", f"nightly recompute, cron, {default_batch}/batch", nightly,
              ratio=ratio, target="<= 3x bound", status=check(ratio, 3.0),
              growth_limits={"seconds": 12.0, "queries_per_batch": 1.0},
              details=dict(nightly.result, queries_per_batch=queries_per_batch(nightly.result)))

    # The number of queries of a batch must not depend on how many customers it holds
    # (e.g. the ORM reads at most 1,000 records per query).
    large = min(default_batch, max(1, bench.customers // 4))
    small = max(1, large // 4)
    per_batch = {}
    for size in (large, small):
        if size == default_batch:
            per_batch[size] = queries_per_batch(nightly.result)
            continue
        figure = bench.measure(run_cron, before=lambda size=size: _fresh_start(env, cron, size),
                               after=undo, repeat=1)
        per_batch[size] = queries_per_batch(figure.result)
        bench.add("1", f"nightly-{size}", f"nightly recompute, cron, {size}/batch", figure,
                  details=figure.result)
    counts = [per_batch[large], per_batch[small]]
    bench.add("1", "per-batch", "queries per batch at {} | {}/batch: {} | {}".format(
              large, small, *(f"{count:g}" if count is not None else "-" for count in counts)),
              target="equal",
              status="" if None in counts else "PASS" if counts[0] == counts[1] else "MISS",
              note="" if None not in counts else "a run of a single batch has no full batch",
              details={"queries_per_batch_by_size": dict(zip((large, small), counts,
                                                             strict=True))})


# ---------------------------------------------- 2, 3. care and points crons
def _count(env, query):
    env.cr.execute(query)
    return env.cr.fetchone()[0]


def cron_scenario(bench, key, name, pattern, limit_seconds=None, at_customers=100_000,
                  missing_data=None, work=None, prepare=None, bound=None, freeze=None):
    """``missing_data(env)`` says what the generated base lacks for this cron to have work
    to do: the time of a cron with nothing to process would be a meaningless number.
    ``work`` is (what, query): the query counts rows the cron's work adds, reported next
    to the records it says it processed; for a cron that does not report its progress
    through Odoo's API, its records processed are these rows. ``prepare(bench, cron)``
    brings the base to the state of the measured day. ``bound(env)`` is a raw SQL lower
    bound of the work, measured too (≤ 3× it is the target); ``freeze`` a day the run
    is made as of."""
    env = bench.env
    classify(bench)
    cron = find_cron(env, pattern, exclude=(TIER_CRON,))
    if not cron:
        bench.not_installed(key, "cron", name)
        return
    reason = missing_data and missing_data(env)
    if reason:
        bench.add(key, "cron", name, note=f"n/a ({reason}; cron {cron.cron_name!r} found)",
                  status="n/a")
        return
    if prepare:
        prepare(bench, cron)
    added = {}

    clock = {}

    def before():
        if freeze:
            from freezegun import freeze_time  # noqa: PLC0415

            # The bench's own clocks (time.perf_counter) keep the real time.
            clock["freezer"] = freeze_time(freeze, ignore=["measuring", "scenarios"])
            clock["freezer"].start()
        if work:
            added["before"] = _count(env, work[1])
        return cron

    def after():
        if work:
            added["rows"] = _count(env, work[1]) - added["before"]
        if clock.get("freezer"):
            clock.pop("freezer").stop()
        bench.rollback(env, clear_caches=True)

    bound_figure = None
    if bound:
        bound_rows = {}

        def bound_after():
            if work:
                bound_rows["rows"] = _count(env, work[1]) - added["before"]
            after()

        bound_figure = bench.measure(lambda _cron: bound(env), before=before, after=bound_after)
        bench.add(key, "bound", f"{name}: raw SQL lower bound "
                  f"({bound_rows.get('rows', 0):,} {work[0] if work else 'rows'})", bound_figure)
    figure = bench.measure(run_cron, before=before, after=after)
    done, rows = sum(figure.result["done"]), added.get("rows")
    records = done or rows or 0
    if not records:
        bench.add(key, "cron", name, status="n/a",
                  details=dict(figure.result, seconds=figure.seconds),
                  note=f"n/a (cron {cron.cron_name!r} reported no record processed: the "
                       "generated base has nothing for it to do)")
        return
    per_batch = queries_per_batch(figure.result)
    target, status, ratio = "", "", None
    if limit_seconds:
        target = f"<= {limit_seconds} s at {at_customers:,}"
        status = check(figure.median, limit_seconds) if bench.customers >= at_customers else ""
    if bound_figure:
        ratio = figure.median / bound_figure.median
        target = "<= 3x bound" + (f", {target}" if target else "")
        status = "MISS" if "MISS" in (status, check(ratio, 3.0)) else "PASS"
    calls = len(figure.result["queries"])
    said = (f"{done:,} records processed (as it reports)" if done
            else "no progress reported through Odoo's API")
    if work:
        said += f", {rows:,} {work[0]}" + (" (none: check the cron)" if done and not rows else "")
    bench.add(key, "cron", f"{name} ({records:,} records, {calls} call(s))", figure,
              target=target, status=status, ratio=ratio,
              note=f"cron {cron.cron_name!r}: {said}; queries per full batch: "
                   f"{'-' if per_batch is None else format(per_batch, 'g')}, "
                   f"per record: {figure.query_median / records:.2f}; longest call "
                   f"(transaction): {figure.result['longest_call']:.1f} s; "
                   f"peak memory {figure.peak_mb:.0f} MB",
              # Per record: some slack, the mix of work differs a little between sizes.
              growth_limits={"peak_mb": 2.0, "queries_per_batch": 1.0,
                             "queries_per_record": 1.2},
              details=dict(figure.result, records=records, reported_done=done, rows_added=rows,
                           queries_per_batch=per_batch,
                           queries_per_record=figure.query_median / records))


def care_until_yesterday(bench, cron):
    """A normal day: the cron ran every day until yesterday, so that today it schedules
    only what falls due today (it still looks back a week for the days it missed).
    Without this, its first run would catch up a whole week, and a week after a holiday
    (20/11, 20/10, 8/3, Tết, Trung Thu) greet every customer. Committed, once."""
    from freezegun import freeze_time  # noqa: PLC0415

    if bench.state.get("care_until_yesterday"):
        return
    start = time.perf_counter()
    with freeze_time(datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=1)):
        run = run_cron(cron)
    bench.env.cr.commit()
    bench.env.invalidate_all()
    bench.state["care_until_yesterday"] = True
    bench.say(f"  (care cron run first as of yesterday, not measured: "
              f"{time.perf_counter() - start:.0f} s, {sum(run['queries']):,} queries)")


@scenario("2", "Daily care cron over all customers")
def care_cron(bench):
    cron_scenario(bench, "2", "daily care cron", r"care", limit_seconds=60,
                  work=("care occasions claimed (one activity each)",
                        "SELECT count(*) FROM crm_vn_care_occurrence"),
                  prepare=care_until_yesterday)


def _no_points(env):
    if not env["loyalty.history"].search_count([("issued", ">", 0)], limit=1):
        return "the generated base has no loyalty points"
    return None


# The least a points expiry must do: one INSERT of an expiry line per card with points
# due (its due earnings, at most its balance), one UPDATE of those cards' balances.
EXPIRY_BOUND = """
    WITH due AS (
        SELECT h.card_id, LEAST(SUM(h.issued), MIN(c.points)) AS points
          FROM loyalty_history h JOIN loyalty_card c ON c.id = h.card_id
         WHERE h.crm_vn_expiry_date <= CURRENT_DATE AND NOT h.crm_vn_expiry_done
           AND h.issued > 0
      GROUP BY h.card_id
    ), line AS (
        INSERT INTO loyalty_history (card_id, description, issued, used, crm_vn_kind,
                                     create_uid, create_date, write_uid, write_date)
        SELECT card_id, 'Points expired', 0, points, 'expiry', 1, NOW(), 1, NOW()
          FROM due WHERE points > 0
     RETURNING card_id, used
    )
    UPDATE loyalty_card c SET points = c.points - line.used, write_date = NOW()
      FROM line WHERE c.id = line.card_id
"""


@scenario("3", "Points expiry cron")
def points_expiry_cron(bench):
    cron_scenario(bench, "3", "points expiry cron", r"expir", missing_data=_no_points,
                  work=("expiry lines posted (cards whose points expired)",
                        "SELECT count(*) FROM loyalty_history WHERE crm_vn_kind = 'expiry'"),
                  limit_seconds=60, bound=lambda env: env.cr.execute(EXPIRY_BOUND))


# ------------------------------------- 4. confirming orders, addon vs bare
def confirm(orders):
    for order in orders:
        order.action_confirm()
        # Each click is its own request: it ends with a flush, and the next one starts
        # with an empty cache (a cache kept warm across orders favours whichever side
        # invalidates less, not what users wait for).
        order.env.flush_all()
        order.env.invalidate_all()


def as_user(env, user=None):
    """An environment like the web client's for this user (the admin by default)."""
    user = user or env.ref("base.user_admin")
    return env(user=user.id, context={"lang": user.lang, "tz": user.tz,
                                      "allowed_company_ids": user.company_id.ids})


@scenario("4", "Confirming 500 quotations, with the addon vs without")
def confirm_orders(bench):
    classify(bench)
    figures = {}
    for label, env in (("bare", bench.bare_env), ("addon", bench.env)):
        admin_env = as_user(env)

        def drafts(admin_env=admin_env):
            return admin_env["sale.order"].search(
                [("client_order_ref", "=", dataset.DRAFT_REF), ("state", "=", "draft")])

        figures[label] = bench.measure(confirm, before=drafts,
                                       after=lambda env=env: bench.rollback(env))
    # The same with the care plans switched off: what tiers and points cost by themselves,
    # apart from the activity the sale plan schedules on each confirmation.
    admin_env = as_user(bench.env)

    def drafts_without_care():
        admin_env["mail.activity.plan"].sudo().search(
            [("crm_vn_stage", "!=", False)]).active = False
        return admin_env["sale.order"].search(
            [("client_order_ref", "=", dataset.DRAFT_REF), ("state", "=", "draft")])

    figures["no_care"] = bench.measure(confirm, before=drafts_without_care,
                                       after=lambda: bench.rollback(bench.env))
    what = f"confirm {dataset.DRAFTS} quotations one by one"
    bench.add("4", "confirm-bare", f"{what}, without the addon", figures["bare"],
              note="as admin, each its own request; the same quotations and loyalty "
                   "programme in both databases")
    ratio = figures["addon"].median / figures["bare"].median
    bench.add("4", "confirm-addon", f"{what}, with the addon", figures["addon"], ratio=ratio,
              target="<= 1.15x without", status=check(ratio, 1.15))
    bench.add("4", "confirm-addon-no-care", f"{what}, with the addon, care plans off",
              figures["no_care"], ratio=figures["no_care"].median / figures["bare"].median,
              note="tiers, points multiplier and history only")


# ------------------------------------------- 5. customer list, staff vs admin
LIST_VIEW, SEARCH_VIEW = "base.view_partner_tree", "base.view_res_partner_filter"
SEARCH_TERM = "Nguyễn"
COUNT_LIMIT = 10001  # what the web client asks for


def _views(Partner):
    return Partner.get_views([(Partner.env.ref(LIST_VIEW).id, "list"),
                              (Partner.env.ref(SEARCH_VIEW).id, "search")])


def _list_spec(Partner, views):
    """The web client's specification for the list: the arch's columns (as this user
    gets it: columns of other groups are already removed), relations by display name."""
    arch = etree.fromstring(views["views"]["list"]["arch"])
    return {node.get("name"): {"fields": {"display_name": {}}}
            if Partner._fields[node.get("name")].relational else {}
            for node in arch.iterchildren("field")}


def _search_domain(views):
    arch = etree.fromstring(views["views"]["search"]["arch"])
    return safe_eval(arch.find(".//field[@name='name']").get("filter_domain"),
                     {"self": SEARCH_TERM})


def open_list(Partner):
    views = _views(Partner)
    return Partner.web_search_read([], _list_spec(Partner, views), limit=80,
                                   count_limit=COUNT_LIMIT)


def search_list(Partner):
    views = _views(Partner)
    return Partner.web_search_read(_search_domain(views), _list_spec(Partner, views), limit=80,
                                   count_limit=COUNT_LIMIT)


LIST_OPERATIONS = [
    ("open", "open Contacts list (views, 80 rows, count)", open_list),
    ("count", "count all customers (pager)", lambda Partner: Partner.search_count([])),
    ("search", f"search the list for {SEARCH_TERM!r}", search_list),
    ("name-search", f"name_search {SEARCH_TERM!r} (dropdown)",
     lambda Partner: Partner.name_search(SEARCH_TERM, limit=8)),
]
LOOPS = 10  # calls per timed run: one call takes milliseconds


def _repeatedly(operation, Partner):
    for _i in range(LOOPS):
        Partner.env.invalidate_all()  # each call is a request of its own
        operation(Partner)


@scenario("5", "Customer list as care staff vs as admin")
def customer_list(bench):
    classify(bench)
    env = bench.env
    staff = env["res.users"].search([("login", "=", bench.info["staff_login"])])
    users = {"admin": as_user(env), "staff": as_user(env, staff)}
    visible = {who: user_env["res.partner"].search_count([]) for who, user_env in users.items()}
    owned = env["res.partner"].search_count([("user_id", "=", staff.id)])
    fallback = bench.info["staff_group"] != dataset.STAFF_GROUP
    note = (f"staff owns {owned:,} customers ({owned / bench.customers:.1%}) and sees "
            f"{visible['staff']:,} partners; admin sees {visible['admin']:,}"
            + (f"; no Care Staff position yet: staff is {bench.info['staff_group']}"
               if fallback else ""))
    for key, label, operation in LIST_OPERATIONS:
        figures = {}
        for who, user_env in users.items():
            figures[who] = bench.measure(
                lambda Partner, operation=operation: _repeatedly(operation, Partner),
                before=lambda user_env=user_env: user_env["res.partner"],
                after=lambda: bench.rollback(env)).per(LOOPS)
        bench.add("5", f"{key}-admin", f"{label}, admin", figures["admin"])
        ratio = figures["staff"].median / figures["admin"].median
        bench.add("5", f"{key}-staff", f"{label}, care staff", figures["staff"],
                  ratio=ratio, target="<= 1.3x admin", status=check(ratio, 1.3), note=note)
        note = ""


# ----------------------------------------------------------- 6. dashboard
DASHBOARD_METHODS = ("retrieve_dashboard", "get_dashboard_data", "_get_dashboard_data")


@scenario("6", "Manager dashboard queries")
def manager_dashboard(bench):
    classify(bench)
    env = as_user(bench.env)
    entry = next(((model, method) for model in sorted(env.registry)
                  if model.startswith("crm.vn.") and "dashboard" in model
                  for method in DASHBOARD_METHODS if hasattr(env[model], method)), None)
    if not entry:
        bench.not_installed("6", "dashboard", "manager dashboard")
        return
    model, method = entry
    figure = bench.measure(lambda: getattr(env[model], method)(),
                           before=None, after=lambda: bench.rollback(bench.env))
    bench.add("6", "dashboard", f"manager dashboard ({model}.{method})", figure,
              growth_limits={"queries": 1.0})


# ----------------------------------------------------------- 7. a big day
# The least a Tết greeting of every customer must do: one INSERT ... SELECT of the care
# occurrences (the unique key keeps it once) and of their activities.
BIG_DAY_BOUND = """
    WITH occurrence AS (
        INSERT INTO crm_vn_care_occurrence (template_id, res_model, res_id, occasion,
                                            partner_id, date, create_uid, write_uid,
                                            create_date, write_date)
        SELECT %(step)s, 'res.partner', p.id, %(occasion)s, p.id, %(today)s, 1, 1,
               NOW(), NOW()
          FROM res_partner p
         WHERE %(customers)s
            ON CONFLICT DO NOTHING
     RETURNING res_id
    )
    INSERT INTO mail_activity (res_model_id, res_model, res_id, activity_type_id, summary,
                               user_id, date_deadline, automated, active, create_uid,
                               write_uid, create_date, write_date)
    SELECT %(model_id)s, 'res.partner', o.res_id, %(activity_type)s, %(summary)s,
           COALESCE(p.user_id, 1), %(today)s, TRUE, TRUE, 1, 1, NOW(), NOW()
      FROM occurrence o JOIN res_partner p ON p.id = o.res_id
"""


def _big_day_bound(env, step, day, occasion):
    from odoo.tools import SQL  # noqa: PLC0415

    env.execute_query(SQL(
        BIG_DAY_BOUND, step=step.id, occasion=occasion, today=day,
        customers=env["crm.vn.concepts"]._customer_sql("p", step.plan_id.company_id),
        model_id=env["ir.model"]._get_id("res.partner"),
        activity_type=step.activity_type_id.id, summary=step.summary))


@scenario("7", "Big day: Tết greetings with the four care plans on")
def big_day(bench):
    env = bench.env
    step = env.ref("crm_vn_custom.care_step_tet", raise_if_not_found=False)
    if not step or "crm.vn.calendar" not in env.registry:
        bench.not_installed("7", "cron", "big day (Tết greetings)")
        return
    calendar = env["crm.vn.calendar"]
    today = datetime.date.today()
    tet = calendar._tet_date(today.year)
    if step._get_date_deadline(tet) < today:
        tet = calendar._tet_date(today.year + 1)
    day = step._get_date_deadline(tet)  # the greeting is due 7 days before Tết
    occasion = f"tet:{tet.year}"
    bench.say(f"  (as of {day}, seven days before Tết {tet})")
    cron_scenario(
        bench, "7", f"big day, care cron as of {day}", r"care", limit_seconds=180,
        work=("care occasions claimed (one activity each)",
              "SELECT count(*) FROM crm_vn_care_occurrence"),
        bound=lambda env: _big_day_bound(env, step, day, occasion), freeze=str(day))


# ------------------------------------------- M. care messages, throughput
MESSAGES = 5000


def _message_step(env, url):
    """A ZNS thanks step, message only, on a Zalo OA played by the stand-in at ``url``."""
    company = env.company
    provider = env["crm.vn.message.provider"].create({
        "name": "Zalo bench", "company_id": company.id, "provider_type": "zalo_zns",
        "api_url": f"{url}/message/template", "oauth_url": f"{url}/v4/oa/access_token",
        "zalo_app_id": "bench", "zalo_secret_key": "bench", "zalo_refresh_token": "bench"})
    template = env["crm.vn.zns.template"].create({
        "name": "Cảm ơn", "provider_id": provider.id, "template_ref": "1",
        "parameter_ids": [(0, 0, {"name": "customer_name", "value_path": "customer.name"}),
                          (0, 0, {"name": "tier", "value_path": "tier.name"})]})
    plan = env["mail.activity.plan"].create({
        "name": "Bench messages", "res_model": "res.partner", "company_id": company.id,
        "crm_vn_stage": "after_sale"})
    return env["mail.activity.plan.template"].create({
        "plan_id": plan.id, "summary": "Cảm ơn", "crm_vn_trigger": "order_confirmed",
        "activity_type_id": env.ref("mail.mail_activity_data_todo").id,
        "crm_vn_send_channel": "zalo", "crm_vn_message_only": True,
        "crm_vn_zns_template_id": template.id})


@scenario("M", "Care messages sent by the queue cron to a stand-in Zalo OA")
def care_messages(bench):
    env = bench.env
    cron = env.ref("crm_vn_custom.ir_cron_send_messages", raise_if_not_found=False)
    if not cron:
        bench.not_installed("M", "messages", "care messages")
        return
    from odoo.addons.crm_vn_custom.tools.message_standin import StandIn  # noqa: PLC0415

    standin = StandIn().start()
    standin.lenient = True
    count = min(MESSAGES, bench.customers)
    # The cron commits each message sent; measured as tests run it, without the commits,
    # so that every repetition starts from the same queue (a commit costs well under 1 ms).
    thread = threading.current_thread()
    testing, thread.testing = getattr(thread, "testing", False), True
    try:
        def queued():
            step = _message_step(env, standin.url)
            customers = env["res.partner"].search(
                ["|", ("mobile", "!=", False), ("phone", "!=", False)], limit=count)
            today = datetime.date.today()
            env["crm.vn.messenger"]._queue(
                step, [(c, c, f"bench:{c.id}", today) for c in customers])
            env.flush_all()
            return cron

        figure = bench.measure(run_cron, before=queued,
                               after=lambda: bench.rollback(env, clear_caches=True))
    finally:
        standin.stop()
        thread.testing = testing
    sent = sum(figure.result["done"])
    bench.add("M", "messages", f"send {sent:,} queued ZNS messages over HTTP", figure,
              note=f"{sent / figure.median:,.0f} messages/s to a stand-in on 127.0.0.1 (one "
                   f"HTTP call each, committed one by one in production); queries per message: "
                   f"{figure.query_median / max(sent, 1):.1f}",
              details=dict(figure.result, messages=sent))
