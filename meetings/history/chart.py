"""Meetings per week, split by status, as numbers an SVG template draws (no JavaScript, no CDN).

Readable without colour: each status has its own pattern as well as its colour (`static/css/app.css`, the
template's <pattern>s), a segment tall enough carries its count, each week's bar shows its values on hover and
keyboard focus, and the same numbers stand in a table beside the chart. Weeks are named by their first day
("1 Dec"), not by an ISO week number.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from meetings.core.models import MeetingRecord, week_of
from meetings.history import display

# Bottom to top; failures sit on top, in red, so a spike stands out.
STACK = [MeetingRecord.Status.CREATED, MeetingRecord.Status.PENDING, MeetingRecord.Status.UNKNOWN,
         MeetingRecord.Status.NOT_CREATED, MeetingRecord.Status.FAILED]
BAR_WIDTH, GAP, HEIGHT, LABEL_SPACE, TOP_SPACE = 40, 12, 180, 30, 40
# A segment at least this tall (in the chart's units) has room for its count written inside it.
LABELLED_SEGMENT = 16


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
                             "count_text": display.grouped(count), "y": y, "height": height,
                             "labelled": height >= LABELLED_SEGMENT, "text_y": y + height / 2 + 4})
        x = GAP + index * (BAR_WIDTH + GAP)
        bars.append({
            "x": x, "middle": x + BAR_WIDTH // 2, "segments": segments, "total": totals[index],
            "total_text": display.grouped(totals[index]),
            "total_y": y - 4,  # the bar's value, written above it: the chart's axis is its numbers
            "label": display.viewer_date(start),
            # Written across the top while the bar has the pointer or the keyboard's focus: every count, small ones too.
            "detail": ", ".join(f"{segment['label']} {segment['count_text']}" for segment in segments),
            "counts": [counts.get((start, status), 0) for status in STACK],
        })
    return {
        "bars": bars, "peak": peak, "bar_width": BAR_WIDTH, "height": HEIGHT, "label_y": HEIGHT + 20,
        "width": GAP + weeks * (BAR_WIDTH + GAP), "total_height": HEIGHT + LABEL_SPACE, "top": -TOP_SPACE,
        "view_height": HEIGHT + LABEL_SPACE + TOP_SPACE, "detail_y": -TOP_SPACE + 14,
        "legend": [{"status": s, "label": MeetingRecord.Status(s).label} for s in STACK],
        "empty": not any(totals),
    }
