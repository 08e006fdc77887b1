"""My meetings can show what is coming up: meetings that have not started, soonest first."""

from __future__ import annotations

from datetime import UTC, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

pytestmark = pytest.mark.django_db


def titles_in_order(html: str, titles: list[str]) -> list[str]:
    return sorted((t for t in titles if t in html), key=html.index)


def test_coming_up_lists_meetings_not_started_yet_soonest_first(client, lena, record_factory):
    now = timezone.now().astimezone(UTC)
    for minutes_ago, (title, starts_in) in enumerate(reversed([
            ("Gestern", -timedelta(days=1)), ("In drei Tagen", timedelta(days=3)), ("Morgen", timedelta(days=1)),
            ("In einer Woche", timedelta(days=7))])):
        # Submitted in the order listed: the newest submission is the one a week ahead.
        record_factory(user=lena, title=title, start_at=now + starts_in, end_at=now + starts_in + timedelta(hours=1),
                       created_at=now - timedelta(minutes=minutes_ago))
    titles = ["Gestern", "Morgen", "In drei Tagen", "In einer Woche"]
    client.force_login(lena)

    coming_up = client.get(reverse("history_mine"), {"when": "coming-up"}).content.decode()
    everything = client.get(reverse("history_mine")).content.decode()

    body = coming_up[coming_up.index("<table"):]
    assert titles_in_order(body, titles) == ["Morgen", "In drei Tagen", "In einer Woche"]
    assert titles_in_order(everything[everything.index("<table"):], titles)[0] == "In einer Woche"  # newest first
    assert "Gestern" in everything


def test_the_admins_list_has_no_coming_up_view(admin_client, lena, record_factory):
    record_factory(user=lena, title="Kick-off")

    page = admin_client.get(reverse("history_all")).content.decode()

    assert 'name="when"' not in page
