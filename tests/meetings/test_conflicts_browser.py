"""The conflict warning in Chromium: shown while the rep types, gone when the time is free, cheap on searches."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tests.clock import form_value, meeting_start, now
from tests.meetings.conftest import connect, demo_user
from tests.meetings.test_browser import pick
from tests.meetings.test_conflicts import MEETING_SEARCH, book

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_overlap_is_named_before_submit_and_clears_when_the_time_moves(page, live_server, sandbox, rep,
                                                                          browser_login):
    ten = meeting_start(10)
    book(rep, "Quartalsgespräch Globex", ten)  # 10:00–11:00, through the app
    browser_login(page, rep)
    page.goto("/meetings/new/")
    page.get_by_label("Title").fill("Nachfassen Globex")
    searches_before = len(sandbox.requests(path=MEETING_SEARCH, method="POST"))
    warning = page.locator("#meeting-conflicts")

    page.get_by_label("Start").fill(form_value(ten + timedelta(minutes=30)))
    page.get_by_text("Set an end time instead of a duration").click()  # folded behind the duration
    page.get_by_label("End", exact=True).fill(form_value(ten + timedelta(minutes=90)))

    expect(warning).to_contain_text("You already have “Quartalsgespräch Globex”, 10:00–11:00.")
    expect(warning).to_have_attribute("aria-live", "polite")
    page.get_by_label("Start").fill(form_value(ten + timedelta(hours=1)))
    page.get_by_label("Duration").select_option(label="60 minutes")
    expect(warning).to_be_empty()
    # Both checks together cost one search: the second day's calendar came from the cache.
    assert len(sandbox.requests(path=MEETING_SEARCH, method="POST")) == searches_before + 1

    page.get_by_label("Start").fill(form_value(ten + timedelta(minutes=15)))
    expect(warning).to_contain_text("Quartalsgespräch Globex")
    page.get_by_role("button", name="Create meeting in HubSpot").click()  # a warning, never a block
    expect(page.get_by_role("heading", name="Meeting created in HubSpot")).to_be_visible()
    assert len(sandbox.requests(path=MEETING_SEARCH, method="POST")) == searches_before + 1


def test_quick_changes_cost_one_check_after_the_pause(page, live_server, sandbox, rep, browser_login):
    ten = meeting_start(10)
    browser_login(page, rep)
    checks = []
    page.on("request", lambda r: checks.append(r.url) if "/meetings/new/conflicts" in r.url else None)
    page.clock.install()
    page.goto("/meetings/new/")
    page.get_by_label("Duration").select_option(label="30 minutes")
    # From here the page's timers run only when the test says: the pause is measured, not slept.
    page.clock.pause_at(now() + timedelta(minutes=1))

    for minutes in range(0, 60, 10):  # the rep steps the start through an hour, 100 ms between changes
        page.get_by_label("Start").fill(form_value(ten + timedelta(minutes=minutes)))
        page.clock.run_for(100)
    assert checks == []  # still typing
    with page.expect_response(lambda r: "/meetings/new/conflicts" in r.url):
        page.clock.run_for(400)

    assert len(checks) == 1 and form_value(ten + timedelta(minutes=50)).replace(":", "%3A") in checks[0]
    assert len(sandbox.requests(path=MEETING_SEARCH, method="POST")) == 1


def test_choosing_a_busy_attendee_names_their_meeting(page, live_server, sandbox, rep, browser_login, demo,
                                                     django_user_model):
    jonas = django_user_model.objects.create_user(username="jonas", email="jonas.weiss@example.de")
    connect(sandbox, jonas, demo_user(demo, "jonas"))
    ten = meeting_start(10)
    book(jonas, "Quartalsgespräch Globex", ten)
    browser_login(page, rep)
    page.goto("/meetings/new/")
    page.get_by_label("Start").fill(form_value(ten + timedelta(minutes=30)))
    with page.expect_response(lambda r: "/meetings/new/conflicts" in r.url) as checked:
        page.get_by_label("Duration").select_option(label="30 minutes")
    assert checked.value.json() == {"conflicts": []}  # the rep's own calendar is free then
    warning = page.locator("#meeting-conflicts")
    expect(warning).to_be_empty()

    pick(page, "Attendees", "Jonas", "Jonas Weiß <jonas.weiss@example.de>")

    expect(warning).to_contain_text("Jonas Weiß already has “Quartalsgespräch Globex”, 10:00–11:00.")
