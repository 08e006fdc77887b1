"""The meeting form in Chromium: pickers by typing, reminders added and removed, errors beside their fields."""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from meetings.models import MeetingRecord
from tests.api_version import API_VERSION
from tests.clock import BERLIN, at, form_value, hubspot_time, meeting_start, next_clock_change, now

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def pick(page, label: str, query: str, option: str) -> None:
    field = page.get_by_role("combobox", name=label, exact=True)
    field.click()
    expect(field).to_be_focused()
    field.press_sequentially(query, delay=20)  # typed, as a rep would: the picker searches as they type
    # Chosen from the keyboard: the first match is highlighted, Enter takes it.
    expect(page.locator(".ts-dropdown.multi .option.active", has_text=option)).to_be_visible()
    field.press("Enter")
    field.press("Escape")


def set_end(page, value: str) -> None:
    """Type an end: it is folded away behind the duration until the rep opens it."""
    page.get_by_text("Set an end time instead of a duration").click()
    page.get_by_label("End", exact=True).fill(value)


def open_more(page) -> None:
    page.get_by_text("More: outcome, location, description, notes, labels, files").click()


def test_fill_the_whole_form_and_create_the_meeting(page, live_server, sandbox, rep, browser_login, demo):
    browser_login(page, rep)
    contact, company = demo["contacts"][0], demo["companies"][0]
    csp_violations = []
    page.on("console", lambda m: csp_violations.append(m.text) if "Content Security Policy" in m.text else None)

    page.goto("/meetings/new/")
    page.get_by_label("Title").fill("Produktdemo bei Müller")
    expect(page.locator("#id_time_zone")).to_have_value("Europe/Berlin")  # the browser's zone
    start = meeting_start(14)
    end = start + timedelta(minutes=45)
    page.get_by_label("Start").fill(form_value(start))
    page.get_by_label("Duration").select_option(label="45 minutes")
    expect(page.get_by_label("End", exact=True)).to_have_value(form_value(end))  # folded away, following
    expect(page.get_by_label("End", exact=True)).to_be_hidden()
    open_more(page)
    page.get_by_label("Activity type").select_option("Produktdemo")
    page.get_by_label("Location type").select_option("PHONE")
    page.get_by_label("Location", exact=True).fill("+49 30 1234567")
    page.get_by_label("Description", exact=True).fill("Wir zeigen die neue Version.")
    page.get_by_label("Internal notes").fill("Entscheider ist dabei")
    pick(page, "Attendees", "Jonas", "Jonas Weiß <jonas.weiss@example.de>")
    pick(page, "Contacts", contact["email"][:12], f'{contact["firstname"]} {contact["lastname"]}')
    pick(page, "Companies", company["name"][:6], company["name"])
    page.get_by_role("button", name="Add reminder").click()
    page.locator("#id_reminders-1-number").fill("2")
    page.locator("#id_reminders-1-unit").select_option("DAYS")
    page.get_by_role("button", name="Add reminder").click()
    expect(page.get_by_role("button", name="Add reminder")).to_be_disabled()  # three at most
    page.get_by_role("button", name="Remove reminder").nth(2).click()
    expect(page.locator("#preview")).to_contain_text("Europe/Berlin")
    expect(page.locator("#preview-reminders li")).to_have_count(2)
    page.get_by_label("Include the description in reminders").check()

    page.get_by_role("button", name="Create meeting in HubSpot").click()

    expect(page.get_by_role("heading", name="Meeting created in HubSpot")).to_be_visible()
    expect(page.get_by_role("link", name="Open in HubSpot")).to_be_visible()
    record = MeetingRecord.objects.get()
    assert record.status == MeetingRecord.Status.CREATED
    assert {(a["type"], a["id"]) for a in record.associations} == {
        ("contacts", contact["id"]), ("companies", company["id"]),
    }
    sent = record.request_payload
    assert sent["properties"]["hs_meeting_start_time"] == hubspot_time(start)
    assert sent["properties"]["hs_meeting_end_time"] == hubspot_time(end)
    assert sent["emailReminderSchedule"] == {
        "reminders": [{"numberOfTimeUnits": 1, "timeUnit": "HOURS"}, {"numberOfTimeUnits": 2, "timeUnit": "DAYS"}],
        "shouldIncludeInviteDescription": True,
    }
    assert csp_violations == []


def test_a_hubspot_validation_error_appears_beside_its_field(page, live_server, sandbox, rep, browser_login, demo):
    browser_login(page, rep)
    page.goto("/meetings/new/")
    page.get_by_label("Title").fill("Termin mit gelöschtem Kontakt")
    start = form_value(meeting_start(9))
    page.get_by_label("Start").fill(start)
    set_end(page, form_value(meeting_start(10)))
    contact = demo["contacts"][1]
    pick(page, "Contacts", contact["email"][:12], f'{contact["firstname"]} {contact["lastname"]}')
    sandbox.fault(f"/scheduler/{API_VERSION}/meetings/calendar", count=1, status=400)

    page.get_by_role("button", name="Create meeting in HubSpot").click()

    expect(page.locator("#form-errors")).to_contain_text("HubSpot did not create the meeting")
    details = page.get_by_test_id("technical-details")
    expect(details).to_be_hidden()  # HubSpot's own words, for whoever needs them
    page.locator("#form-errors").get_by_text("Technical details", exact=True).click()
    expect(details).to_contain_text("correlation id:")
    expect(page.get_by_label("Title")).to_have_value("Termin mit gelöschtem Kontakt")
    expect(page.get_by_label("Start")).to_have_value(start)
    expect(page.locator(".picker[data-kind=contacts] .item")).to_have_text(
        f'{contact["firstname"]} {contact["lastname"]}×')


def test_a_validation_error_is_tied_to_its_field(page, live_server, sandbox, rep, browser_login):
    browser_login(page, rep)
    page.goto("/meetings/new/")
    page.get_by_label("Title").fill("Termin")
    gap = next_clock_change(forward=True).middle_of_changed_hour()  # 02:30 on the next spring-forward night
    page.get_by_label("Start").fill(f"{gap:%Y-%m-%dT%H:%M}")
    set_end(page, f"{gap.replace(hour=4):%Y-%m-%dT%H:%M}")
    page.get_by_role("button", name="Remove reminder").click()

    page.get_by_role("button", name="Create meeting in HubSpot").click()

    start = page.get_by_label("Start")
    expect(start).to_have_attribute("aria-invalid", "true")
    error_id = start.get_attribute("aria-describedby").split()[0]
    expect(page.locator(f"#{error_id}")).to_contain_text("does not exist in Europe/Berlin")
    expect(page.locator("#form-errors")).to_be_focused()  # keyboard and screen-reader users land on it
    expect(page.get_by_label("Title")).to_have_value("Termin")


def test_the_done_page_shows_the_outcome_once_hubspot_has_been_checked(
        page, live_server, sandbox, rep, browser_login, run_due_tasks):
    browser_login(page, rep)
    csp_violations = []
    page.on("console", lambda m: csp_violations.append(m.text) if "Content Security Policy" in m.text else None)
    page.goto("/meetings/new/")
    page.get_by_label("Title").fill("Antwort verloren")
    page.get_by_label("Start").fill(form_value(meeting_start(11)))
    set_end(page, form_value(meeting_start(12)))
    sandbox.fault(f"/scheduler/{API_VERSION}/meetings/calendar", mode="process_then_drop")  # made, answer lost

    page.get_by_role("button", name="Create meeting in HubSpot").click()
    expect(page.get_by_role("heading", name="Checking whether HubSpot made the meeting")).to_be_visible()
    run_due_tasks()  # the worker checks HubSpot while the rep looks at the page

    expect(page.get_by_role("heading", name="Meeting created in HubSpot")).to_be_visible()  # without a reload
    expect(page.get_by_role("link", name="Open in HubSpot")).to_be_visible()
    assert csp_violations == []


def test_reminder_rows_are_told_apart_and_the_limit_is_said(page, live_server, sandbox, rep, browser_login):
    browser_login(page, rep)
    page.goto("/meetings/new/")
    add = page.get_by_role("button", name="Add reminder")

    add.click()
    add.click()

    second = page.get_by_role("group", name="Reminder 2")
    expect(second.get_by_role("spinbutton", name="Remind")).to_be_visible()
    expect(page.get_by_role("button", name="Remove reminder 3", exact=True)).to_be_visible()
    expect(add).to_be_disabled()
    expect(add).to_have_accessible_description("HubSpot allows at most 3 reminders.")
    page.get_by_role("button", name="Remove reminder 1", exact=True).click()
    expect(page.get_by_role("group", name="Reminder 3")).to_have_count(0)  # renumbered: two rows, 1 and 2
    expect(page.get_by_role("group", name="Reminder 2")).to_be_visible()


def test_a_long_title_is_counted_not_cut(page, live_server, sandbox, rep, browser_login):
    browser_login(page, rep)
    page.goto("/meetings/new/")
    long_title = "Quartalsgespräch " * 20  # 340 characters, pasted

    page.get_by_label("Title").fill(long_title)

    expect(page.get_by_label("Title")).to_have_value(long_title)  # nothing cut silently
    expect(page.locator("#id_title_count")).to_have_text("340 characters: 85 more than HubSpot takes (255)")
    page.get_by_label("Title").fill("Kurz")
    expect(page.locator("#id_title_count")).to_have_text("4 of 255 characters")


def test_the_chosen_time_zone_stays_reachable_and_each_zone_is_offered_once(page, live_server, sandbox, rep,
                                                                           browser_login):
    browser_login(page, rep)
    page.goto("/meetings/new/")
    zone = page.get_by_role("combobox", name="Time zone")
    expect(page.locator("#id_time_zone")).to_have_value("Europe/Berlin")  # the zones have loaded: the browser's

    zone.click()
    page.keyboard.type("Europe/Vienna", delay=10)
    vienna = page.get_by_role("option", name=re.compile(r"^Vienna — CES?T \(UTC\+[12]\)$"))
    expect(vienna).to_be_visible()
    page.keyboard.press("Enter")

    expect(page.locator("#id_time_zone")).to_have_value("Europe/Vienna")
    box = zone.bounding_box()
    assert box is not None and box["x"] >= 0 and box["width"] > 0  # on screen, where a pointer can reach it
    zone.click()
    expect(vienna).to_have_count(1)


@pytest.mark.parametrize(("typed", "offered", "value"), [
    ("Germany", r"^Berlin — CES?T", "Europe/Berlin"),
    ("Pacific Time", r"^Los Angeles — P[SD]T", "America/Los_Angeles"),
    ("Mumbai", r"^Kolkata — IST \(UTC\+5:30\)$", "Asia/Kolkata"),
    ("Tokyo", r"^Tokyo — JST \(UTC\+9\)$", "Asia/Tokyo"),
])
def test_a_zone_is_found_by_country_common_name_and_city(page, live_server, sandbox, rep, browser_login,
                                                         typed, offered, value):
    browser_login(page, rep)
    page.goto("/meetings/new/")
    expect(page.locator("#id_time_zone")).to_have_value("Europe/Berlin")
    page.get_by_role("combobox", name="Time zone").click()

    search = page.get_by_label("Search time zones by city, country or name")
    expect(search).to_be_focused()
    search.press_sequentially(typed, delay=10)
    expect(page.get_by_role("listbox", name="Time zone").get_by_role("option").first).to_have_text(re.compile(offered))
    page.keyboard.press("Enter")

    expect(page.locator("#id_time_zone")).to_have_value(value)


def test_tabbing_through_the_form_opens_nothing_and_stops_once_per_field(page, live_server, sandbox, rep,
                                                                         browser_login):
    browser_login(page, rep)
    page.goto("/meetings/new/")
    expect(page.locator("#id_time_zone")).to_have_value("Europe/Berlin")
    page.get_by_label("Title").focus()

    page.keyboard.press("Tab")
    expect(page.get_by_label("Start")).to_be_focused()
    page.keyboard.press("Tab")  # the whole date and time is one stop
    expect(page.get_by_label("Duration")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_role("combobox", name="Time zone")).to_be_focused()
    expect(page.locator(".ts-dropdown:visible")).to_have_count(0)  # the zone list does not open by itself
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Shift+Tab")
    expect(page.get_by_label("Start")).to_be_focused()


def test_the_end_follows_the_duration_until_the_rep_opens_it(page, live_server, sandbox, rep, browser_login):
    browser_login(page, rep)
    page.goto("/meetings/new/")
    start = meeting_start(9)
    page.get_by_label("Start").fill(form_value(start))

    expect(page.get_by_label("Duration")).to_have_value("30")  # a fresh form's
    expect(page.get_by_label("End", exact=True)).to_have_value(form_value(start + timedelta(minutes=30)))
    expect(page.get_by_label("End", exact=True)).to_be_hidden()
    page.get_by_label("Duration").select_option("")  # "— or enter an end —"
    expect(page.get_by_label("End", exact=True)).to_be_visible()
    page.get_by_label("End", exact=True).fill(form_value(start + timedelta(minutes=50)))
    expect(page.get_by_label("Duration")).to_have_value("")


def test_a_reminder_unit_agrees_with_its_number(page, live_server, sandbox, rep, browser_login):
    browser_login(page, rep)
    page.goto("/meetings/new/")
    unit = page.locator("#id_reminders-0-unit")

    expect(unit.locator("option:checked")).to_have_text("hour before")
    page.locator("#id_reminders-0-number").fill("2")
    expect(unit.locator("option:checked")).to_have_text("hours before")


def test_the_summary_shows_the_title_and_who_takes_part(page, live_server, sandbox, rep, browser_login, demo):
    browser_login(page, rep)
    contact = demo["contacts"][0]
    page.goto("/meetings/new/")
    page.get_by_label("Title").fill("Kennenlernen")
    pick(page, "Contacts", contact["email"][:12], f'{contact["firstname"]} {contact["lastname"]}')
    pick(page, "Attendees", "Jonas", "Jonas Weiß <jonas.weiss@example.de>")

    expect(page.locator("#summary-title")).to_have_text("Kennenlernen")
    expect(page.locator("#summary-who")).to_contain_text(f'Contacts: {contact["firstname"]} {contact["lastname"]}')
    expect(page.locator("#summary-who")).to_contain_text("Attendees: Jonas Weiß")


def test_a_link_from_hubspot_opens_the_form_with_its_records_chosen(page, live_server, sandbox, rep, browser_login,
                                                                    demo):
    browser_login(page, rep)
    contact, deal = demo["contacts"][0], demo["deals"][0]

    page.goto(f"/meetings/new/?contact={contact['id']}&deal={deal['id']}&ticket=99999999")

    expect(page.locator(".picker[data-kind=contacts] .item")).to_have_text(
        f'{contact["firstname"]} {contact["lastname"]}×')
    expect(page.locator(".picker[data-kind=deals] .item")).to_have_text(f'{deal["dealname"]}×')
    expect(page.locator(".picker[data-kind=tickets] .item")).to_have_count(0)
    expect(page.locator(".messages")).to_contain_text("Left out because your HubSpot does not show them to you: ticket 99999999")


def test_back_after_creating_keeps_the_pickers_choice_and_asks_before_a_second_meeting(
        page, live_server, sandbox, rep, browser_login, demo):
    browser_login(page, rep)
    contact = demo["contacts"][0]
    name = f'{contact["firstname"]} {contact["lastname"]}'
    page.goto("/meetings/new/")
    page.get_by_label("Title").fill("Zurück und nochmal")
    page.get_by_label("Start").fill(form_value(meeting_start(15)))
    page.get_by_label("Duration").select_option(label="30 minutes")
    pick(page, "Contacts", contact["email"][:12], name)
    page.get_by_role("button", name="Create meeting in HubSpot").click()
    expect(page.get_by_role("heading", name="Meeting created in HubSpot")).to_be_visible()

    page.go_back()

    expect(page.locator("#id_contacts + .ts-wrapper .item", has_text=name)).to_be_visible()
    page.get_by_label("Title").fill("Zurück und nochmal")  # as the browser refills it (whether or not it did)
    page.get_by_label("Start").fill(form_value(meeting_start(15)))
    page.get_by_label("Duration").select_option(label="30 minutes")
    page.get_by_role("button", name="Create meeting in HubSpot").click()
    expect(page.get_by_role("heading", name="You booked this meeting already")).to_be_visible()
    assert MeetingRecord.objects.count() == 1
    assert sum(len(meetings) for meetings in sandbox.meetings().values()) == 1


def test_a_refused_create_says_plainly_which_files_must_be_attached_again(page, live_server, sandbox, rep,
                                                                          browser_login):
    browser_login(page, rep)
    page.goto("/meetings/new/")
    page.get_by_label("Title").fill("Angebot besprechen")
    page.get_by_label("Start").fill(form_value(meeting_start(9)))
    open_more(page)
    page.get_by_label("Attachments").set_input_files(
        [{"name": "angebot.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 Angebot"}])
    sandbox.fault(f"/scheduler/{API_VERSION}/meetings/calendar", count=1, status=400)

    page.get_by_role("button", name="Create meeting in HubSpot").click()

    errors = page.locator("#form-errors")
    expect(errors).to_contain_text("HubSpot did not create the meeting")
    expect(errors).to_contain_text("Your files were not kept (angebot.pdf): attach them again under “More”.")
    expect(errors).not_to_contain_text("Everything you entered is kept")
    expect(page.get_by_label("Attachments")).to_be_visible()  # "More" unfolded where they go
    expect(page.get_by_label("Title")).to_have_value("Angebot besprechen")


def test_a_past_meeting_is_logged_without_its_default_reminder(page, live_server, sandbox, rep, browser_login):
    browser_login(page, rep)
    page.goto("/meetings/new/")
    page.get_by_label("Title").fill("Gestern telefoniert")
    page.get_by_label("Start").fill(form_value(at(now().astimezone(BERLIN).date() - timedelta(days=2), 10)))
    expect(page.locator("#preview")).to_contain_text("it is logged in HubSpot without reminders")

    page.get_by_role("button", name="Create meeting in HubSpot").click()

    expect(page.get_by_role("heading", name="Meeting created in HubSpot")).to_be_visible()
    assert MeetingRecord.objects.get().request_payload["emailReminderSchedule"]["reminders"] == []
