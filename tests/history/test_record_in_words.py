"""A record's page says what happened in words; HubSpot's answer, ids and bodies are folded away below it."""

from datetime import UTC, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings.models import MeetingRecord
from tests.clock import BERLIN, meeting_start

pytestmark = pytest.mark.django_db
FAULT = "Injected fault: HTTP 400 (correlation id: 7c1f-corr)"


def split_page(client, record, **headers) -> tuple[str, str]:
    """The page before its folded technical details, and those details."""
    page = client.get(reverse("history_detail", args=[record.pk]), **headers).content.decode()
    start = page.index('data-testid="technical-details"')
    return page[:start], page[start:]


def test_a_refusal_reads_in_words_and_hubspots_answer_is_folded(client, lena, record_factory):
    record = record_factory(user=lena, status=MeetingRecord.Status.FAILED, response_status=400,
                            error_category="VALIDATION_ERROR", error_message=FAULT, correlation_id="7c1f-corr",
                            attempts=2, duration_ms=1234)
    client.force_login(lena)

    shown, folded = split_page(client, record)
    german, _folded = split_page(client, record, HTTP_ACCEPT_LANGUAGE="de")

    assert "HubSpot refused the meeting: it did not accept some of the values that were sent." in shown
    assert FAULT not in shown and "7c1f-corr" not in shown and "HTTP status" not in shown
    assert FAULT in folded and "7c1f-corr" in folded and "1,234 ms" in folded
    assert "HubSpot hat den Termin abgelehnt" in german


def test_hubspot_unavailable_reads_differently(client, lena, record_factory):
    record = record_factory(user=lena, status=MeetingRecord.Status.FAILED, response_status=503,
                            error_message="Service Unavailable")
    client.force_login(lena)

    shown, _folded = split_page(client, record)

    assert "HubSpot was unavailable, so the meeting was not created." in shown


def test_times_read_in_the_viewers_zone_named_once_not_as_iso(client, lena, record_factory):
    start = meeting_start(10).replace(minute=30)  # 10:30 in Berlin, the viewer's zone
    submitted = timezone.now().replace(minute=5, second=0, microsecond=0) - timedelta(days=5)
    record = record_factory(user=lena, start_at=start.astimezone(UTC), end_at=start.astimezone(UTC) + timedelta(hours=1),
                            time_zone="America/New_York", created_at=submitted)
    client.force_login(lena)
    client.cookies["viewer_tz"] = "Europe/Berlin"

    shown, _folded = split_page(client, record)

    assert f"{start:%Y-%m-%d}T" not in shown and f"{start:%z}"[:3] + ":" not in shown  # no ISO form
    local_submitted = submitted.astimezone(BERLIN)
    assert f"submitted this meeting on {local_submitted:%-d %b %Y, %H:%M}." in shown
    assert "Times in Europe/Berlin." in shown
    assert f"{start:%-d %b %Y}, 10:30 – 11:30" in shown  # the meeting in the viewer's zone, beside its own zone's
