import json
import time
from datetime import datetime

from django import template
from django.utils import formats
from django.utils.html import format_html

from meetings import links, pickers
from meetings.forms import KIND_LABELS, STANDARD_OUTCOMES, MeetingForm, ReminderForm
from meetings.models import MeetingRecord
from meetings.payload import form_values_from_request
from meetings.selectors import can_view_all
from meetings.timezones import get_zone

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


STATUS_BADGES = {
    MeetingRecord.Status.CREATED: "text-bg-success",
    MeetingRecord.Status.FAILED: "text-bg-danger",
    MeetingRecord.Status.UNKNOWN: "text-bg-warning",
    MeetingRecord.Status.PENDING: "text-bg-secondary",
    MeetingRecord.Status.NOT_CREATED: "text-bg-secondary",
}


@register.simple_tag
def status_badge(record):
    return format_html(
        '<span class="badge {}" data-status="{}">{}</span>',
        STATUS_BADGES.get(record.status, "text-bg-light"), record.status, record.get_status_display(),
    )


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


# The navigation's "All meetings" link asks the permissions (two queries) once per session, process and five
# minutes, not on every page. Only the link lags a change of rights; the admin pages check them on every
# request. Kept in the process, not the session: a session written back from a page render could overwrite
# what another tab wrote meanwhile (a sign-in's state, a parked form).
ALL_MEETINGS_LINK_SECONDS = 300
ALL_MEETINGS_LINK_MEMO: dict[tuple[str, int], tuple[float, bool]] = {}
ALL_MEETINGS_LINK_MEMO_LIMIT = 10_000


@register.filter
def offers_all_meetings(request) -> bool:
    """Whether the navigation shows "All meetings" to this signed-in viewer."""
    key = (request.session.session_key, request.user.pk)
    checked_until, allowed = ALL_MEETINGS_LINK_MEMO.get(key, (0.0, False))
    if key[0] and time.monotonic() < checked_until:
        return allowed
    allowed = can_view_all(request.user)
    if len(ALL_MEETINGS_LINK_MEMO) >= ALL_MEETINGS_LINK_MEMO_LIMIT:
        ALL_MEETINGS_LINK_MEMO.clear()  # sessions that ended are never asked again: forget them all at once
    if key[0]:
        ALL_MEETINGS_LINK_MEMO[key] = (time.monotonic() + ALL_MEETINGS_LINK_SECONDS, allowed)
    return allowed


@register.simple_tag
def entered_values(record) -> dict:
    """What the rep entered beyond title and times, as they entered it: names, not ids; units in words."""
    values = form_values_from_request(record.request_payload or {})
    owners = {owner.id: owner.name for owner in pickers.cached_owners(record.hub_id)}
    units = dict(ReminderForm.base_fields["unit"].choices)
    location_types = dict(MeetingForm.base_fields["location_type"].choices)
    return {
        **values,
        "outcome": STANDARD_OUTCOMES.get(values["outcome"], values["outcome"]),
        "location_type": location_types.get(values["location_type"], values["location_type"]),
        "attendees": [owners.get(str(owner_id), f"#{owner_id}") for owner_id in values["attendees"]],
        "reminders": [f"{r['number']} {units.get(r['unit'], r['unit'])}" for r in values["reminders"]],
    }
