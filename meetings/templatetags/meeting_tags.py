from django import template
from django.utils import formats

from meetings import links
from meetings.timezones import get_zone

register = template.Library()


@register.simple_tag
def hubspot_meeting_url(record) -> str:
    return links.hubspot_meeting_url(record)


@register.simple_tag
def hubspot_meetings_list_url(record) -> str:
    return links.hubspot_meetings_list_url(record)


@register.simple_tag
def local_range(record) -> str:
    """'Tue, 1 Dec 2026, 10:00 – 11:00 CET (Europe/Berlin)' in the record's own zone."""
    zone = get_zone(record.time_zone)
    start, end = (record.start_at.astimezone(zone), record.end_at.astimezone(zone)) if zone else (
        record.start_at, record.end_at)
    end_format = "TIME_FORMAT" if start.date() == end.date() else "DATETIME_FORMAT"
    return (
        f"{formats.date_format(start, 'D')}, {formats.date_format(start, 'DATETIME_FORMAT')} – "
        f"{formats.date_format(end, end_format)} "
        f"{end.tzname()} ({record.time_zone})"
    )
