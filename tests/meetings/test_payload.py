"""The request builder's output against HubSpot's official create schema, for every combination."""

import itertools
import json
from datetime import UTC, timedelta
from functools import cache
from pathlib import Path

import pytest
from openapi_core import OpenAPI
from openapi_core.testing import MockRequest

from meetings.core.payload import Association, MeetingInput, Reminder, build_meeting_request, hubspot_datetime
from tests.api_version import API_VERSION
from tests.clock import BERLIN, at, meeting_start, next_clock_change

SPEC = Path(__file__).resolve().parents[2] / "hubspot_sandbox" / "specs" / f"scheduler-meetings-{API_VERSION}.json"
OPTIONAL = {
    "activity_type": "Erstgespräch",
    "location": "Friedrichstraße 1, Berlin",
    "location_type": "ADDRESS",
    "body": "Agenda: Einführung",
    "internal_notes": "Budget klären",
    "attendee_owner_ids": ("9002", "9003"),
    "attachment_ids": ("77001",),
}
START = meeting_start(10).astimezone(UTC)
BASE = MeetingInput(
    title="Kick-off bei Müller GmbH",
    start=START,
    end=START + timedelta(hours=1),
    time_zone="Europe/Berlin",
)


@cache
def spec() -> OpenAPI:
    return OpenAPI.from_file_path(str(SPEC))


def validate(payload: dict) -> None:
    request = MockRequest(
        "https://api.hubapi.com", "post", f"/scheduler/{API_VERSION}/meetings/calendar",
        args={"organizerUserId": "11"}, headers={"Authorization": "Bearer test"},
        data=json.dumps(payload).encode(), content_type="application/json",
    )
    spec().validate_request(request)


@pytest.mark.parametrize("count", range(len(OPTIONAL) + 1))
def test_every_combination_of_optional_fields_validates(count):
    for names in itertools.combinations(OPTIONAL, count):
        data = MeetingInput(**{**BASE.__dict__, **{name: OPTIONAL[name] for name in names}})
        payload = build_meeting_request(data, owner_id="9001")
        validate(payload)
        assert set(payload["properties"]) >= {
            "hs_meeting_title", "hs_meeting_start_time", "hs_meeting_end_time",
            "hs_meeting_outcome", "hs_timestamp", "hubspot_owner_id",
        }


@pytest.mark.parametrize("location_type", ["ADDRESS", "CUSTOM", "PHONE"])
@pytest.mark.parametrize("unit", ["MINUTES", "HOURS", "DAYS", "WEEKS"])
def test_every_enum_value_validates(location_type, unit):
    data = MeetingInput(**{
        **BASE.__dict__, "location_type": location_type, "location": "x",
        "reminders": (Reminder(2, unit),), "include_description_in_reminders": True,
    })
    validate(build_meeting_request(data, owner_id="9001"))


def test_associations_carry_hubspots_meeting_type_ids():
    data = MeetingInput(**{**BASE.__dict__, "associations": (
        Association("contacts", "101", "Anna Schröder", (("USER_DEFINED", 1001),)),
        Association("companies", "201"), Association("deals", "301"), Association("tickets", "401"),
    )})
    payload = build_meeting_request(data, owner_id="9001")

    validate(payload)
    assert [(a["to"]["id"], [t["associationTypeId"] for t in a["types"]]) for a in payload["associations"]] == [
        ("101", [200, 1001]), ("201", [188]), ("301", [212]), ("401", [226]),
    ]


def test_owner_id_and_start_go_where_hubspot_wants_them():
    payload = build_meeting_request(BASE, owner_id="9001")

    assert payload["properties"]["hubspot_owner_id"] == "9001"
    assert payload["properties"]["hs_timestamp"] == payload["properties"]["hs_meeting_start_time"]
    assert payload["properties"]["hs_meeting_start_time"] == START.strftime("%Y-%m-%dT%H:%M:%S.000Z")
    assert payload["timezone"] == "Europe/Berlin"
    assert payload["emailReminderSchedule"] == {"reminders": [], "shouldIncludeInviteDescription": False}


def test_empty_optional_values_are_left_out():
    assert set(build_meeting_request(BASE, owner_id="1")["properties"]) == {
        "hs_meeting_title", "hs_meeting_start_time", "hs_meeting_end_time",
        "hs_meeting_outcome", "hs_timestamp", "hubspot_owner_id",
    }


def test_an_invalid_request_fails_the_schema():
    """The check itself can fail: a wrong enum value is caught."""
    payload = build_meeting_request(MeetingInput(**{**BASE.__dict__, "location_type": "MOON"}), owner_id="1")

    with pytest.raises(Exception, match="validat"):
        validate(payload)


def test_hubspot_datetime_is_utc_with_milliseconds():
    summer = next_clock_change(BERLIN, forward=True).day + timedelta(days=7)

    assert hubspot_datetime(at(summer, 10, zone=BERLIN)) == f"{summer:%Y-%m-%d}T08:00:00.000Z"  # CEST is UTC+2
