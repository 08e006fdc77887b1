"""How a record shows on every page that lists it: helpers the templates and the history's rows share."""

from __future__ import annotations

from django.utils.html import format_html

from meetings.core.models import MeetingRecord

STATUS_BADGES = {
    MeetingRecord.Status.CREATED: "text-bg-success",
    MeetingRecord.Status.FAILED: "text-bg-danger",
    MeetingRecord.Status.UNKNOWN: "text-bg-warning",
    MeetingRecord.Status.PENDING: "text-bg-secondary",
    MeetingRecord.Status.NOT_CREATED: "text-bg-secondary",
}


def status_badge(record):
    return format_html(
        '<span class="badge {}" data-status="{}">{}</span>',
        STATUS_BADGES.get(record.status, "text-bg-light"), record.status, record.get_status_display(),
    )
