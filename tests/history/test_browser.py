"""End to end in Chromium: a rep books a meeting and finds it; an admin filters by that rep and exports."""

import csv
import io

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from tests.meetings.conftest import meeting_post

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_rep_books_and_finds_it_admin_reviews_and_exports(
    page, browser, live_server, sandbox, rep, browser_login, django_user_model
):
    browser_login(page, rep)
    page.goto("/meetings/new/")
    post = meeting_post()
    page.get_by_label("Title").fill("Jahresgespräch mit Jürgen Groß")
    page.get_by_label("Start").fill(post["start"])
    page.get_by_text("Set an end time instead of a duration").click()  # folded behind the duration
    page.get_by_label("End", exact=True).fill(post["end"])
    page.get_by_role("button", name="Create meeting in HubSpot").click()
    expect(page.get_by_role("heading", name="Meeting created in HubSpot")).to_be_visible()

    page.get_by_role("link", name="My meetings").click()
    row = page.get_by_role("row").filter(has_text="Jahresgespräch mit Jürgen Groß")
    expect(row.get_by_text("Created")).to_be_visible()
    row.get_by_role("link", name="Jahresgespräch mit Jürgen Groß").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Jahresgespräch mit Jürgen Groß")
    page.get_by_text("Technical details, for support").click()  # ids are folded away below what happened
    expect(page.get_by_text("71234500101", exact=True)).to_be_visible()  # the owner id the meeting was booked with

    admin = django_user_model.objects.create_user("chefin", "chefin@example.de", first_name="Petra")
    call_command("grant_meeting_admin", "chefin@example.de", stdout=io.StringIO())
    other = django_user_model.objects.create_user("jonas", "jonas@example.de", first_name="Jonas")
    from hubspot_login.models import HubSpotConnection

    HubSpotConnection.objects.create(user=other, hub_id=24681357, hubspot_user_id=5120002)
    admin_page = browser.new_context(base_url=live_server.url).new_page()
    browser_login(admin_page, admin)
    admin_page.goto("/")
    admin_page.get_by_role("link", name="All meetings").click()
    expect(admin_page.get_by_role("row").filter(has_text="Jahresgespräch mit Jürgen Groß")).to_be_visible()
    admin_page.get_by_label("Rep", exact=True).select_option(label=f"Lena Müller ({rep.email})")
    admin_page.get_by_role("button", name="Filter").click()
    expect(admin_page.get_by_role("row").filter(has_text="Jahresgespräch mit Jürgen Groß")).to_be_visible()
    with admin_page.expect_download() as download_info:
        admin_page.get_by_role("button", name="Download CSV").click()
    with open(download_info.value.path(), encoding="utf-8-sig") as downloaded:
        rows = list(csv.reader(downloaded))
    assert rows[1][5] == "Jahresgespräch mit Jürgen Groß" and rows[1][1] == "Lena Müller"
    assert len(rows) == 2
    admin_page.context.close()
