"""The history's caches, declared once: what each holds, whose it is, how long, what drops it.

None of them holds what HubSpot answered; each spares the database work a person would wait for.
When Redis is down, the shared ones miss and are computed per view, and no page is drawn ahead
(`config/redis_cache.py`); nothing fails a page.

- **Drawn pages** (`meetings/history/pages.py`): a list page below its heading (filter bar, audit state,
  chart, rows, paging; no CSRF token), in each process's memory (`CACHES["history_pages"]`), keyed by the
  scope (everyone's, or one rep's), the query, language, time zone and the records' *version* — a token in
  Redis that every write replaces (`meetings/signals.py`). Kept because the history page misses its latency
  target at 16 viewers without it (`make bench`). Only with Redis (`HISTORY_PAGE_CACHE`): without it the
  worker's writes would not reach the app's memory. Lives `HISTORY_SUMMARY_SECONDS` at most; dropped by any
  write to the records, a rep's new name or first connection, an audit verification.
- **Summaries** (`meetings/history/selectors.py`): the chart's and the per-rep counts, two 12-week
  aggregations (0.1–0.8 s over a million records), shared by every process, per scope, filters and the
  viewer's zone, for `HISTORY_SUMMARY_SECONDS`. A new record shows in the list at once, in the chart within
  that interval.
- **Rep and portal choices** (below, `meetings/history/views.py`): the admin's filter offers every rep with
  a HubSpot connection and every portal any record was made in (a `DISTINCT` over every record), shared by
  every process for `CHOICES_SECONDS`; a new rep or portal is offered within that time. An erasure drops them.
- **What a verification covered** (`meetings/history/verification.py`): how many records lie under a
  verification's head, for the audit line on All meetings, shared by every process, keyed by the verification,
  for `COVERED_SECONDS`. Never stale (what a verification covered does not change); a new verification has a key
  of its own. Down: counted on each view.
- **The records' version** (below): one token in the shared cache, replaced by every write; no lifetime. Down:
  the token reads as "" and each process draws every page anew (`HISTORY_PAGE_CACHE` is only on with Redis).
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache, caches

logger = logging.getLogger("meetings.history")

REPS_KEY, PORTALS_KEY = "history:reps", "history:portals"
CHOICES_SECONDS = 300
VERSION_KEY = "history:records-version"
COVERED_SECONDS = 7 * 24 * 3600


def rep_choices(compute: Callable[[], list]) -> list:
    return cache.get_or_set(REPS_KEY, compute, CHOICES_SECONDS)


def portal_choices(compute: Callable[[], list]) -> list:
    return cache.get_or_set(PORTALS_KEY, compute, CHOICES_SECONDS)


def verification_covered(verification_pk: int, count: Callable[[], int]) -> int:
    return cache.get_or_set(f"history:audit-covered:{verification_pk}", count, COVERED_SECONDS)


def records_version() -> str:
    version = cache.get(VERSION_KEY)
    if version is None:  # a fresh or emptied cache
        cache.add(VERSION_KEY, secrets.token_hex(8), None)
        version = cache.get(VERSION_KEY, "")
    return version


def renew_records_version() -> None:
    # A page cache must never fail a write: without the new version, pages show the old records until
    # they expire (HISTORY_SUMMARY_SECONDS).
    try:
        cache.set(VERSION_KEY, secrets.token_hex(8), None)
    except Exception:
        logger.warning("history pages may show records as they were for up to %s s: the version was not "
                       "replaced", settings.HISTORY_SUMMARY_SECONDS, exc_info=True)


def drawn_page[T](key: str, draw: Callable[[], T]) -> T:
    """The page under `key` as this process drew it, or drawn now and kept for HISTORY_SUMMARY_SECONDS."""
    pages = caches["history_pages"]
    page = pages.get(key)
    if page is None:
        page = draw()
        pages.set(key, page, settings.HISTORY_SUMMARY_SECONDS)
    return page


def forget_choices() -> None:
    cache.delete_many([REPS_KEY, PORTALS_KEY])
