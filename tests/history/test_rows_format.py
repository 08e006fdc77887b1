"""The list's rows format dates from formats split once per page: they must read as Django's own formatting."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import dateformat, translation

from meetings.history.rows import _format, _parts

BERLIN = ZoneInfo("Europe/Berlin")
# Past days on purpose: formatting does not care, and a future day by name would age (tests/clock.py).
MOMENTS = [
    datetime(2025, 3, 30, 0, 30, tzinfo=UTC).astimezone(BERLIN),  # the night the clocks go forward
    datetime(2025, 10, 26, 0, 30, tzinfo=UTC).astimezone(BERLIN),  # 02:30, which that night has twice
    datetime(2025, 12, 1, 12, 0, tzinfo=UTC).astimezone(ZoneInfo("America/New_York")),  # noon: "P" says so
    datetime(2025, 7, 4, 23, 59, 59, tzinfo=UTC),
]
FORMATS = ["m/d/Y P", "d.m.Y H:i", "N j, Y, P T", r"j \d\e F Y \u\m H:i \\ e", "D, l jS F y g:i A O e", ""]


@pytest.mark.parametrize("language", ["en", "de"])
@pytest.mark.parametrize("format_string", FORMATS)
def test_formatting_from_parts_reads_as_django_formats(language, format_string):
    with translation.override(language):
        for moment in MOMENTS:
            assert _format(moment, _parts(format_string)) == dateformat.format(moment, format_string)
