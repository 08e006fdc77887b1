"""The home page after sign-in leads somewhere: "New meeting", what is coming up, the connection (#26)."""

import pytest
from django.urls import reverse

from meetings.models import MeetingRecord
from tests.history.conftest import record_factory as record_factory  # the shared factory of meeting records

pytestmark = pytest.mark.django_db


def test_home_leads_to_a_new_meeting_and_lists_what_is_coming_up(rep_client, rep, record_factory):
    soon = record_factory(user=rep, title="Bald bei Müller")  # a month or more ahead
    record_factory(user=rep, title="Abgelehnt", status=MeetingRecord.Status.FAILED)
    record_factory(user=rep, title="Schon vorbei", start_at=soon.start_at.replace(year=soon.start_at.year - 1),
                   end_at=soon.end_at.replace(year=soon.end_at.year - 1))

    page = rep_client.get(reverse("home")).content.decode()

    assert f'href="{reverse("meeting_create")}"' in page and "New meeting</a>" in page
    assert f'href="{reverse("history_detail", args=[soon.pk])}">Bald bei Müller</a>' in page
    assert "Abgelehnt" not in page and "Schon vorbei" not in page  # refused, or past


def test_the_connection_is_on_home_and_disconnecting_asks_first(rep_client, rep):
    page = rep_client.get(reverse("home")).content.decode()

    connection = page[page.index('id="connection-heading"'):]
    disconnect = connection[connection.index('<details class="fold" id="disconnect-fold">'):]
    assert disconnect.index("<summary") < disconnect.index("Disconnect HubSpot</button>")  # behind a question
    nav = page[:page.index('<main')]
    assert "Disconnect HubSpot" not in nav and "71234500101" not in nav
    # The ids HubSpot's support asks for are there, folded under "Technical details", and nowhere else.
    assert page.count("71234500101") == 1 and "Technical details" in page


def test_home_says_what_needs_the_rep(rep_client, rep, record_factory):
    from meetings.core.models import OutcomeNotice

    failed = record_factory(user=rep, title="Abgelehnt", status=MeetingRecord.Status.FAILED)
    OutcomeNotice.objects.create(record=failed, user=rep)

    page = rep_client.get(reverse("home")).content.decode()

    assert f'<a class="alert-link" href="{reverse("history_mine")}#needing-you">1 meeting needs you</a>' in page
