"""The CSV export of the all-meetings list: written a batch of rows at a time, by a request or by the worker.

Each row carries its place in the audit chain and a seal that `manage.py verify_audit --csv FILE` checks
with the key alone (`meetings.audit`, docs/audit.md). Only the columns the file needs are read, through
one chunked query (a server-side cursor on PostgreSQL), so memory does not grow with the row count.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import UTC, date
from itertools import batched

from django.db.models import QuerySet
from django.http import QueryDict
from django.utils.translation import gettext as _

from meetings import audit
from meetings.models import AuditErasure, MeetingRecord
from meetings.selectors import RecordFilters

BATCH_ROWS = 5000

# What the file needs, and nothing else: no request or response bodies, no reconciliation steps.
COLUMNS = (
    "pk", "created_at", "user__first_name", "user__last_name", "user__email", "hub_domain", "hub_id", "status",
    "title", "start_at", "end_at", "time_zone", "associations", "hubspot_meeting_id", "response_status",
    "error_category", "error_message", "correlation_id", "attempts", "duration_ms",
    "audit_seq", "audit_key_id", "audit_digests", "audit_link",
)
SEQ, LINK = COLUMNS.index("audit_seq"), COLUMNS.index("audit_link")

# Spreadsheet programs run a cell that starts with one of these as a formula ("CSV injection"),
# and reps type the titles: such cells get a leading apostrophe, which the spreadsheet hides.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def defused(text: str) -> str:
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_header() -> list[str]:
    return [
        _("Submitted at (UTC)"), _("Rep"), _("Rep email"), _("Portal"), _("Status"), _("Title"),
        _("Start (UTC)"), _("End (UTC)"), _("Time zone"), _("Associations"), _("HubSpot meeting id"),
        _("HTTP status"), _("Error category"), _("Error message"), _("Correlation id"), _("HTTP attempts"),
        _("Duration (ms)"),
        # The proof: `manage.py verify_audit --csv FILE` checks these with the key alone (docs/audit.md).
        _("Chain sequence"), _("Chain key id"), _("Record digest"), _("Previous link"), _("Chain link"),
        _("Row seal"),
    ]


def delimiter_for(language: str) -> str:
    """German spreadsheets split columns at semicolons (the comma is their decimal mark)."""
    return ";" if language.startswith("de") else ","


def _previous_links(batch: tuple[tuple, ...]) -> dict[int, str]:
    """The link of each chained row's predecessor, by sequence number.

    Rows newest first are mostly each other's neighbours in the chain, so most predecessors are in the
    batch itself; the rest (a filtered export, the batch's last row, an erasure) take one query per table
    for the whole batch instead of one lookup per row.
    """
    links = {row[SEQ]: row[LINK] for row in batch if row[SEQ] is not None}
    wanted = [seq - 1 for seq in links if seq > 1 and seq - 1 not in links]
    if wanted:
        for model in (MeetingRecord, AuditErasure):
            links.update(model.objects.filter(audit_seq__in=wanted).order_by().values_list("audit_seq", "audit_link"))
    return links


class _RowWriter:
    """Turns one row of `COLUMNS` into the cells of the file, sealed. Translations are read once, at creation."""

    def __init__(self):
        self.status_labels = {value: str(label) for value, label in MeetingRecord.Status.choices}
        self.seal = audit.row_sealer()

    def cells(self, row: tuple, links: dict[int, str]) -> list[str]:
        (pk, created_at, first_name, last_name, email, hub_domain, hub_id, status, title, start_at, end_at,
         time_zone, associations, meeting_id, response_status, error_category, error_message, correlation_id,
         attempts, duration_ms, seq, key_id, digests, link) = row
        cells = [
            created_at.astimezone(UTC).isoformat(timespec="seconds"), defused(f"{first_name} {last_name}".strip()),
            defused(email), defused(hub_domain or str(hub_id)), self.status_labels.get(status, status),
            defused(title), start_at.isoformat(timespec="minutes"), end_at.isoformat(timespec="minutes"),
            defused(time_zone), defused("; ".join(a.get("label") or a.get("id", "") for a in associations)),
            defused(meeting_id), str(response_status or ""), defused(error_category), defused(error_message),
            defused(correlation_id), str(attempts), "" if duration_ms is None else str(duration_ms),
            *self._chain_cells(pk, seq, key_id, digests, link, links),
        ]
        cells.append(self.seal(cells))
        return cells

    @staticmethod
    def _chain_cells(pk, seq, key_id, digests, link, links: dict[int, str]) -> list[str]:
        """Sequence, key id, digest, previous link and link, the columns `audit.verify_csv` checks."""
        if seq is None:
            return ["", "", "", "", ""]
        previous = audit.GENESIS if seq == 1 else links.get(seq - 1, "")
        return [str(seq), key_id, audit.entry_digest("record", pk, seq, key_id, digests), previous, link]


def csv_batches(records: QuerySet[MeetingRecord], *, delimiter: str) -> Iterator[tuple[str, int]]:
    """The file as (text, rows in it): the header first, then one piece per batch of rows.

    Header and status labels are translated when this starts, in the language active then.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    rows = _RowWriter()
    writer.writerow(csv_header())
    # A byte-order mark makes spreadsheet programs read the file as UTF-8 (umlauts intact).
    yield "\ufeff" + _drain(buffer), 0
    chunks = records.values_list(*COLUMNS).iterator(chunk_size=BATCH_ROWS)
    for batch in batched(chunks, BATCH_ROWS):
        links = _previous_links(batch)
        writer.writerows([rows.cells(row, links) for row in batch])
        yield _drain(buffer), len(batch)


def _drain(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text


# --- the filters, kept with a job as a query string --------------------------------------------

def filters_to_query(filters: RecordFilters) -> str:
    """The validated filters only, so the worker applies exactly what the list applied."""
    query = QueryDict(mutable=True)
    for name, value in vars(filters).items():
        if value not in (None, ""):
            query[name] = value.isoformat() if isinstance(value, date) else str(value)
    return query.urlencode()


def filters_from_query(query: str) -> RecordFilters:
    data = QueryDict(query)

    def day(name: str) -> date | None:
        return date.fromisoformat(data[name]) if data.get(name) else None

    def number(name: str) -> int | None:
        return int(data[name]) if data.get(name) else None

    return RecordFilters(status=data.get("status", ""), submitted_from=day("submitted_from"),
                         submitted_to=day("submitted_to"), text=data.get("text", ""),
                         rep_id=number("rep_id"), hub_id=number("hub_id"))
