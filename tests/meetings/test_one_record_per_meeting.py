"""One record per HubSpot meeting, and never a 500 over it.

Reconciliation waits while another create of the same rep and content is under way (that create may be
about to receive the meeting it found); a create whose answer names a meeting another record already
holds is settled, naming the holder, instead of failing on the database's constraint.
"""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings.booking import reconciliation, sending
from meetings.models import MeetingRecord
from tests.api_version import API_VERSION
from tests.audit.conftest import finalise, open_record, verify
from tests.clock import form_value, meeting_start
from tests.conftest import meeting_post

Status = MeetingRecord.Status
CREATE_PATH = f"/scheduler/{API_VERSION}/meetings/calendar"


@pytest.mark.django_db
def test_a_create_whose_meeting_another_record_holds_is_settled_and_its_page_shown(client, rep):
    holder = finalise(open_record(user=rep, title="Doppelt"))
    late = open_record(user=rep, title="Doppelt")

    settled = sending.finalise(late, Status.CREATED, late.request_payload, time.monotonic(),
                               meeting_id=holder.hubspot_meeting_id, http_status=201, attempts=1)

    assert (settled.status, settled.hubspot_meeting_id, settled.error_category) == (
        Status.CREATED, "", "HELD_BY_ANOTHER_RECORD")
    assert f"record {holder.pk} holds it" in settled.error_message
    assert MeetingRecord.objects.filter(hubspot_meeting_id=holder.hubspot_meeting_id).count() == 1
    client.force_login(rep)
    assert client.get(reverse("meeting_done", args=[late.pk])).status_code == 200
    assert "The audit chain holds: checked 2 chain entries" in verify()


@pytest.mark.django_db
def test_reconciliation_does_not_credit_a_meeting_an_open_create_of_the_same_may_receive(
        rep_client, rep, sandbox, run_due_tasks):
    start = meeting_start(10)
    sandbox.fault(CREATE_PATH, mode="process_then_drop")
    rep_client.post(reverse("meeting_create"), meeting_post(
        title="Wartet", start=form_value(start), end=form_value(start + timedelta(hours=1))))
    lost = MeetingRecord.objects.get()
    # The rep confirmed "Create another with the same details": its create is under way.
    under_way = MeetingRecord.objects.create(
        user=rep, hubspot_user_id=lost.hubspot_user_id, owner_id=lost.owner_id, hub_id=lost.hub_id,
        title=lost.title, start_at=lost.start_at, end_at=lost.end_at, time_zone=lost.time_zone,
        associations=lost.associations, request_payload=lost.request_payload, status=Status.PENDING)

    run_due_tasks()

    lost.refresh_from_db()
    assert lost.status == Status.UNKNOWN and lost.hubspot_meeting_id == ""
    assert lost.reconciliation[-1]["waiting_for"] == under_way.pk and lost.reconciliation[-1]["found"]

    sending.finalise(under_way, Status.FAILED, under_way.request_payload, time.monotonic(), http_status=400)
    MeetingRecord.objects.filter(pk=lost.pk).update(next_check_at=timezone.now())
    reconciliation.check(lost.pk)  # its next check, now due

    lost.refresh_from_db()
    assert lost.status == Status.CREATED and lost.hubspot_meeting_id
