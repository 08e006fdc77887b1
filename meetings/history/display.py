"""One date style for the history, the record pages and the admin: the viewer's zone, named once per page.

The viewer's zone is the one `ViewerTimeZoneMiddleware` activated from the browser's cookie. A time is
written as "6 Dec 2026, 10:30" ("6. Dez. 2026, 10:30" in German) without its zone; the page names the zone once
(`viewer_zone_name`), so a row of a table never mixes two zones.
"""

from __future__ import annotations

from datetime import date, datetime

from django.utils import dateformat, timezone
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy, pgettext


def datetime_format() -> str:
    # Translators: a date and time as Django's date filter reads it (j day, M month, Y year, H:i hour and minute).
    return pgettext("date and time", "j M Y, H:i")


def viewer_datetime(moment: datetime | None) -> str:
    if moment is None:
        return "—"
    return dateformat.format(timezone.localtime(moment), datetime_format())


def viewer_date(day: date, *, with_year: bool = False) -> str:
    if with_year:
        # Translators: a day as Django's date filter reads it, as in "1 Dec 2026".
        return dateformat.format(day, pgettext("day, month and year", "j M Y"))
    # Translators: a day as Django's date filter reads it, as in "1 Dec" (week labels of the chart).
    return dateformat.format(day, pgettext("day and month", "j M"))


def viewer_zone_name() -> str:
    """The zone times are shown in, as its IANA name ("Europe/Berlin"): what the page names once."""
    return timezone.get_current_timezone_name()


# Why a failed create failed, in the rep's words, by kind; HubSpot's own message stays with the technical detail.
# `failure_kind` decides in Python; the CSV export on PostgreSQL decides the same in SQL (exports._failure_sql).
FAILURE_TEXTS = {
    "auth": gettext_lazy("HubSpot did not accept the sign-in: the connection had expired or was withdrawn. "
                         "Nothing was created. Sign in with HubSpot again, then try again."),
    "forbidden": gettext_lazy("HubSpot refused: your HubSpot account may not create this meeting in this portal. "
                              "Nothing was created."),
    "busy": gettext_lazy("HubSpot was too busy to take the meeting (its limit for the portal was reached). "
                         "Nothing was created. Try again in a minute."),
    "refused": gettext_lazy("HubSpot refused the meeting: it did not accept some of the values that were sent. "
                            "Nothing was created. Check the details and try again."),
    "internal": gettext_lazy("The app failed while sending the meeting, before HubSpot answered. "
                             "Nothing was created."),
    "unavailable": gettext_lazy("HubSpot was unavailable, so the meeting was not created. Try again later."),
}
AUTH_CATEGORY, INTERNAL_CATEGORY = "HubSpotAuthRequired", "INTERNAL_ERROR"


def failure_kind(*, status: int | None, category: str) -> str:
    if category == AUTH_CATEGORY or status == 401:
        return "auth"
    if status == 403:
        return "forbidden"
    if status == 429:
        return "busy"
    if status is not None and 400 <= status < 500:
        return "refused"
    if category == INTERNAL_CATEGORY:
        return "internal"
    return "unavailable"


def failure_texts() -> dict[str, str]:
    """Each kind's words in the language active now (an export reads them once, before it streams)."""
    return {kind: str(text) for kind, text in FAILURE_TEXTS.items()}


def failure_in_words(*, status: int | None, category: str) -> str:
    return str(FAILURE_TEXTS[failure_kind(status=status, category=category)])


def grouped(value: int) -> str:
    """A count with the language's thousands separator ("60,029", "60.029"), whatever USE_THOUSAND_SEPARATOR says."""
    return number_format(value, force_grouping=True)
