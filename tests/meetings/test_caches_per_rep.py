"""What HubSpot shows one rep is never shown to another from a cache.

Lena looks up a ticket, opens a prefill link for it and checks her calendar; Jonas, whose HubSpot
refuses him tickets and meetings (he did not grant those scopes), then asks the same things and gets
nothing of hers — the app's caches are keyed by the HubSpot user who was answered.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from meetings.portal import caches, pickers
from tests.api_version import API_VERSION
from tests.clock import form_value, meeting_start
from tests.conftest import connect, demo_user
from tests.meetings.conftest import meeting_post

pytestmark = pytest.mark.django_db
LENA_OWNER = "71234500101"
# Jonas signed in without tickets, and without the scope HubSpot's meeting search asks for (in both versions' specs).
JONAS_SCOPES = ["oauth", "crm.objects.companies.read", "crm.objects.deals.read", "crm.objects.owners.read"]


@pytest.fixture
def jonas_client(sandbox, demo, django_user_model):
    user = django_user_model.objects.create_user(username="jonas", email="jonas.weiss@example.de")
    connect(sandbox, user, demo_user(demo, "jonas"), scopes=JONAS_SCOPES)
    client = Client()
    client.force_login(user)
    return client


def ticket_search(client, word: str):
    return client.get(reverse("picker_search", args=["tickets"]), {"q": word})


def conflicts(client, start):
    return client.get(reverse("meeting_conflicts"), {
        "start": form_value(start), "duration": "60", "time_zone": "Europe/Berlin", "attendees": [LENA_OWNER]})


def test_a_ticket_and_a_calendar_lena_was_shown_are_not_shown_to_jonas(rep_client, jonas_client, sandbox, demo):
    ticket = demo["tickets"][0]
    word = ticket["subject"].split()[0]
    ten = meeting_start(10)
    booked = rep_client.post(reverse("meeting_create"), meeting_post(
        title="Quartalsgespräch Globex", start=form_value(ten), end=form_value(ten + timedelta(hours=1))))
    assert booked.status_code == 302
    # Lena's HubSpot shows her the ticket in the picker, behind a prefill link, and her meeting as a conflict.
    assert ticket["id"] in [hit["value"] for hit in ticket_search(rep_client, word).json()["results"]]
    assert f'value="{ticket["id"]}" selected' in rep_client.get(
        reverse("meeting_create"), {"ticket": ticket["id"]}).content.decode()
    assert [c["title"] for c in conflicts(rep_client, ten).json()["conflicts"]] == ["Quartalsgespräch Globex"]

    searched = ticket_search(jonas_client, word)
    linked = jonas_client.get(reverse("meeting_create"), {"ticket": ticket["id"]}).content.decode()
    checked = conflicts(jonas_client, ten).json()

    assert searched.json()["results"] == []
    assert f'value="{ticket["id"]}" selected' not in linked
    assert ticket["subject"] not in linked
    assert f"Left out because your HubSpot does not show them to you: ticket {ticket['id']}." in linked
    assert checked["conflicts"] == [] and checked["skipped"]
    # Each of Jonas's answers came from his own HubSpot, which refused him.
    refused = [r for r in sandbox.requests() if r["status"] == 403]
    assert {r["path"] for r in refused} >= {f"/crm/objects/{API_VERSION}/tickets/search",
                                           f"/crm/objects/{API_VERSION}/tickets/batch/read",
                                           f"/crm/objects/{API_VERSION}/meetings/search"}


def test_the_same_search_by_the_same_rep_is_answered_from_the_cache(rep_client, sandbox, demo):
    word = demo["tickets"][0]["subject"].split()[0]
    ticket_search(rep_client, word)
    before = len(sandbox.requests(path=f"/crm/objects/{API_VERSION}/tickets/search", method="POST"))

    ticket_search(rep_client, word)

    assert len(sandbox.requests(path=f"/crm/objects/{API_VERSION}/tickets/search", method="POST")) == before


def test_every_cache_says_whose_answer_it_keeps():
    per_user = {cache.name for cache in caches.DECLARED if cache.whose is caches.Whose.HUBSPOT_USER}

    assert per_user == {"search", "seen", "calendar"}
    for cache in caches.DECLARED:
        assert cache.seconds > 0 and cache.holds and cache.dropped_by


def test_an_erasure_drops_every_name_the_caches_held(rep, sandbox, demo):
    contact = demo["contacts"][0]
    assert pickers.records_by_id(rep, "contacts", [contact["id"]])
    assert pickers.known_hits(rep, "contacts", [contact["id"]])

    call_command("erase_person", contact=contact["id"], by="test")

    assert pickers.known_hits(rep, "contacts", [contact["id"]]) == {}


def test_an_erased_rep_is_no_longer_offered_by_name_in_the_admins_filter(client, admin_user, rep, sandbox):
    client.force_login(admin_user)
    assert "Lena Müller" in client.get(reverse("history_all")).content.decode()

    call_command("erase_person", user=rep.email, by="test")

    assert "Lena Müller" not in client.get(reverse("history_all")).content.decode()


def test_the_portals_owners_are_not_served_from_the_cache_to_a_rep_without_the_owners_scope(
        rep_client, sandbox, demo, django_user_model):
    rep_client.get(reverse("meeting_create"))  # Lena's form fills the portal's owners
    user = django_user_model.objects.create_user("ohne-owners", "ohne@example.de")
    connect(sandbox, user, demo_user(demo, "sarah"), scopes=["oauth", "crm.objects.contacts.read"])
    client = Client()
    client.force_login(user)
    before = len(sandbox.requests(path=f"/crm/owners/{API_VERSION}", method="GET"))

    client.get(reverse("meeting_create"))

    assert len(sandbox.requests(path=f"/crm/owners/{API_VERSION}", method="GET")) == before + 1
