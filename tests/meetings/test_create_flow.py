"""Creating meetings through the app, against the sandbox over HTTP."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import requests
from django.urls import reverse

from meetings.models import MeetingRecord
from tests.api_version import API_VERSION
from tests.clock import BERLIN, form_value, hubspot_time, meeting_start, next_clock_change
from tests.meetings.conftest import demo_user, meeting_post

pytestmark = pytest.mark.django_db
CREATE_PATH = f"/scheduler/{API_VERSION}/meetings/calendar"


def read_back(sandbox, rep, meeting_id: str) -> dict:
    properties = [
        "hs_meeting_title", "hs_meeting_start_time", "hs_meeting_end_time", "hs_timestamp", "hs_meeting_outcome",
        "hs_activity_type", "hs_meeting_location", "hs_meeting_location_type", "hs_meeting_body",
        "hs_internal_meeting_notes", "hs_attendee_owner_ids", "hubspot_owner_id", "hs_include_description_in_reminder",
    ]
    response = requests.get(
        f"{sandbox.url}/crm/objects/{API_VERSION}/meetings/{meeting_id}",
        params={"properties": ",".join(properties), "associations": "contacts,companies,deals,tickets"},
        headers={"Authorization": f"Bearer {rep.hubspot.access_token}"}, timeout=5,
    )
    assert response.status_code == 200, response.text
    return response.json()


def test_the_form_page_shows_the_portals_choices(rep_client, demo):
    content = rep_client.get(reverse("meeting_create")).content.decode()

    assert "Erstgespräch" in content  # activity type from the portal's property definition
    assert "Altes Format" not in content  # hidden option left out
    assert "Jonas Weiß" in content  # an attendee from the portal's owners
    assert "Entscheider" in content  # the portal's association label
    assert "You book as Lena Müller in the HubSpot portal" in content
    assert "5120001" not in content and "71234500101" not in content  # no raw HubSpot user or owner id


def test_a_meeting_with_every_field_is_created_and_reads_back_identical(rep_client, rep, sandbox, demo):
    jonas = demo_user(demo, "jonas")
    start = meeting_start(10)  # a Tuesday 10:00 Berlin, a month or more ahead
    end = start + timedelta(minutes=90)
    contact, company, deal, ticket = (demo[kind][0] for kind in ("contacts", "companies", "deals", "tickets"))
    post = meeting_post(
        title="Kick-off bei Müller GmbH", start=form_value(start), end=form_value(end),
        outcome="SCHEDULED", activity_type="Produktdemo", location_type="ADDRESS",
        location="Friedrichstraße 1, 10117 Berlin", body="Agenda: Vorstellung, Demo, Fragen",
        internal_notes="Budget ist freigegeben", attendees=[jonas["owner_id"]], contacts=[contact["id"]],
        companies=[company["id"]], deals=[deal["id"]], tickets=[ticket["id"]], contacts_label="1001",
        include_description_in_reminders="on",
        **{"reminders-TOTAL_FORMS": "2", "reminders-1-number": "2", "reminders-1-unit": "DAYS"},
    )

    response = rep_client.post(reverse("meeting_create"), post)

    record = MeetingRecord.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("meeting_done", args=[record.pk])
    assert record.status == MeetingRecord.Status.CREATED and record.hubspot_meeting_id
    assert record.attempts == 1 and record.duration_ms is not None and record.finished_at
    meeting = read_back(sandbox, rep, record.hubspot_meeting_id)
    props = meeting["properties"]
    assert props["hs_meeting_title"] == "Kick-off bei Müller GmbH"
    assert props["hs_meeting_start_time"] == hubspot_time(start)  # 10:00 Berlin, in UTC
    assert props["hs_meeting_end_time"] == hubspot_time(end)
    assert props["hs_timestamp"] == props["hs_meeting_start_time"]
    assert props["hubspot_owner_id"] == "71234500101"  # the rep's owner id, not the user id
    assert props["hs_attendee_owner_ids"] == jonas["owner_id"]
    assert props["hs_activity_type"] == "Produktdemo"
    assert props["hs_meeting_location"] == "Friedrichstraße 1, 10117 Berlin"
    assert props["hs_meeting_location_type"] == "ADDRESS"
    assert props["hs_meeting_body"] == "Agenda: Vorstellung, Demo, Fragen"
    assert props["hs_internal_meeting_notes"] == "Budget ist freigegeben"
    assert props["hs_include_description_in_reminder"] == "true"
    assert {kind: [r["id"] for r in value["results"]] for kind, value in meeting["associations"].items()} == {
        "contacts": [contact["id"]], "companies": [company["id"]], "deals": [deal["id"]], "tickets": [ticket["id"]],
    }
    sent = record.request_payload
    assert sent["emailReminderSchedule"]["reminders"] == [
        {"numberOfTimeUnits": 1, "timeUnit": "HOURS"}, {"numberOfTimeUnits": 2, "timeUnit": "DAYS"},
    ]
    assert {"associationCategory": "USER_DEFINED", "associationTypeId": 1001} in sent["associations"][0]["types"]
    created = sandbox.requests(path=CREATE_PATH)
    assert len(created) == 1 and created[0]["query"] == "organizerUserId=5120001"


def test_the_success_page_links_into_hubspot_and_offers_another(rep_client, sandbox):
    rep_client.post(reverse("meeting_create"), meeting_post())
    record = MeetingRecord.objects.get()

    content = rep_client.get(reverse("meeting_done", args=[record.pk])).content.decode()

    assert f"{sandbox.url}/contacts/{record.hub_id}/record/0-47/{record.hubspot_meeting_id}" in content
    assert f"?from={record.pk}" in content
    assert f'href="{reverse("history_detail", args=[record.pk])}"' in content  # its full record
    assert "Belongs to</dt>" in content and "Email reminders</dt>" in content and "1 hour before" in content
    assert requests.get(f"{sandbox.url}/contacts/{record.hub_id}/record/0-47/{record.hubspot_meeting_id}",
                        timeout=5).status_code == 200


def test_create_another_keeps_the_associations(rep_client, demo):
    contact = demo["contacts"][3]
    # The rep finds the contact through the picker, as in the browser; its name is remembered.
    found = rep_client.get(reverse("picker_search", args=["contacts"]), {"q": contact["email"]}).json()["results"]
    assert found[0]["value"] == contact["id"]
    rep_client.post(reverse("meeting_create"), meeting_post(contacts=[contact["id"]]))
    record = MeetingRecord.objects.get()

    content = rep_client.get(reverse("meeting_create") + f"?from={record.pk}").content.decode()

    name = f'{contact["firstname"]} {contact["lastname"]}'
    assert record.associations == [{"type": "contacts", "id": contact["id"], "label": name}]
    assert f'<option value="{contact["id"]}" selected>{name}</option>' in content


def test_create_another_keeps_labels_attendees_and_reminders_not_what_the_meeting_was(rep_client, demo):
    jonas, contact = demo_user(demo, "jonas"), demo["contacts"][3]
    rep_client.post(reverse("meeting_create"), meeting_post(
        title="Erster Austausch", location="Raum 4", attendees=[jonas["owner_id"]], contacts=[contact["id"]],
        contacts_label="1001", **{"reminders-TOTAL_FORMS": "2", "reminders-1-number": "2", "reminders-1-unit": "DAYS"},
    ))
    record = MeetingRecord.objects.get()

    content = rep_client.get(reverse("meeting_create") + f"?from={record.pk}").content.decode()

    assert re.search(r'<select name="contacts_label"[^>]*>.*?<option value="1001" selected>', content, re.S)
    assert re.search(rf'<option value="{jonas["owner_id"]}" selected>', content)
    assert 'name="reminders-1-number" value="2"' in content and 'value="DAYS" selected' in content
    assert 'value="Erster Austausch"' not in content and 'value="Raum 4"' not in content  # a new meeting's own


def test_exactly_one_hubspot_call_per_meeting_once_caches_are_warm(rep_client, sandbox):
    rep_client.get(reverse("meeting_create"))  # warms owners, properties, labels
    before = len(sandbox.requests())

    rep_client.post(reverse("meeting_create"), meeting_post())

    calls = sandbox.requests()[before:]
    assert [(c["method"], c["path"]) for c in calls] == [("POST", CREATE_PATH)]


def test_half_an_hour_across_the_autumn_change_reaches_hubspot_as_half_an_hour(rep_client, rep, sandbox):
    change = next_clock_change(BERLIN, forward=False)
    repeated = change.middle_of_changed_hour()  # 02:30, which that night comes twice
    post = meeting_post(title="Nachtschicht-Übergabe", start=f"{repeated:%Y-%m-%dT%H:%M}",
                        end=f"{repeated.replace(hour=3):%Y-%m-%dT%H:%M}", duration="30",
                        **{"reminders-TOTAL_FORMS": "0"})

    asked = rep_client.post(reverse("meeting_create"), post)
    assert asked.status_code == 200 and "happens twice in Europe/Berlin" in asked.content.decode()
    assert 'name="start_occurrence"' in asked.content.decode() and MeetingRecord.objects.count() == 0
    rep_client.post(reverse("meeting_create"), {**post, "start_occurrence": "first"})

    record = MeetingRecord.objects.get()
    props = read_back(sandbox, rep, record.hubspot_meeting_id)["properties"]
    assert props["hs_meeting_start_time"] == hubspot_time(change.instant - timedelta(minutes=30))  # 02:30 CEST
    assert props["hs_meeting_end_time"] == hubspot_time(change.instant)  # 30 minutes later: 02:00 CET
    done = rep_client.get(reverse("meeting_done", args=[record.pk])).content.decode()
    assert "2:30 a.m. CEST – 2 a.m. CET" in done


def test_a_fresh_form_does_not_start_in_the_last_bookings_zone(rep_client, sandbox):
    rep_client.post(reverse("meeting_create"), meeting_post(time_zone="Europe/Vienna"))
    assert MeetingRecord.objects.get().time_zone == "Europe/Vienna"

    content = rep_client.get(reverse("meeting_create")).content.decode()

    assert '<option value="Europe/Vienna" selected>' not in content  # the browser's zone applies (set by the page)
    assert "Defaults to your browser" in content
