"""The history pages in Chromium: no Content-Security-Policy violations, an accessible chart, badges with text."""

import pytest
from playwright.sync_api import expect

from meetings.models import MeetingRecord

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_history_pages_render_under_the_strict_policy(page, live_server, browser_login, superuser, lena,
                                                      record_factory):
    records = {status: record_factory(user=lena, status=status, title=f"Termin {status.label}")
               for status in MeetingRecord.Status}
    violations = []
    page.on("console", lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None)
    browser_login(page, superuser)

    page.goto("/meetings/all/")
    expect(page.get_by_role("group", name="Meetings per week by status, last 12 weeks")).to_be_visible()
    row = page.get_by_role("row").filter(has_text="Termin Failed")
    expect(row.get_by_text("Failed", exact=True)).to_be_visible()
    row.get_by_role("link", name="Termin Failed").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Termin Failed")
    expect(page.get_by_test_id("failure-in-words")).to_be_visible()  # an admin reads why; only its rep tries again
    page.goto(f"/meetings/{records[MeetingRecord.Status.UNKNOWN].pk}/")
    expect(page.get_by_role("link", name="Check HubSpot's meetings")).to_be_visible()
    page.goto("/meetings/")
    expect(page.get_by_label("Status")).to_be_visible()

    assert violations == []


def test_my_meetings_fit_a_phone(browser, live_server, browser_login, lena, record_factory):
    record_factory(user=lena, title="Quartalsgespräch mit der Geschäftsführung der Müller Maschinenbau GmbH",
                   associations=[{"type": "companies", "id": "1", "label": "Müller Maschinenbau GmbH & Co. KG"}])
    context = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844}, locale="de-DE")
    page = context.new_page()
    browser_login(page, lena)

    page.goto("/meetings/")

    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    row = page.get_by_role("row").filter(has_text="Quartalsgespräch")
    row.scroll_into_view_if_needed()
    expect(row.get_by_text("Angelegt", exact=True)).to_be_in_viewport()  # not off to the right
    expect(row.get_by_role("link", name="HubSpot")).to_be_in_viewport()
    context.close()
