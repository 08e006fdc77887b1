"""Wall-clock times in an IANA zone → UTC, honest about daylight-saving gaps and overlaps."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones


@cache
def known_zones() -> frozenset[str]:
    # available_timezones() walks the zoneinfo files on every call: read them once.
    return frozenset(available_timezones())


@cache
def zone_names() -> tuple[str, ...]:
    """Canonical-looking IANA names, sorted (legacy aliases like 'US/Eastern' left out)."""
    return tuple(sorted(
        name for name in known_zones()
        if "/" in name and not name.startswith(("Etc/", "SystemV/", "US/", "posix/", "right/")) or name == "UTC"
    ))


def get_zone(name: str) -> ZoneInfo | None:
    if not name or name not in known_zones():
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


class NonexistentLocalTime(ValueError):
    """The wall-clock time is skipped by a daylight-saving change (e.g. 02:30 on a spring-forward night)."""


@dataclass(frozen=True)
class LocalTime:
    """A wall-clock time resolved in a zone, remembering whether it was ambiguous."""

    utc: datetime
    local: datetime  # aware, in the chosen zone
    ambiguous: bool = False


def resolve_local(naive: datetime, zone: ZoneInfo, *, fold: int = 0) -> LocalTime:
    """Interpret `naive` as wall-clock time in `zone`.

    Nonexistent times raise. An ambiguous time (the repeated hour in autumn) is the first
    occurrence (`fold=0`, still daylight-saving time) unless `fold=1` asks for the second;
    `ambiguous` tells the caller to make the rep choose rather than guess.
    """
    first = naive.replace(tzinfo=zone, fold=0)
    second = naive.replace(tzinfo=zone, fold=1)
    round_trip = first.astimezone(UTC).astimezone(zone).replace(tzinfo=None)
    if round_trip != naive:
        raise NonexistentLocalTime(naive)
    ambiguous = first.utcoffset() != second.utcoffset()
    chosen = second if ambiguous and fold else first
    return LocalTime(utc=chosen.astimezone(UTC), local=chosen, ambiguous=ambiguous)


def occurrences(naive: datetime, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """Both instants of an ambiguous wall-clock time, aware in `zone`: (first, second)."""
    return naive.replace(tzinfo=zone, fold=0), naive.replace(tzinfo=zone, fold=1)


def offset_changes_between(start: datetime, end: datetime, zone: ZoneInfo) -> bool:
    """Whether the zone's UTC offset differs between two instants (a DST change lies between)."""
    if end < start:
        start, end = end, start
    return start.astimezone(zone).utcoffset() != end.astimezone(zone).utcoffset()


REMINDER_UNITS = {
    "MINUTES": timedelta(minutes=1),
    "HOURS": timedelta(hours=1),
    "DAYS": timedelta(days=1),
    "WEEKS": timedelta(weeks=1),
}


def reminder_offset(number: int, unit: str) -> timedelta:
    return number * REMINDER_UNITS[unit]
