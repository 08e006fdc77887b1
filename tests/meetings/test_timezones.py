from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from meetings.timezones import NonexistentLocalTime, offset_changes_between, resolve_local, zone_names

BERLIN = ZoneInfo("Europe/Berlin")


def test_winter_time_in_berlin_is_utc_plus_one():
    resolved = resolve_local(datetime(2026, 12, 1, 10, 0), BERLIN)

    assert resolved.utc == datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    assert not resolved.ambiguous


def test_summer_time_in_berlin_is_utc_plus_two():
    assert resolve_local(datetime(2026, 7, 1, 10, 0), BERLIN).utc == datetime(2026, 7, 1, 8, 0, tzinfo=UTC)


def test_spring_forward_gap_does_not_exist():
    with pytest.raises(NonexistentLocalTime):
        resolve_local(datetime(2026, 3, 29, 2, 30), BERLIN)


def test_times_around_the_gap_exist():
    assert resolve_local(datetime(2026, 3, 29, 1, 59), BERLIN).utc == datetime(2026, 3, 29, 0, 59, tzinfo=UTC)
    assert resolve_local(datetime(2026, 3, 29, 3, 0), BERLIN).utc == datetime(2026, 3, 29, 1, 0, tzinfo=UTC)


def test_autumn_overlap_resolves_to_the_first_occurrence():
    resolved = resolve_local(datetime(2026, 10, 25, 2, 30), BERLIN)

    assert resolved.ambiguous
    # The first 02:30 is still summer time (UTC+2).
    assert resolved.utc == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
    assert resolved.local.tzname() == "CEST"


def test_new_york_gap_on_its_own_date():
    with pytest.raises(NonexistentLocalTime):
        resolve_local(datetime(2026, 3, 8, 2, 15), ZoneInfo("America/New_York"))


def test_offset_change_between_two_instants():
    november = datetime(2026, 11, 24, 12, tzinfo=UTC)

    assert offset_changes_between(november, datetime(2027, 4, 1, 12, tzinfo=UTC), BERLIN)
    assert not offset_changes_between(november, datetime(2027, 1, 15, 12, tzinfo=UTC), BERLIN)


def test_zone_list_has_canonical_names_only():
    names = zone_names()

    assert "Europe/Berlin" in names and "America/New_York" in names and "UTC" in names
    assert "US/Eastern" not in names
    assert list(names) == sorted(names)
