"""The history list's pages, drawn once per state of the records rather than once per view.

A list page costs ~10 ms of CPU to draw (its query, 25 rows, the filter bar and chart), the same for
every view until a record changes. So the drawn body — everything below the page's heading, which holds
no CSRF token and nothing of one viewer's but what its scope selects — is kept in each process's memory
under a key naming the scope (everyone's, or one rep's), the query, the language and time zone, and the
records' *version*: a token in the shared cache that every write to the records replaces
(`records_changed`, called from `meetings.signals` for saves and deletes and from
`MeetingRecordQuerySet` for bulk writes). A page after any change is drawn anew, in every process.

A body also expires after HISTORY_SUMMARY_SECONDS: its chart is the cached summary of that moment
(`meeting_record_summary`), so the chart follows within two intervals, and a write made past the ORM
(raw SQL, a restore) shows within one.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone, translation

from meetings.history import caches


def records_changed() -> None:
    """A write to the records (or what their rows show): no page drawn before it is served again.

    Once the write commits (at once outside a transaction). Inside one, also now: the transaction's own
    reads (a test's, which never commits) see the write before anyone else does.
    """
    if transaction.get_connection().in_atomic_block:
        caches.renew_records_version()
    transaction.on_commit(caches.renew_records_version)


def page_key(*, scope: str, query: str) -> str:
    described = repr((scope, query, translation.get_language(), timezone.get_current_timezone_name(),
                      caches.records_version()))
    return "history:page:" + hashlib.sha256(described.encode()).hexdigest()


def drawn_page[T](*, scope: str, query: str, draw: Callable[[], T]) -> T:
    """What `draw` returns for this scope and query, drawn once per records version in this process."""
    return caches.drawn_page(page_key(scope=scope, query=query), draw)
