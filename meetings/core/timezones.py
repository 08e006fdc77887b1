"""Wall-clock times in an IANA zone → UTC, honest about daylight-saving gaps and overlaps."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import cache, lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from babel import Locale
from babel.core import get_global
from babel.dates import get_timezone_location, get_timezone_name


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


@cache
def _zones_by_hubspot_value() -> dict[str, str]:
    return {name.lower().replace("/", "_slash_"): name for name in zone_names()}


def zone_from_hubspot(value: str) -> str | None:
    """The IANA zone a HubSpot `hs_timezone` value names ("america_slash_new_york" → "America/New_York")."""
    return _zones_by_hubspot_value().get((value or "").strip().lower())


# Large business cities that share a zone with the city CLDR names it after: CLDR's exemplar cities are one per
# zone ("Kolkata", not "Mumbai"), so these are the few a rep types that no data set maps. Kept short on purpose.
CITY_ALIASES = {
    "Asia/Kolkata": "Mumbai Delhi Bangalore Bengaluru Chennai Hyderabad Pune Bombay",
    "Europe/Berlin": "Munich München Frankfurt Hamburg Cologne Köln Düsseldorf Stuttgart",
    "America/Los_Angeles": "San Francisco Seattle San Diego Las Vegas Silicon Valley",
    "America/New_York": "Washington Boston Miami Atlanta Philadelphia",
    "America/Chicago": "Dallas Houston Austin Minneapolis",
    "Asia/Shanghai": "Beijing Peking Shenzhen Guangzhou",
    "Asia/Tokyo": "Osaka Kyoto Yokohama",
    "Europe/Zurich": "Geneva Genf Basel Bern",
    "Europe/Rome": "Milan Mailand",
    "Europe/Madrid": "Barcelona",
    "Asia/Dubai": "Abu Dhabi",
    "Australia/Sydney": "Canberra",
    "America/Toronto": "Ottawa Montreal",
}


def utc_offset_label(offset: timedelta) -> str:
    """"UTC+1", "UTC+5:30", "UTC−3", "UTC": how people write an offset (a real minus sign)."""
    minutes = int(offset.total_seconds() // 60)
    if minutes == 0:
        return "UTC"
    sign = "+" if minutes > 0 else "−"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


def _abbreviation(moment: datetime, locale: Locale) -> str:
    """The zone's short name at `moment` ("CET", German "MEZ", "PST"); "" where it has none but a number ("-03")."""
    variant = "daylight" if moment.dst() else "standard"
    cldr = get_timezone_name(moment, "short", locale=locale, zone_variant=variant)
    if cldr and cldr.isalpha() and len(cldr) <= 5 and not cldr.startswith("GMT"):
        return cldr
    tzname = moment.tzname() or ""
    return tzname if tzname.isalpha() and tzname != "UTC" else ""


@lru_cache(maxsize=8)
def zone_choices(language: str, day: date) -> tuple[dict, ...]:
    """Every zone of `zone_names` as the picker offers it, in `language`, with the offsets of `day`.

    `text` reads "Berlin — CET (UTC+1)"; `search` holds what a rep may type for it: its city, country and
    common name (in `language` and in English, from CLDR through babel), its abbreviation and its IANA id;
    `common` the common names alone ("Pacific Time"), which a search ranks above the other words.
    `rank` lifts a zone above the others a search finds: 1 for the zone CLDR's Windows mapping names first for
    its region (Berlin for "W. Europe", not Büsingen), 2 when that region is named as people name the zone
    ("Pacific Standard Time" is Los Angeles' "Pacific Time", not Vancouver's "British Columbia").
    """
    locale, english = Locale.parse(language.replace("-", "_")), Locale("en")
    territories = get_global("zone_territories")
    aliases = get_global("zone_aliases")  # CLDR keeps old ids ("Asia/Calcutta" for "Asia/Kolkata")
    regions: dict[str, list[str]] = {}  # zone → the Windows zone names (CLDR) that name it their region's first
    for windows, first in get_global("windows_zone_mapping").items():
        if "(" not in windows:  # "Pacific Standard Time (Mexico)" is a variant of its region
            for each in {first, aliases.get(first, first)}:
                regions.setdefault(each, []).append(windows)
    noon = datetime.combine(day, datetime.min.time().replace(hour=12), tzinfo=UTC)
    choices = []
    for name in zone_names():
        zone = ZoneInfo(name)
        moment = noon.astimezone(zone)
        offset = utc_offset_label(moment.utcoffset() or timedelta(0))
        if name == "UTC":
            choices.append({"value": name, "text": "UTC", "search": "UTC GMT Coordinated Universal Time Zulu",
                            "common": "Coordinated Universal Time", "rank": 2})
            continue
        city = get_timezone_location(zone, locale=locale, return_city=True)
        abbreviation = _abbreviation(moment, locale)
        english_abbreviation = _abbreviation(moment, english)
        country = territories.get(name, "")
        generic = get_timezone_name(zone, "long", locale=english, zone_variant="generic")
        common = " / ".join(dict.fromkeys([get_timezone_name(zone, "long", locale=locale, zone_variant="generic"),
                                           generic]))
        words = [
            city, get_timezone_location(zone, locale=english, return_city=True), name, name.replace("_", " "),
            locale.territories.get(country, ""), english.territories.get(country, ""), common,
            abbreviation, english_abbreviation, offset, CITY_ALIASES.get(name, ""),
        ]
        label = f"{city} — {abbreviation} ({offset})" if abbreviation else f"{city} ({offset})"
        named = regions.get(name) or regions.get(aliases.get(name, name), [])
        rank = 2 if any(w.replace(" Standard Time", " Time") == generic for w in named) else 1 if named else 0
        choices.append({"value": name, "text": label, "search": " ".join(dict.fromkeys(w for w in words if w)),
                        "common": common, "rank": rank})
    # One entry per zone: an old or legacy name ("Asia/Calcutta", "Canada/Pacific") gives way to the name CLDR
    # keeps it under ("Asia/Kolkata", "America/Vancouver"); `listed_zone` says which for a browser's zone.
    old_names = old_zone_names()
    return tuple({**c, "search": " ".join([c["search"], *(old for old, current in old_names.items()
                                                         if current == c["value"])])}
                 for c in choices if listed_zone(c["value"]) == c["value"])


@cache
def old_zone_names() -> dict[str, str]:
    """Old names the list leaves out, and the name it offers instead ({"Asia/Calcutta": "Asia/Kolkata"})."""
    return {name: listed_zone(name) for name in zone_names() if listed_zone(name) != name}


@cache
def listed_zone(name: str) -> str:
    """The name the zone list offers for `name`: itself, or the current name of an old one that is listed."""
    current = get_global("zone_aliases").get(name, name)
    return current if current in zone_names() else name


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
