"""The request for HubSpot's create-meeting endpoint, and the one table between form fields and its properties.

Contract: hubspot_sandbox/specs/scheduler-meetings-{2026-09,2026-03}.json (`HUBSPOT_API_VERSION`) →
components.schemas.ExternalCalendarMeetingEventCreateRequest, the same request in both versions. All four top-level
keys are required; property values are typed JSON (arrays stay arrays) here,
unlike the CRM object APIs.

Both directions live here: `build_meeting_request` (form → HubSpot), `field_for_property`
(HubSpot's complaint about a property → the form field to show it on) and
`form_values_from_request` (a request sent earlier → form values, for "try again").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from hubspot_api.types import ASSOCIATION_TYPE_IDS

# Each form field and the HubSpot property it becomes.
FORM_PROPERTIES = {
    "title": "hs_meeting_title",
    "start": "hs_meeting_start_time",
    "end": "hs_meeting_end_time",
    "outcome": "hs_meeting_outcome",
    "activity_type": "hs_activity_type",
    "location": "hs_meeting_location",
    "location_type": "hs_meeting_location_type",
    "body": "hs_meeting_body",
    "internal_notes": "hs_internal_meeting_notes",
    "attendees": "hs_attendee_owner_ids",
    "attachments": "hs_attachment_ids",
}
# Optional text properties: the same name on the form and on MeetingInput, left out of the request when empty.
OPTIONAL_TEXT_FIELDS = ("activity_type", "location", "location_type", "body", "internal_notes")
# HubSpot may also name these in an error: hs_timestamp is the start again; the zone is a top-level key.
_PROPERTY_FIELDS = {prop: name for name, prop in FORM_PROPERTIES.items()} | {
    "hs_timestamp": "start", "timezone": "time_zone",
}


@dataclass(frozen=True)
class Association:
    kind: str  # contacts | companies | deals | tickets
    id: str
    label: str = ""
    # Extra label types chosen for this association: (category, typeId), e.g. ("USER_DEFINED", 1001).
    extra_types: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True)
class Reminder:
    number: int
    unit: str  # MINUTES | HOURS | DAYS | WEEKS


@dataclass(frozen=True)
class MeetingInput:
    """What the rep asked for, validated and in UTC: the form's output, the service's input."""

    title: str
    start: datetime
    end: datetime
    time_zone: str
    outcome: str = "SCHEDULED"
    activity_type: str = ""
    location: str = ""
    location_type: str = ""
    body: str = ""
    internal_notes: str = ""
    attendee_owner_ids: tuple[str, ...] = ()
    attachment_ids: tuple[str, ...] = ()
    associations: tuple[Association, ...] = ()
    reminders: tuple[Reminder, ...] = ()
    include_description_in_reminders: bool = False


def hubspot_datetime(value: datetime) -> str:
    """ISO 8601 in UTC with milliseconds and Z, as HubSpot writes them."""
    return value.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def build_meeting_request(data: MeetingInput, *, owner_id: str) -> dict:
    """The JSON body for POST /scheduler/{version}/meetings/calendar.

    `owner_id` is the rep's HubSpot *owner* id (hubspot_owner_id); the *user* id goes
    into the `organizerUserId` query parameter, not here.
    """
    start = hubspot_datetime(data.start)
    properties: dict = {
        FORM_PROPERTIES["title"]: data.title,
        FORM_PROPERTIES["start"]: start,
        FORM_PROPERTIES["end"]: hubspot_datetime(data.end),
        "hs_timestamp": start,  # HubSpot: the start time "should match" hs_timestamp
        FORM_PROPERTIES["outcome"]: data.outcome,
        "hubspot_owner_id": owner_id,
    }
    optional = {FORM_PROPERTIES[name]: getattr(data, name) for name in OPTIONAL_TEXT_FIELDS} | {
        FORM_PROPERTIES["attendees"]: list(data.attendee_owner_ids),
        FORM_PROPERTIES["attachments"]: list(data.attachment_ids),
    }
    properties.update({name: value for name, value in optional.items() if value})
    return {
        "properties": properties,
        "associations": [
            {
                "to": {"id": association.id},
                "types": [
                    {
                        "associationCategory": "HUBSPOT_DEFINED",
                        "associationTypeId": ASSOCIATION_TYPE_IDS[association.kind],
                    },
                    *(
                        {"associationCategory": category, "associationTypeId": type_id}
                        for category, type_id in association.extra_types
                    ),
                ],
            }
            for association in data.associations
        ],
        "emailReminderSchedule": {
            "reminders": [{"numberOfTimeUnits": r.number, "timeUnit": r.unit} for r in data.reminders],
            "shouldIncludeInviteDescription": data.include_description_in_reminders,
        },
        "timezone": data.time_zone,
    }


def field_for_property(name: str) -> str | None:
    """The form field a HubSpot property (as named in an error) belongs to."""
    return _PROPERTY_FIELDS.get(name)


def form_values_from_request(payload: dict) -> dict:
    """The form values a request sent earlier carries beyond the record's own columns (title, times, zone).

    Attachments are left out: browsers cannot refill a file input.
    """
    properties = payload.get("properties") or {}
    schedule = payload.get("emailReminderSchedule") or {}
    values = {name: properties.get(FORM_PROPERTIES[name], "") for name in OPTIONAL_TEXT_FIELDS}
    values.update(
        outcome=properties.get(FORM_PROPERTIES["outcome"], "SCHEDULED"),
        attendees=properties.get(FORM_PROPERTIES["attendees"], []),
        include_description_in_reminders=schedule.get("shouldIncludeInviteDescription", False),
        reminders=[{"number": r["numberOfTimeUnits"], "unit": r["timeUnit"]} for r in schedule.get("reminders") or []],
    )
    return values
