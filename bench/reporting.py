"""The results: a table per size, the growth from N/10 to N, and the JSON file."""

import json
from dataclasses import asdict

from measuring import check

WHAT = 60
COLUMNS = [("#", 2, "<"), ("what", WHAT, "<"), ("customers", 9, ">"), ("median s", 9, ">"),
           ("queries", 8, ">"), ("peak MB", 8, ">"), ("ratio", 6, ">"), ("target", 20, "<"),
           ("result", 6, "<")]
GROWTH_METRICS = (("seconds", "s"), ("queries", "queries"), ("peak_mb", "peak MB"),
                  ("queries_per_batch", "queries/batch"), ("queries_per_record", "queries/record"))
DETAILS = {"queries_per_batch", "queries_per_record"}  # figures kept in a row's details


def _line(values):
    return "  ".join(f"{value:{align}{width}}" for value, (_n, width, align)
                     in zip(values, COLUMNS, strict=True)).rstrip()


def _num(value, fmt):
    return "" if value is None else format(value, fmt)


def table(rows):
    out = [_line([name for name, _w, _a in COLUMNS]),
           _line(["-" * width for _n, width, _a in COLUMNS])]
    for row in rows:
        if row.seconds is None and row.status in ("n/a", "ERROR"):
            out.append(_line([row.scenario, row.label[:WHAT], f"{row.customers:,}", "", "", "",
                              "", row.target, row.status]) + f"   {row.note}")
            continue
        ratio = f"{row.ratio:.2f}x" if row.ratio is not None else ""
        out.append(_line([row.scenario, row.label[:WHAT], f"{row.customers:,}",
                          _num(row.seconds, ".3f"), _num(row.queries, ","),
                          _num(row.peak_mb, ".1f"), ratio, row.target, row.status]))
        if row.note:
            out.append(f"{'':4}({row.note})")
    return "\n".join(out)


def _metric(row, name):
    return row.details.get(name) if name in DETAILS else getattr(row, name)


def growth(small_rows, large_rows):
    """How each figure grows from the smaller base to the larger one; a row's
    ``growth_limits`` say how much growth its targets allow."""
    small = {(row.scenario, row.key): row for row in small_rows}
    result = []
    for row in large_rows:
        before = small.get((row.scenario, row.key))
        if not before or row.seconds is None or before.seconds is None:
            continue
        for name, label in GROWTH_METRICS:
            old, new = _metric(before, name), _metric(row, name)
            if old is None or new is None:
                continue
            factor = new / old if old else None
            limit = row.growth_limits.get(name)
            result.append({
                "scenario": row.scenario, "key": row.key, "what": row.label, "metric": label,
                "small": old, "large": new, "growth": factor, "limit": limit,
                "status": check(factor, limit) if limit is not None else ""})
    return result


def growth_table(entries, small_size, large_size):
    head = (f"{'#':2}  {'what':{WHAT}}  {'figure':13}  {small_size:>12,}  {large_size:>12,}  "
            f"{'growth':>7}  {'limit':>6}  result")
    out = [head, "-" * len(head)]
    for entry in entries:
        fmt = {"s": ".3f", "peak MB": ".3f", "queries/record": ".2f"}.get(entry["metric"], ",.0f")
        growth_text = f"{entry['growth']:.2f}x" if entry["growth"] is not None else "-"
        limit = f"{entry['limit']:.1f}x" if entry["limit"] is not None else ""
        out.append(f"{entry['scenario']:2}  {entry['what'][:WHAT]:{WHAT}}  {entry['metric']:13}  "
                   f"{entry['small']:>12{fmt}}  {entry['large']:>12{fmt}}  {growth_text:>7}  "
                   f"{limit:>6}  {entry['status']}".rstrip())
    return "\n".join(out)


def write_json(path, meta, sizes, growth_entries):
    payload = dict(meta, sizes=[dict(size, rows=[asdict(row) for row in size["rows"]])
                                for size in sizes], growth=growth_entries)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(payload, indent=2, ensure_ascii=False, default=str) + "\n")
