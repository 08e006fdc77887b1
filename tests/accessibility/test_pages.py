"""Every page and state a rep or an admin meets, checked by axe-core: 0 violations, in English and German."""

import pytest
from django.test import override_settings
from playwright.sync_api import expect

from meetings.models import MeetingRecord, MeetingTemplate, OutcomeNotice
from tests.api_version import API_VERSION
from tests.clock import BERLIN, form_value, meeting_start, next_clock_change
from tests.conftest import meeting_post

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
CREATE = f"/scheduler/{API_VERSION}/meetings/calendar"
# The form's own submit: after it come the template's save button (the last submit on the page).
SUBMIT = "#meeting-form button[type=submit]:not([name=save_template])"


def test_the_home_page_of_a_signed_in_rep(language_page, audit, sandbox, rep, browser_login, record_factory):
    record_factory(user=rep, status=MeetingRecord.Status.CREATED, title="Bald")  # a month or more ahead
    browser_login(language_page, rep)
    language_page.goto("/")
    expect(language_page.get_by_test_id("upcoming")).to_be_visible()
    audit("home, signed in")
    language_page.locator("#disconnect-fold > summary").click()
    audit("home, disconnect asked")

    assert audit.found == {}


def test_pages_before_sign_in(language_page, audit, sandbox):
    page = language_page
    for name, url in [("landing", "/"), ("sign-in", "/accounts/login/"),
                      ("sign-in failed", "/accounts/hubspot/login/callback/?error=access_denied&state=x")]:
        page.goto(url)
        audit(name)

    assert audit.found == {}


def test_the_meeting_form_in_every_state(language_page, audit, live_server, sandbox, rep, browser_login, demo):
    page = language_page
    browser_login(page, rep)
    page.goto("/meetings/new/")
    expect(page.locator("#preview")).to_be_visible()
    expect(page.locator("#id_time_zone")).to_have_value("Europe/Berlin")  # the zones have loaded
    audit("form, empty")

    page.locator("#id_time_zone-ts-control").click()  # the zone search: labelled, found, and found nothing
    page.locator(".dropdown-input").press_sequentially("Germany", delay=10)
    expect(page.locator("#id_time_zone-ts-dropdown .option").first).to_be_visible()
    audit("form, the zone search")
    page.locator(".dropdown-input").fill("Qqqxz")
    expect(page.locator("#id_time_zone-ts-dropdown .no-results")).to_be_visible()
    audit("form, the zone search finds nothing")
    page.keyboard.press("Escape")

    page.locator("#end-fold > summary").click()
    page.locator("#more-fold > summary").click()
    expect(page.locator("#id_internal_notes")).to_be_visible()
    audit("form, everything unfolded")

    contacts = page.locator(".picker[data-kind=contacts] input").first
    contacts.click()
    contacts.press_sequentially(demo["contacts"][0]["email"][:6], delay=20)
    expect(page.locator(".ts-dropdown.multi .option").first).to_be_visible()
    audit("form, a picker open")
    contacts.press("Escape")

    page.locator(SUBMIT).last.click()  # nothing typed: every required field complains
    expect(page.locator("#form-errors")).to_be_visible()
    audit("form, with validation errors")

    soon = meeting_start(10, days_ahead=0)
    page.locator("#id_title").fill("Zu spät erinnert")
    page.locator("#id_start").fill(form_value(soon.replace(day=soon.day)))
    page.locator("#id_duration").select_option("30")
    page.locator("#id_reminders-0-number").fill("99")
    page.locator("#id_reminders-0-unit").select_option("WEEKS")
    page.locator(SUBMIT).last.click()
    expect(page.locator("#form-errors")).to_be_visible()
    audit("form, a reminder in the past")

    repeated = next_clock_change(BERLIN, forward=False).middle_of_changed_hour()
    page.locator("#id_start").fill(f"{repeated:%Y-%m-%dT%H:%M}")
    page.locator("#id_reminders-0-number").fill("1")
    page.locator("#id_reminders-0-unit").select_option("HOURS")
    page.locator(SUBMIT).last.click()
    expect(page.locator("input[name=start_occurrence]").first).to_be_visible()
    audit("form, which 02:30")

    sandbox.fault(CREATE, status=400)  # HubSpot refuses: its errors land on the fields
    page.locator("input[name=start_occurrence]").first.check()
    page.locator(SUBMIT).last.click()
    expect(page.locator("#form-errors")).to_be_visible()
    audit("form, refused by HubSpot")

    assert audit.found == {}


def test_done_and_history_pages_for_every_status(language_page, audit, sandbox, rep, browser_login,
                                                 record_factory, django_user_model):
    page = language_page
    records = {status: record_factory(user=rep, status=status, title=f"Termin {status}")
               for status in MeetingRecord.Status}
    browser_login(page, rep)
    OutcomeNotice.objects.create(record=records[MeetingRecord.Status.NOT_CREATED], user=rep)
    page.goto("/meetings/")
    expect(page.locator("#needing-you")).to_be_visible()
    audit("my meetings, with a meeting that needs the rep (and its count in the navigation)")
    for status, record in records.items():
        page.goto(f"/meetings/{record.pk}/done/")
        audit(f"done page, {status}")
        page.goto(f"/meetings/{record.pk}/")
        audit(f"record page, {status}")
    page.goto("/meetings/")
    audit("my meetings")
    page.goto("/meetings/?status=failed&q=Termin")
    audit("my meetings, filtered")

    admin = django_user_model.objects.create_superuser("chefin", "chefin@example.de", "pw")
    browser_login(page, admin)
    page.goto("/meetings/all/?status=created")
    audit("all meetings, filtered")
    with override_settings(EXPORT_STREAM_MAX_ROWS=1):  # a link to a large export asks first
        page.goto("/meetings/all/export.csv")
        audit("a large export, asked first")

    assert audit.found == {}


def test_the_same_meeting_twice_asks_accessibly(language_page, audit, sandbox, rep, browser_login, client):
    client.force_login(rep)
    post = meeting_post(title="Doppelt")
    client.post("/meetings/new/", post)
    browser_login(language_page, rep)
    language_page.goto("/meetings/new/")
    language_page.locator("#id_title").fill("Doppelt")
    language_page.locator("#id_start").fill(post["start"])
    language_page.locator("#end-fold > summary").click()
    language_page.locator("#id_end").fill(post["end"])
    language_page.locator(SUBMIT).last.click()
    expect(language_page.locator("button[name=confirm_same]")).to_be_visible()
    audit("form, the same meeting again")

    assert audit.found == {}


def test_the_conflict_warning_reads_accessibly(language_page, audit, sandbox, rep, browser_login, client):
    client.force_login(rep)
    booked = meeting_post(title="Quartalsgespräch Globex")  # 10:00–11:00
    client.post("/meetings/new/", booked)
    browser_login(language_page, rep)
    language_page.goto("/meetings/new/")
    language_page.locator("#id_start").fill(booked["start"].replace("T10:00", "T10:30"))
    language_page.locator("#id_duration").select_option("60")
    expect(language_page.locator("#meeting-conflicts")).to_contain_text("Quartalsgespräch Globex")
    audit("form, a conflict warned")

    assert audit.found == {}


def test_meeting_templates_on_the_form_and_their_own_page(language_page, audit, sandbox, rep, browser_login):
    page = language_page
    MeetingTemplate.objects.create(name="Team-Vorlage", owner=None, hub_id=24681357, values={"title": "Team"})
    MeetingTemplate.objects.create(name="Belegt", owner=rep, hub_id=24681357, values={"title": "Belegt"})
    mine = MeetingTemplate.objects.create(name="Meine Vorlage", owner=rep, hub_id=24681357, values={"title": "T"})
    browser_login(page, rep)
    page.goto(f"/meetings/new/?template={mine.pk}")  # the chooser open, the form filled
    expect(page.locator("#template-chooser[open]")).to_be_visible()
    audit("form, filled from a template")

    page.locator(".template-save summary").click()
    page.locator("#id_template-name").fill("belegt")
    page.locator("#save-template").click()
    expect(page.locator("#id_template-name[aria-invalid=true]")).to_be_visible()
    audit("form, a template name taken")

    page.goto("/meetings/templates/")
    audit("templates")
    page.locator(f"#id_rename_{mine.pk}_name").fill("Belegt")
    page.locator(f"tr[data-template='{mine.pk}'] button[type=submit]").click()
    expect(page.locator(f"#id_rename_{mine.pk}_name[aria-invalid=true]")).to_be_visible()
    audit("templates, a name taken")
    page.goto(f"/meetings/templates/{mine.pk}/delete/")
    audit("delete a template")

    assert audit.found == {}
