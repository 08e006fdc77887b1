"""A slow HubSpot does not take the site down: at most HUBSPOT_WAITING_THREADS requests per process wait on it.

What finds every slot taken does not wait for one: a create is handed to the worker (and made once),
a picker search and a form's option fetch say HubSpot is busy. Against the sandbox over HTTP.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from meetings.booking import tasks
from meetings.core import bulkhead
from meetings.models import MeetingRecord
from tests.api_version import API_VERSION, UPLOAD_VERSION
from tests.meetings.conftest import meeting_post

pytestmark = pytest.mark.django_db
CREATE_PATH = f"/scheduler/{API_VERSION}/meetings/calendar"


@contextmanager
def slots_taken_elsewhere(count: int):
    """`count` other request threads of this process inside HubSpot work until the block ends."""
    entered, leave = threading.Barrier(count + 1), threading.Event()

    def hold():
        with bulkhead.slot() as taken:
            assert taken
            entered.wait(5)
            leave.wait(30)

    threads = [threading.Thread(target=hold) for _ in range(count)]
    for thread in threads:
        thread.start()
    entered.wait(5)
    try:
        yield
    finally:
        leave.set()
        for thread in threads:
            thread.join(5)


def test_slots_are_counted_per_request_and_nested_use_takes_none(settings):
    settings.HUBSPOT_WAITING_THREADS = 2
    with slots_taken_elsewhere(1):
        assert bulkhead.in_use() == 1
        with bulkhead.slot() as first:
            with bulkhead.slot() as nested:  # the same request calling HubSpot again
                assert (first, nested, bulkhead.in_use()) == (True, True, 2)
            with slots_taken_elsewhere(0), bulkhead.slot() as still:
                assert still
        assert bulkhead.in_use() == 1
    assert bulkhead.in_use() == 0


def test_a_full_process_refuses_a_third_request(settings):
    settings.HUBSPOT_WAITING_THREADS = 2
    with slots_taken_elsewhere(2), bulkhead.slot() as taken:
        assert taken is False
    with bulkhead.slot() as taken:
        assert taken is True


def test_a_create_that_finds_every_slot_taken_is_sent_by_the_worker_once(
        rep_client, sandbox, settings, run_due_tasks):
    settings.HUBSPOT_WAITING_THREADS = 1
    with slots_taken_elsewhere(1):
        response = rep_client.post(reverse("meeting_create"), meeting_post(title="Wartet auf den Worker"))
        record = MeetingRecord.objects.get()
        assert response.status_code == 302 and response["Location"] == reverse("meeting_done", args=[record.pk])
        assert record.is_queued
        assert sandbox.requests(CREATE_PATH) == []  # the request answered without waiting on HubSpot
        page = rep_client.get(response["Location"]).content.decode()
        assert "Queued for HubSpot" in page and 'data-record-status="' in page

    run_due_tasks()

    record.refresh_from_db()
    assert record.status == MeetingRecord.Status.CREATED and record.hubspot_meeting_id
    assert record.taken_at is not None and record.is_chained
    made = [meeting for portal in sandbox.meetings().values() for meeting in portal.values()]
    assert [m["properties"]["hs_meeting_title"] for m in made] == ["Wartet auf den Worker"]
    # A second run of the same task — a retry, or the sweep asking again — sends nothing more.
    assert tasks.send_queued_record.call(record.pk) == "nothing to do"
    assert len(sandbox.requests(CREATE_PATH)) == 1


def test_hubspots_refusal_of_a_queued_create_is_on_the_record_page(rep_client, sandbox, settings, run_due_tasks):
    settings.HUBSPOT_WAITING_THREADS = 1
    sandbox.fault(CREATE_PATH, status=400)
    with slots_taken_elsewhere(1):
        rep_client.post(reverse("meeting_create"), meeting_post())
    run_due_tasks()

    record = MeetingRecord.objects.get()
    assert record.status == MeetingRecord.Status.FAILED and record.response_status == 400
    page = rep_client.get(reverse("history_detail", args=[record.pk])).content.decode()
    assert "HubSpot refused the meeting" in page and f"?retry={record.pk}" in page  # in words, as the page says it


def test_a_queued_record_is_not_taken_for_an_interrupted_one_and_a_lost_task_is_asked_again(
        rep_client, sandbox, settings, run_due_tasks):
    settings.HUBSPOT_WAITING_THREADS = 1
    with slots_taken_elsewhere(1):
        rep_client.post(reverse("meeting_create"), meeting_post())
    record = MeetingRecord.objects.get()
    # Its task lost, and waiting longer than any request takes.
    DBTaskResult.objects.all().delete()
    long_ago = timezone.now() - timedelta(seconds=settings.STALE_PENDING_SECONDS + 5)
    MeetingRecord.objects.filter(pk=record.pk).update(created_at=long_ago, queued_at=long_ago)

    tasks.sweep_open_records.call()
    run_due_tasks()

    record.refresh_from_db()
    # Sent by the worker, never marked "may exist" as if a process had died mid-create.
    assert record.status == MeetingRecord.Status.CREATED and not record.reconciliation
    assert len(sandbox.requests(CREATE_PATH)) == 1


def test_a_create_with_attachments_cannot_wait_for_the_worker_and_keeps_the_form(
        rep_client, sandbox, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.HUBSPOT_WAITING_THREADS = 1
    agenda = SimpleUploadedFile("agenda.pdf", b"%PDF-1.4 Agenda", content_type="application/pdf")
    with slots_taken_elsewhere(1):
        response = rep_client.post(reverse("meeting_create"),
                                   {**meeting_post(title="Mit Anhang"), "attachments": agenda})

    assert response.status_code == 200
    page = response.content.decode()
    assert "HubSpot is answering slowly right now" in page and 'value="Mit Anhang"' in page
    record = MeetingRecord.objects.get()
    assert record.status == MeetingRecord.Status.FAILED and record.error_category == "HubSpotBusy"
    assert sandbox.requests(CREATE_PATH) == [] and sandbox.requests(f"/files/{UPLOAD_VERSION}/files") == []


def test_a_picker_search_answers_busy_at_once(rep_client, sandbox, settings):
    settings.HUBSPOT_WAITING_THREADS = 1
    with slots_taken_elsewhere(1):
        response = rep_client.get(reverse("picker_search", args=["contacts"]), {"q": "Müller"})
    assert response.status_code == 503 and response.json()["results"] == []
    assert sandbox.requests(f"/crm/objects/{API_VERSION}/contacts/search") == []


def test_a_cold_form_load_shows_the_form_without_the_portals_choices(rep_client, sandbox, settings):
    settings.HUBSPOT_WAITING_THREADS = 1
    with slots_taken_elsewhere(1):
        busy = rep_client.get(reverse("meeting_create"))
    assert busy.status_code == 200 and "Jonas Weiß" not in busy.content.decode()
    assert not [r for r in sandbox.requests() if r["path"].startswith("/crm/")]
    # Nothing was marked as failed: the next load, with a slot free, has them.
    assert "Jonas Weiß" in rep_client.get(reverse("meeting_create")).content.decode()


def test_a_worker_that_died_while_sending_leaves_a_record_the_sweep_settles(rep_client, sandbox, settings,
                                                                             run_due_tasks):
    settings.HUBSPOT_WAITING_THREADS = 1
    with slots_taken_elsewhere(1):
        rep_client.post(reverse("meeting_create"), meeting_post())
    DBTaskResult.objects.all().delete()
    record = MeetingRecord.objects.get()
    # Taken by a worker that died before HubSpot's answer was recorded; no meeting was made.
    long_ago = timezone.now() - timedelta(seconds=settings.STALE_PENDING_SECONDS + 5)
    MeetingRecord.objects.filter(pk=record.pk).update(created_at=long_ago, queued_at=long_ago, taken_at=long_ago)

    tasks.sweep_open_records.call()
    run_due_tasks()

    record.refresh_from_db()
    # Never sent again blindly: HubSpot's search is asked, and says it was not made.
    assert record.status == MeetingRecord.Status.NOT_CREATED and record.reconciliation
    assert sandbox.requests(CREATE_PATH) == []


def test_a_conflict_check_is_skipped_saying_so(rep_client, sandbox, settings):
    from tests.clock import form_value, meeting_start

    settings.HUBSPOT_WAITING_THREADS = 1
    start = meeting_start(10)
    with slots_taken_elsewhere(1):
        response = rep_client.get(reverse("meeting_conflicts"), {
            "start": form_value(start), "end": form_value(start + timedelta(hours=1)), "time_zone": "Europe/Berlin"})
    assert response.status_code == 200 and response.json()["conflicts"] == []
    assert "Could not check for conflicts right now" in response.json()["skipped"]
    assert sandbox.requests(f"/crm/objects/{API_VERSION}/meetings/search") == []


@pytest.mark.parametrize("change", ["disconnected", "another portal"])
def test_a_queued_create_is_not_sent_for_a_rep_who_left_its_portal(rep, rep_client, sandbox, settings,
                                                                     run_due_tasks, change):
    settings.HUBSPOT_WAITING_THREADS = 1
    with slots_taken_elsewhere(1):
        rep_client.post(reverse("meeting_create"), meeting_post())
    if change == "disconnected":
        rep.hubspot.delete()
    else:
        type(rep.hubspot).objects.filter(pk=rep.hubspot.pk).update(hub_id=13572468)

    run_due_tasks()

    record = MeetingRecord.objects.get()
    assert record.status == MeetingRecord.Status.FAILED and "Nothing was sent" in record.error_message
    assert sandbox.requests(CREATE_PATH) == []
