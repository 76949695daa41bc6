"""Seconds, SQL queries and peak memory of a piece of work, and the rows of the report."""

import gc
import resource
import statistics
import time
import tracemalloc
from dataclasses import dataclass, field

from odoo import sql_db

NA = "n/a (feature not installed)"


def query_count():
    # Odoo counts every query of every cursor of the process in this global.
    return sql_db.sql_counter


def _max_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


@dataclass
class Figure:
    """A measured piece of work: the median of the timed runs; memory of the traced one."""

    seconds: list
    queries: list
    peak_mb: float
    rss_growth_mb: float
    result: object = None

    @property
    def median(self):
        return statistics.median(self.seconds)

    @property
    def query_median(self):
        return round(statistics.median(self.queries))

    def per(self, loops):
        """The figure of one of ``loops`` calls made in each run (for very short work,
        whose single timing would be mostly noise)."""
        return Figure([s / loops for s in self.seconds], [q / loops for q in self.queries],
                      self.peak_mb, self.rss_growth_mb, self.result)


def _run(fn, trace):
    gc.collect()
    rss_before = _max_rss_mb()
    if trace:
        tracemalloc.start()
    queries_before = query_count()
    start = time.perf_counter()
    result = fn()
    seconds = time.perf_counter() - start
    queries = query_count() - queries_before
    peak = 0
    if trace:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return seconds, queries, peak / 2**20, _max_rss_mb() - rss_before, result


def measure(fn, repeat, before=None, after=None):
    """Run ``fn`` once with tracemalloc (peak memory; this run also warms the caches and
    is not timed: tracemalloc slows Python down a lot), then ``repeat`` timed runs.
    ``before`` (whose result is passed to ``fn``) and ``after`` run around each run,
    unmeasured: they restore the state, so that every run does the same work."""
    seconds, queries = [], []
    peak = rss = 0
    result = None
    for index in range(repeat + 1):
        if before:
            arg = before()
            call = lambda arg=arg: fn(arg)  # noqa: E731
        else:
            call = fn
        try:
            run = _run(call, trace=index == 0)
        finally:
            if after:
                after()
        if index == 0:
            peak, rss = run[2], run[3]
        else:
            seconds.append(run[0])
            queries.append(run[1])
            result = run[4]
    return Figure(seconds, queries, peak, rss, result)


@dataclass
class Row:
    scenario: str
    key: str  # the same at every size: matches the row of N/10 with the row of N
    label: str
    customers: int
    seconds: float | None = None
    queries: int | None = None
    peak_mb: float | None = None
    rss_growth_mb: float | None = None
    runs: list = field(default_factory=list)
    ratio: float | None = None
    target: str = ""
    status: str = ""  # PASS, MISS, or empty when there is nothing to check
    note: str = ""
    # Figures that must not grow faster than this from N/10 to N customers.
    growth_limits: dict = field(default_factory=dict)
    details: dict = field(default_factory=dict)

    @classmethod
    def of(cls, scenario, key, label, customers, figure=None, **kwargs):
        if figure is None:
            return cls(scenario, key, label, customers, **kwargs)
        return cls(scenario, key, label, customers, seconds=figure.median,
                   queries=figure.query_median, peak_mb=figure.peak_mb,
                   rss_growth_mb=figure.rss_growth_mb, runs=figure.seconds, **kwargs)


def check(value, limit):
    return "PASS" if value is not None and value <= limit else "MISS"


class Bench:
    """What a scenario works with: superuser environments on the database with the addon
    (``env``) and on the one without (``bare_env``), the run's settings, and the rows
    it reports."""

    def __init__(self, env, bare_env, info, repeat, say):
        self.env = env
        self.bare_env = bare_env
        self.info = info
        self.customers = info["customers"]
        self.repeat = repeat
        self.rows = []
        self.state = {}  # what scenarios did to the databases for good (committed)
        self._say = say

    def measure(self, fn, before=None, after=None, repeat=None):
        return measure(fn, self.repeat if repeat is None else repeat, before, after)

    def add(self, scenario, key, label, figure=None, **kwargs):
        row = Row.of(scenario, key, label, self.customers, figure, **kwargs)
        self.rows.append(row)
        figures = (f"{row.seconds:.3f} s, {row.queries} queries" if row.seconds is not None
                   else row.note)
        self._say(f"  {scenario} {label}: {figures} {row.status}".rstrip())
        return row

    def say(self, msg):
        self._say(msg)

    def not_installed(self, scenario, key, label):
        return self.add(scenario, key, label, note=NA, status="n/a")

    @staticmethod
    def rollback(env, clear_caches=False):
        """Undo a run. ``clear_caches`` also drops Odoo's method caches, which may hold
        values read inside the rolled back transaction (e.g. a cron's cursor parameter)."""
        env.cr.rollback()
        env.invalidate_all()
        if clear_caches:
            env.registry.clear_cache()
