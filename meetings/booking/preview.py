"""The live preview beside the form: the meeting in its zone, the rep's, the contact's and UTC, and when each
reminder goes out.

Computed on the server with the same rules the form validates with, so the preview
and the validation can never disagree about daylight-saving time.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from meetings.booking.forms import (
    MAX_CONFLICT_CHECK,
    MAX_REMINDER_NUMBER,
    MAX_REMINDERS,
    REMINDER_IN_PAST,
    WallClockDateTimeField,
)
from meetings.core.timezones import (
    REMINDER_UNITS,
    NonexistentLocalTime,
    get_zone,
    offset_changes_between,
    reminder_offset,
    resolve_local,
)

UTC_ZONE = ZoneInfo("UTC")
# The longest meeting the preview draws an end for: what the conflict check looks at.
MAX_PREVIEW_MINUTES = int(MAX_CONFLICT_CHECK.total_seconds() // 60)


def _format(moment: datetime, zone) -> str:
    local = moment.astimezone(zone)
    day, moment_text = formats.date_format(local, "D"), formats.date_format(local, "DATETIME_FORMAT")
    return f"{day}, {moment_text} {local.tzname()} ({zone.key})"


def meeting_preview_data(params, *, now: datetime | None = None) -> dict:
    now = now or timezone.now()
    zone = get_zone(params.get("time_zone", ""))
    viewer_zone = get_zone(params.get("viewer_zone", "")) or zone
    field = WallClockDateTimeField(required=False)
    try:
        start_naive = field.clean(params.get("start", ""))
    except ValidationError as error:  # half-typed input: nothing to preview yet; a year far off says so
        if error.code == "outside_window":
            return {"ready": False, "warnings": list(error.messages)}
        start_naive = None
    if zone is None or start_naive is None:
        return {"ready": False}
    occurrence = params.get("start_occurrence", "")
    try:
        start = resolve_local(start_naive, zone, fold=1 if occurrence == "second" else 0)
    except NonexistentLocalTime:
        message = _("This start time does not exist in %(zone)s (daylight-saving change).") % {"zone": zone.key}
        return {"ready": False, "warnings": [message]}
    warnings = []
    if start.ambiguous and not occurrence:
        first, second = (resolve_local(start_naive, zone, fold=fold).utc for fold in (0, 1))
        warnings.append(
            _("This time occurs twice in %(zone)s: %(first)s or %(second)s. The form will ask which one you mean.")
            % {"zone": zone.key, "first": _format(first, zone), "second": _format(second, zone)}
        )
    if offset_changes_between(now, start.utc, zone):
        warnings.append(
            _("A daylight-saving change in %(zone)s lies between now and the meeting.") % {"zone": zone.key}
        )
    rows = [{"label": _("Chosen zone"), "value": _format(start.utc, zone)}]
    if viewer_zone.key != zone.key:
        rows.append({"label": _("Your zone"), "value": _format(start.utc, viewer_zone)})
    contact_zone = get_zone(params.get("contact_zone", ""))
    if contact_zone is not None and contact_zone.key not in {zone.key, viewer_zone.key}:
        rows.append({"label": _("The contact's zone"), "value": _format(start.utc, contact_zone)})
    rows.append({"label": "UTC", "value": _format(start.utc, UTC_ZONE)})
    duration = params.get("duration", "")
    end_value = ""
    # Bounded like the form's: a duration of years, or a reminder weeks by the billion, overflows a date.
    if duration.isdecimal() and len(duration) <= 6 and int(duration) <= MAX_PREVIEW_MINUTES:
        end = start.utc + timedelta(minutes=int(duration))
        rows.append({"label": _("Ends"), "value": _format(end, zone)})
        # What the End field shows: the wall-clock time the meeting really ends, in real minutes.
        end_value = end.astimezone(zone).strftime("%Y-%m-%dT%H:%M")
    reminders = []
    # A meeting that has started is logged without reminders (MeetingForm.clean): none are listed.
    started = start.utc <= now
    listed = params.getlist("reminder") if hasattr(params, "getlist") and not started else []
    for item in listed[:MAX_REMINDERS]:
        number, _sep, unit = item.partition(":")
        if not (number.isdecimal() and len(number) <= 4 and unit in REMINDER_UNITS) or \
                int(number) > MAX_REMINDER_NUMBER:
            continue
        goes_out = start.utc - reminder_offset(int(number), unit)
        entry = {"value": _format(goes_out, zone), "past": goes_out < now}
        if entry["past"]:
            entry["warning"] = REMINDER_IN_PAST % {"when": entry["value"]}
        reminders.append(entry)
    return {"ready": True, "rows": rows, "reminders": reminders, "warnings": warnings, "end_value": end_value,
            "started": started}

