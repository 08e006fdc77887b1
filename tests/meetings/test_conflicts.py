"""The conflict check: meetings that already hold the time, found with one search and cached, over HTTP."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse

from hubspot_api.budget import PortalBudget
from meetings.portal.conflicts import (
    CHECK_SKIPPED_BUDGET,
    CHECK_SKIPPED_UNAVAILABLE,
    conflict_summary,
    meeting_conflicts,
)
from tests.api_version import API_VERSION
from tests.clock import BERLIN, form_value, meeting_start
from tests.meetings.conftest import connect, demo_user, meeting_post

pytestmark = pytest.mark.django_db
MEETING_SEARCH = f"/crm/objects/{API_VERSION}/meetings/search"
LENA, JONAS, SARAH = "71234500101", "71234500102", "71234500103"


def book(user, title: str, start, minutes: int = 60, **fields) -> None:
    """The user books a meeting through the app, as a rep would."""
    client = Client()
    client.force_login(user)
    response = client.post(reverse("meeting_create"), meeting_post(
        title=title, start=form_value(start), end=form_value(start + timedelta(minutes=minutes)), **fields))
    assert response.status_code == 302, response.content.decode()[:500]


@pytest.fixture
def jonas(sandbox, demo, django_user_model):
    user = django_user_model.objects.create_user(username="jonas", email="jonas.weiss@example.de")
    connect(sandbox, user, demo_user(demo, "jonas"))
    return user


def searches(sandbox) -> list[dict]:
    return sandbox.requests(path=MEETING_SEARCH, method="POST")


def check(rep_client, start, minutes: int = 60, *, language: str = "en", **params):
    return rep_client.get(reverse("meeting_conflicts"), {
        "start": form_value(start), "duration": str(minutes), "time_zone": "Europe/Berlin", **params},
        HTTP_ACCEPT_LANGUAGE=language)


def test_an_overlapping_meeting_of_the_rep_is_found_and_named(rep, sandbox):
    ten = meeting_start(10)
    book(rep, "Quartalsgespräch Globex", ten)

    found = meeting_conflicts(user=rep, start=ten + timedelta(minutes=30), end=ten + timedelta(minutes=90),
                              attendee_ids=[])

    assert [(c.owner_name, c.meeting.title, c.is_rep) for c in found] == [("Lena Müller", "Quartalsgespräch Globex",
                                                                           True)]
    shown = conflict_summary(found[0], zone=BERLIN, day=ten.date())
    assert shown["range"] == "10:00–11:00"
    assert shown["text"] == "You already have “Quartalsgespräch Globex”, 10:00–11:00."


def test_meetings_that_only_touch_the_new_one_are_no_conflict(rep, sandbox):
    ten = meeting_start(10)
    book(rep, "Quartalsgespräch Globex", ten)

    after = meeting_conflicts(user=rep, start=ten + timedelta(hours=1), end=ten + timedelta(hours=2), attendee_ids=[])
    before = meeting_conflicts(user=rep, start=ten - timedelta(hours=1), end=ten, attendee_ids=[])
    inside = meeting_conflicts(user=rep, start=ten + timedelta(minutes=59), end=ten + timedelta(hours=2),
                               attendee_ids=[])

    assert after == [] and before == []
    assert [c.meeting.title for c in inside] == ["Quartalsgespräch Globex"]


def test_an_attendees_meeting_is_named_and_every_owner_costs_one_search_together(rep, jonas, sandbox):
    ten = meeting_start(10)
    book(jonas, "Quartalsgespräch Globex", ten)
    before = len(searches(sandbox))

    found = meeting_conflicts(user=rep, start=ten + timedelta(minutes=30), end=ten + timedelta(minutes=90),
                              attendee_ids=[JONAS, SARAH])

    assert [(c.owner_name, c.meeting.title, c.is_rep) for c in found] == [("Jonas Weiß", "Quartalsgespräch Globex",
                                                                           False)]
    assert conflict_summary(found[0], zone=BERLIN, day=ten.date())["text"] == (
        "Jonas Weiß already has “Quartalsgespräch Globex”, 10:00–11:00.")
    sent = searches(sandbox)[before:]
    assert len(sent) == 1
    owners_filter = sent[0]["json"]["filterGroups"][0]["filters"][0]
    assert owners_filter["operator"] == "IN" and sorted(owners_filter["values"]) == [LENA, JONAS, SARAH]


def test_a_second_check_the_same_day_is_answered_from_the_cache(rep, jonas, sandbox):
    ten = meeting_start(10)
    book(jonas, "Quartalsgespräch Globex", ten)
    meeting_conflicts(user=rep, start=ten + timedelta(hours=3), end=ten + timedelta(hours=4), attendee_ids=[JONAS])
    before = len(searches(sandbox))

    moved = meeting_conflicts(user=rep, start=ten + timedelta(minutes=30), end=ten + timedelta(hours=1),
                              attendee_ids=[JONAS])
    rep_alone = meeting_conflicts(user=rep, start=ten, end=ten + timedelta(hours=1), attendee_ids=[])

    assert [c.meeting.title for c in moved] == ["Quartalsgespräch Globex"]
    assert rep_alone == []
    assert len(searches(sandbox)) == before  # no search at all


def test_the_endpoint_warns_in_the_reps_language(rep_client, rep, jonas, sandbox):
    ten = meeting_start(10)
    book(jonas, "Quartalsgespräch Globex", ten)

    english = check(rep_client, ten + timedelta(minutes=30), attendees=[JONAS])
    german = check(rep_client, ten + timedelta(minutes=30), attendees=[JONAS], language="de")

    assert english.status_code == 200
    assert english.json() == {"conflicts": [{
        "owner": "Jonas Weiß", "title": "Quartalsgespräch Globex", "range": "10:00–11:00",
        "text": "Jonas Weiß already has “Quartalsgespräch Globex”, 10:00–11:00.",
    }]}
    assert german.json()["conflicts"][0]["text"] == "Jonas Weiß hat bereits „Quartalsgespräch Globex“, 10:00–11:00."


def test_a_spent_search_budget_skips_the_check_says_so_and_caches_nothing(rep_client, rep, sandbox, settings):
    ten = meeting_start(10)
    book(rep, "Quartalsgespräch Globex", ten)
    settings.HUBSPOT_SEARCHES_PER_SECOND = 1
    PortalBudget(rep.hubspot.hub_id).take(search=True)  # another rep's search took this second's only slot
    before = len(searches(sandbox))

    skipped = check(rep_client, ten + timedelta(minutes=30))

    assert skipped.status_code == 200
    assert skipped.json() == {"conflicts": [], "skipped": str(CHECK_SKIPPED_BUDGET)}
    assert len(searches(sandbox)) == before  # nothing was sent
    settings.HUBSPOT_SEARCHES_PER_SECOND = 4
    again = check(rep_client, ten + timedelta(minutes=30))
    assert [c["title"] for c in again.json()["conflicts"]] == ["Quartalsgespräch Globex"]
    assert len(searches(sandbox)) == before + 1  # the skipped check had cached no "free" day


def test_hubspot_failing_skips_the_check_without_resending(rep_client, rep, sandbox):
    ten = meeting_start(10)
    sandbox.fault(MEETING_SEARCH, count=1, status=503)
    before = len(searches(sandbox))

    failed = check(rep_client, ten)
    right_after = check(rep_client, ten + timedelta(minutes=15))

    assert failed.status_code == right_after.status_code == 200
    assert failed.json() == right_after.json() == {"conflicts": [], "skipped": str(CHECK_SKIPPED_UNAVAILABLE)}
    # One search, never resent; the check just after does not ask a failing HubSpot again.
    assert len(searches(sandbox)) == before + 1


def test_owners_the_form_does_not_offer_are_left_out(rep_client, rep, sandbox):
    other_portals_owner, unknown = "82345600206", "71234599999"

    response = check(rep_client, meeting_start(10), attendees=[other_portals_owner, unknown, JONAS])

    assert response.status_code == 200
    assert sorted(searches(sandbox)[-1]["json"]["filterGroups"][0]["filters"][0]["values"]) == [LENA, JONAS]


def test_the_check_needs_a_signed_in_user(client, sandbox):
    response = client.get(reverse("meeting_conflicts"), {"start": form_value(meeting_start(10)), "duration": "60",
                                                         "time_zone": "Europe/Berlin"})

    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert searches(sandbox) == []


@pytest.mark.parametrize("params", [
    {"start": "morgen früh", "duration": "60", "time_zone": "Europe/Berlin"},
    {"duration": "60", "time_zone": "Europe/Berlin"},
    {"start": "START", "duration": "60", "time_zone": "Mars/Olympus_Mons"},
    {"start": "START", "end": "START", "time_zone": "Europe/Berlin"},
    {"start": "START", "time_zone": "Europe/Berlin"},
    {"start": "START", "duration": str(8 * 24 * 60), "time_zone": "Europe/Berlin"},
    {"start": "START", "duration": "-5", "time_zone": "Europe/Berlin"},
    {"start": "START", "duration": "60", "time_zone": "Europe/Berlin", "attendees": "1; DROP TABLE"},
    {"start": "START", "duration": "60", "time_zone": "Europe/Berlin", "start_occurrence": "third"},
])
def test_bad_input_is_a_400_with_json_never_a_500(rep_client, sandbox, params):
    start = form_value(meeting_start(10))
    response = rep_client.get(reverse("meeting_conflicts"), {k: v.replace("START", start) for k, v in params.items()})

    assert response.status_code == 400
    assert response.json()["conflicts"] == [] and response.json()["errors"]
    assert searches(sandbox) == []


def test_a_canceled_meeting_holds_no_time(rep, sandbox):
    ten = meeting_start(10)
    book(rep, "Abgesagtes Gespräch", ten, outcome="CANCELED")

    assert meeting_conflicts(user=rep, start=ten, end=ten + timedelta(minutes=30), attendee_ids=[]) == []


def test_a_meeting_just_booked_here_is_a_conflict_at_once_though_hubspots_search_lags(rep, sandbox):
    sandbox.set_search_lag(300)
    ten = meeting_start(10)
    book(rep, "Gerade gebucht", ten)

    found = meeting_conflicts(user=rep, start=ten + timedelta(minutes=30), end=ten + timedelta(minutes=90),
                              attendee_ids=[])

    assert [(c.meeting.title, c.is_rep, c.title_hidden) for c in found] == [("Gerade gebucht", True, False)]
    assert conflict_summary(found[0], zone=BERLIN, day=ten.date())["text"] == (
        "You already have “Gerade gebucht”, 10:00–11:00.")


def test_an_attendees_meeting_booked_here_by_another_rep_shows_as_time_taken_without_its_title(rep, jonas, sandbox):
    sandbox.set_search_lag(300)
    ten = meeting_start(10)
    book(jonas, "Vertraulich", ten, attendees=[SARAH])

    found = meeting_conflicts(user=rep, start=ten, end=ten + timedelta(hours=1), attendee_ids=[JONAS, SARAH])
    shown = [conflict_summary(c, zone=BERLIN, day=ten.date())["text"] for c in found]

    assert sorted(shown) == ["Jonas Weiß already has a meeting booked here, 10:00–11:00.",
                             "Sarah Thompson already has a meeting booked here, 10:00–11:00."]
    assert not any("Vertraulich" in text for text in shown)


def test_a_meeting_found_in_hubspot_and_booked_here_is_named_once(rep, sandbox):
    ten = meeting_start(10)
    book(rep, "Einmal", ten)

    found = meeting_conflicts(user=rep, start=ten, end=ten + timedelta(hours=1), attendee_ids=[])

    assert [c.meeting.title for c in found] == ["Einmal"]
