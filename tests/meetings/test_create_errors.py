"""Every way a create can go wrong: the rep is told what to do and loses nothing."""

from __future__ import annotations

import threading
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connections
from django.test import Client
from django.urls import reverse

from meetings.models import MeetingRecord
from tests.api_version import API_VERSION
from tests.meetings.conftest import meeting_post

CREATE_PATH = f"/scheduler/{API_VERSION}/meetings/calendar"


def created_in_sandbox(sandbox) -> int:
    return sum(len(meetings) for meetings in sandbox.meetings().values())


def assert_form_kept(response, post):
    content = response.content.decode()
    assert response.status_code == 200
    assert f'value="{post["title"]}"' in content
    assert f'value="{post["start"]}"' in content
    new_key = response.context["form"].data["idempotency_key"]
    assert new_key != post["idempotency_key"]  # the next submit is a new attempt


@pytest.mark.django_db
def test_hubspot_validation_error_lands_on_its_field(rep_client, sandbox):
    post = meeting_post(contacts=["999999999"])

    response = rep_client.post(reverse("meeting_create"), post)

    assert_form_kept(response, post)
    errors = response.context["form"].errors
    assert errors["contacts"][0].startswith("HubSpot rejected this: No contact with id 999999999")
    record = MeetingRecord.objects.get()
    assert record.status == MeetingRecord.Status.FAILED
    assert record.response_status == 400 and record.error_category == "VALIDATION_ERROR" and record.correlation_id


@pytest.mark.django_db
def test_a_refusal_about_no_field_is_a_plain_form_message_with_hubspots_words_folded(rep_client, rep, sandbox):
    rep.hubspot.owner_id = str(rep.hubspot.hubspot_user_id)  # the classic mix-up: a user id as owner id
    rep.hubspot.save()
    post = meeting_post()

    response = rep_client.post(reverse("meeting_create"), post)

    assert_form_kept(response, post)
    record = MeetingRecord.objects.get()
    form = response.context["form"]
    assert form.non_field_errors()[0].startswith("HubSpot did not create the meeting. Check the marked fields")
    assert "not a valid owner id (this is a user id, not an owner id)" in form.technical_details
    assert record.correlation_id in form.technical_details
    page = response.content.decode()
    assert page.index("Technical details</summary>") < page.index(record.correlation_id)  # folded away


@pytest.mark.django_db
def test_rate_limited_then_created(rep_client, sandbox):
    sandbox.fault(CREATE_PATH, count=1, status=429, retry_after=0)

    response = rep_client.post(reverse("meeting_create"), meeting_post())

    record = MeetingRecord.objects.get()
    assert response.status_code == 302
    assert record.status == MeetingRecord.Status.CREATED and record.attempts == 2
    assert [c["status"] for c in sandbox.requests(path=CREATE_PATH)] == [429, 200]


@pytest.mark.django_db
def test_a_server_error_on_the_create_is_not_resent_and_settles_as_not_created(rep_client, sandbox, run_due_tasks):
    sandbox.fault(CREATE_PATH, count=50, status=503)  # HubSpot failed without making the meeting

    response = rep_client.post(reverse("meeting_create"), meeting_post())

    record = MeetingRecord.objects.get()
    assert response["Location"] == reverse("meeting_done", args=[record.pk])
    assert record.status == MeetingRecord.Status.UNKNOWN and record.response_status == 503
    assert len(sandbox.requests(path=CREATE_PATH)) == 1  # it may have been made: never resent in the request
    run_due_tasks()
    record.refresh_from_db()
    assert record.status == MeetingRecord.Status.NOT_CREATED
    assert created_in_sandbox(sandbox) == 0 and len(sandbox.requests(path=CREATE_PATH)) == 1


@pytest.mark.django_db
def test_a_500_after_hubspot_created_it_is_reconciled_not_duplicated(rep_client, sandbox, run_due_tasks):
    sandbox.fault(CREATE_PATH, count=1, mode="process_then_status", status=500)

    rep_client.post(reverse("meeting_create"), meeting_post())
    run_due_tasks()

    record = MeetingRecord.objects.get()
    created = next(iter(sandbox.meetings().values()))
    assert record.status == MeetingRecord.Status.CREATED and record.hubspot_meeting_id in created
    assert record.response_status == 500  # what the create itself got back stays on the record
    assert record.reconciliation[-1]["matched"] == record.hubspot_meeting_id
    assert created_in_sandbox(sandbox) == 1
    assert len(sandbox.requests(path=CREATE_PATH)) == 1  # found by search, not sent again


@pytest.mark.django_db
@pytest.mark.parametrize("mode", ["process_then_drop", "drop"])
def test_a_dropped_connection_after_sending_is_unknown(rep_client, sandbox, mode):
    sandbox.fault(CREATE_PATH, count=1, mode=mode)

    response = rep_client.post(reverse("meeting_create"), meeting_post())

    record = MeetingRecord.objects.get()
    assert record.status == MeetingRecord.Status.UNKNOWN
    assert len(sandbox.requests(path=CREATE_PATH)) == 1  # never resent blindly
    page = Client()
    page.force_login(record.user)
    content = page.get(response["Location"]).content.decode()
    assert "Checking whether HubSpot made the meeting" in content  # the app checks; the rep need not
    assert f'data-record-status="/meetings/{record.pk}/status.json"' in content  # the page updates itself
    assert f"/contacts/{record.hub_id}/objects/0-47/views/all/list" in content


@pytest.mark.django_db
def test_a_read_timeout_is_unknown(rep_client, sandbox, settings):
    settings.HUBSPOT_TIMEOUT_SECONDS = 0.5
    sandbox.fault(CREATE_PATH, count=1, mode="timeout", seconds=1.5)

    rep_client.post(reverse("meeting_create"), meeting_post())

    assert MeetingRecord.objects.get().status == MeetingRecord.Status.UNKNOWN


@pytest.mark.django_db
def test_hubspot_unreachable_keeps_the_form(rep_client, settings):
    settings.HUBSPOT_API_BASE = "http://127.0.0.1:9"  # nothing listens there
    settings.HUBSPOT_RETRY_BUDGET_SECONDS = 0.5
    post = meeting_post()

    page = rep_client.get(reverse("meeting_create"))
    response = rep_client.post(reverse("meeting_create"), post)

    assert "could not be loaded from HubSpot" in page.content.decode()
    assert_form_kept(response, post)
    assert "HubSpot is not reachable right now" in response.context["form"].non_field_errors()[0]
    assert MeetingRecord.objects.get().status == MeetingRecord.Status.FAILED


@pytest.mark.django_db
def test_the_same_key_twice_creates_one_meeting(rep_client, sandbox):
    post = meeting_post()

    first = rep_client.post(reverse("meeting_create"), post)
    second = rep_client.post(reverse("meeting_create"), post)

    assert first["Location"] == second["Location"]
    assert MeetingRecord.objects.count() == 1
    assert created_in_sandbox(sandbox) == 1


@pytest.mark.django_db(transaction=True)
def test_the_same_key_concurrently_creates_one_meeting(rep, sandbox):
    sandbox.latency(300)  # both submits are in flight at once
    post = meeting_post()
    locations = []

    def submit():
        try:
            client = Client()
            client.force_login(rep)
            locations.append(client.post(reverse("meeting_create"), post)["Location"])
        finally:
            connections.close_all()  # the test client leaves a thread's connection open

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(set(locations)) == 1
    assert MeetingRecord.objects.count() == 1
    assert created_in_sandbox(sandbox) == 1


@pytest.mark.django_db
def test_a_post_after_the_tokens_were_deleted_keeps_the_form(rep_client, rep, sandbox):
    # Another tab's refused refresh (or a disconnect) deleted the tokens; this tab still holds a typed form.
    connection = rep.hubspot
    tokens = (connection.access_token, connection.refresh_token)
    type(connection).objects.filter(pk=connection.pk).update(access_token="", refresh_token="")
    post = meeting_post(title="Aus dem zweiten Tab")

    response = rep_client.post(reverse("meeting_create"), post)

    next_url = parse_qs(urlsplit(response["Location"]).query)["next"][0]
    assert response["Location"].startswith(reverse("account_login")) and "restore=" in next_url
    assert MeetingRecord.objects.count() == 0
    # Signed in again (tokens back), the rep finds the form as they left it.
    type(connection).objects.filter(pk=connection.pk).update(access_token=tokens[0], refresh_token=tokens[1])
    assert 'value="Aus dem zweiten Tab"' in rep_client.get(next_url).content.decode()
