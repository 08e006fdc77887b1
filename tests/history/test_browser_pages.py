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
    expect(page.get_by_role("img", name="Meetings per week by status, last 12 weeks")).to_be_visible()
    row = page.get_by_role("row").filter(has_text="Termin Failed")
    expect(row.get_by_text("Failed", exact=True)).to_be_visible()
    row.get_by_role("link", name="Termin Failed").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Termin Failed")
    expect(page.get_by_role("link", name="Try again")).to_be_visible()
    page.goto(f"/meetings/{records[MeetingRecord.Status.UNKNOWN].pk}/")
    expect(page.get_by_role("link", name="Check HubSpot's meetings")).to_be_visible()
    page.goto("/meetings/")
    expect(page.get_by_label("Status")).to_be_visible()

    assert violations == []
