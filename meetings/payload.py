"""The request for HubSpot's create-meeting endpoint, built by a pure function.

Contract: hubspot_sandbox/specs/scheduler-meetings-2026-03.json →
components.schemas.ExternalCalendarMeetingEventCreateRequest. All four top-level
keys are required; property values are typed JSON (arrays stay arrays) here,
unlike the CRM object APIs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from hubspot_api.types import ASSOCIATION_TYPE_IDS


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
    """The JSON body for POST /scheduler/2026-03/meetings/calendar.

    `owner_id` is the rep's HubSpot *owner* id (hubspot_owner_id); the *user* id goes
    into the `organizerUserId` query parameter, not here.
    """
    start = hubspot_datetime(data.start)
    properties: dict = {
        "hs_meeting_title": data.title,
        "hs_meeting_start_time": start,
        "hs_meeting_end_time": hubspot_datetime(data.end),
        "hs_timestamp": start,  # HubSpot: the start time "should match" hs_timestamp
        "hs_meeting_outcome": data.outcome,
        "hubspot_owner_id": owner_id,
    }
    optional = {
        "hs_activity_type": data.activity_type,
        "hs_meeting_location": data.location,
        "hs_meeting_location_type": data.location_type,
        "hs_meeting_body": data.body,
        "hs_internal_meeting_notes": data.internal_notes,
        "hs_attendee_owner_ids": list(data.attendee_owner_ids),
        "hs_attachment_ids": list(data.attachment_ids),
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
