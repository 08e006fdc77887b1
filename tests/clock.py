"""Every date the tests use comes from here, relative to the real clock.

A literal calendar day in a test passes into the past one day and turns CI red (it did, at the end of November 2026).
So tests ask for "a Tuesday at least 30 days ahead" or "the next spring-forward gap in Berlin", never
for a day by name. `.ci/run` proves it by running the suite a second time under `faketime '+400 days'`,
and `tests/foundation/test_no_aging_dates.py` refuses new literal future dates in the tests.

Times are aware datetimes; `form_value` turns one into what a rep types into the form (wall-clock time
in its zone) and `hubspot_time` into what HubSpot stores (UTC with milliseconds).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
TUESDAY = 1


def now() -> datetime:
    return timezone.now()


def meeting_day(*, days_ahead: int = 30, weekday: int = TUESDAY, zone: ZoneInfo = BERLIN) -> date:
    """The first `weekday` at least `days_ahead` days from today in `zone`, on which the clocks do not change.

    Far enough ahead that every reminder the tests set (up to a few days) goes out in the future.
    """
    day = now().astimezone(zone).date() + timedelta(days=days_ahead)
    day += timedelta(days=(weekday - day.weekday()) % 7)
    while _offset_changes_on(day, zone):
        day += timedelta(days=7)
    return day


def at(day: date, hour: int, minute: int = 0, zone: ZoneInfo = BERLIN) -> datetime:
    """Wall-clock `hour:minute` on `day` in `zone`, as an aware datetime."""
    return datetime.combine(day, time(hour, minute), tzinfo=zone)


def meeting_start(hour: int = 10, **day_options) -> datetime:
    """A plain meeting start: `hour`:00 Berlin time on `meeting_day(**day_options)`."""
    zone = day_options.get("zone", BERLIN)
    return at(meeting_day(**day_options), hour, zone=zone)


def form_value(moment: datetime, zone: ZoneInfo = BERLIN) -> str:
    """What a rep types into a datetime-local field: the wall-clock time in `zone`."""
    return moment.astimezone(zone).strftime("%Y-%m-%dT%H:%M")


def hubspot_time(moment: datetime) -> str:
    """How HubSpot writes an instant: UTC, milliseconds, `Z`."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


@dataclass(frozen=True)
class ClockChange:
    """One change of a zone's UTC offset, found in the zone's own rules."""

    instant: datetime  # in UTC
    offset_before: timedelta
    offset_after: timedelta
    zone: ZoneInfo

    @property
    def springs_forward(self) -> bool:
        return self.offset_after > self.offset_before

    @property
    def day(self) -> date:
        return self.instant.astimezone(self.zone).date()

    def middle_of_changed_hour(self) -> datetime:
        """Naive wall-clock time in the middle of the skipped (spring) or repeated (autumn) stretch, e.g. 02:30."""
        low, high = sorted((self.offset_before, self.offset_after))
        return (self.instant + low + (high - low) / 2).replace(tzinfo=None)

    def last_minute_before(self) -> datetime:
        """Naive wall-clock time one minute before the change (01:59 on a Berlin spring night)."""
        return (self.instant + self.offset_before - timedelta(minutes=1)).replace(tzinfo=None)

    def first_minute_after(self) -> datetime:
        """Naive wall-clock time at the change, on the new offset (03:00 on a Berlin spring night)."""
        return (self.instant + self.offset_after).replace(tzinfo=None)


def next_clock_change(zone: ZoneInfo = BERLIN, *, forward: bool | None = None, after: datetime | None = None,
                      days_ahead: int = 1) -> ClockChange:
    """The next change of `zone`'s offset at least `days_ahead` days from now (or after `after`).

    `forward=True` finds the next spring-forward gap, `False` the next autumn fold, `None` either.
    """
    moment = (after or now() + timedelta(days=days_ahead)).astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    limit = moment + timedelta(days=800)
    offset = moment.astimezone(zone).utcoffset()
    while moment < limit:
        following = moment + timedelta(hours=1)
        following_offset = following.astimezone(zone).utcoffset()
        if following_offset != offset:
            change = ClockChange(_first_instant_of(following_offset, moment, following, zone),
                                 offset, following_offset, zone)
            if forward is None or change.springs_forward == forward:
                return change
        moment, offset = following, following_offset
    raise LookupError(f"{zone.key} does not change its clocks in the next two years")


def _first_instant_of(offset: timedelta, low: datetime, high: datetime, zone: ZoneInfo) -> datetime:
    """Bisect to the minute at which `zone` takes on `offset` (offsets do not change mid-minute)."""
    while high - low > timedelta(minutes=1):
        middle = low + (high - low) / 2
        middle = middle.replace(second=0, microsecond=0)
        if middle.astimezone(zone).utcoffset() == offset:
            high = middle
        else:
            low = middle
    return high


def _offset_changes_on(day: date, zone: ZoneInfo) -> bool:
    start = datetime.combine(day, time(0), tzinfo=zone)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone)
    return start.utcoffset() != end.utcoffset()
