import json
from datetime import datetime

from django import template
from django.utils import formats

from meetings.booking.forms import KIND_LABELS, STANDARD_OUTCOMES, MeetingForm, reminder_words
from meetings.core import links
from meetings.core.display import status_badge
from meetings.core.payload import form_values_from_request
from meetings.core.selectors import can_view_all
from meetings.core.timezones import get_zone
from meetings.portal import pickers

register = template.Library()


@register.simple_tag
def hubspot_meeting_url(record) -> str:
    return links.hubspot_meeting_url(record)


@register.simple_tag
def hubspot_meetings_list_url(record) -> str:
    return links.hubspot_meetings_list_url(record)


@register.simple_tag
def local_range(record) -> str:
    """'Tue, 1 Dec 2026, 10:00 – 11:00 CET (Europe/Berlin)' in the record's own zone.

    Across a clock change both ends carry their abbreviation: '2:30 a.m. CEST – 2:30 a.m. CET'.
    """
    zone = get_zone(record.time_zone)
    start, end = (record.start_at.astimezone(zone), record.end_at.astimezone(zone)) if zone else (
        record.start_at, record.end_at)
    end_format = "TIME_FORMAT" if start.date() == end.date() else "DATETIME_FORMAT"
    start_zone = f" {start.tzname()}" if start.tzname() != end.tzname() else ""
    return (
        f"{formats.date_format(start, 'D')}, {formats.date_format(start, 'DATETIME_FORMAT')}{start_zone} – "
        f"{formats.date_format(end, end_format)} "
        f"{end.tzname()} ({record.time_zone})"
    )


@register.simple_tag
def local_start(record) -> str:
    """The meeting's start in the zone the rep chose, with that zone named."""
    zone = get_zone(record.time_zone)
    start = record.start_at.astimezone(zone) if zone else record.start_at
    return f"{formats.date_format(start, 'SHORT_DATETIME_FORMAT')} {start.tzname()}"


def _clock_time(moment, zone_name: str) -> str:
    zone = get_zone(zone_name)
    local = moment.astimezone(zone) if zone else moment
    return f"{formats.time_format(local, 'TIME_FORMAT')} {local.tzname()}"


@register.simple_tag
def reconciliation_summary(record) -> dict:
    """Since when HubSpot is being asked about this record, how often so far, and when next (the rep's zone)."""
    steps = record.reconciliation
    last = datetime.fromisoformat(steps[-1]["at"]) if steps else None
    return {
        "since": _clock_time(record.finished_at or record.created_at, record.time_zone),
        "checks": len(steps),
        "last": _clock_time(last, record.time_zone) if last else "",
        "next": _clock_time(record.next_check_at, record.time_zone) if record.next_check_at else "",
    }


register.simple_tag(status_badge)


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.filter
def pretty_json(value) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False, sort_keys=True)


@register.filter
def association_kind(kind: str) -> str:
    """'contacts' → 'Contacts' / 'Kontakte': the picker's translated label for an association type."""
    return KIND_LABELS.get(kind, kind)


@register.filter
def offers_all_meetings(request) -> bool:
    """Whether the navigation shows "All meetings" (asked once per session and five minutes: only a link)."""
    return can_view_all(request.user)


@register.simple_tag
def entered_values(record) -> dict:
    """What the rep entered beyond title and times, as they entered it: names, not ids; units in words."""
    values = form_values_from_request(record.request_payload or {})
    owners = {owner.id: owner.name for owner in pickers.cached_owners(record.hub_id)}
    location_types = dict(MeetingForm.base_fields["location_type"].choices)
    return {
        **values,
        "outcome": STANDARD_OUTCOMES.get(values["outcome"], values["outcome"]),
        "location_type": location_types.get(values["location_type"], values["location_type"]),
        "attendees": [owners.get(str(owner_id), f"#{owner_id}") for owner_id in values["attendees"]],
        "reminders": [reminder_words(r["number"], r["unit"]) for r in values["reminders"]],
    }
