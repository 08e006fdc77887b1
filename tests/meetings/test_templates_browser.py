"""Meeting templates in Chromium: a rep fills the form, saves it as a template, and a new form comes back filled."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from meetings.models import MeetingRecord, MeetingTemplate
from tests.clock import form_value, meeting_start
from tests.meetings.test_browser import pick

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_save_as_template_then_start_a_new_meeting_from_it(page, live_server, sandbox, rep, browser_login, demo):
    browser_login(page, rep)
    contact = demo["contacts"][0]
    csp_violations = []
    page.on("console", lambda m: csp_violations.append(m.text) if "Content Security Policy" in m.text else None)
    page.goto("/meetings/new/")
    page.get_by_label("Title").fill("Erstgespräch Vertrieb")
    start = meeting_start(9)
    page.get_by_label("Start").fill(form_value(start))
    page.get_by_label("Duration").select_option(label="30 minutes")
    page.get_by_text("More: outcome, location, description, notes, labels, files").click()
    page.get_by_label("Outcome").select_option("COMPLETED")
    page.get_by_label("Activity type").select_option("Erstgespräch")
    page.get_by_label("Location type").select_option("ADDRESS")
    page.get_by_label("Location", exact=True).fill("Friedrichstraße 1, Berlin")
    page.get_by_label("Description", exact=True).fill("Bedarf klären.")
    pick(page, "Attendees", "Jonas", "Jonas Weiß <jonas.weiss@example.de>")
    pick(page, "Contacts", contact["email"][:12], f'{contact["firstname"]} {contact["lastname"]}')
    page.locator("#id_reminders-0-number").fill("2")
    page.locator("#id_reminders-0-unit").select_option("DAYS")

    page.get_by_text("Save as template", exact=True).first.click()  # opens the disclosure
    page.get_by_label("Template name").fill("Erstgespräch")
    page.get_by_label("Template name").press("Enter")  # saves the template, does not create the meeting

    expect(page.get_by_role("status").filter(has_text="Saved as template “Erstgespräch”")).to_be_visible()
    assert MeetingRecord.objects.count() == 0
    # Nothing typed is lost, not even what a template leaves out.
    expect(page.get_by_label("Title")).to_have_value("Erstgespräch Vertrieb")
    expect(page.get_by_label("Start")).to_have_value(form_value(start))
    expect(page.get_by_label("End", exact=True)).to_have_value(form_value(start + timedelta(minutes=30)))
    expect(page.locator("select[name=contacts] option[selected]")).to_have_attribute("value", contact["id"])

    page.goto("/meetings/new/")
    page.get_by_text("Start from a template").click()
    page.get_by_role("list", name="My templates").get_by_role("button", name="Erstgespräch").click()

    saved = MeetingTemplate.objects.get().values
    expect(page.get_by_label("Title")).to_have_value(saved["title"])
    expect(page.get_by_label("Duration")).to_have_value(str(saved["duration"]))
    expect(page.get_by_label("Outcome")).to_have_value(saved["outcome"])
    expect(page.get_by_label("Activity type")).to_have_value(saved["activity_type"])
    expect(page.get_by_label("Location type")).to_have_value(saved["location_type"])
    expect(page.get_by_label("Location", exact=True)).to_have_value(saved["location"])
    expect(page.get_by_label("Description", exact=True)).to_have_value(saved["body"])
    expect(page.locator("select[name=attendees] option[selected]")).to_have_attribute("value", saved["attendees"][0])
    expect(page.locator("#id_reminders-0-number")).to_have_value(str(saved["reminders"][0]["number"]))
    expect(page.locator("#id_reminders-0-unit")).to_have_value(saved["reminders"][0]["unit"])
    # The new meeting's own: no start, no contacts; the zone is the browser's again.
    expect(page.get_by_label("Start")).to_have_value("")
    expect(page.locator("select[name=contacts] option")).to_have_count(0)
    expect(page.locator("#id_time_zone")).to_have_value("Europe/Berlin")
    assert saved["title"] == "Erstgespräch Vertrieb" and saved["attendees"] == ["71234500102"]
    assert csp_violations == []


def test_a_template_keeps_what_a_link_from_hubspot_and_the_rep_chose(page, live_server, sandbox, rep, browser_login,
                                                                     demo):
    contact, deal = demo["contacts"][0], demo["deals"][0]
    template = MeetingTemplate.objects.create(
        name="Demo", owner=rep, hub_id=24681357,
        values={"title": "Produktdemo", "location": "Zoom", "reminders": [{"number": 2, "unit": "DAYS"}]})
    browser_login(page, rep)
    page.goto(f"/meetings/new/?contact={contact['id']}&deal={deal['id']}")
    page.get_by_label("Title").fill("Demo für Müller")  # typed before choosing the template

    page.get_by_text("Start from a template").click()
    page.get_by_role("list", name="My templates").get_by_role("button", name=template.name).click()

    expect(page.get_by_role("status").filter(has_text="Filled in from the template “Demo”")).to_be_visible()
    expect(page.locator(".picker[data-kind=contacts] .item")).to_have_text(
        f'{contact["firstname"]} {contact["lastname"]}×')
    expect(page.locator(".picker[data-kind=deals] .item")).to_have_text(f'{deal["dealname"]}×')
    expect(page.get_by_label("Title")).to_have_value("Demo für Müller")  # the rep's, not the template's
    expect(page.get_by_label("Location", exact=True)).to_have_value("Zoom")  # what the template holds
    expect(page.locator("#id_reminders-0-number")).to_have_value("2")
    assert MeetingRecord.objects.count() == 0
