"""One bounded batch of a cron's work per call, the way Odoo 18's own crons work.

Odoo's cron worker calls a job again while it reports work remaining
(``ir.cron._notify_progress``) and commits after every call, so a crash, a timeout or a
deploy loses at most the batch in progress. That holds only if each call finds its work
from what is committed: every unit of work below is a search for what is still pending
(a care occasion not claimed, a bonus not given, a customer not escalated), and
processing a record makes it not pending in the same transaction. The next call, or the
next run after a crash, then goes on where the last committed batch stopped, without
repeating or skipping anything.
"""

BATCH_SIZE = 1000


def run_batch(units, batch_size=BATCH_SIZE):
    """Process at most ``batch_size`` pending records of ``units``, in their order.

    ``units``: (model, domain, process) triples: ``domain`` selects the records of the
    unit still pending, ``process(records)`` handles them so that they no longer match.
    Returns (done, remaining) for ``ir.cron._notify_progress``; commits nothing."""
    units = list(units)
    done, budget = 0, batch_size
    for index, (model, domain, process) in enumerate(units):
        records = model.search(domain, limit=budget, order="id")
        if records:
            process(records)
            model.env.flush_all()
            # Bounded memory: nothing of this unit's records is needed any more.
            model.env.invalidate_all()
            done += len(records)
            budget -= len(records)
        if not budget:
            # Counted only when the batch is full: a run that fits in one call pays
            # nothing for it.
            return done, sum(unit_model.search_count(unit_domain)
                             for unit_model, unit_domain, _process in units[index:])
    return done, 0

