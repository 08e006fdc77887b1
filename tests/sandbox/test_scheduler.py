"""POST /scheduler/{version}/meetings/calendar: requests built from the official schema are accepted; every rule's error."""

from __future__ import annotations

import copy
from datetime import timedelta

import pytest

from hubspot_api.versions import DEFAULT
from hubspot_sandbox.contract import operation, request_schema
from tests.clock import hubspot_time, meeting_start
from tests.sandbox.conftest import DEMO_HUB, JONAS, LENA, MAX_ALT, PAUL

CREATE = "/scheduler/{version}/meetings/calendar"  # api.path() fills in the version under test
START = meeting_start(10)
SCHEMA = request_schema(operation("POST", CREATE.format(version=DEFAULT)))  # the cases; each runs on both versions
PROPERTIES = SCHEMA["properties"]["properties"]
OPTIONAL = sorted(set(PROPERTIES["properties"]) - set(PROPERTIES["required"]))


def value_for(name: str, demo: dict, file_id: str):
    """A valid value for an optional property, by what the schema says it is."""
    schema = PROPERTIES["properties"][name]
    if schema.get("enum"):
        return schema["enum"][0]
    if name == "hs_attendee_owner_ids":
        return [next(u["owner_id"] for u in demo["users"] if u["user_id"] == JONAS)]
    if name == "hs_attachment_ids":
        return [file_id]
    if name == "hs_activity_type":
        return "Produktdemo"
    assert schema["type"] == "string", name
    return f"Wert für {name}"


def base_request(demo: dict) -> dict:
    return {
        "properties": {
            "hs_meeting_title": "Kick-off bei Müller GmbH",
            "hs_meeting_start_time": hubspot_time(START),
            "hs_meeting_end_time": hubspot_time(START + timedelta(hours=1)),
            "hs_timestamp": hubspot_time(START),
            "hs_meeting_outcome": "SCHEDULED",
            "hubspot_owner_id": next(u["owner_id"] for u in demo["users"] if u["user_id"] == LENA),
        },
        "associations": [],
        "emailReminderSchedule": {"reminders": [], "shouldIncludeInviteDescription": False},
        "timezone": "Europe/Berlin",
    }


@pytest.fixture
def file_id(api, auth):
    response = api.post("/files/2026-03/files", headers=auth, files={"file": ("agenda.pdf", b"%PDF-1.4", "application/pdf")},
                        data={"folderPath": "/meetings", "options": '{"access": "PRIVATE"}'})
    assert response.status_code == 201 and response.headers["Location"].endswith(response.json()["id"])
    return response.json()["id"]


def create(api, auth, body, organizer=LENA):
    return api.post(api.path(CREATE), params={"organizerUserId": str(organizer)}, json=body, headers=auth)


@pytest.mark.parametrize("name", [*OPTIONAL, "ALL"])
def test_each_optional_property_alone_and_all_together_is_accepted(api, auth, demo, file_id, name):
    body = base_request(demo)
    for optional in OPTIONAL if name == "ALL" else [name]:
        body["properties"][optional] = value_for(optional, demo, file_id)

    response = create(api, auth, body)

    assert response.status_code == 200, response.text
    echoed = response.json()["properties"]
    assert all(echoed[key] == value for key, value in body["properties"].items())


@pytest.mark.parametrize("location_type", PROPERTIES["properties"]["hs_meeting_location_type"]["enum"])
def test_every_location_type(api, auth, demo, location_type):
    body = base_request(demo)
    body["properties"].update(hs_meeting_location_type=location_type, hs_meeting_location="x")

    assert create(api, auth, body).status_code == 200


@pytest.mark.parametrize("unit", SCHEMA["properties"]["emailReminderSchedule"]["properties"]["reminders"]["items"]
                         ["properties"]["timeUnit"]["enum"])
def test_every_reminder_unit(api, auth, demo, unit):
    body = base_request(demo)
    body["emailReminderSchedule"] = {"reminders": [{"numberOfTimeUnits": 2, "timeUnit": unit}],
                                     "shouldIncludeInviteDescription": True}

    response = create(api, auth, body)

    assert response.status_code == 200 and response.json()["properties"]["hs_include_description_in_reminder"] == "true"


CATEGORIES = SCHEMA["properties"]["associations"]["items"]["properties"]["types"]["items"]["properties"][
    "associationCategory"]["enum"]


@pytest.mark.parametrize("category", CATEGORIES)
def test_every_association_category(api, auth, demo, category):
    kind, type_id = {"HUBSPOT_DEFINED": ("tickets", 226), "USER_DEFINED": ("contacts", 1001),
                     "INTEGRATOR_DEFINED": ("companies", 2001), "WORK": ("deals", 3001)}[category]
    body = base_request(demo)
    body["associations"] = [{"to": {"id": demo[kind][0]["id"]},
                             "types": [{"associationCategory": category, "associationTypeId": type_id}]}]

    assert create(api, auth, body).status_code == 200


def test_a_created_meeting_reads_back_with_its_associations(api, auth, demo):
    body = base_request(demo)
    body["associations"] = [
        {"to": {"id": demo[kind][0]["id"]}, "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": t}]}
        for kind, t in (("contacts", 200), ("companies", 188), ("deals", 212), ("tickets", 226))
    ]
    meeting_id = create(api, auth, body).json()["id"]

    meeting = api.get(f"/crm/objects/{api.version}/meetings/{meeting_id}", headers=auth,
                      params={"associations": "contacts,companies,deals,tickets",
                              "properties": "hs_meeting_title,hubspot_owner_id,hs_timestamp"}).json()
    found = api.post(f"/crm/objects/{api.version}/meetings/search", headers=auth, json={"filterGroups": [{"filters": [
        {"propertyName": "hubspot_owner_id", "operator": "EQ", "value": body["properties"]["hubspot_owner_id"]},
        {"propertyName": "hs_timestamp", "operator": "EQ", "value": str(int(START.timestamp() * 1000))},
    ]}]}).json()

    assert meeting["properties"]["hs_meeting_title"] == "Kick-off bei Müller GmbH"
    assert {kind: [r["id"] for r in v["results"]] for kind, v in meeting["associations"].items()} == {
        kind: [demo[kind][0]["id"]] for kind in ("contacts", "companies", "deals", "tickets")}
    assert [r["id"] for r in found["results"]] == [meeting_id]


def errors_of(response) -> list[tuple[str, str]]:
    body = response.json()
    assert response.status_code == 400 and body["category"] == "VALIDATION_ERROR" and body["correlationId"]
    return [(e.get("code"), e.get("in")) for e in body["errors"]]


@pytest.mark.parametrize("key", ["properties", "associations", "emailReminderSchedule", "timezone"])
def test_a_missing_top_level_key(api, auth, demo, key):
    body = base_request(demo)
    del body[key]

    assert ("REQUIRED", key) in errors_of(create(api, auth, body))


@pytest.mark.parametrize("name", PROPERTIES["required"])
def test_a_missing_required_property(api, auth, demo, name):
    body = base_request(demo)
    del body["properties"][name]

    assert ("REQUIRED", f"properties.{name}") in errors_of(create(api, auth, body))


MUTATIONS = {
    "wrong enum": (lambda b: b["properties"].update(hs_meeting_location_type="MOON"),
                   ("INVALID_OPTION", "properties.hs_meeting_location_type")),
    "wrong type": (lambda b: b["emailReminderSchedule"].update(shouldIncludeInviteDescription="yes"),
                   ("INVALID_TYPE", "emailReminderSchedule.shouldIncludeInviteDescription")),
    "unknown property": (lambda b: b["properties"].update(hs_meeting_colour="red"),
                         ("PROPERTY_DOESNT_EXIST", "properties.hs_meeting_colour")),
    "owner id that is a user id": (lambda b: b["properties"].update(hubspot_owner_id=str(LENA)),
                                   ("INVALID_OWNER_ID", "properties.hubspot_owner_id")),
    "attendee not an owner": (lambda b: b["properties"].update(hs_attendee_owner_ids=["123"]),
                              ("INVALID_OWNER_ID", "properties.hs_attendee_owner_ids[0]")),
    "end before start": (lambda b: b["properties"].update(hs_meeting_end_time=hubspot_time(START - timedelta(hours=1))),
                         ("INVALID_DATE", "properties.hs_meeting_end_time")),
    "no offset": (lambda b: b["properties"].update(hs_meeting_start_time=hubspot_time(START).removesuffix(".000Z")),
                  ("INVALID_DATE", "properties.hs_meeting_start_time")),
    "bad time zone": (lambda b: b.update(timezone="Europe/Atlantis"), ("INVALID_TIMEZONE", "timezone")),
    "unknown outcome": (lambda b: b["properties"].update(hs_meeting_outcome="scheduled"),
                        ("INVALID_OPTION", "properties.hs_meeting_outcome")),
    "missing target": (lambda b: b.update(associations=[{"to": {"id": "1"}, "types": [
        {"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 200}]}]),
        ("INVALID_OBJECT_ID", "associations[0].to.id")),
    "call-ticket type id": (lambda b: b.update(associations=[{"to": {"id": "1"}, "types": [
        {"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 220}]}]),
        ("INVALID_ASSOCIATION_TYPE", "associations[0].types[0]")),
}


@pytest.mark.parametrize("case", MUTATIONS)
def test_each_rule_answers_with_hubspots_error(api, auth, demo, case):
    mutate, expected = MUTATIONS[case]
    body = copy.deepcopy(base_request(demo))
    mutate(body)

    assert expected in errors_of(create(api, auth, body))


def test_a_type_id_for_the_wrong_kind_of_target(api, auth, demo):
    body = base_request(demo)
    body["associations"] = [{"to": {"id": demo["tickets"][0]["id"]}, "types": [
        {"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 200}]}]  # contact type for a ticket

    assert ("INVALID_OBJECT_ID", "associations[0].to.id") in errors_of(create(api, auth, body))


@pytest.mark.parametrize("organizer", [PAUL + 1000, MAX_ALT, 5120006])  # unknown, deactivated, other portal
def test_the_organizer_must_be_an_active_user_of_the_portal(api, auth, demo, organizer):
    assert ("INVALID_USER", "organizerUserId") in errors_of(create(api, auth, base_request(demo), organizer))


def test_unparsable_json(api, auth):
    response = api.post(api.path(CREATE), params={"organizerUserId": str(LENA)}, headers={**auth, "Content-Type": "application/json"},
                        data="{not json")

    assert errors_of(response) == [("INVALID_JSON", "body")]


def test_meetings_belong_to_their_portal(api, token, demo):
    lena_in_second_portal = {"Authorization": f"Bearer {token(LENA, hub_id=13572468)}"}
    body = base_request(demo)

    assert ("INVALID_OWNER_ID", "properties.hubspot_owner_id") in errors_of(create(api, lena_in_second_portal, body))
    assert DEMO_HUB != 13572468


def test_every_combination_of_optional_properties_is_accepted(api, auth, demo, file_id, sandbox_server):
    import itertools

    sandbox_server.configure(rate_limit={"max": 1000, "interval_ms": 10000})  # 128 creates in a row
    combinations = [names for size in range(len(OPTIONAL) + 1) for names in itertools.combinations(OPTIONAL, size)]
    assert len(combinations) == 2 ** len(OPTIONAL)

    for names in combinations:
        body = base_request(demo)
        body["properties"].update({name: value_for(name, demo, file_id) for name in names})
        response = create(api, auth, body)
        assert response.status_code == 200, (names, response.text)
