"""The CSV export of the all-meetings list: written a batch of rows at a time, by a request or by the worker.

Each row carries its place in the audit chain and a seal that `manage.py verify_audit --csv FILE` checks
with the key alone (`meetings.audit.chain`, docs/audit.md). Only the columns the file needs are read, through
one query per batch bounded along the (created_at, id) index, so memory does not grow with the row count.

Two ways to the same bytes (tests/history/test_export_formats.py compares them on PostgreSQL):

- On PostgreSQL the database writes each row's text up to its seal: each batch is one
  `COPY (SELECT …) TO STDOUT (FORMAT binary)` of one array of lines — times in UTC ISO form, statuses by
  their translated labels, associations' labels joined, formula cells defused, quoted as the csv module
  quotes, the previous link taken from the next row (newest first, mostly the predecessor in the chain) or
  looked up by sequence number. This process only seals each line and appends the seal, on the UTF-8 bytes
  COPY sends, which it writes as they are (never decoded into text). The seal stays an HMAC per row,
  computed here: the key never goes to the database, whose logs could keep it. For the worker's jobs,
  outside a transaction, two connections of the export's own keep a batch under way each, so the database
  formats the next batches on both cores while this process seals one (`_formatted_batches`).
- Elsewhere (SQLite in development) Python formats each row (`_RowWriter`), as before.

Why (measured on 2 cores, `benchmarks/export_bench.py`, docs/benchmarks.md): of the ~90 µs a row
the ORM path cost, about two thirds were Python turning database values into objects and back into text
(datetimes, JSON, the csv writer), which the database does for a fraction. Then the worker's ~30 µs a row
were reading COPY's rows one by one, spelling out the seal's JSON document, and `hmac.digest` (~5 µs, half
of it hashing the key's pads again): a seal over the written line, with the pads hashed once, left ~6 µs.
Then (1M rows 15.1 s -> 10.4 s at load 1.2, the worker's CPU 8.5 s -> 5.5 s): testing each cell for quotes
with four strpos was a third of the database's ~13 µs a row, one test over the row's cells joined leaves
~9 µs; and lines decoded from COPY, encoded again for the seal and again for the file cost the worker a
third of its time, which bytes from end to end save.
"""

from __future__ import annotations

import csv
import io
import logging
import secrets
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.db import connections, transaction
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from psycopg.types.string import ByteaBinaryLoader

from meetings.audit import chain as audit
from meetings.audit.models import AuditErasure
from meetings.core.models import MeetingRecord
from meetings.core.selectors import RecordFilters, can_view_all, meeting_record_list
from meetings.history import display
from meetings.history.models import ExportJob

logger = logging.getLogger("meetings.history.exports")

BATCH_ROWS = 10000
Keyset = tuple[datetime, int]  # (created_at, id): where a batch ends, along the index the export reads

# What the file needs, and nothing else: no request or response bodies, no reconciliation steps.
COLUMNS = (
    "pk", "created_at", "user__first_name", "user__last_name", "user__email", "hub_domain", "hub_id", "status",
    "title", "start_at", "end_at", "time_zone", "associations", "hubspot_meeting_id", "response_status",
    "error_category", "error_message", "correlation_id", "attempts", "duration_ms",
    "audit_seq", "audit_key_id", "audit_entry_digest", "audit_link",
)
PK, CREATED_AT = COLUMNS.index("pk"), COLUMNS.index("created_at")
SEQ, LINK = COLUMNS.index("audit_seq"), COLUMNS.index("audit_link")


# Spreadsheet programs run a cell that starts with one of these as a formula ("CSV injection"),
# and reps type the titles: such cells get a leading apostrophe, which the spreadsheet hides.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


# Bidirectional controls (Unicode's "Trojan Source" set): a right-to-left override in a name would reverse the
# cells after it in a spreadsheet or a text viewer. They carry no letter, so they go, before the formula check.
BIDI_CONTROLS = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_NO_BIDI = dict.fromkeys(map(ord, BIDI_CONTROLS))


def defused(text: str) -> str:
    text = text.translate(_NO_BIDI)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_header() -> list[str]:
    return [
        _("Submitted at (UTC)"), _("Rep"), _("Rep email"), _("Portal"), _("Status"), _("Title"),
        _("Start (UTC)"), _("End (UTC)"), _("Time zone"), _("Associations"), _("HubSpot meeting id"),
        _("HTTP status"), _("Error category"), _("Error message"), _("Correlation id"), _("HTTP attempts"),
        _("Duration (ms)"),
        # A failure in the export's language (HubSpot's own message, in English, is the column before).
        _("What happened"),
        # The proof: `manage.py verify_audit --csv FILE` checks these with the key alone (docs/audit.md).
        _("Chain sequence"), _("Chain key id"), _("Record digest"), _("Previous link"), _("Chain link"),
        _("Row seal"),
    ]


def delimiter_for(language: str) -> str:
    """German spreadsheets split columns at semicolons (the comma is their decimal mark)."""
    return ";" if language.startswith("de") else ","


def _previous_links(links: dict[int, str]) -> dict[int, str]:
    """The links of a batch's chained rows ({sequence: link}), with those of their predecessors added.

    Rows newest first are mostly each other's neighbours in the chain, so most predecessors are in the
    batch itself; the rest (a filtered export, the batch's last row, an erasure) take one query per table
    for the whole batch instead of one lookup per row.
    """
    wanted = [seq - 1 for seq in links if seq > 1 and seq - 1 not in links]
    if wanted:
        for model in (MeetingRecord, AuditErasure):
            links.update(model.objects.filter(audit_seq__in=wanted).order_by().values_list("audit_seq", "audit_link"))
    return links


class _RowWriter:
    """Turns one row of `COLUMNS` into its line of the file, sealed."""

    def __init__(self, status_labels: dict[str, str], failures: dict[str, str], delimiter: str):
        self.status_labels = status_labels
        self.failures = failures
        self.delimiter = delimiter
        self.seal = audit.row_sealer()

    def line(self, row: tuple, links: dict[int, str]) -> bytes:
        (pk, created_at, first_name, last_name, email, hub_domain, hub_id, status, title, start_at, end_at,
         time_zone, associations, meeting_id, response_status, error_category, error_message, correlation_id,
         attempts, duration_ms, seq, key_id, digest, link) = row
        cells = [
            created_at.astimezone(UTC).isoformat(timespec="seconds"), defused(f"{first_name} {last_name}".strip()),
            defused(email), defused(hub_domain or str(hub_id)), self.status_labels.get(status, status),
            defused(title), start_at.isoformat(timespec="minutes"), end_at.isoformat(timespec="minutes"),
            defused(time_zone), defused("; ".join(a.get("label") or a.get("id", "") for a in associations)),
            defused(meeting_id), str(response_status or ""), defused(error_category), defused(error_message),
            defused(correlation_id), str(attempts), "" if duration_ms is None else str(duration_ms),
            self.failures[display.failure_kind(status=response_status, category=error_category)]
            if status == MeetingRecord.Status.FAILED else "",
            *self._chain_cells(seq, key_id, digest, link, links),
        ]
        text = audit.row_text(cells, self.delimiter).encode()
        return b"%s%s%s\r\n" % (text, self.delimiter.encode(), self.seal(text))

    def _chain_cells(self, seq, key_id, digest, link, links: dict[int, str]) -> list[str]:
        """Sequence, key id, digest, previous link and link, the columns `audit.verify_csv` checks."""
        if seq is None:
            return ["", "", "", "", ""]
        previous = audit.GENESIS if seq == 1 else links.get(seq - 1, "")
        return [str(seq), key_id, digest, previous, link]


def csv_batches(records: QuerySet[MeetingRecord], *, delimiter: str,
                parallel: bool = False) -> Iterator[tuple[bytes, int]]:
    """The file as (UTF-8 text, rows in it): the header first, then one piece per batch of rows.

    `parallel`: on PostgreSQL, two connections of the export's own format batches side by side (the
    worker's large exports); a streamed download, a batch or so, keeps to the request's connection.

    Header, status labels and the words for failures are translated when this starts, in the language active
    then. On PostgreSQL
    the database formats the cells (`_formatted_batches`); elsewhere Python does (`_python_batches`): the
    same bytes either way (tests/history/test_export_formats.py proves it on PostgreSQL).
    """
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter).writerow(csv_header())
    labels = status_labels()
    failures = display.failure_texts()
    # A byte-order mark makes spreadsheet programs read the file as UTF-8 (umlauts intact).
    yield ("\ufeff" + _drain(buffer)).encode(), 0
    if connections[records.db].vendor == "postgresql":
        yield from _formatted_batches(records, delimiter=delimiter, labels=labels, failures=failures,
                                      parallel=parallel)
    else:
        yield from _python_batches(records, delimiter=delimiter, labels=labels, failures=failures)


def status_labels() -> dict[str, str]:
    """Each status's label, in the language active now."""
    return {value: str(label) for value, label in MeetingRecord.Status.choices}


def _python_batches(records: QuerySet[MeetingRecord], *, delimiter: str, labels: dict[str, str],
                    failures: dict[str, str]) -> Iterator[tuple[bytes, int]]:
    rows = _RowWriter(labels, failures, delimiter)
    for batch in _batches(records):
        links = _previous_links({row[SEQ]: row[LINK] for row in batch if row[SEQ] is not None})
        yield b"".join([rows.line(row, links) for row in batch]), len(batch)


def _batches(records: QuerySet[MeetingRecord]) -> Iterator[tuple[tuple, ...]]:
    """The rows newest first, BATCH_ROWS at a time, each batch one query along the (created_at, id) index.

    Not one long-lived cursor: on PostgreSQL outside a transaction Django's server-side cursor is WITH
    HOLD, which the server materialises in full first; inside one, the job's progress would stay unseen.
    """
    after = None
    while batch := tuple(_newest_first(records, after).values_list(*COLUMNS)[:BATCH_ROWS]):
        yield batch
        if len(batch) < BATCH_ROWS:
            return
        after = (batch[-1][CREATED_AT], batch[-1][PK])


def _newest_first(records: QuerySet[MeetingRecord], after: Keyset | None) -> QuerySet[MeetingRecord]:
    """The records newest first (the (created_at, id) index), from just after `after` if given."""
    records = records.order_by("-created_at", "-id")
    if after is None:
        return records
    created_at, pk = after
    return records.filter(created_at__lte=created_at).exclude(created_at=created_at, pk__gte=pk)


# --- PostgreSQL: the database formats the cells, Python seals them --------------------------------

# What str.strip() strips (str.isspace), for the rep's name as the Python path joins it.
PYTHON_WHITESPACE = ("\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
                     "\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000")
_ISO_SECONDS = "'YYYY-MM-DD\"T\"HH24:MI:SS'"  # isoformat(timespec="seconds") without its "+00:00"
_ISO_MINUTES = "'YYYY-MM-DD\"T\"HH24:MI\"+00:00\"'"  # isoformat(timespec="minutes") in UTC
# The cells `defused` guards, and those whose format (a time, a number) never needs quotes, by their place
# (17, the words for a failure, are the app's own: never defused, quoted when they hold the delimiter).
_DEFUSED = frozenset({1, 2, 3, 5, 8, 9, 10, 12, 13, 14})
_NEVER_QUOTED = frozenset({0, 6, 7, 11, 15, 16, 18})
_OFTEN_QUOTED = frozenset({9})  # the associations' labels, joined with "; "


def _holds_special(text: str) -> str:
    """SQL: whether `text` holds what makes the csv module quote a cell (the delimiter, a quote, a line break)."""
    return (f"strpos({text}, %(delimiter)s) + strpos({text}, '\"') + strpos({text}, chr(10))"
            f" + strpos({text}, chr(13)) > 0")


def _no_bidi(text: str) -> str:
    """SQL: `text` without the bidirectional controls (`defused`'s first step)."""
    return f"translate({text}, %(bidi)s, '')"


def _association_labels(column: str) -> str:
    """"; ".join(label or id) over the associations: by index for the usual few, else through the array."""
    def label(n: int) -> str:
        return f"coalesce(nullif({column} -> {n} ->> 'label', ''), {column} -> {n} ->> 'id', '')"

    # The query is this module's own text; only constants (the column's name) go into it.
    every = ("(SELECT string_agg(coalesce(nullif(a ->> 'label', ''), a ->> 'id', ''), '; ' ORDER BY n) "  # noqa: S608
             f"FROM jsonb_array_elements({column}) WITH ORDINALITY AS item(a, n))")
    return (f"CASE jsonb_array_length({column}) WHEN 0 THEN '' WHEN 1 THEN {label(0)} "
            f"WHEN 2 THEN {label(0)} || '; ' || {label(1)} ELSE {every} END")


def _failure_sql() -> str:
    """SQL: `display.failure_kind` over the batch's rows `r`, as the words for the failure (else '')."""
    return (
        "CASE WHEN r.status <> %(failed)s THEN '' "
        "WHEN r.error_category = %(auth_category)s OR r.response_status = 401 THEN %(failure_auth)s "
        "WHEN r.response_status = 403 THEN %(failure_forbidden)s WHEN r.response_status = 429 THEN %(failure_busy)s "
        "WHEN r.response_status BETWEEN 400 AND 499 THEN %(failure_refused)s "
        "WHEN r.error_category = %(internal_category)s THEN %(failure_internal)s ELSE %(failure_unavailable)s END"
    )


def _cell_values(labels: dict[str, str]) -> list[str]:
    """The cells up to the record digest as SQL over the batch's rows `r`, not yet defused nor quoted.

    `_RowWriter.line`'s cells in SQL; the first, the submission time, is cut from `at` (below) one level up.
    """
    status = " ".join(f"WHEN %(status_{n})s THEN %(label_{n})s" for n in range(len(labels)))
    chained = "CASE WHEN r.audit_seq IS NULL THEN '' ELSE {} END"
    return [
        "''", "btrim(r.first_name || ' ' || r.last_name, %(whitespace)s)", "r.email",
        "coalesce(nullif(r.hub_domain, ''), r.hub_id::text)", f"CASE r.status {status} ELSE r.status END",
        "r.title", f"to_char(r.start_at AT TIME ZONE 'UTC', {_ISO_MINUTES})",
        f"to_char(r.end_at AT TIME ZONE 'UTC', {_ISO_MINUTES})", "r.time_zone", _association_labels("r.associations"),
        "r.hubspot_meeting_id", "coalesce(nullif(r.response_status, 0)::text, '')", "r.error_category",
        "r.error_message", "r.correlation_id", "r.attempts::text", "coalesce(r.duration_ms::text, '')",
        _failure_sql(), "coalesce(r.audit_seq::text, '')", chained.format("r.audit_key_id"),
        chained.format("r.audit_entry_digest"),
    ]


def _formatted_query(records: QuerySet[MeetingRecord], *, delimiter: str, labels: dict[str, str],
                     failures: dict[str, str], after: Keyset, until: Keyset | None) -> str:
    """One batch as COPY: the rows after `after` down to `until`, their lines up to the seal in one array.

    Four levels, so each value is computed once per row: the values; defused, with the previous link; quoted
    and joined; gathered. The previous link is the next row's (newest first, a row's predecessor in the
    chain is mostly the row after it) or else looked up by sequence number in both tables. Binary COPY, so
    the lines arrive as they are, without COPY's text escapes; only the seal is Python's (`_formatted_batches`).
    """
    connection = connections[records.db]
    base, base_params = records.order_by().values_list(*COLUMNS).query.get_compiler(connection=connection).as_sql()
    names = [column.rsplit("__", 1)[-1] for column in COLUMNS]
    values = [_no_bidi(value) if n in _DEFUSED else value for n, value in enumerate(_cell_values(labels))]
    cells = []
    for n in range(len(values)):
        value = "at || '+00:00'" if n == 0 else f"v{n}"
        # ascii(): the first character's code, compared as numbers (a regular expression costs more).
        cells.append(f"CASE WHEN ascii({value}) = ANY(%(formula)s) THEN '''' || {value} ELSE {value} END"
                     if n in _DEFUSED else value)
    lookup = "(SELECT t.audit_link FROM {} AS t WHERE t.audit_seq = seq - 1)"
    tables = (connection.ops.quote_name(model._meta.db_table) for model in (MeetingRecord, AuditErasure))
    cells.append("CASE WHEN seq IS NULL THEN '' WHEN seq = 1 THEN %(genesis)s "
                 "WHEN lead(seq) OVER w = seq - 1 THEN lead(link) OVER w "
                 f"ELSE coalesce({', '.join(lookup.format(table) for table in tables)}, '') END")
    cells.append("link")
    # Quoting is rare but testing each cell for it cost a third of the query: one test over the cells joined
    # (what none of them holds, their join does not hold either) decides for the row; only the associations,
    # joined with "; " and so quoted in every German row, are tested on their own.
    def quote(n: int) -> str:
        return (f"CASE WHEN {_holds_special(f'c{n}')} THEN '\"' || replace(c{n}, '\"', '\"\"') || '\"' "
                f"ELSE c{n} END")

    quoted = ", ".join(f"c{n}" if n in _NEVER_QUOTED else quote(n) for n in range(len(cells)))
    plain = ", ".join(quote(n) if n in _OFTEN_QUOTED else f"c{n}" for n in range(len(cells)))
    joined = " || ".join(f"c{n}" for n in range(len(cells)) if n not in _NEVER_QUOTED | _OFTEN_QUOTED)
    line = (f"CASE WHEN {_holds_special('joined')} THEN concat_ws(%(delimiter)s, {quoted}) "
            f"ELSE concat_ws(%(delimiter)s, {plain}) END")
    keyset = "WHERE (r.created_at, r.pk) < (%(after_at)s, %(after_pk)s)"
    if until:
        keyset += " AND (r.created_at, r.pk) >= (%(until_at)s, %(until_pk)s)"
    # The query is this module's own text; every value (delimiter, labels, keyset) goes in as a parameter.
    head = (
        f"COPY (SELECT array_agg(line) FROM (SELECT {line} AS line FROM (SELECT *, {joined} AS joined FROM ("  # noqa: S608
        f"SELECT {', '.join(f'{cell} AS c{n}' for n, cell in enumerate(cells))} FROM ("
        f"SELECT {', '.join(f'{value} AS v{n}' for n, value in enumerate(values) if n)},"
        " r.audit_seq AS seq, CASE WHEN r.audit_seq IS NULL THEN '' ELSE r.audit_link END AS link, r.pk,"
        f" to_char(r.created_at AT TIME ZONE 'UTC', {_ISO_SECONDS}) AS at, r.created_at FROM ("
    )
    # The LIMIT only cuts what the keyset bounds already; without it the planner may read the whole table.
    tail = (f") AS r({', '.join(names)}) {keyset} ORDER BY r.created_at DESC, r.pk DESC LIMIT %(limit)s) AS v "
            "WINDOW w AS (ORDER BY created_at DESC, pk DESC) OFFSET 0) AS c OFFSET 0) AS k) AS l) "
            "TO STDOUT (FORMAT binary)")
    params = {
        "formula": list(map(ord, FORMULA_STARTS)), "whitespace": PYTHON_WHITESPACE, "delimiter": delimiter,
        "bidi": BIDI_CONTROLS,
        "genesis": audit.GENESIS, "limit": BATCH_ROWS,
        "after_at": after[0], "after_pk": after[1],
        "until_at": until[0] if until else None, "until_pk": until[1] if until else None,
        **{f"status_{n}": value for n, value in enumerate(labels)},
        **{f"label_{n}": label for n, label in enumerate(labels.values())},
        "failed": MeetingRecord.Status.FAILED, "auth_category": display.AUTH_CATEGORY,
        "internal_category": display.INTERNAL_CATEGORY,
        **{f"failure_{kind}": text for kind, text in failures.items()},
    }
    compose = connection.ops.compose_sql
    return compose(head, params) + compose(base, base_params) + compose(tail, params)


def _formatted_batches(records: QuerySet[MeetingRecord], *, delimiter: str, labels: dict[str, str],
                       failures: dict[str, str], parallel: bool = False) -> Iterator[tuple[bytes, int]]:
    """The rows as the database formats them, a batch of BATCH_ROWS at a time, each one COPY, sealed here.

    `parallel` (the worker's jobs), outside a transaction: two connections of their own, each read by a
    thread, keep a batch under way each; while this process seals one batch the database formats the next
    two, on both cores (the formatting costs the database several times what sealing costs here). Otherwise
    the caller's connection formats one batch after the other: inside a transaction because another
    connection could not see what it wrote, and for a streamed download (a batch or so) because two more
    connections would cost it more than they save.
    """
    main = connections[records.db]
    seal = audit.row_sealer()
    queries = _batch_queries(records, delimiter=delimiter, labels=labels, failures=failures)
    if main.in_atomic_block:
        with main.cursor() as cursor:
            cursor.execute(f"SET LOCAL {_NO_JIT}")
        for query in queries:
            if lines := _copied(main, query):
                yield _sealed(lines, delimiter=delimiter, seal=seal)
        return
    if not parallel:
        for query in queries:
            # A transaction per batch, only for SET LOCAL: none stays open while the client reads.
            with transaction.atomic(using=records.db), main.cursor() as cursor:
                cursor.execute(f"SET LOCAL {_NO_JIT}")
                lines = _copied(main, query)
            if lines:
                yield _sealed(lines, delimiter=delimiter, seal=seal)
        return
    pair = [connections.create_connection(records.db) for _ in range(2)]
    try:
        for connection in pair:
            connection.inc_thread_sharing()  # used by one thread at a time, the pool's
            with connection.cursor() as cursor:
                cursor.execute(f"SET {_NO_JIT}")
        with ThreadPoolExecutor(max_workers=len(pair)) as pool:
            under_way: deque[Future] = deque()
            for n, query in enumerate(queries):
                # A connection takes its next batch only once its last one is read.
                under_way.append(pool.submit(_copied, pair[n % len(pair)], query))
                if len(under_way) == len(pair) and (lines := under_way.popleft().result()):
                    yield _sealed(lines, delimiter=delimiter, seal=seal)
            while under_way:
                # The last batch is empty when the one before ended on the last row.
                if lines := under_way.popleft().result():
                    yield _sealed(lines, delimiter=delimiter, seal=seal)
    finally:
        for connection in pair:
            connection.dec_thread_sharing()
            connection.close()


# The lookups of previous links make the planner's estimate large enough for JIT compilation, which took
# ~0.2 s a batch (PostgreSQL 15) to save nothing.
_NO_JIT = "jit = off"


def _batch_queries(records: QuerySet[MeetingRecord], *, delimiter: str, labels: dict[str, str],
                   failures: dict[str, str]) -> Iterator[str]:
    """Each batch's COPY, bounded on both sides, so that a batch's query can run before the one above it is read.

    The first starts just above the newest row: the file holds the rows there were when it started.
    """
    newest = _newest_first(records, None).values_list("created_at", "pk").first()
    after = (newest[0], newest[1] + 1) if newest else None
    while after:
        last = _newest_first(records, after).values_list("created_at", "pk")[BATCH_ROWS - 1:BATCH_ROWS]
        until = next(iter(last), None)
        yield _formatted_query(records, delimiter=delimiter, labels=labels, failures=failures, after=after,
                               until=until)
        after = until


def _copied(connection, query: str) -> list[bytes]:
    """A batch's lines up to their seals, as one COPY brings them: UTF-8, as sealed and written, not decoded."""
    with connection.cursor() as cursor:
        # A text's binary form is its bytes, as a bytea's is: read as one, it stays bytes.
        cursor.adapters.register_loader("text", ByteaBinaryLoader)
        with cursor.copy(query) as copy:
            copy.set_types(["text[]"])
            ((lines,),) = copy.rows()
    return lines or []


def _sealed(lines: list[bytes], *, delimiter: str, seal: Callable[[bytes], bytes]) -> tuple[bytes, int]:
    delimiter = delimiter.encode()
    return b"".join([b"%s%s%s\r\n" % (line, delimiter, seal(line)) for line in lines]), len(lines)


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
        if value not in (None, "", False):  # False: "coming up" is the reps' view, never an export's
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


# --- exports too large for a request: a job the worker writes ------------------------------------

ABANDONED_MESSAGE = gettext_lazy("The worker writing this export stopped before it was done. Please start it "
                                 "again.")
FAILED_MESSAGE = gettext_lazy("The export could not be written. Please start it again; if it fails again, "
                              "tell whoever runs this app.")
REFUSED_MESSAGE = gettext_lazy("The export was not written: whoever asked for it may no longer see all meetings.")
CANCELLED_MESSAGE = gettext_lazy("This export was cancelled; its file is deleted.")
# The pace of exports the worker finished lately is what a new one is estimated by.
PACE_JOBS = 10
PACE_MIN_ROWS = 1000


class ExportRefused(Exception):
    """The admin who asked lost the right to see everyone's records before the worker got to the job."""


class ExportCancelled(Exception):
    """The admin cancelled the job while the worker wrote it."""


def export_rows_per_second() -> float | None:
    """Rows per second the worker wrote in the last finished exports of some size: measured, not assumed.

    None until one has been written: an estimate from nothing would be a guess. Exports of a few rows are
    left aside, their time is mostly the start.
    """
    finished = (ExportJob.objects.filter(status=ExportJob.Status.DONE, rows_done__gte=PACE_MIN_ROWS,
                                         started_at__isnull=False, finished_at__isnull=False)
                .order_by("-finished_at").values_list("rows_done", "started_at", "finished_at")[:PACE_JOBS])
    rows = sum(done for done, _started, _finished in finished)
    seconds = sum((end - start).total_seconds() for _done, start, end in finished)
    return rows / seconds if rows and seconds > 0 else None


def export_estimate_seconds(rows: int) -> int | None:
    pace = export_rows_per_second()
    return max(1, round(rows / pace)) if pace else None


def export_job_cancel(*, job: ExportJob) -> bool:
    """Stop a queued or running job; the worker notices at its next batch and deletes the partial file."""
    with translation.override(job.language):
        message = str(CANCELLED_MESSAGE)
    return bool(ExportJob.objects.filter(pk=job.pk, status__in=(ExportJob.Status.QUEUED, ExportJob.Status.RUNNING))
                .update(status=ExportJob.Status.CANCELLED, finished_at=timezone.now(), error=message))


def exceeds_stream_bound(records: QuerySet[MeetingRecord]) -> bool:
    """More rows than a request may stream? Counted only up to the bound, so a million rows cost as little as it."""
    bound = settings.EXPORT_STREAM_MAX_ROWS
    return records.order_by()[:bound + 1].count() > bound


def export_job_waiting(*, user, filters: RecordFilters, language: str) -> ExportJob | None:
    """The admin's own job for the same export, still queued or running: a reload must not start a second."""
    export_jobs_fail_abandoned()  # one a dead worker left is no job to wait for
    return ExportJob.objects.filter(requested_by=user, query=filters_to_query(filters), language=language,
                                    status__in=(ExportJob.Status.QUEUED, ExportJob.Status.RUNNING)).first()


def export_job_create(*, user, filters: RecordFilters, language: str) -> ExportJob:
    return ExportJob.objects.create(requested_by=user, query=filters_to_query(filters), language=language,
                                    delimiter=delimiter_for(language))


def export_job_path(job: ExportJob) -> Path:
    return Path(settings.EXPORT_DIR) / job.file_name


def export_job_run(job_id: int) -> ExportJob | None:
    """Write a queued job's file, counting its rows as it goes; the job ends done or failed, never running."""
    now = timezone.now()
    if not ExportJob.objects.filter(pk=job_id, status=ExportJob.Status.QUEUED).update(
            status=ExportJob.Status.RUNNING, started_at=now, heartbeat_at=now):
        return None  # gone, or another worker has it
    job = ExportJob.objects.select_related("requested_by").get(pk=job_id)
    try:
        _write(job)
    except ExportCancelled:
        export_job_path(job).unlink(missing_ok=True)
    except ExportRefused:
        _fail(job, REFUSED_MESSAGE)
    except Exception:
        # Whatever broke (disk full, the database gone): the page must say the job failed, not run forever.
        logger.exception("export %s failed", job.pk)
        _fail(job, FAILED_MESSAGE)
    job.refresh_from_db()
    return job


def _write(job: ExportJob) -> None:
    if not can_view_all(job.requested_by):
        raise ExportRefused
    records = meeting_record_list(viewer=job.requested_by, filters=filters_from_query(job.query), everyone=True)
    # Named before it is written, so a worker that dies mid-file leaves a file the clean-up finds.
    job.file_name = f"export-{job.pk}-{secrets.token_hex(8)}.csv"
    ExportJob.objects.filter(pk=job.pk).update(rows_total=records.count(), file_name=job.file_name)
    path = export_job_path(job)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    done = 0
    with translation.override(job.language), open(path, "wb") as file:
        for text, rows in csv_batches(records, delimiter=job.delimiter, parallel=True):
            file.write(text)
            if rows:
                done += rows
                # Only while still running: a job the admin cancelled meanwhile stops here.
                if not ExportJob.objects.filter(pk=job.pk, status=ExportJob.Status.RUNNING).update(
                        rows_done=done, heartbeat_at=timezone.now()):
                    raise ExportCancelled
    # Records made while it ran may change the count: the total is what the file holds.
    if not ExportJob.objects.filter(pk=job.pk, status=ExportJob.Status.RUNNING).update(
            status=ExportJob.Status.DONE, finished_at=timezone.now(), rows_done=done, rows_total=done):
        raise ExportCancelled  # cancelled after its last batch


def _fail(job: ExportJob, message, *, only_if_running_since=None) -> None:
    with translation.override(job.language):  # the page shows it to whoever asked, in their language
        error = str(message)
    jobs = ExportJob.objects.filter(pk=job.pk, status__in=(ExportJob.Status.QUEUED, ExportJob.Status.RUNNING))
    if only_if_running_since is not None:  # not if it showed a sign of life meanwhile
        jobs = jobs.filter(status=ExportJob.Status.RUNNING, heartbeat_at=only_if_running_since)
    if jobs.update(status=ExportJob.Status.FAILED, finished_at=timezone.now(), file_name="", error=error) \
            and job.file_name:
        export_job_path(job).unlink(missing_ok=True)


def export_jobs_fail_abandoned() -> int:
    """Jobs a worker took and stopped writing (killed, its host gone) end failed, so the admin can start again.

    A worker writing a file says so after every batch (`heartbeat_at`, seconds apart); one silent for
    `EXPORT_ABANDONED_SECONDS` is not coming back. Returns how many were ended.
    """
    silent_since = timezone.now() - timedelta(seconds=settings.EXPORT_ABANDONED_SECONDS)
    abandoned = list(ExportJob.objects.filter(status=ExportJob.Status.RUNNING, heartbeat_at__lt=silent_since))
    for job in abandoned:
        _fail(job, ABANDONED_MESSAGE, only_if_running_since=job.heartbeat_at)
    return len(abandoned)


def export_jobs_delete_old() -> int:
    """Delete jobs older than EXPORT_KEEP_SECONDS with their files; returns how many.

    A job still running that long was left by a worker that died: it goes too, with its partial file.
    """
    jobs = list(ExportJob.objects.filter(
        created_at__lt=timezone.now() - timedelta(seconds=settings.EXPORT_KEEP_SECONDS)))
    for job in jobs:
        if job.file_name:
            export_job_path(job).unlink(missing_ok=True)
    ExportJob.objects.filter(pk__in=[job.pk for job in jobs]).delete()
    return len(jobs)
