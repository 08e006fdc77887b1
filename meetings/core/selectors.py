"""Reads that depend on who is looking. The one place that decides who sees which records."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from meetings.core.models import MeetingRecord

VIEW_ALL_PERMISSION = "meetings.view_all_meeting_records"


def can_view_all(viewer) -> bool:
    """Admins: superusers and whoever holds the permission (granted through the "Meeting admins" group)."""
    return viewer.is_active and (viewer.is_superuser or viewer.has_perm(VIEW_ALL_PERMISSION))


@dataclass(frozen=True)
class RecordFilters:
    status: str = ""
    submitted_from: date | None = None
    submitted_to: date | None = None
    text: str = ""
    rep_id: int | None = None  # admins only
    hub_id: int | None = None  # admins only
    coming_up: bool = False  # meetings that have not started yet, soonest first


def _sees_everyone(viewer, everyone: bool) -> bool:
    return everyone and can_view_all(viewer)


def meeting_record_visible(*, viewer, everyone: bool = False) -> QuerySet[MeetingRecord]:
    """Records the viewer may see: their own, or — for admins asking for everyone's — all."""
    records = MeetingRecord.objects.all()
    if not _sees_everyone(viewer, everyone):
        records = records.filter(user=viewer)
    return records


def meeting_record_list(*, viewer, filters: RecordFilters, everyone: bool = False) -> QuerySet[MeetingRecord]:
    records = meeting_record_visible(viewer=viewer, everyone=everyone)
    if filters.status:
        records = records.filter(status=filters.status)
    if filters.submitted_from:
        records = records.filter(created_at__gte=_start_of(filters.submitted_from))
    if filters.submitted_to and filters.submitted_to < date.max:  # "until 9999-12-31" bounds nothing
        records = records.filter(created_at__lt=_start_of(filters.submitted_to + timedelta(days=1)))
    if filters.text:
        records = records.filter(search_text__contains=filters.text.casefold())
    if _sees_everyone(viewer, everyone):
        if filters.rep_id:
            records = records.filter(user_id=filters.rep_id)
        if filters.hub_id:
            records = records.filter(hub_id=filters.hub_id)
    if filters.coming_up:
        return records.filter(start_at__gte=timezone.now()).select_related("user").order_by("start_at", "id")
    return records.select_related("user").order_by("-created_at", "-id")


def meeting_record_get(*, viewer, pk: int) -> MeetingRecord:
    """One record, if the viewer may see it (raises MeetingRecord.DoesNotExist otherwise)."""
    return meeting_record_visible(viewer=viewer, everyone=True).select_related("user").get(pk=pk)


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_current_timezone())


SAME_MEETING_WINDOW = timedelta(hours=24)


def meeting_record_same_meeting(*, viewer, title: str, start: datetime) -> MeetingRecord | None:
    """The rep's latest meeting with this title and start, created or being created in the last day.

    Whatever its contacts, companies, deals and tickets: after Back a browser restores typed text but not
    always a picker's choices, and a second tab may have chosen others. A submit that matches is asked
    about before it is sent.
    """
    return MeetingRecord.objects.filter(
        user=viewer, title=title, start_at=start, created_at__gte=timezone.now() - SAME_MEETING_WINDOW,
        status__in=[MeetingRecord.Status.CREATED, MeetingRecord.Status.PENDING, MeetingRecord.Status.UNKNOWN],
    ).order_by("-created_at", "-id").first()


def meeting_records_holding(*, hub_id: int, owner_ids: set[str], start: datetime, end: datetime) -> list[MeetingRecord]:
    """Meetings booked here in the portal, made or being made, that hold part of [start, end) for these owners.

    As organiser or as attendee. HubSpot's search finds a new meeting only seconds (sometimes minutes)
    later; the app's own records know it at once.
    """
    records = MeetingRecord.objects.filter(
        hub_id=hub_id, start_at__lt=end, end_at__gt=start,
        status__in=[MeetingRecord.Status.CREATED, MeetingRecord.Status.PENDING, MeetingRecord.Status.UNKNOWN],
    ).order_by("start_at", "id")
    return [record for record in records if owner_ids & record.owners_held]


def recent_time_zones(*, viewer, limit: int = 5) -> list[str]:
    """The zones the viewer booked in lately, newest first: the zone picker offers them before the others."""
    zones = (MeetingRecord.objects.filter(user=viewer).order_by("-created_at", "-id")
             .values_list("time_zone", flat=True)[:50])
    return list(dict.fromkeys(zone for zone in zones if zone))[:limit]


def upcoming_meetings(*, viewer, limit: int = 5) -> list[MeetingRecord]:
    """The viewer's own meetings that have not started yet and were not refused, soonest first (the home page)."""
    records = MeetingRecord.objects.filter(user=viewer, start_at__gte=timezone.now()).exclude(
        status__in=[MeetingRecord.Status.FAILED, MeetingRecord.Status.NOT_CREATED])
    return list(records.order_by("start_at", "id")[:limit])
