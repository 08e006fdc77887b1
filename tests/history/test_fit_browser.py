"""All meetings in Chromium: no sideways scroll on a phone, titles that wrap between words at 1280 px, the viewer's
zone from the first visit on, and "Verify now" followed on the page until the worker has walked the chain."""

import pytest
from playwright.sync_api import expect

from hubspot_login.models import HubSpotConnection
from meetings.audit.models import AuditVerification
from tests.audit.conftest import final_record  # noqa: F401 - the chained-record factory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
LONG_TITLE = "Onboarding-Kickoff Quartalsgespräch mit der Geschäftsführung der Müller Maschinenbau GmbH"
LONG_COMPANY = "Müller Maschinenbau- und Anlagenbaugesellschaft mbH & Co. KG"
# Every word of a title cell on one line: a word split across lines has two boxes.
WORDS_SPLIT = """(cell) => {
  const split = [];
  const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    for (const match of node.textContent.matchAll(/\\S+/g)) {
      const range = document.createRange();
      range.setStart(node, match.index);
      range.setEnd(node, match.index + match[0].length);
      const lines = new Set([...range.getClientRects()].map((rect) => Math.round(rect.top)));
      if (lines.size > 1) split.push(match[0]);
    }
  }
  return split;
}"""


@pytest.fixture
def busy_history(make_user, record_factory):
    """Several reps with long names in two portals, long titles, a week of every status."""
    reps = [make_user(f"rep{n}.mit.einem.langen.namen@example-maschinenbau.de", first_name="Maximilian-Alexander",
                      last_name=f"Schmidt-Leutheusser {n}") for n in range(4)]
    for number, rep in enumerate(reps):
        HubSpotConnection.objects.create(user=rep, hub_id=24681357, hubspot_user_id=5120100 + number)
        for status in ("created", "failed", "pending", "not_created"):
            record_factory(user=rep, status=status, title=LONG_TITLE, hub_id=24681357 + number % 2,
                           hub_domain=f"demo-portal-{number % 2}.sandbox-maschinenbau-gruppe.local",
                           associations=[{"type": "companies", "id": "1", "label": LONG_COMPANY},
                                         {"type": "contacts", "id": "2", "label": "Anna-Katharina Schröder-Wolff"}])
    return reps


def test_all_meetings_does_not_scroll_sideways_on_a_phone(browser, live_server, browser_login, admin_user,
                                                         busy_history):
    for language in ("en-US", "de-DE"):
        context = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844},
                                      locale=language, timezone_id="Europe/Berlin")
        page = context.new_page()
        browser_login(page, admin_user)

        page.goto("/meetings/all/")
        expect(page.get_by_test_id("records")).to_be_visible()

        assert page.evaluate("document.documentElement.scrollWidth") <= 390, language
        context.close()


def test_titles_wrap_between_words_at_1280(browser, live_server, browser_login, admin_user, busy_history):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900},
                                  timezone_id="Europe/Berlin")
    page = context.new_page()
    browser_login(page, admin_user)

    page.goto("/meetings/all/")
    cells = page.locator("td.history-title")
    expect(cells.first).to_be_visible()

    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    assert [cells.nth(n).evaluate(WORDS_SPLIT) for n in range(cells.count())] == [[]] * cells.count()
    context.close()


def test_the_first_visit_shows_the_viewers_zone_at_once(browser, live_server, browser_login, lena, record_factory):
    record_factory(user=lena)
    context = browser.new_context(base_url=live_server.url, timezone_id="America/New_York")
    page = context.new_page()
    browser_login(page, lena)  # a session, but no zone cookie yet: the very first page

    page.goto("/meetings/")

    expect(page.get_by_test_id("times-in")).to_have_text("Times in America/New_York.")
    context.close()


def test_verify_now_from_the_page(page, browser_login, admin_user, lena, final_record, run_due_tasks):  # noqa: F811
    final_record(user=lena)
    browser_login(page, admin_user)
    page.goto("/meetings/all/")
    expect(page.get_by_test_id("audit-state")).to_contain_text("has not been verified yet")

    page.get_by_role("button", name="Verify now").click()
    expect(page.get_by_text("Waiting for the worker…")).to_be_visible()
    run_due_tasks()

    expect(page.get_by_test_id("audit-state")).to_contain_text("the chain holds, 1 meeting record checked.",
                                                               timeout=15_000)
    assert AuditVerification.objects.exists()


def test_a_bar_shows_its_counts_on_keyboard_focus(page, browser_login, admin_user, lena, record_factory):
    for status in ("created", "created", "failed", "pending"):
        record_factory(user=lena, status=status)
    browser_login(page, admin_user)
    page.goto("/meetings/all/")

    detail = page.locator(".chart-bar").last.locator(".chart-detail")
    expect(detail).to_be_hidden()
    page.locator(".chart-bar").last.focus()

    expect(detail).to_be_visible()
    expect(detail).to_contain_text("Created 2, Pending 1, Failed 1")
