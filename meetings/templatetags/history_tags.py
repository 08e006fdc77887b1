"""Template tags of the history, the record pages and the admin: one date style, grouped numbers."""

from __future__ import annotations

from datetime import datetime

from django import template
from django.utils import dateformat, timezone

from meetings.history import display

register = template.Library()

register.simple_tag(display.viewer_datetime)
register.simple_tag(display.viewer_zone_name)


@register.filter
def grouped(value) -> str:
    """A count with the language's thousands separator ("60,029", "60.029"), whatever USE_THOUSAND_SEPARATOR says."""
    return display.grouped(value) if value is not None else ""



@register.simple_tag
def viewer_iso(value: str) -> str:
    """A time stored as ISO text (a reconciliation step's), in the page's one date style."""
    try:
        return display.viewer_datetime(datetime.fromisoformat(value))
    except (TypeError, ValueError):
        return str(value or "—")


@register.simple_tag
def viewer_range(start, end) -> str:
    """A meeting's start and end in the viewer's zone: "7 Dec 2026, 10:30 – 11:30"."""
    same_day = timezone.localtime(start).date() == timezone.localtime(end).date()
    end_text = dateformat.format(timezone.localtime(end), "H:i") if same_day else display.viewer_datetime(end)
    return f"{display.viewer_datetime(start)} – {end_text}"


@register.simple_tag
def failure_in_words(record) -> str:
    return display.failure_in_words(status=record.response_status, category=record.error_category)


@register.filter
def differs_from_viewer_zone(zone_name: str) -> bool:
    return zone_name != timezone.get_current_timezone_name()
