"""No access or refresh token in any log line, page or audit record."""

import logging

import pytest
from django.urls import reverse

from meetings.models import HubSpotConnection, MeetingRecord
from tests.login.conftest import sign_in
from tests.meetings.conftest import meeting_post


@pytest.mark.django_db
def test_a_full_flow_leaks_no_token(client, hubspot, caplog):
    caplog.set_level(logging.DEBUG)
    pages = [sign_in(client, next_url=reverse("meeting_create"))]
    connection = HubSpotConnection.objects.get()
    seen_tokens = {connection.access_token, connection.refresh_token}
    hubspot.expire_tokens()
    pages.append(client.get(reverse("meeting_create")))  # forces a refresh
    connection.refresh_from_db()
    seen_tokens |= {connection.access_token, connection.refresh_token}
    pages.append(client.post(reverse("meeting_create"), meeting_post()))
    record = MeetingRecord.objects.get()
    pages.append(client.get(reverse("meeting_done", args=[record.pk])))
    pages.append(client.get(reverse("home")))

    assert record.status == MeetingRecord.Status.CREATED
    assert len(seen_tokens) == 3 and all(seen_tokens)  # two access tokens, one refresh token
    logged = "\n".join(f"{r.getMessage()} {r.args}" for r in caplog.records)
    assert "HubSpot POST /scheduler/2026-03/meetings/calendar -> 200" in logged  # the log did capture the flow
    audit = str(MeetingRecord.objects.values().get())
    for token in seen_tokens:
        assert token not in logged
        assert token not in audit
        for page in pages:
            assert token.encode() not in page.content
