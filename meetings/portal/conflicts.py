"""Meetings that already hold the time a rep is booking: the rep's own and each attendee's.

The check only warns; the form submits whatever it finds. It is shaped by HubSpot's search budget
(5 searches per second per portal, for all reps and processes together):

- what HubSpot showed this rep of an owner's bookings is cached per (rep's HubSpot user, owner, UTC day)
  for a minute (`caches.CALENDARS`), so a rep moving the start within a day costs no search at all.
  Per rep, not per portal: HubSpot may show one rep meetings it refuses another;
- the owners not cached are asked for in ONE search (`hubspot_owner_id IN [...]` over the days
  concerned), and the answer fills the entries of every owner asked, empty days too;
- when the portal's searches for this second are spent, the check is skipped and says so
  (`pickers.SearchBudgetExhausted`), caching nothing; a failed search is never read as "free".

Days are UTC days, not the meeting's zone: the same entries then serve the rep in every zone, and
a meeting touches at most one more day than it lasts.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hubspot_api.errors import HubSpotRateBudgetSpent
from hubspot_api.types import BusyMeeting
from hubspot_login.tokens import hubspot_client
from meetings.core import bulkhead
from meetings.core.caches import get_or_fetch
from meetings.core.selectors import meeting_records_holding
from meetings.portal import pickers
from meetings.portal.caches import CALENDARS, current_generation

CHECK_SKIPPED_BUDGET = gettext_lazy(
    "Many searches at once in your portal: conflicts were not checked this time. "
    "They are checked again when you change the time or the attendees."
)
CHECK_SKIPPED_UNAVAILABLE = gettext_lazy("Could not check for conflicts right now. You can still create the meeting.")

# A meeting with this outcome no longer holds anyone's time.
FREEING_OUTCOMES = {"CANCELED"}


@dataclass(frozen=True)
class Conflict:
    owner_id: str
    owner_name: str
    is_rep: bool
    meeting: BusyMeeting
    # Booked here by another rep and not (yet) found in HubSpot: its title is theirs, not the viewer's to read.
    title_hidden: bool = False


def meeting_conflicts(*, user, start: datetime, end: datetime, attendee_ids: Iterable[str]) -> list[Conflict]:
    """The meetings of the rep and of `attendee_ids` that overlap [start, end), earliest first.

    Raises `pickers.SearchBudgetExhausted` when the portal's searches are spent, and the client's
    errors (or `NotAvailable` just after one) when HubSpot could not answer.
    """
    names = _owner_names(user, attendee_ids)
    calendars = _calendars(user, list(names), _utc_days(start, end))
    seen: dict[tuple[str, str], BusyMeeting] = {}
    for (owner_id, _day), meetings in calendars.items():
        for meeting in meetings:
            if meeting.overlaps(start, end) and meeting.outcome not in FREEING_OUTCOMES:
                seen[(owner_id, meeting.id)] = meeting  # a meeting over two days is in both days' entries
    rep_owner = user.hubspot.owner_id
    conflicts = [Conflict(owner_id=owner_id, owner_name=names[owner_id], is_rep=owner_id == rep_owner, meeting=m)
                 for (owner_id, _id), m in seen.items()]
    conflicts += _booked_here(user, names, start, end, found_in_hubspot={meeting_id for _o, meeting_id in seen})
    return sorted(conflicts, key=lambda c: (c.meeting.start, not c.is_rep, c.owner_name))


def _booked_here(user, names: dict[str, str], start: datetime, end: datetime, *,
                 found_in_hubspot: set[str]) -> list[Conflict]:
    """What the app booked for these owners that HubSpot's lagging search may not show yet.

    The rep's own bookings with their titles; another rep's only as time taken, since HubSpot has not said
    this rep may see it.
    """
    rep_owner, found = user.hubspot.owner_id, []
    for record in meeting_records_holding(hub_id=user.hubspot.hub_id, owner_ids=set(names), start=start, end=end):
        properties = (record.request_payload or {}).get("properties") or {}
        if record.hubspot_meeting_id in found_in_hubspot or properties.get("hs_meeting_outcome") in FREEING_OUTCOMES:
            continue
        meeting = BusyMeeting(id=record.hubspot_meeting_id or f"record-{record.pk}", owner_id=record.owner_id,
                              title=record.title, start=record.start_at, end=record.end_at)
        found += [Conflict(owner_id=owner_id, owner_name=names[owner_id], is_rep=owner_id == rep_owner,
                           meeting=meeting, title_hidden=record.user_id != user.pk)
                  for owner_id in sorted(record.owners_held & set(names))]
    return found


def _owner_names(user, attendee_ids: Iterable[str]) -> dict[str, str]:
    """Owner id → name for the rep (first) and those attendees the form offers (the portal's active owners).

    Any other id is left out, not searched for: the check looks at no one the form would not book.
    When HubSpot cannot list the owners just now, the rep alone is checked.
    """
    connection = user.hubspot
    try:
        known = {owner.id: owner.name for owner in pickers.owners(user)}
    except pickers.DEGRADING_ERRORS:
        known = {}
    names = {}
    if connection.owner_id:
        names[connection.owner_id] = known.get(connection.owner_id) or user.get_full_name() or connection.email
    for owner_id in attendee_ids:
        if owner_id in known:
            names.setdefault(owner_id, known[owner_id])
    return names


def _utc_days(start: datetime, end: datetime) -> list[date]:
    first, last = start.astimezone(UTC).date(), (end - timedelta(microseconds=1)).astimezone(UTC).date()
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=UTC)


def _calendars(user, owner_ids: list[str], days: list[date]) -> dict[tuple[str, date], list[BusyMeeting]]:
    """Each (owner, day)'s meetings: from the cache, the rest from one search."""
    pairs = [(owner_id, day) for owner_id in owner_ids for day in days]
    found = CALENDARS.get_many(user.hubspot, {(o, d): (o, d.isoformat()) for o, d in pairs})
    missing = [pair for pair in pairs if pair not in found]
    if missing:
        missing_owners = sorted({owner_id for owner_id, _day in missing})
        missing_days = sorted({day for _owner, day in missing})
        with bulkhead.slot() as may_wait:
            if not may_wait:  # skipped, saying so, rather than hold a thread the site needs
                raise bulkhead.HubSpotBusy(message="Every request slot for HubSpot is taken in this process.")
            found.update(_search(user, missing_owners, missing_days[0], missing_days[-1]))
    return found


def _search(user, owner_ids: list[str], first: date, last: date) -> dict[tuple[str, date], list[BusyMeeting]]:
    """One search for the owners' meetings on the days first…last; every (owner, day) asked is cached.

    Callers asking for the same owners and days at once wait for the first one's answer
    (`meetings.core.caches.get_or_fetch`) instead of each spending a search.
    """
    connection, generation = user.hubspot, current_generation()
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]

    def fetch() -> dict[tuple[str, date], list[BusyMeeting]]:
        try:
            meetings = hubspot_client(user, patient=False, max_attempts=1).search_meetings_overlapping(
                owner_ids=owner_ids, start=_day_start(first), end=_day_start(last + timedelta(days=1)),
            )
        except HubSpotRateBudgetSpent:
            raise pickers.SearchBudgetExhausted(connection.hub_id) from None
        calendars = {
            (owner_id, day): [m for m in meetings if m.owner_id == owner_id
                              and m.overlaps(_day_start(day), _day_start(day + timedelta(days=1)))]
            for owner_id in owner_ids for day in days
        }
        CALENDARS.set_many(connection, {(o, d.isoformat()): found for (o, d), found in calendars.items()},
                           generation=generation)
        return calendars

    batch = hashlib.sha256(f"{','.join(owner_ids)}|{first}|{last}".encode()).hexdigest()[:32]
    return get_or_fetch(CALENDARS.key(connection, "search", batch, generation=generation), fetch, CALENDARS.seconds,
                        failures=pickers.HUBSPOT_DOWN)


def conflict_summary(conflict: Conflict, *, zone, day: date) -> dict:
    """What the form shows of one conflict, its times in the meeting's `zone` (with dates when not on `day`)."""
    start, end = conflict.meeting.start.astimezone(zone), conflict.meeting.end.astimezone(zone)
    if start.date() == end.date() == day:
        span = f"{formats.date_format(start, 'H:i')}–{formats.date_format(end, 'H:i')}"
    else:
        span = f"{_local_moment(start)} – {_local_moment(end)}"
    title = conflict.meeting.title or _("(no title)")
    if conflict.title_hidden:
        text = _("%(owner)s already has a meeting booked here, %(range)s.") % {
            "owner": conflict.owner_name, "range": span}
        return {"owner": conflict.owner_name, "title": "", "range": span, "text": text}
    if conflict.is_rep:
        text = _("You already have “%(title)s”, %(range)s.") % {"title": title, "range": span}
    else:
        text = _("%(owner)s already has “%(title)s”, %(range)s.") % {
            "owner": conflict.owner_name, "title": title, "range": span}
    return {"owner": conflict.owner_name, "title": title, "range": span, "text": text}


def _local_moment(moment: datetime) -> str:
    return f"{formats.date_format(moment, 'SHORT_DATE_FORMAT')} {formats.date_format(moment, 'H:i')}"
