"""The contact's time zone, as HubSpot has it (`hs_timezone`): offered first and one click away, and in the summary."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from meetings.core.timezones import zone_from_hubspot
from tests.clock import form_value, meeting_start
from tests.meetings.test_browser import pick


def contact_in(demo: dict, hubspot_zone: str) -> dict:
    return next(c for c in demo["contacts"] if c.get("hs_timezone") == hubspot_zone)


def test_hubspots_zone_values_name_iana_zones():
    assert zone_from_hubspot("america_slash_new_york") == "America/New_York"
    assert zone_from_hubspot("america_slash_argentina_slash_buenos_aires") == "America/Argentina/Buenos_Aires"
    assert zone_from_hubspot("europe_slash_atlantis") is None and zone_from_hubspot("") is None


@pytest.mark.django_db
def test_a_picker_search_answers_each_contact_with_its_zone(rep_client, demo):
    contact = contact_in(demo, "america_slash_new_york")

    results = rep_client.get(reverse("picker_search", args=["contacts"]), {"q": contact["email"]}).json()["results"]

    assert [(r["value"], r["zone"]) for r in results] == [(contact["id"], "America/New_York")]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_contact_from_a_hubspot_link_offers_its_zone_in_one_click(page, live_server, sandbox, rep, browser_login,
                                                                   demo):
    contact = contact_in(demo, "america_slash_new_york")
    name = f'{contact["firstname"]} {contact["lastname"]}'
    browser_login(page, rep)

    page.goto(f"/meetings/new/?contact={contact['id']}")
    page.get_by_label("Start").fill(form_value(meeting_start(10)))

    use_it = page.locator("#use-contact-zone")
    expect(use_it).to_have_text(re.compile(rf"Use the zone HubSpot has for {name}: New York"))
    expect(page.locator("#preview")).to_contain_text("The contact's zone")
    use_it.click()
    expect(page.locator("#id_time_zone")).to_have_value("America/New_York")
    expect(use_it).to_be_hidden()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_contact_found_in_the_picker_puts_its_zone_first(page, live_server, sandbox, rep, browser_login, demo):
    contact = contact_in(demo, "asia_slash_kolkata")
    name = f'{contact["firstname"]} {contact["lastname"]}'
    browser_login(page, rep)
    page.goto("/meetings/new/")

    pick(page, "Contacts", contact["email"], name)
    page.locator("#id_time_zone + .ts-wrapper .ts-control").click()

    first = page.locator(".ts-dropdown .optgroup").first
    expect(first.locator(".optgroup-header")).to_have_text("Your contacts’ zones")
    expect(first.locator(".option")).to_have_count(1)
    expect(first.locator(".option")).to_contain_text("Kolkata")
