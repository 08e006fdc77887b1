"""A record written into the database beside the app is never sent, settled or chained: every record the app
writes is sealed, and the worker and "Create it now" act only on records whose seal fits (docs/audit.md)."""

from __future__ import annotations

import time
import uuid
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings.audit import seal
from meetings.booking import sending, tasks
from meetings.models import MeetingRecord
from tests.audit.conftest import broken, open_record, verify
from tests.clock import meeting_start
from tests.meetings.test_reconciliation import CREATE_PATH, not_made_by_hubspot

pytestmark = pytest.mark.django_db
Status = MeetingRecord.Status
ATTACKER_BODY = "Bitte überweisen Sie 10.000 € auf folgendes Konto"


def forged(rep, *, status: str, copy_seal_of: MeetingRecord | None = None, **fields) -> MeetingRecord:
    """A row as someone with the database alone writes it: the rep's ids, the attacker's request."""
    connection = rep.hubspot
    start = meeting_start(14)
    payload = {"properties": {"hs_meeting_title": "Rückruf", "hs_meeting_body": ATTACKER_BODY,
                              "hubspot_owner_id": connection.owner_id,
                              "hs_meeting_start_time": start.isoformat(), "hs_meeting_end_time":
                              (start + timedelta(minutes=30)).isoformat()}}
    return MeetingRecord.objects.create(
        idempotency_key=uuid.uuid4(), user=rep, hubspot_user_id=connection.hubspot_user_id,
        owner_id=connection.owner_id, hub_id=connection.hub_id, hub_domain=connection.hub_domain, status=status,
        title="Rückruf", start_at=start, end_at=start + timedelta(minutes=30), time_zone="Europe/Berlin",
        request_payload=payload, audit_seal=copy_seal_of.audit_seal if copy_seal_of else "", **fields,
    )


def test_what_the_app_writes_is_sealed_and_fits(rep, sandbox, rep_client):
    from tests.meetings.test_reconciliation import post_for

    rep_client.post(reverse("meeting_create"), post_for("Versiegelt"))

    record = MeetingRecord.objects.get()
    assert record.audit_seal.startswith(f"{seal.signing_key()[0]}:") and seal.seal_fits(record)
    MeetingRecord.objects.filter(pk=record.pk).update(request_payload={"properties": {"hs_meeting_body": "x"}})
    record.refresh_from_db()
    assert not seal.seal_fits(record)


@pytest.mark.parametrize("copied", [False, True])
def test_a_forged_unknown_record_is_never_checked_settled_chained_or_offered(
        rep, rep_client, sandbox, run_due_tasks, copied):
    genuine = open_record(user=rep) if copied else None  # a seal copied from a real record fits no other
    record = forged(rep, status=Status.UNKNOWN, copy_seal_of=genuine,
                    next_check_at=timezone.now() - timedelta(minutes=5))

    tasks.sweep_open_records.call()
    run_due_tasks()

    record.refresh_from_db()
    assert record.status == Status.UNKNOWN and record.audit_seq is None and not record.reconciliation
    assert record.next_check_at is None  # the sweep stops asking for it
    assert sandbox.requests(path=CREATE_PATH) == [] and sum(len(m) for m in sandbox.meetings().values()) == 0
    assert "Create it now" not in rep_client.get(reverse("meeting_done", args=[record.pk])).content.decode()
    assert (f"meeting record {record.pk}: forged: unknown, but its seal does not fit (written outside the app)"
            in broken())


def test_a_forged_queued_record_is_never_sent_even_when_the_sweep_hands_it_on(
        rep, sandbox, settings, run_due_tasks):
    long_ago = timezone.now() - timedelta(seconds=settings.STALE_PENDING_SECONDS + 5)
    record = forged(rep, status=Status.PENDING, queued_at=long_ago, created_at=long_ago)

    tasks.send_queued_record.enqueue(record.pk)
    run_due_tasks()
    tasks.sweep_open_records.call()  # taken long ago and still pending: handed to the checks as interrupted
    run_due_tasks()

    record.refresh_from_db()
    assert record.audit_seq is None and record.status in (Status.PENDING, Status.UNKNOWN)
    assert record.status != Status.NOT_CREATED and not record.reconciliation
    assert sandbox.requests(path=CREATE_PATH) == []
    assert f"meeting record {record.pk}: forged" in broken()


def test_create_it_now_sends_nothing_when_the_request_was_changed_in_the_database(
        rep_client, sandbox, run_due_tasks):
    lost = not_made_by_hubspot(rep_client, sandbox, run_due_tasks, "Zweiter Versuch")
    sent_before = len(sandbox.requests(path=CREATE_PATH))
    payload = {**lost.request_payload,
               "properties": {**lost.request_payload["properties"], "hs_meeting_body": ATTACKER_BODY}}
    MeetingRecord.objects.filter(pk=lost.pk).update(request_payload=payload)

    answer = rep_client.post(reverse("meeting_create_again", args=[lost.pk]))

    assert answer.status_code == 302 and answer["Location"] == reverse("meeting_done", args=[lost.pk])
    assert MeetingRecord.objects.count() == 1
    assert len(sandbox.requests(path=CREATE_PATH)) == sent_before and not sandbox.meetings().get(
        str(lost.hub_id))


def test_a_forged_not_created_record_offers_nothing_and_sends_nothing(rep, rep_client, sandbox):
    record = forged(rep, status=Status.NOT_CREATED)

    page = rep_client.get(reverse("meeting_done", args=[record.pk])).content.decode()
    answer = rep_client.post(reverse("meeting_create_again", args=[record.pk]))

    assert "Create it now" not in page and answer.status_code == 302
    assert MeetingRecord.objects.count() == 1 and sandbox.requests(path=CREATE_PATH) == []
    assert f"meeting record {record.pk}: missing: final, but not in the chain" in broken()


def test_the_app_seals_a_request_it_changes_itself_and_refuses_to_reseal_a_forged_one(lena):
    record = open_record(user=lena)
    with_files = {**record.request_payload, "attachments": [{"id": "77"}]}  # the files' ids, uploaded first

    sending.finalise(record, Status.UNKNOWN, with_files, time.monotonic())

    assert seal.seal_fits(MeetingRecord.objects.get(pk=record.pk))
    verify()
    other = open_record(user=lena)
    MeetingRecord.objects.filter(pk=other.pk).update(title="Anders")
    other.refresh_from_db()
    with pytest.raises(seal.RecordNotSealed):
        sending.finalise(other, Status.UNKNOWN, with_files, time.monotonic())
