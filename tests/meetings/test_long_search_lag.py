"""HubSpot's search lagging five minutes: reconciliation decides from reads by id, never from a lagging search.

A meeting booked with a contact is looked for through that contact (`GET …/contacts/{id}?associations=meetings`,
then the meetings read by id), which HubSpot answers consistently; one without associations is searched for,
and called not made only after `RECONCILE_SEARCH_HORIZON_SECONDS`.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from meetings.models import MeetingRecord
from tests.api_version import API_VERSION
from tests.clock import form_value, meeting_start
from tests.conftest import meeting_post

pytestmark = pytest.mark.django_db
Status = MeetingRecord.Status
CREATE_PATH = f"/scheduler/{API_VERSION}/meetings/calendar"
SEARCH_PATH = f"/crm/objects/{API_VERSION}/meetings/search"
FIVE_MINUTES = 300


def submit(client, title: str, **fields) -> MeetingRecord:
    start = meeting_start(11)
    client.post(reverse("meeting_create"), meeting_post(
        title=title, start=form_value(start), end=form_value(start + timedelta(hours=1)), **fields))
    return MeetingRecord.objects.get(title=title)


def test_a_500_after_hubspot_made_it_settles_as_created_though_search_lags_five_minutes(
        rep_client, sandbox, demo, run_due_tasks):
    sandbox.set_search_lag(FIVE_MINUTES)
    sandbox.fault(CREATE_PATH, mode="process_then_status", status=500)
    contact = demo["contacts"][3]["id"]

    record = submit(rep_client, "Lange Suche", contacts=[contact])
    assert record.status == Status.UNKNOWN
    run_due_tasks()

    record.refresh_from_db()
    made = [meeting_id for meetings in sandbox.meetings().values() for meeting_id in meetings]
    assert record.status == Status.CREATED and [record.hubspot_meeting_id] == made
    assert record.reconciliation[-1]["read"] == f"contacts/{contact}"
    assert sandbox.requests(path=SEARCH_PATH) == []  # decided without the lagging search


def test_a_meeting_never_made_settles_as_not_created_from_the_consistent_read(rep_client, sandbox, demo,
                                                                              run_due_tasks):
    sandbox.set_search_lag(FIVE_MINUTES)
    sandbox.fault(CREATE_PATH, status=503)

    record = submit(rep_client, "Nie gemacht", contacts=[demo["contacts"][4]["id"]])
    run_due_tasks()

    record.refresh_from_db()
    assert record.status == Status.NOT_CREATED
    assert not any(sandbox.meetings().values())


def test_without_associations_a_lagging_search_never_makes_an_existing_meeting_not_created(
        rep_client, sandbox, settings, run_due_tasks):
    sandbox.set_search_lag(FIVE_MINUTES)
    sandbox.fault(CREATE_PATH, mode="process_then_status", status=500)

    record = submit(rep_client, "Ohne Kontakt")
    settings.RECONCILE_SEARCH_HORIZON_SECONDS = 600
    run_due_tasks()

    record.refresh_from_db()
    assert record.status == Status.UNKNOWN and record.next_check_at is not None  # asked again, not concluded
    assert record.reconciliation[-1]["found"] == [] and "read" not in record.reconciliation[-1]
