#!/usr/bin/env python3
"""`make bench`: the addon's figures at scale (issue 10).

Builds scratch databases with a generated customer base, runs each scenario of
bench/scenarios.py several times, prints a table (and with --grow how each figure grows from
N/10 customers to N) and writes a JSON file. See bench/README.md.
"""

import argparse
import datetime
import logging
import os
import sys
import time
import traceback
from pathlib import Path

from devtools import BENCH, LOGS, dev

_logger = logging.getLogger("crm_vn_bench")


def say(msg):
    print(f"[bench] {msg}", flush=True)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--customers", type=int, default=20_000)
    parser.add_argument("--lines", type=int, default=200_000, help="order lines")
    parser.add_argument("--repeat", type=int, default=3,
                        help="timed runs per figure (the median is reported), after one "
                             "traced run that measures memory")
    parser.add_argument("--grow", action="store_true",
                        help="also run at a tenth of the size and print the growth")
    parser.add_argument("--json", type=Path, default=BENCH / "results.json")
    parser.add_argument("--keep", action="store_true",
                        help="keep crm_vn_bench and crm_vn_bench_bare afterwards")
    parser.add_argument("--only", default="", help="scenarios to run, e.g. 1,5")
    parser.add_argument("--strict", action="store_true",
                        help="exit with status 1 when a target is missed")
    args = parser.parse_args()
    if args.customers < 10 or args.lines < 10 or args.repeat < 1:
        parser.error("--customers and --lines must be at least 10, --repeat at least 1")
    return args


def start_odoo():
    """Odoo in this process, on the project's odoo.conf, logging to bench/logs/."""
    if os.environ.get("ODOO_PATH"):
        sys.path.insert(0, os.environ["ODOO_PATH"])
    from odoo.tools import config  # noqa: PLC0415

    LOGS.mkdir(exist_ok=True)
    config.parse_config(["-c", str(dev.LOCAL / "odoo.conf"), "--logfile",
                         str(LOGS / "odoo.log"), "--max-cron-threads=0"], setup_logging=True)


def run_size(db, customers, lines, repeat, only):
    from odoo import SUPERUSER_ID, api  # noqa: PLC0415
    from odoo.modules.registry import Registry  # noqa: PLC0415

    import dataset  # noqa: PLC0415
    from measuring import Bench  # noqa: PLC0415
    from scenarios import SCENARIOS  # noqa: PLC0415

    say(f"building {customers:,} customers and ~{lines:,} order lines in "
        f"{dataset.ADDON_DB} and {dataset.BARE_DB}")
    start = time.perf_counter()
    info = dataset.build(db, True, customers, lines)
    dataset.build(db, False, customers, lines)
    built = time.perf_counter() - start
    say(f"built in {built:.0f} s: {info['customers']:,} customers, {info['orders']:,} orders, "
        f"{info['order_lines']:,} order lines (+ {dataset.DRAFTS} quotations to confirm)")
    if "loyalty_cards" in info:
        say(f"with the addon: {info['loyalty_cards']:,} loyalty cards, "
            f"{info['points_lines']:,} points earned on orders "
            f"({info['cards_with_points_due']:,} cards with points due to expire), "
            f"{info['care_plans']} care plans active ({info['care_steps']} steps)")
    with Registry(dataset.ADDON_DB).cursor() as cr, \
            Registry(dataset.BARE_DB).cursor() as bare_cr:
        bench = Bench(api.Environment(cr, SUPERUSER_ID, {}),
                      api.Environment(bare_cr, SUPERUSER_ID, {}), info, repeat, say)
        for key, title, function in SCENARIOS:
            if only and key not in only:
                continue
            say(f"scenario {key}: {title}")
            started = time.perf_counter()
            try:
                function(bench)
            except Exception as err:  # noqa: BLE001 - one broken scenario must not hide the others
                _logger.error("scenario %s failed\n%s", key, traceback.format_exc())
                print(traceback.format_exc(), file=sys.stderr)
                for env in (bench.env, bench.bare_env):
                    bench.rollback(env, clear_caches=True)
                bench.add(key, "error", title, note=f"error: {err}", status="ERROR")
            say(f"scenario {key} took {time.perf_counter() - started:.0f} s")
    return {"customers": customers, "lines": lines, "database": info, "build_seconds": built,
            "rows": bench.rows}


def main():
    args = parse_args()
    started = time.perf_counter()
    try:
        # Starts the project's embedded PostgreSQL when needed; it is shared with `make demo`
        # and `make test`, so the benchmark never stops it.
        db = dev.prepare()
    except dev.SetupError as err:
        print(f"[bench] error: {err}", file=sys.stderr)
        sys.exit(1)
    start_odoo()
    import dataset  # noqa: PLC0415
    import reporting  # noqa: PLC0415

    only = {key.strip() for key in args.only.split(",") if key.strip()}
    sizes = [(args.customers, args.lines)]
    if args.grow:
        sizes.insert(0, (args.customers // 10, args.lines // 10))
    results = []
    try:
        for customers, lines in sizes:
            results.append(run_size(db, customers, lines, args.repeat, only))
    except dev.SetupError as err:
        print(f"[bench] error: {err}", file=sys.stderr)
        sys.exit(1)
    finally:
        if not args.keep:
            for name in (dataset.ADDON_DB, dataset.BARE_DB):
                dataset.drop(db, name)
    growth = reporting.growth(results[0]["rows"], results[-1]["rows"]) if args.grow else []
    print()
    for result in results:
        print(f"== {result['database']['customers']:,} customers, "
              f"{result['database']['orders']:,} orders, "
              f"{result['database']['order_lines']:,} order lines "
              f"(median of {args.repeat} timed run(s))")
        print(reporting.table(result["rows"]))
        print()
    if growth:
        print(f"== growth from {sizes[0][0]:,} to {sizes[-1][0]:,} customers")
        print(reporting.growth_table(growth, sizes[0][0], sizes[-1][0]))
        print()
    import odoo.release  # noqa: PLC0415

    reporting.write_json(args.json, {
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "odoo": odoo.release.version, "args": {k: str(v) for k, v in vars(args).items()},
        "seconds": round(time.perf_counter() - started, 1)}, results, growth)
    say(f"results written to {args.json}; total {time.perf_counter() - started:.0f} s")
    statuses = {row.status for result in results for row in result["rows"]}
    statuses |= {entry["status"] for entry in growth}
    if "ERROR" in statuses or (args.strict and "MISS" in statuses):
        sys.exit(1)


if __name__ == "__main__":
    main()
