import pytest
from django.urls import reverse

from meetings.models import MeetingRecord
from tests.api_version import API_VERSION
from tests.meetings.conftest import meeting_post

pytestmark = pytest.mark.django_db


def test_try_again_reopens_the_form_filled_from_a_failed_record(rep_client, sandbox):
    sandbox.fault(f"/scheduler/{API_VERSION}/meetings/calendar", count=1, status=400)
    post = meeting_post(title="Zweiter Anlauf", location="Hauptstraße 1", body="Agenda")
    rep_client.post(reverse("meeting_create"), post)
    record = MeetingRecord.objects.get()
    assert record.status == MeetingRecord.Status.FAILED

    detail = rep_client.get(reverse("history_detail", args=[record.pk])).content.decode()
    form = rep_client.get(reverse("meeting_create") + f"?retry={record.pk}")

    assert f"?retry={record.pk}" in detail
    content = form.content.decode()
    assert 'value="Zweiter Anlauf"' in content and 'value="Hauptstraße 1"' in content
    assert f'value="{post["start"]}"' in content
    assert str(record.idempotency_key) not in content  # a fresh key: a new attempt


def test_an_unknown_record_offers_no_blind_retry(client, rep, record_factory):
    record = record_factory(user=rep, status=MeetingRecord.Status.UNKNOWN)
    client.force_login(rep)

    content = client.get(reverse("history_detail", args=[record.pk])).content.decode()

    assert "the meeting may exist in HubSpot" in content
    assert f"/contacts/{record.hub_id}/objects/0-47/views/all/list" in content
    assert "?retry=" not in content


def test_a_pending_record_says_it_is_open_and_offers_no_retry(client, rep, record_factory):
    record = record_factory(user=rep, status=MeetingRecord.Status.PENDING)
    client.force_login(rep)

    content = client.get(reverse("history_detail", args=[record.pk])).content.decode()

    assert "HubSpot has not given a final answer to this request yet" in content
    assert f"/contacts/{record.hub_id}/objects/0-47/views/all/list" in content
    assert "?retry=" not in content
