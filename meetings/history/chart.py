"""Meetings per week, split by status, as numbers an SVG template draws (no JavaScript, no CDN)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from meetings.core.models import MeetingRecord, week_of

# Bottom to top; failures sit on top, in red, so a spike stands out.
STACK = [MeetingRecord.Status.CREATED, MeetingRecord.Status.PENDING, MeetingRecord.Status.UNKNOWN,
         MeetingRecord.Status.NOT_CREATED, MeetingRecord.Status.FAILED]
BAR_WIDTH, GAP, HEIGHT, LABEL_SPACE, TOP_SPACE = 36, 12, 160, 28, 14


def weekly_chart(rows: list[dict], *, weeks: int = 12, now: datetime | None = None) -> dict:
    """Bars for the last `weeks` weeks (empty weeks included) from meeting_record_weekly_counts()."""
    this_week = week_of(now or timezone.now())
    starts = [this_week - timedelta(weeks=weeks - 1 - i) for i in range(weeks)]
    counts = {(row["created_week"], row["status"]): row["count"] for row in rows}
    totals = [sum(counts.get((start, status), 0) for status in STACK) for start in starts]
    peak = max(totals + [1])
    bars = []
    for index, start in enumerate(starts):
        y = HEIGHT
        segments = []
        for status in STACK:
            count = counts.get((start, status), 0)
            if not count:
                continue
            height = max(1, round(count / peak * (HEIGHT - 10)))
            y -= height
            segments.append({"status": status, "label": MeetingRecord.Status(status).label, "count": count,
                             "y": y, "height": height})
        bars.append({
            "x": GAP + index * (BAR_WIDTH + GAP), "segments": segments, "total": totals[index],
            "total_y": y - 4,  # the bar's value, written above it: the chart's axis is its numbers
            "label": _("W%(week)s") % {"week": start.isocalendar().week},
            "title": formats.date_format(start, "SHORT_DATE_FORMAT"),
        })
    return {
        "bars": bars, "peak": peak, "bar_width": BAR_WIDTH, "height": HEIGHT, "label_y": HEIGHT + 18,
        "width": GAP + weeks * (BAR_WIDTH + GAP), "total_height": HEIGHT + LABEL_SPACE, "top": -TOP_SPACE,
        "view_height": HEIGHT + LABEL_SPACE + TOP_SPACE,
        "legend": [{"status": s, "label": MeetingRecord.Status(s).label} for s in STACK],
        "empty": not any(totals),
    }
