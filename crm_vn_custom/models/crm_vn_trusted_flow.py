"""Points and tiers change only through the addon's own flows.

Odoo's ``sale_loyalty`` writes loyalty cards and their history as the salesperson who
confirms, cancels or edits an order, so the access rights must let salespeople write them;
the same rights would let any script, spreadsheet connector or browser console write a
card's points or a customer's tier directly. The flows that may change them (order
confirmation, cancellation, rewards, refunds, merges, the crons) run inside
:func:`trusted_flow`; everything else is checked by :func:`check_protected_change`.

The mark lives in the running thread, not in the context: a JSON-RPC caller chooses its
context, but cannot run code in the server's thread.
"""

import functools
import threading
from contextlib import contextmanager

_state = threading.local()


@contextmanager
def trusted_flow():
    _state.depth = getattr(_state, "depth", 0) + 1
    try:
        yield
    finally:
        _state.depth -= 1


def trusted(method):
    """Run a model method as one of the addon's trusted flows."""

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        with trusted_flow():
            return method(self, *args, **kwargs)

    return wrapper


def in_trusted_flow(env):
    """Superuser code (crons, the addon's own sudo() writes) is trusted by definition."""
    return env.su or getattr(_state, "depth", 0) > 0


def check_protected_change(env, groups, error):
    """Raise ``error`` for a change of protected data outside the trusted flows, unless
    the user is in one of ``groups``. Returns True when the change is allowed only because
    of the group, so that the caller audits it."""
    if in_trusted_flow(env):
        return False
    if any(env.user.has_group(group) for group in groups):
        return True
    raise error
