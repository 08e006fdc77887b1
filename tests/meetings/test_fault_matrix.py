"""The fault matrix of docs/exactly-once.md, row by row: whatever HubSpot does, at most one meeting is made,
and once reconciliation is through every record is settled and says what happened.

Each row posts one meeting through the app while the sandbox misbehaves in one way, then lets the
background tasks run (`run_due_tasks`), then checks the record, the meetings in HubSpot, the create
requests HubSpot saw, and the page the rep is shown.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse

from meetings.models import MeetingRecord
from tests.api_version import API_VERSION
from tests.clock import form_value, meeting_start
from tests.meetings.conftest import meeting_post

pytestmark = pytest.mark.django_db

CREATE_PATH = f"/scheduler/{API_VERSION}/meetings/calendar"
SEARCH_PATH = f"/crm/objects/{API_VERSION}/meetings/search"
Status = MeetingRecord.Status


@dataclass(frozen=True)
class Row:
    """One way a create can go wrong, and what must come of it."""

    name: str
    arrange: Callable  # (sandbox, settings) -> None, before the submit
    status: str  # the record, once reconciliation is through
    meetings: int  # meetings in HubSpot with this row's title
    creates_sent: int  # create requests HubSpot saw
    rep_sees: str  # on the page the rep lands on after the submit, once settled
    settings: dict = field(default_factory=dict)


def fault(**options):
    return lambda sandbox: sandbox.fault(CREATE_PATH, count=options.pop("count", 1), **options)


def faults(*arrangements):
    def arrange(sandbox):
        for arrangement in arrangements:
            arrangement(sandbox)
    return arrange


def search_fails(times: int, status: int = 503):
    return lambda sandbox: sandbox.fault(SEARCH_PATH, count=times, status=status)


CREATED, NOT_CREATED = "Meeting created in HubSpot", "HubSpot did not create the meeting"
ROWS = [
    Row("429 with Retry-After", fault(status=429, retry_after=0), Status.CREATED, 1, 2, CREATED),
    Row("429 without Retry-After", fault(status=429), Status.CREATED, 1, 2, CREATED),
    # One fault: a create sent again would succeed, and the row would see the meeting it must never make.
    *(Row(f"{code} before HubSpot did the work", fault(status=code), Status.NOT_CREATED, 0, 1, NOT_CREATED)
      for code in (500, 502, 503, 504)),
    *(Row(f"{code} after HubSpot did the work", fault(mode="process_then_status", status=code),
          Status.CREATED, 1, 1, CREATED) for code in (500, 502, 503, 504)),
    Row("search failing during reconciliation",
        faults(fault(mode="process_then_status", status=500), search_fails(3)), Status.CREATED, 1, 1, CREATED,
        settings={"RECONCILE_AFTER_SECONDS": [0, 0, 0, 0, 0]}),
    Row("429 on every search, then the search works", faults(fault(mode="process_then_status", status=503),
        search_fails(2, status=429)), Status.CREATED, 1, 1, CREATED,
        settings={"RECONCILE_AFTER_SECONDS": [0, 0, 0]}),
    Row("read timeout", fault(mode="timeout", seconds=1.2), Status.NOT_CREATED, 0, 1, NOT_CREATED,
        settings={"HUBSPOT_TIMEOUT_SECONDS": 0.4}),
    Row("connection dropped after HubSpot did the work", fault(mode="process_then_drop"),
        Status.CREATED, 1, 1, CREATED),
    Row("connection dropped before HubSpot did the work", fault(mode="drop"), Status.NOT_CREATED, 0, 1, NOT_CREATED),
    Row("HTML error page instead of JSON, nothing made", fault(status=502, html=True), Status.NOT_CREATED, 0, 1,
        NOT_CREATED),
    Row("HTML error page instead of JSON, meeting made", fault(mode="process_then_status", status=502, html=True),
        Status.CREATED, 1, 1, CREATED),
    Row("a 2xx whose body cannot be parsed", fault(mode="process_then_status", status=200, html=True),
        Status.CREATED, 1, 1, CREATED),
    Row("token expired mid-create", lambda sandbox: sandbox.expire_tokens(), Status.CREATED, 1, 2, CREATED),
]
REFUSED_CONNECTION = Row("connection refused", lambda sandbox: None, Status.FAILED, 0, 0,
                         "HubSpot is not reachable right now")
REFRESH_REFUSED = Row("refresh refused", faults(lambda sandbox: sandbox.deactivate_user(5120001),
                                                lambda sandbox: sandbox.expire_tokens()),
                      Status.FAILED, 0, 1, "Please sign in with HubSpot again")


def meetings_titled(sandbox, title: str) -> int:
    return sum(m["properties"]["hs_meeting_title"] == title
               for meetings in sandbox.meetings().values() for m in meetings.values())


def creates_seen(sandbox, before: int, expected: int) -> int:
    """Create requests HubSpot saw since `before`; the sandbox logs one when it has answered (or timed out)."""
    deadline = time.monotonic() + 3
    while (seen := len(sandbox.requests(path=CREATE_PATH)) - before) < expected and time.monotonic() < deadline:
        time.sleep(0.1)
    return seen


def play(row: Row, client: Client, sandbox, settings, run_due_tasks, *, hour: int = 10) -> tuple[MeetingRecord, str]:
    """Submit one meeting under the row's fault; let reconciliation finish; the record and the rep's page."""
    for name, value in row.settings.items():
        setattr(settings, name, value)
    title = f"Fehlerfall: {row.name}"
    client.get(reverse("meeting_create"))  # the rep opens the form (its choices come from HubSpot) …
    before = len(sandbox.requests(path=CREATE_PATH))
    row.arrange(sandbox)  # … and HubSpot misbehaves while they type
    start = meeting_start(hour)
    response = client.post(reverse("meeting_create"), meeting_post(
        title=title, start=form_value(start), end=form_value(start + timedelta(hours=1))))
    for _ in range(len(settings.RECONCILE_AFTER_SECONDS) + 2):
        run_due_tasks()
    record = MeetingRecord.objects.get(title=title)
    page = client.get(response["Location"], follow=True) if response.status_code == 302 else response
    assert creates_seen(sandbox, before, row.creates_sent) == row.creates_sent, row.name
    assert meetings_titled(sandbox, title) == row.meetings, row.name
    return record, page.content.decode()


@pytest.mark.parametrize("row", ROWS, ids=[row.name for row in ROWS])
def test_each_fault_ends_in_one_honest_record(row, rep_client, sandbox, settings, run_due_tasks):
    settings.HUBSPOT_RETRY_BUDGET_SECONDS = 3.0

    record, page = play(row, rep_client, sandbox, settings, run_due_tasks)

    assert record.status == row.status
    assert row.rep_sees in page
    if record.is_created:
        assert record.hubspot_meeting_id in next(iter(sandbox.meetings().values()))
    if record.is_not_created:
        assert f'action="/meetings/{record.pk}/create-again/"' in page  # one click to create it now


def test_a_refused_connection_keeps_the_form_and_records_the_failure(rep_client, sandbox, settings, run_due_tasks):
    unreachable = {"HUBSPOT_API_BASE": "http://127.0.0.1:9", "HUBSPOT_RETRY_BUDGET_SECONDS": 0.5}
    rep_client.get(reverse("meeting_create"))  # the form's choices are cached before HubSpot goes away
    row = Row(**{**REFUSED_CONNECTION.__dict__, "settings": unreachable})

    record, page = play(row, rep_client, sandbox, settings, run_due_tasks)

    assert record.status == Status.FAILED and REFUSED_CONNECTION.rep_sees in page
    assert 'value="Fehlerfall: connection refused"' in page


def test_a_refused_refresh_sends_the_rep_to_sign_in_with_nothing_made(rep_client, sandbox, settings, run_due_tasks):
    record, page = play(REFRESH_REFUSED, rep_client, sandbox, settings, run_due_tasks)

    assert record.status == Status.FAILED and record.error_category
    assert REFRESH_REFUSED.rep_sees in page


def test_the_whole_matrix_makes_no_duplicate_and_leaves_nothing_open(rep_client, sandbox, settings, run_due_tasks):
    settings.HUBSPOT_RETRY_BUDGET_SECONDS = 3.0
    settings.RECONCILE_AFTER_SECONDS = [0, 0, 0, 0, 0]
    # Some eighty calls in a few seconds: HubSpot's rate limits are not what this test is about.
    settings.HUBSPOT_CALLS_PER_TEN_SECONDS = 10_000
    sandbox.configure(rate_limit={"max": 10_000, "interval_ms": 10_000})

    for hour, row in enumerate(ROWS, start=7):
        play(Row(**{**row.__dict__, "settings": {k: v for k, v in row.settings.items()
                                                   if k != "RECONCILE_AFTER_SECONDS"}}),
             rep_client, sandbox, settings, run_due_tasks, hour=hour % 24)

    titles = [m["properties"]["hs_meeting_title"] for ms in sandbox.meetings().values() for m in ms.values()]
    assert len(titles) == len(set(titles)) == sum(row.meetings for row in ROWS)  # 0 duplicates
    assert not MeetingRecord.objects.filter(status__in=[Status.PENDING, Status.UNKNOWN]).exists()  # 0 open
    assert MeetingRecord.objects.filter(status=Status.CREATED).count() == len(titles)
