"""A record's page shows everything the record holds, readably, in the rep's language."""

import pytest
from django.urls import reverse

from meetings.models import MeetingRecord

pytestmark = pytest.mark.django_db


@pytest.fixture
def failed(lena, record_factory):
    return record_factory(
        user=lena, title="Größenplanung", status=MeetingRecord.Status.FAILED, response_status=400,
        error_category="VALIDATION_ERROR", error_message="Property hs_timestamp is invalid",
        correlation_id="7c1d-42e0", attempts=2, duration_ms=431,
        request_payload={"properties": {"hs_meeting_title": "Größenplanung", "hs_timestamp": "not a date"}},
        response_body={"status": "error", "category": "VALIDATION_ERROR", "correlationId": "7c1d-42e0"},
        associations=[{"type": "companies", "id": "9001", "label": "Müller GmbH"}],
    )


def test_what_was_sent_and_what_hubspot_answered(client, lena, failed):
    client.force_login(lena)

    content = client.get(reverse("history_detail", args=[failed.pk])).content.decode()

    for shown in ["400", "VALIDATION_ERROR", "Property hs_timestamp is invalid", "7c1d-42e0", "431 ms",
                  "Müller GmbH", "Companies 9001", "Europe/Berlin"]:
        assert shown in content, shown
    # pretty JSON, umlauts as typed
    assert '&quot;hs_meeting_title&quot;: &quot;Größenplanung&quot;' in content
    assert '\n  &quot;properties&quot;: {' in content
    assert '<span class="badge text-bg-danger" data-status="failed">Failed</span>' in content


def test_the_record_page_speaks_german(client, lena, failed):
    client.force_login(lena)

    content = client.get(reverse("history_detail", args=[failed.pk]), HTTP_ACCEPT_LANGUAGE="de").content.decode()

    assert "Unternehmen 9001" in content
    assert "Antwort von HubSpot" in content and "Erneut versuchen" in content


def test_the_per_rep_table_lists_statuses_in_the_charts_order(client, admin_user, lena, record_factory):
    record_factory(user=lena)
    client.force_login(admin_user)

    response = client.get(reverse("history_all"))
    content = response.content.decode()
    table = content[content.index("<table class=\"table table-sm mt-2\">"):]
    positions = [table.index(f">{item['label']}</th>") for item in response.context["chart"]["legend"]]

    assert positions == sorted(positions)


def test_the_record_page_shows_what_the_rep_entered_in_words(client, lena, record_factory):
    from hubspot_api.types import Owner
    from meetings.core.caches import get_or_fetch
    from meetings.portal.caches import OWNERS

    jonas = Owner("71234500102", "jonas@example.de", "Jonas", "Weiß", 5120002)
    get_or_fetch(OWNERS.portal_key(24681357), lambda: [jonas], 300)  # the portal's owners, as the form cached them
    record = record_factory(user=lena, request_payload={
        "properties": {"hs_meeting_title": "Kick-off", "hs_meeting_outcome": "SCHEDULED",
                       "hs_meeting_location": "Friedrichstraße 1", "hs_meeting_location_type": "ADDRESS",
                       "hs_attendee_owner_ids": ["71234500102", "999"], "hs_meeting_body": "Agenda:\nDemo"},
        "emailReminderSchedule": {"reminders": [{"numberOfTimeUnits": 2, "timeUnit": "DAYS"}],
                                  "shouldIncludeInviteDescription": True},
    })
    client.force_login(lena)

    content = client.get(reverse("history_detail", args=[record.pk])).content.decode()

    for shown in ["Scheduled", "Friedrichstraße 1 (Address)", "Jonas Weiß, #999", "2 days before",
                  "with the description", "Agenda:\nDemo"]:
        assert shown in content, shown
