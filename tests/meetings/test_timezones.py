"""Wall-clock times → UTC, at the zones' real next clock changes (found from their rules, never named)."""

from datetime import UTC, datetime, timedelta

import pytest

from meetings.core.timezones import (
    NonexistentLocalTime,
    offset_changes_between,
    old_zone_names,
    resolve_local,
    utc_offset_label,
    zone_choices,
    zone_names,
)
from tests.clock import BERLIN, NEW_YORK, next_clock_change

SPRING = next_clock_change(BERLIN, forward=True)
AUTUMN = next_clock_change(BERLIN, forward=False)


def test_winter_time_in_berlin_is_utc_plus_one():
    winter = datetime.combine(AUTUMN.day + timedelta(days=7), datetime.min.time()).replace(hour=10)

    resolved = resolve_local(winter, BERLIN)

    assert resolved.utc == winter.replace(hour=9, tzinfo=UTC)
    assert not resolved.ambiguous


def test_summer_time_in_berlin_is_utc_plus_two():
    summer = datetime.combine(SPRING.day + timedelta(days=7), datetime.min.time()).replace(hour=10)

    assert resolve_local(summer, BERLIN).utc == summer.replace(hour=8, tzinfo=UTC)


def test_berlin_changes_its_clocks_at_one_utc_by_an_hour():
    """The rules the other tests rely on, as the zone database has them."""
    assert SPRING.instant.hour == AUTUMN.instant.hour == 1
    assert SPRING.offset_after - SPRING.offset_before == timedelta(hours=1) == AUTUMN.offset_before - AUTUMN.offset_after


def test_spring_forward_gap_does_not_exist():
    assert SPRING.middle_of_changed_hour().strftime("%H:%M") == "02:30"

    with pytest.raises(NonexistentLocalTime):
        resolve_local(SPRING.middle_of_changed_hour(), BERLIN)


def test_times_around_the_gap_exist():
    before, after = SPRING.last_minute_before(), SPRING.first_minute_after()

    assert (before.strftime("%H:%M"), after.strftime("%H:%M")) == ("01:59", "03:00")
    assert resolve_local(before, BERLIN).utc == SPRING.instant - timedelta(minutes=1)
    assert resolve_local(after, BERLIN).utc == SPRING.instant


def test_autumn_overlap_resolves_to_the_first_occurrence():
    resolved = resolve_local(AUTUMN.middle_of_changed_hour(), BERLIN)

    assert resolved.ambiguous
    # The first 02:30 is still summer time (UTC+2): half an hour before the clocks go back.
    assert resolved.utc == AUTUMN.instant - timedelta(minutes=30)
    assert resolved.local.tzname() == "CEST"


def test_new_york_gap_on_its_own_date():
    new_york = next_clock_change(NEW_YORK, forward=True)

    with pytest.raises(NonexistentLocalTime):
        resolve_local(new_york.middle_of_changed_hour(), NEW_YORK)
    assert not resolve_local(new_york.middle_of_changed_hour(), BERLIN).ambiguous  # that night is plain in Berlin


def test_offset_change_between_two_instants():
    change = next_clock_change(BERLIN)

    assert offset_changes_between(change.instant - timedelta(hours=1), change.instant + timedelta(hours=1), BERLIN)
    assert not offset_changes_between(change.instant - timedelta(days=30), change.instant - timedelta(hours=1), BERLIN)


def test_zone_list_has_canonical_names_only():
    names = zone_names()

    assert "Europe/Berlin" in names and "America/New_York" in names and "UTC" in names
    assert "US/Eastern" not in names
    assert list(names) == sorted(names)


def zone(language: str, day, name: str) -> dict:
    return next(choice for choice in zone_choices(language, day) if choice["value"] == name)


def test_a_zone_is_shown_by_its_city_abbreviation_and_offset_on_the_day():
    winter, summer = AUTUMN.day + timedelta(days=7), SPRING.day + timedelta(days=7)

    assert zone("en", winter, "Europe/Berlin")["text"] == "Berlin — CET (UTC+1)"
    assert zone("en", summer, "Europe/Berlin")["text"] == "Berlin — CEST (UTC+2)"
    assert zone("de", winter, "Europe/Berlin")["text"] == "Berlin — MEZ (UTC+1)"
    assert zone("en", winter, "Asia/Kolkata")["text"] == "Kolkata — IST (UTC+5:30)"
    assert zone("en", winter, "America/Sao_Paulo")["text"] == "São Paulo (UTC−3)"  # no abbreviation but "-03"
    assert zone("en", winter, "UTC")["text"] == "UTC"


def test_a_zone_is_found_by_what_people_call_it_in_either_language():
    day = AUTUMN.day + timedelta(days=7)
    berlin, los_angeles, kolkata = (zone("de", day, name)["search"]
                                    for name in ("Europe/Berlin", "America/Los_Angeles", "Asia/Kolkata"))

    assert {"Deutschland", "Germany", "Mitteleuropäische", "Central", "CET", "MEZ", "Europe/Berlin"} <= set(
        berlin.split())
    assert "Pacific Time" in los_angeles and "United States" in los_angeles
    assert "Mumbai" in kolkata and "Indien" in kolkata and "India" in kolkata


def test_the_zone_people_mean_by_a_regions_name_ranks_first():
    day = AUTUMN.day + timedelta(days=7)

    assert zone("en", day, "America/Los_Angeles")["rank"] > zone("en", day, "America/Vancouver")["rank"] > \
        zone("en", day, "America/Tijuana")["rank"]
    assert zone("en", day, "Europe/Berlin")["rank"] > zone("en", day, "Europe/Busingen")["rank"]


@pytest.mark.parametrize(("minutes", "label"), [(0, "UTC"), (60, "UTC+1"), (330, "UTC+5:30"), (-180, "UTC−3")])
def test_offsets_read_as_people_write_them(minutes, label):
    assert utc_offset_label(timedelta(minutes=minutes)) == label


@pytest.mark.django_db
def test_the_zone_list_speaks_the_language_its_address_names(client):
    from django.urls import reverse

    german = client.get(reverse("timezones"), {"lang": "de"}).json()["zones"]
    english = client.get(reverse("timezones"), {"lang": "en", "day": "1999-01-01"}).json()["zones"]  # today's

    berlin = [z["text"] for zones in (german, english) for z in zones if z["value"] == "Europe/Berlin"]
    assert berlin[0].startswith("Berlin — MEZ") or berlin[0].startswith("Berlin — MESZ")
    assert berlin[1].startswith("Berlin — CET") or berlin[1].startswith("Berlin — CEST")


def test_each_zone_is_offered_once_under_its_current_name_and_found_by_its_old_one():
    day = AUTUMN.day + timedelta(days=7)
    offered = [choice["value"] for choice in zone_choices("en", day)]

    assert "Asia/Kolkata" in offered and "Asia/Calcutta" not in offered and "Canada/Pacific" not in offered
    assert "Asia/Calcutta" in zone("en", day, "Asia/Kolkata")["search"].split()  # typed, it still finds Kolkata
    assert old_zone_names()["Asia/Calcutta"] == "Asia/Kolkata"  # for a browser that names its zone so
    texts = [choice["text"] for choice in zone_choices("en", day)]
    assert texts.count(zone("en", day, "America/Vancouver")["text"]) == 1
