"""No test names a calendar day that is still ahead: it would pass into the past one day and turn CI red.

Tests take their days from `tests/clock.py` (relative to now, or the zone's next clock change).
"""

import re
from datetime import UTC, date, datetime
from pathlib import Path

from django.utils import timezone

TESTS = Path(__file__).resolve().parents[1]
LITERAL_DAYS = [
    re.compile(r"\b(?P<y>20\d\d)-(?P<m>[01]\d)-(?P<d>[0-3]\d)(?!\d)"),  # 2026-12-01, 2026-12-01T09:00
    re.compile(r"\b(?:datetime|date)\(\s*(?P<y>20\d\d),\s*(?P<m>\d{1,2}),\s*(?P<d>\d{1,2})"),  # datetime(2026, 12, 1
]
EPOCH_MILLISECONDS = re.compile(r"(?<!\d)1[7-9]\d{11}(?!\d)")  # how HubSpot's search filters write instants


def literal_days(text: str):
    for pattern in LITERAL_DAYS:
        for match in pattern.finditer(text):
            try:
                yield match.group(0), date(int(match["y"]), int(match["m"]), int(match["d"]))
            except ValueError:
                continue  # not a day (an API version such as 2026-03 never matches; 2026-13-01 is no day)
    for match in EPOCH_MILLISECONDS.finditer(text):
        yield match.group(0), datetime.fromtimestamp(int(match.group(0)) / 1000, UTC).date()


def test_the_finder_sees_every_spelling():
    found = [day for _, day in literal_days('start="2031-02-03T10:00" end=datetime(2031, 2, 3, 11) ms="1927875600000"')]

    assert found == [date(2031, 2, 3)] * 3


def test_no_test_file_names_a_day_from_today_on():
    today = timezone.now().date()
    aging = [
        f"{path.relative_to(TESTS)}: {text}"
        for path in sorted(TESTS.rglob("*.py")) if path != Path(__file__)
        for text, day in literal_days(path.read_text(encoding="utf-8")) if day >= today
    ]

    assert aging == [], "take these from tests/clock.py instead"
