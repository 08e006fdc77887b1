"""How many of a process's request threads may wait on HubSpot at once: a bulkhead.

gunicorn gives each process a few threads (GUNICORN_THREADS). When HubSpot answers slowly, every
thread that calls it waits its whole round trip; once all of them wait, pages that never call
HubSpot — the history, a record's page, /healthz — wait too. So at most HUBSPOT_WAITING_THREADS
requests per process may be inside HubSpot work at a time, and the rest of the threads stay free.

A request that finds every slot taken does not queue for one (a queued thread is a stalled
thread all the same): a create is handed to the worker and the rep follows it on its page, a
picker search or a form's option fetch answers "HubSpot is busy" through the paths that already
say "not available". The count is of requests, not calls: a request holding a slot may call
HubSpot as often as it needs, from helper threads too (the form's option sets load side by side).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings

from hubspot_api.errors import HubSpotUnavailable

_lock = threading.Lock()
_busy = 0
_held = threading.local()


class HubSpotBusy(HubSpotUnavailable):
    """This process's requests already wait on HubSpot as many at a time as they may: nothing was sent."""


def in_use() -> int:
    """Slots taken now in this process (what the tests look at)."""
    return _busy


@contextmanager
def slot() -> Iterator[bool]:
    """True inside when this request may wait on HubSpot now; False when the process's slots are all taken.

    Re-entrant: inside a held slot every nested `slot()` is True and takes nothing more.
    """
    global _busy
    if getattr(_held, "depth", 0):
        _held.depth += 1
        try:
            yield True
        finally:
            _held.depth -= 1
        return
    with _lock:
        if _busy >= settings.HUBSPOT_WAITING_THREADS:
            taken = False
        else:
            _busy += 1
            taken = True
    if not taken:
        yield False
        return
    _held.depth = 1
    try:
        yield True
    finally:
        _held.depth = 0
        with _lock:
            _busy -= 1
