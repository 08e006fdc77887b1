"""The list's portal column only when there is more than one portal; the chart readable without colour, its weeks
named by date and its numbers grouped and in a table."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings.core.models import week_of
from meetings.history.chart import STACK, weekly_chart

pytestmark = pytest.mark.django_db


def test_one_portal_shows_no_portal_column_nor_filter(client, admin_user, lena, record_factory):
    record_factory(user=lena, hub_id=24681357)
    client.force_login(admin_user)

    page = client.get(reverse("history_all")).content.decode()

    assert ">Portal</th>" not in page and 'name="portal"' not in page
    assert "portal-24681357.example" not in page


def test_two_portals_show_the_column_and_the_filter(client, admin_user, lena, record_factory):
    record_factory(user=lena, hub_id=24681357)
    record_factory(user=lena, hub_id=99887766)
    client.force_login(admin_user)

    page = client.get(reverse("history_all")).content.decode()

    assert ">Portal</th>" in page and 'name="portal"' in page
    assert "portal-99887766.example</bdi></td>" in page and "(99887766)" not in page  # the name, not name and id


def test_the_chart_names_weeks_by_date_groups_numbers_and_gives_each_status_a_pattern(settings):
    now = timezone.now()
    week = week_of(now)
    rows = [{"created_week": week, "status": status, "count": 5544 + n} for n, status in enumerate(STACK)]

    chart = weekly_chart(rows, now=now)
    last = chart["bars"][-1]

    assert last["label"] == f"{week.day} {week:%b}"  # "1 Dec", not "W49"
    assert last["total_text"] == f"{sum(5544 + n for n in range(len(STACK))):,}"
    assert all(segment["labelled"] for segment in last["segments"])  # tall enough: the count inside


def test_the_page_draws_patterns_a_table_and_german_dates(client, admin_user, lena, record_factory):
    for _ in range(3):
        record_factory(user=lena)
    record_factory(user=lena, status="pending", created_at=timezone.now() - timedelta(weeks=1))
    client.force_login(admin_user)

    page = client.get(reverse("history_all")).content.decode()
    german = client.get(reverse("history_all"), HTTP_ACCEPT_LANGUAGE="de").content.decode()

    for status in STACK:
        assert f'<pattern id="pattern-{status}"' in page
    assert "The chart as a table" in page and 'aria-label="Week of ' in page
    this_week = week_of(timezone.localtime())
    assert f">{this_week.day}.{this_week.month}.<" in german and "KW" not in german  # "1.12."
