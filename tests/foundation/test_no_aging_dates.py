"""No test names a calendar day that is still ahead: it would pass into the past one day and turn CI red.

Tests take their days from `tests/clock.py` (relative to now, or the zone's next clock change).
"""

import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from django.utils import timezone

TESTS = Path(__file__).resolve().parents[1]
LITERAL_DAYS = [
    re.compile(r"\b(?P<y>20\d\d)-(?P<m>[01]\d)-(?P<d>[0-3]\d)(?!\d)"),  # an ISO day, alone or with a time
    re.compile(r"\b(?:datetime|date)\(\s*(?P<y>20\d\d),\s*(?P<m>\d{1,2}),\s*(?P<d>\d{1,2})"),  # datetime(year, month, day
]
EPOCH_MILLISECONDS = re.compile(r"(?<!\d)1[7-9]\d{11}(?!\d)")  # how HubSpot's search filters write instants


def literal_days(text: str):
    for pattern in LITERAL_DAYS:
        for match in pattern.finditer(text):
            try:
                yield match.group(0), date(int(match["y"]), int(match["m"]), int(match["d"]))
            except ValueError:
                continue  # not a day: a month 13 or a 31st of June (an API version, year-month, never matches)
    for match in EPOCH_MILLISECONDS.finditer(text):
        yield match.group(0), datetime.fromtimestamp(int(match.group(0)) / 1000, UTC).date()


def test_the_finder_sees_every_spelling():
    # The day is made here, five years ahead, so that this test names no day itself.
    ahead = timezone.now().replace(hour=9, minute=0, second=0, microsecond=0) + timedelta(days=5 * 365)
    day = ahead.date()
    text = (f'start="{day:%Y-%m-%d}T10:00" end=datetime({day.year}, {day.month}, {day.day}, 11) '
            f'ms="{int(ahead.timestamp() * 1000)}" not-a-day="{day.year}-13-01"')

    assert [found for _, found in literal_days(text)] == [day] * 3


def test_no_test_file_names_a_day_from_today_on():
    today = timezone.now().date()
    aging = [
        f"{path.relative_to(TESTS)}: {text}"
        for path in sorted(TESTS.rglob("*.py")) if path != Path(__file__)
        for text, day in literal_days(path.read_text(encoding="utf-8")) if day >= today
    ]

    assert aging == [], "take these from tests/clock.py instead"
