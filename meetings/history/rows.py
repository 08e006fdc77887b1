"""The history list's rows, drawn in Python: read as tuples, formatted with what one page shares computed once.

Through the template engine, twenty-five rows of a dozen cells cost several milliseconds of CPU per
page (a filter, a tag and a variable lookup per cell); so does building a model instance (and its rep's)
per row, and `reverse`, `format_html` and `formats.date_format` per cell. Here the query reads only the
columns the rows show, as tuples; the detail URL is reversed once and filled in per row; the date formats
are split into their parts once; each status badge is drawn once; and the text is escaped as `format_html`
would escape it.
"""

from __future__ import annotations

import html
from datetime import datetime
from functools import lru_cache
from typing import NamedTuple

from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from meetings.core import links
from meetings.core.display import status_badge
from meetings.core.models import MeetingRecord
from meetings.history import display

# What the rows read, in ListedRecord's order; the JSON bodies and the audit chain's digests stay in the database.
LISTED_COLUMNS = ("pk", "created_at", "user__first_name", "user__last_name", "user__email", "hub_id", "hub_domain",
                  "title", "start_at", "time_zone", "associations", "status", "hubspot_meeting_id")


class ListedRecord(NamedTuple):
    """One row of the list: the record's columns it shows, named as on MeetingRecord where they are its own."""

    pk: int
    created_at: datetime
    rep_first_name: str
    rep_last_name: str
    rep_email: str
    hub_id: int
    hub_domain: str
    title: str
    start_at: datetime
    time_zone: str
    associations: list
    status: str
    hubspot_meeting_id: str

    @property
    def is_created(self) -> bool:
        return self.status == MeetingRecord.Status.CREATED

    def get_status_display(self) -> str:
        """As MeetingRecord's: the status's label, or the stored value if it is none of them."""
        return str(dict(MeetingRecord.Status.choices).get(self.status, self.status))

    @property
    def rep_name(self) -> str:
        # As User.get_full_name() or the email, which the per-rep counts show too.
        return f"{self.rep_first_name} {self.rep_last_name}".strip() or self.rep_email


# The cells a narrow screen hides carry Bootstrap's display classes (see the table's head). Filled with
# str.format: every value is escaped or already safe HTML (see history_rows_html). Titles wrap between words
# (`history-title`); times never wrap inside themselves. Names and titles sit in <bdi>: a right-to-left override
# in one cannot reorder what stands beside it.
ROW = ('<tr><td class="text-nowrap small d-none d-md-table-cell">{}</td>{}'
       '<td class="history-title"><a href="{}"><bdi>{}</bdi></a>'
       '<div class="small text-body-secondary text-nowrap d-sm-none">{}</div></td>'
       '<td class="small text-nowrap d-none d-sm-table-cell">{}</td><td class="small d-none d-lg-table-cell">{}</td>'
       '<td>{}</td><td class="text-nowrap">{}</td></tr>')
REP_CELL = '<td><bdi>{}</bdi></td>'
PORTAL_CELL = '<td class="small d-none d-xl-table-cell"><bdi>{}</bdi></td>'
HUBSPOT_LINK = '<a href="{}" target="_blank" rel="noopener">{}</a>'
# A primary key no record has: reversed once, it marks where each row's own goes.
_PK_MARK = 987654321987654321


def history_rows_html(records: list[ListedRecord], *, everyone: bool, show_portal: bool = False) -> SafeString:
    """The rows, every time in the viewer's zone in the one style of `history.display` (the page names the zone)."""
    # html.escape is what django.utils.html.escape (and so format_html) applies, without its lazy-string wrapping.
    escape = html.escape
    badges: dict[str, SafeString] = {}
    detail_head, detail_tail = map(escape, reverse("history_detail", args=[_PK_MARK]).split(str(_PK_MARK)))
    moment_format = _parts(display.datetime_format())
    hubspot = escape(_("HubSpot"))
    rows = []
    for record in records:
        if record.status not in badges:
            badges[record.status] = status_badge(record)
        # Submitted and the meeting's start in one zone, the viewer's: one row never mixes two.
        start = escape(_format(timezone.localtime(record.start_at), moment_format))
        rows.append(ROW.format(
            escape(_format(timezone.localtime(record.created_at), moment_format)),
            _rep_cells(record, show_portal) if everyone else "",
            f"{detail_head}{record.pk}{detail_tail}", escape(record.title), start, start,
            ", ".join(f"<bdi>{escape(str(a.get('label', '')))}</bdi>" for a in record.associations) or "—",
            badges[record.status],
            HUBSPOT_LINK.format(escape(links.hubspot_meeting_url(record)), hubspot) if record.is_created else "",
        ))
    return mark_safe("\n".join(rows))  # noqa: S308 - every value escaped above, or safe HTML


def _rep_cells(record: ListedRecord, show_portal: bool) -> str:
    cells = REP_CELL.format(html.escape(record.rep_name))
    # The portal's name only where there is more than one to tell apart; its id is on the record's page.
    return cells + PORTAL_CELL.format(html.escape(str(record.hub_domain or record.hub_id))) if show_portal else cells


@lru_cache(maxsize=32)
def _parts(format_string: str) -> tuple[tuple[bool, str], ...]:
    """A Django date format as (is text, piece) pairs: what dateformat.format parses again on every call."""
    parts = []
    for index, piece in enumerate(dateformat.re_formatchars.split(format_string)):
        if index % 2:
            parts.append((False, piece))
        elif piece:
            parts.append((True, dateformat.re_escaped.sub(r"\1", piece)))
    return tuple(parts)


def _format(moment: datetime, parts: tuple[tuple[bool, str], ...]) -> str:
    """What dateformat.format(moment, format_string) returns, from the format's parts."""
    formatter = dateformat.DateFormat(moment)
    return "".join(piece if is_text else str(getattr(formatter, piece)()) for is_text, piece in parts)
