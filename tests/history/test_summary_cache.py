"""The chart and per-rep counts are computed once per interval per scope and filters; the list never waits."""

import time
from datetime import UTC, datetime, timedelta
from datetime import time as dt_time

import pytest
from django.urls import reverse
from django.utils import timezone

from hubspot_login.models import HubSpotConnection
from meetings.history import caches as history_caches
from meetings.models import MeetingRecord

pytestmark = pytest.mark.django_db


def titles(response) -> list[str]:
    return [record.title for record in response.context["page"]]


def charted(response) -> int:
    """How many records the chart's bars count."""
    return sum(bar["total"] for bar in response.context["chart"]["bars"])


@pytest.fixture
def reps_connected(lena, jonas):
    for number, rep in enumerate((lena, jonas)):
        HubSpotConnection.objects.create(user=rep, hub_id=24681357, hubspot_user_id=5120001 + number)


def test_a_new_record_is_listed_at_once_and_charted_after_the_interval(client, lena, record_factory, settings):
    settings.HISTORY_SUMMARY_SECONDS = 1
    record_factory(user=lena, title="Erster", created_at=timezone.now() - timedelta(minutes=1))
    client.force_login(lena)
    assert charted(client.get(reverse("history_mine"))) == 1

    record_factory(user=lena, title="Zweiter", created_at=timezone.now())
    response = client.get(reverse("history_mine"))

    assert titles(response) == ["Zweiter", "Erster"]
    assert charted(response) == 1 and 'data-count="1"' in response.content.decode()
    time.sleep(1.1)
    later = client.get(reverse("history_mine"))
    assert charted(later) == 2 and 'data-count="2"' in later.content.decode()


def test_a_rep_never_sees_the_counts_of_others(client, admin_user, lena, jonas, record_factory):
    record_factory(user=lena)
    for _ in range(3):
        record_factory(user=jonas, status=MeetingRecord.Status.FAILED)
    client.force_login(admin_user)
    assert charted(client.get(reverse("history_all"))) == 4  # everyone's, cached first

    client.force_login(jonas)
    assert charted(client.get(reverse("history_mine"))) == 3
    client.force_login(lena)
    mine = client.get(reverse("history_mine"))

    assert charted(mine) == 1 and mine.context["by_rep"] is None
    assert 'data-status="failed"' not in mine.content.decode()


def test_an_admins_filters_are_counted_apart(client, admin_user, lena, jonas, reps_connected, record_factory):
    record_factory(user=lena, status=MeetingRecord.Status.FAILED)
    record_factory(user=jonas)
    record_factory(user=jonas)
    client.force_login(admin_user)

    everything = client.get(reverse("history_all"))
    failed = client.get(reverse("history_all"), {"status": "failed"})
    jonas_only = client.get(reverse("history_all"), {"rep": jonas.pk})

    assert (charted(everything), charted(failed)) == (3, 1)
    assert [(rep["name"], rep["total"]) for rep in failed.context["by_rep"]] == [("Lena Müller", 1)]
    assert charted(jonas_only) == 2 and [rep["name"] for rep in jonas_only.context["by_rep"]] == ["Jonas Weiß"]


def test_an_admins_own_meetings_are_not_everyones(client, admin_user, lena, record_factory):
    record_factory(user=lena)
    record_factory(user=admin_user)
    client.force_login(admin_user)

    assert charted(client.get(reverse("history_all"))) == 2
    assert charted(client.get(reverse("history_mine"))) == 1


def test_the_chart_leaves_the_search_aside_and_says_so(client, lena, record_factory):
    record_factory(user=lena, title="Kick-off Müller")
    record_factory(user=lena, title="Renewal")
    client.force_login(lena)

    searched = client.get(reverse("history_mine"), {"q": "müller"})

    assert titles(searched) == ["Kick-off Müller"] and charted(searched) == 2
    assert 'data-testid="chart-without-search"' in searched.content.decode()
    assert 'data-testid="chart-without-search"' not in client.get(reverse("history_mine")).content.decode()


def test_the_drawn_filters_follow_the_values_and_the_language(client, lena, record_factory):
    record_factory(user=lena)
    client.force_login(lena)

    searched = client.get(reverse("history_mine"), {"q": "Größe", "status": "failed"}).content.decode()
    plain = client.get(reverse("history_mine")).content.decode()
    german = client.get(reverse("history_mine"), HTTP_ACCEPT_LANGUAGE="de").content.decode()

    assert 'value="Größe"' in searched and '<option value="failed" selected>' in searched
    assert 'value="Größe"' not in plain and '<option value="failed" selected>' not in plain
    assert ">Suche</label>" in german and ">Search</label>" in plain


def test_a_newly_connected_rep_is_offered_once_the_choices_interval_passes(
        client, admin_user, lena, jonas, record_factory, monkeypatch):
    monkeypatch.setattr(history_caches, "CHOICES_SECONDS", 1)
    HubSpotConnection.objects.create(user=lena, hub_id=24681357, hubspot_user_id=5120001)
    client.force_login(admin_user)
    assert f'<option value="{jonas.pk}"' not in client.get(reverse("history_all")).content.decode()

    HubSpotConnection.objects.create(user=jonas, hub_id=24681357, hubspot_user_id=5120002)
    time.sleep(1.1)

    assert f'<option value="{jonas.pk}">Jonas Weiß' in client.get(reverse("history_all")).content.decode()


def test_the_counts_of_a_date_filter_follow_the_viewers_zone(client, lena, record_factory):
    # Half past eleven at night in UTC is half past midnight the next day in Berlin (an hour ahead in winter,
    # two in summer): a filter from that next day counts the record for a viewer in Berlin, not in UTC.
    yesterday = timezone.now().astimezone(UTC).date() - timedelta(days=1)
    late = datetime.combine(yesterday, dt_time(23, 30), tzinfo=UTC)
    record_factory(user=lena, created_at=late)
    client.force_login(lena)
    since = {"submitted_from": (yesterday + timedelta(days=1)).isoformat()}

    client.cookies["viewer_tz"] = "UTC"
    in_utc = charted(client.get(reverse("history_mine"), since))
    client.cookies["viewer_tz"] = "Europe/Berlin"
    in_berlin = charted(client.get(reverse("history_mine"), since))

    assert (in_utc, in_berlin) == (0, 1)
