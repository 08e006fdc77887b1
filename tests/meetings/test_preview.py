"""The live preview beside the form: the same rules as the form, across clock changes too."""

from django.http import QueryDict

from meetings.booking.preview import meeting_preview_data
from tests.clock import BERLIN, next_clock_change


def preview(**params):
    query = QueryDict(mutable=True)
    query.update({"time_zone": "Europe/Berlin", **params})
    return meeting_preview_data(query)


def test_the_end_of_a_duration_is_counted_in_real_minutes_across_the_autumn_change():
    repeated = next_clock_change(BERLIN, forward=False).middle_of_changed_hour()

    data = preview(start=f"{repeated:%Y-%m-%dT%H:%M}", duration="30", start_occurrence="first")

    assert data["end_value"] == f"{repeated:%Y-%m-%d}T02:00"  # 02:30 CEST + 30 min = 02:00 CET, not 03:00
    assert data["rows"][-1]["value"].endswith("CET (Europe/Berlin)")


def test_a_time_that_happens_twice_is_named_both_ways_until_one_is_chosen():
    repeated = next_clock_change(BERLIN, forward=False).middle_of_changed_hour()

    undecided = preview(start=f"{repeated:%Y-%m-%dT%H:%M}", duration="30")
    decided = preview(start=f"{repeated:%Y-%m-%dT%H:%M}", duration="30", start_occurrence="second")

    assert "occurs twice" in undecided["warnings"][0] and "CEST" in undecided["warnings"][0]
    assert "CET" in undecided["warnings"][0]
    assert not any("occurs twice" in warning for warning in decided["warnings"])
    assert decided["end_value"] == f"{repeated:%Y-%m-%d}T03:00"  # the second 02:30 is CET: +30 min = 03:00


def test_a_start_in_the_spring_gap_says_it_does_not_exist():
    gap = next_clock_change(BERLIN, forward=True).middle_of_changed_hour()

    data = preview(start=f"{gap:%Y-%m-%dT%H:%M}")

    assert data["ready"] is False and "does not exist in Europe/Berlin" in data["warnings"][0]
