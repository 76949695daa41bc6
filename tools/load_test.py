"""`make test-load`'s run of Odoo as production runs it (issue 25, several workers).

A copy of the test database (committed demo data), Odoo started with two HTTP workers and
two cron workers, and several clients confirming, cancelling, invoicing and refunding
orders of the same few customers at once over JSON-RPC while the addon's crons run. Then
``tools/check_load.py`` checks what must hold whatever the interleaving, and the log may
hold nothing but Odoo's own retried serialization failures.

Standard library only, like ``tools/dev.py``, which calls ``run()``.
"""

import http.cookiejar
import json
import random
import re
import threading
import time
import urllib.request

CLIENTS = 4
ROUNDS = 5  # orders per client at least, and more until the crons have run
CUSTOMERS = 3  # the same few customers for every client: the work collides
# The addon's crons, made due at once while the clients work.
CRONS = tuple(f"crm_vn_custom.ir_cron_{name}" for name in (
    "recompute_tiers", "care_date_steps", "expire_points", "birthday_bonus",
    "complaint_deadlines", "send_messages", "update_age_groups"))


class Client:
    """One JSON-RPC session, as a script or a spreadsheet connector would open one."""

    def __init__(self, url, db, login, password):
        self.url = url
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        self._post("/web/session/authenticate",
                   {"db": db, "login": login, "password": password})

    def _post(self, path, params):
        body = json.dumps({"jsonrpc": "2.0", "method": "call", "id": 1,
                           "params": params}).encode()
        request = urllib.request.Request(self.url + path, body,
                                         {"Content-Type": "application/json"})
        with self.opener.open(request, timeout=300) as response:
            answer = json.load(response)
        if answer.get("error"):
            data = answer["error"].get("data", {})
            raise RuntimeError(f"{path}: {data.get('name')}: {data.get('message')}")
        return answer["result"]

    def call(self, model, method, *args, **kwargs):
        return self._post("/web/dataset/call_kw", {
            "model": model, "method": method, "args": list(args), "kwargs": kwargs})


def ref(client, xmlid):
    module, name = xmlid.split(".")
    found = client.call("ir.model.data", "search_read",
                        [("module", "=", module), ("name", "=", name)], ["res_id"])
    return found[0]["res_id"] if found else None


def make_crons_due(admin):
    ids = [cron_id for cron_id in (ref(admin, xmlid) for xmlid in CRONS) if cron_id]
    admin.call("ir.cron", "write", ids, {"nextcall": time.strftime(
        "%Y-%m-%d %H:%M:%S", time.gmtime(time.time() - 60)), "active": True})
    return ids


def order_flow(client, rng, context):
    """One order of one of the customers: confirmed, then cancelled, or invoiced and
    refunded in part, or kept."""
    partner = rng.choice(context["customers"])
    order = client.call("sale.order", "create", {
        "partner_id": partner, "company_id": context["company"],
        "order_line": [(0, 0, {"product_id": rng.choice(context["products"]),
                               "product_uom_qty": rng.randint(1, 3)})]})
    client.call("sale.order", "action_confirm", [order])
    fate = rng.random()
    if fate < 0.3:
        client.call("sale.order", "action_cancel", [order],
                    context={"disable_cancel_warning": True})
    elif fate < 0.7:
        wizard = client.call("sale.advance.payment.inv", "create",
                             {"advance_payment_method": "delivered"},
                             context={"active_model": "sale.order", "active_ids": [order]})
        client.call("sale.advance.payment.inv", "create_invoices", [wizard],
                    context={"active_model": "sale.order", "active_ids": [order]})
        invoice = client.call("sale.order", "read", [order], ["invoice_ids"])[0]["invoice_ids"]
        client.call("account.move", "action_post", invoice)
        reversal = client.call("account.move.reversal", "create", {
            "move_ids": [(6, 0, invoice)], "reason": "Khách trả hàng",
            "journal_id": client.call("account.move", "read", invoice,
                                      ["journal_id"])[0]["journal_id"][0]},
            context={"active_model": "account.move", "active_ids": invoice})
        action = client.call("account.move.reversal", "refund_moves", [reversal])
        client.call("account.move", "action_post", [action["res_id"]])
    return order


def run_client(url, db, context, seed, errors, crons_done, counts):
    rng = random.Random(seed)
    done = 0
    try:
        client = Client(url, db, "admin", "admin")
        while done < ROUNDS or not crons_done.is_set():
            order_flow(client, rng, context)
            done += 1
    except Exception as error:  # noqa: BLE001 - reported by the caller
        errors.append(f"client {seed}: {error}")
    counts.append(done)


def wait_for_crons(admin, cron_ids, deadline):
    """Until every cron ran since it was made due (its next call is in the future again)
    and none is running: cron workers poll every minute."""
    while time.monotonic() < deadline:
        crons = admin.call("ir.cron", "read", cron_ids, ["nextcall"])
        now = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime())
        if all(cron["nextcall"] > now for cron in crons):
            return True
        time.sleep(5)
    return False


def run(url, db, context, say):
    """The clients, at once, until the crons (made due as they start) have all run;
    returns the problems seen."""
    admin = Client(url, db, "admin", "admin")
    errors, counts, crons_done = [], [], threading.Event()
    threads = [threading.Thread(target=run_client,
                                args=(url, db, context, seed, errors, crons_done, counts))
               for seed in range(CLIENTS)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    cron_ids = make_crons_due(admin)
    if not wait_for_crons(admin, cron_ids, time.monotonic() + 300):
        errors.append("the crons did not all run within 5 minutes")
    crons_done.set()
    for thread in threads:
        thread.join()
    say(f"{CLIENTS} clients, {sum(counts)} orders of {len(context['customers'])} customers "
        f"while {len(cron_ids)} crons ran, in {time.monotonic() - started:.0f} s")
    return errors


# A transaction that lost a race: Odoo logs the failed query ("bad query", ERROR), then
# retries the request (INFO). Any other entry at WARNING or above is a problem.
RETRIED = re.compile(r"^ERROR: could not serialize access due to concurrent update$", re.M)
ENTRY = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ ", re.M)


def log_problems(log_text):
    """The log's entries (a line with a timestamp and what follows it) at WARNING or
    above, but for the serialization failures Odoo retries; their first line each."""
    starts = [match.start() for match in ENTRY.finditer(log_text)]
    entries = [log_text[start:end] for start, end in zip(starts, [*starts[1:], None], strict=True)]
    return [entry.splitlines()[0][:300] for entry in entries
            if re.match(r"\S+ \S+ \d+ (WARNING|ERROR|CRITICAL) ", entry)
            and not RETRIED.search(entry)]


def prepare(url, db):
    """What the clients work on: three customers of the demo company who hold a card,
    and its products."""
    admin = Client(url, db, "admin", "admin")
    company = ref(admin, "crm_vn_custom.company_sao_viet")
    program = admin.call("res.company", "read", [company],
                         ["crm_vn_loyalty_program_id"])[0]["crm_vn_loyalty_program_id"][0]
    cards = admin.call("loyalty.card", "search_read",
                       [("program_id", "=", program), ("partner_id.parent_id", "=", False)],
                       ["partner_id"], limit=CUSTOMERS, order="id")
    products = admin.call("product.product", "search",
                          [("company_id", "=", company), ("sale_ok", "=", True),
                           ("type", "=", "consu")], limit=5)
    return {"company": company, "customers": [card["partner_id"][0] for card in cards],
            "products": products}


# The manager's reading screens: the dashboard and every report, grouped and listed.
REPORTS = ("crm.vn.customer.report", "crm.vn.cohort.report", "crm.vn.care.compliance.report",
           "crm.vn.satisfaction.report", "crm.vn.points.report", "sale.report")


def read_only_calls(url, db):
    """Open the dashboard and the reports as the demo's care manager, as the web client
    does (read-only methods: Odoo sends them to the replica when it has one); returns
    how many calls were made. A read-only method that wrote would fail on the replica."""
    manager = Client(url, db, "quanly", "quanly")
    dashboard = manager.call("crm.vn.dashboard", "retrieve_dashboard")
    if not dashboard:
        raise RuntimeError("the dashboard came back empty")
    calls = 1
    for model in REPORTS:
        manager.call(model, "web_read_group", [], ["__count"], ["company_id"])
        manager.call(model, "web_search_read", [], {"partner_id": {"fields": {
            "display_name": {}}}}, limit=80)
        calls += 2
    return calls
