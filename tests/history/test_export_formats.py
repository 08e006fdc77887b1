"""PostgreSQL formats the export's cells in SQL; Python does elsewhere: both must write the same bytes."""

import csv
import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone, translation

from meetings.audit import chain as audit
from meetings.history import display, exports
from meetings.models import MeetingRecord
from tests.audit.conftest import broken, finalise, open_record, verify

Status = MeetingRecord.Status
pytestmark = pytest.mark.django_db

# Cells a spreadsheet would run, cells the csv module quotes (either delimiter, quotes, line breaks), backslashes
# and control characters (escaped by COPY and in the seal's JSON), non-ASCII, and nothing at all.
AWKWARD_TITLES = [
    '=HYPERLINK("http://evil.example")', "+1", "-2+3", "@SUM(A1)", "\tTab", "\rCR", "Müller, Schröder; Weiß",
    'Sagt "Hallo"', '"', "Zeile 1\nZeile 2", "Zeile 1\r\nZeile 2", "C:\\Pfad\\neu", "\\", "Klingel \x07", "Ende\x1f",
    "Ünïcödé – 会议 🎉", " Leerzeichen ", "'schon mit Apostroph", "Anna \u202eredörhcS", "\u2067=1+1\u2069",
]
ASSOCIATIONS = [
    [],
    [{"type": "contacts", "id": "7", "label": "=Anna"}, {"type": "contacts", "id": "8", "label": "\u202eanna "}],
    [{"type": "contacts", "id": "7", "label": ""}, {"type": "companies", "id": "8"}],
    [{"type": "contacts", "id": "7", "label": None}, {"type": "companies", "id": "8", "label": "Müller; GmbH"},
     {"type": "deals", "id": "9", "label": 'Deal "A"'}],
]


@pytest.fixture
def awkward_records(postgres_db, make_user, record_factory, monkeypatch):
    """Open and chained records of every awkward kind, across batches of two, with an erasure in the chain."""
    monkeypatch.setattr(exports, "BATCH_ROWS", 2)
    rep = make_user("rep@example.de", first_name="\u00a0Ayşe\u2003", last_name="=Demir \u202e")
    nameless = make_user("+nameless@example.de", first_name="", last_name="")
    moment = timezone.now() - timedelta(hours=1)
    for n, title in enumerate(AWKWARD_TITLES):
        record = record_factory(
            user=rep if n % 2 else nameless, title=title, status=Status.UNKNOWN,
            created_at=moment if n < 5 else None,  # the same time: the batches' order falls to the id
            hub_domain="" if n % 3 == 0 else "-portal.example", response_status=(None, 0, 201)[n % 3],
            duration_ms=None if n % 2 else 7, error_message=title, error_category=title[:10],
            correlation_id=title[:30], hubspot_meeting_id="=1" if n == 3 else "",
        )
        MeetingRecord.objects.filter(pk=record.pk).update(associations=ASSOCIATIONS[n % 4])
    for n, title in enumerate(AWKWARD_TITLES[:6]):
        finalise(open_record(user=rep, title=title, contact_id="4711" if n == 2 else None),
                 Status.FAILED if n % 2 else Status.CREATED)
    # Failed for every reason the export words, in the export's language (the "What happened" column).
    for status_code, category in [(None, ""), (0, "INTERNAL_ERROR"), (401, ""), (None, "HubSpotAuthRequired"),
                                  (403, "FORBIDDEN"), (429, "RATE_LIMIT"), (400, "VALIDATION_ERROR"), (503, "")]:
        record_factory(user=rep, title=f"Fehlgeschlagen {status_code}", status=Status.FAILED,
                       response_status=status_code, error_category=category, error_message="Injected fault")
    call_command("erase_person", "--contact", "4711", stdout=io.StringIO())  # an erasure: the next one's predecessor
    finalise(open_record(user=nameless, title="Nach der Löschung"))


def written(batches) -> str:
    return b"".join(text for text, _rows in batches).decode()


@pytest.mark.parametrize(("language", "delimiter"), [("en", ","), ("de", ";")])
def test_the_database_writes_the_bytes_python_writes(awkward_records, tmp_path, language, delimiter):
    records = MeetingRecord.objects.all()
    with translation.override(language):
        labels = exports.status_labels()
        failures = display.failure_texts()
        in_python = written(exports._python_batches(records, delimiter=delimiter, labels=labels, failures=failures))
        in_sql = written(exports._formatted_batches(records, delimiter=delimiter, labels=labels, failures=failures))
        whole = written(exports.csv_batches(records, delimiter=delimiter))

    assert in_python.count("\r\n") >= MeetingRecord.objects.count() and "'=HYPERLINK" in in_python
    assert in_sql == in_python
    assert all(text in in_python for text in failures.values())  # every failure in words, in the file's language
    assert whole.startswith("\ufeff") and whole.endswith(in_python)
    path = tmp_path / "export.csv"
    path.write_text(whole, encoding="utf-8", newline="")
    assert f"checked {MeetingRecord.objects.count()} rows" in verify("--csv", str(path))


def test_a_filtered_export_is_the_same_too(awkward_records, admin_user):
    # Created records only: their predecessors in the chain are mostly not in the file.
    records = exports.meeting_record_list(viewer=admin_user, everyone=True,
                                          filters=exports.filters_from_query("status=created"))
    labels = exports.status_labels()
    failures = display.failure_texts()

    in_python = written(exports._python_batches(records, delimiter=",", labels=labels, failures=failures))

    assert in_python.count("\r\n") >= 3
    assert written(exports._formatted_batches(records, delimiter=",", labels=labels, failures=failures)) == in_python


def test_the_names_are_stripped_of_what_python_strips():
    assert "".join(char for char in map(chr, range(0x110000)) if char.isspace()) == exports.PYTHON_WHITESPACE


def test_links_edited_into_something_to_quote_are_written_and_sealed_as_python_does(awkward_records):
    chained = MeetingRecord.objects.filter(audit_seq__isnull=False).order_by("-audit_seq")
    MeetingRecord.objects.filter(pk=chained[0].pk).update(audit_link='ab,"c;d"\\')
    records = MeetingRecord.objects.all()
    labels = exports.status_labels()
    failures = display.failure_texts()

    in_sql = written(exports._formatted_batches(records, delimiter=";", labels=labels, failures=failures))

    assert in_sql == written(exports._python_batches(records, delimiter=";", labels=labels, failures=failures))
    assert '"ab,""c;d""\\"' in in_sql and audit.GENESIS in in_sql


def edit_a_cell(rows):
    rows[3][5] = "Anderer Titel"


def delete_a_row(rows):
    del rows[3]


def move_a_row(rows):
    rows.insert(1, rows.pop(4))


@pytest.mark.parametrize("tamper", [edit_a_cell, delete_a_row, move_a_row])
def test_the_databases_file_shows_a_cell_edited_a_row_deleted_or_moved(awkward_records, tmp_path, tamper):
    with translation.override("de"):
        whole = written(exports.csv_batches(MeetingRecord.objects.all(), delimiter=";"))
    header, *rows = csv.reader(io.StringIO(whole.removeprefix("\ufeff"), newline=""), delimiter=";")
    tamper(rows)
    path = tmp_path / "export.csv"
    with open(path, "w", encoding="utf-8-sig", newline="") as file:
        csv.writer(file, delimiter=";").writerows([header, *rows])

    assert "edited: the row's cells no longer match its seal" in broken("--csv", str(path))


@pytest.mark.parametrize("parallel", [True, False], ids=["two connections (the worker)", "one (a download)"])
def test_outside_a_transaction_either_way_writes_the_same_bytes(
    transactional_db, awkward_records, admin_user, parallel
):
    records = MeetingRecord.objects.all()
    labels = exports.status_labels()
    failures = display.failure_texts()
    assert not connection.in_atomic_block  # else one connection formats every batch

    in_python = written(exports._python_batches(records, delimiter=";", labels=labels, failures=failures))

    assert written(exports._formatted_batches(records, delimiter=";", labels=labels, failures=failures,
                                              parallel=parallel)) == in_python
    assert not connection.in_atomic_block  # no transaction left open between batches
    created = exports.meeting_record_list(viewer=admin_user, everyone=True,
                                          filters=exports.filters_from_query("status=created"))
    assert (written(exports._formatted_batches(created, delimiter=",", labels=labels, failures=failures,
                                              parallel=parallel))
            == written(exports._python_batches(created, delimiter=",", labels=labels, failures=failures)))


# The database tests a row for quoting once, over its cells joined: a cell left out of that test would go
# unquoted whenever it alone needs quotes. So each of these rows has one such cell and no other.
ALONE_TO_QUOTE = ["hub_domain", "title", "time_zone", "hubspot_meeting_id", "error_category", "error_message",
                  "correlation_id", "status", "audit_key_id", "audit_entry_digest"]


@pytest.mark.parametrize("delimiter", [",", ";"])
def test_a_cell_that_alone_needs_quotes_is_quoted_as_python_does(postgres_db, make_user, record_factory, delimiter):
    plain = make_user("plain@example.de", first_name="Lena", last_name="Müller")
    record_factory(user=make_user('"quoted"@example.de', first_name="Jonas", last_name="Weiß"), title="Sauber")
    record_factory(user=make_user("name@example.de", first_name="Ayşe,", last_name="Demir;"), title="Sauber")
    for n, field in enumerate(ALONE_TO_QUOTE):
        odd = (f"a{delimiter}b", 'a"b', "a\nb", "a\rb")[n % 4]
        chain = {"audit_seq": 100 + n, "audit_key_id": "k1", "audit_entry_digest": "d1", "audit_link": "l1"}
        record_factory(user=plain, **{"title": "Sauber", **chain, field: odd})
    records = MeetingRecord.objects.all()
    labels = exports.status_labels()
    failures = display.failure_texts()

    in_sql = written(exports._formatted_batches(records, delimiter=delimiter, labels=labels, failures=failures))

    assert in_sql == written(exports._python_batches(records, delimiter=delimiter, labels=labels, failures=failures))
    assert '"a""b"' in in_sql and '"a\nb"' in in_sql and '"""quoted""@example.de"' in in_sql
