"""The history's reads beyond the list itself: the chart, the per-rep counts, export jobs."""

from __future__ import annotations

import hashlib
from dataclasses import astuple, dataclass, replace
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Count, QuerySet
from django.utils import timezone

from meetings.core.caches import get_or_fetch
from meetings.core.models import MeetingRecord, week_of
from meetings.core.selectors import RecordFilters, can_view_all, meeting_record_list
from meetings.history.models import ExportJob


def _chart_start(weeks: int) -> date:
    return week_of(timezone.now()) - timedelta(weeks=weeks - 1)


def meeting_record_weekly_counts(records: QuerySet[MeetingRecord], *, weeks: int = 12) -> list[dict]:
    """[{week, status, count}] for the last `weeks` weeks of the given records, aggregated in the database."""
    return list(
        records.filter(created_week__gte=_chart_start(weeks))
        .order_by()
        .values("created_week", "status")
        .annotate(count=Count("*"))  # COUNT(*): answered from the index, no table rows read
    )


def meeting_record_counts_by_rep(records: QuerySet[MeetingRecord], *, weeks: int = 12, limit: int = 10) -> list[dict]:
    """The reps with the most records in the last `weeks` weeks of the given set, with their counts per status."""
    rows = (
        records.filter(created_week__gte=_chart_start(weeks))
        .order_by()
        # Grouped by week too, in the order of the (created_week, user, status) index: the database
        # reads just the chart's weeks from the index; the weeks are summed up here.
        .values("created_week", "user_id", "status")
        .annotate(count=Count("*"))  # COUNT(*): answered from the index, no table rows read
    )
    reps: dict[int, dict] = {}
    for row in rows:
        rep = reps.setdefault(row["user_id"], {"user_id": row["user_id"], "total": 0, "counts": {}})
        rep["counts"][row["status"]] = rep["counts"].get(row["status"], 0) + row["count"]
        rep["total"] += row["count"]
    top = sorted(reps.values(), key=lambda rep: -rep["total"])[:limit]
    users = get_user_model().objects.in_bulk([rep["user_id"] for rep in top])
    for rep in top:
        user = users.get(rep["user_id"])
        rep["name"] = (user.get_full_name() or user.email) if user else str(rep["user_id"])
    return top


CHART_WEEKS = 12


@dataclass(frozen=True)
class RecordSummary:
    """The history's chart rows and (for admins looking at everyone) the per-rep counts, as computed once."""

    weekly: list[dict]
    by_rep: list[dict] | None


def meeting_record_summary(*, viewer, filters: RecordFilters, everyone: bool = False) -> RecordSummary:
    """The chart and per-rep counts of what the viewer sees with these filters (but the search), once per interval.

    The two 12-week aggregations cost more than the page of records itself, and do not need to
    be to the second: one request per scope and filters computes them, every process shares the
    result through the cache (Redis in production) for HISTORY_SUMMARY_SECONDS. The list is drawn
    anew after any write (`meetings.history.pages`): a new record shows in it at once, in the chart
    within two intervals (the page drawn after the write keeps the chart of its moment for one).
    """
    sees_everyone = everyone and can_view_all(viewer)
    # Not the text search: counting every match of a common word over twelve weeks of everyone's
    # records costs a quarter of a second, and each new word would be a new computation. The chart
    # shows what the other filters select; the page says so when a search is on. "Coming up" only orders the
    # list by start: the chart counts submissions, as ever.
    filters = replace(filters, text="", coming_up=False)
    key = summary_cache_key(viewer=viewer, filters=filters, everyone=sees_everyone)

    def compute() -> RecordSummary:
        records = meeting_record_list(viewer=viewer, filters=filters, everyone=everyone)
        return RecordSummary(weekly=meeting_record_weekly_counts(records, weeks=CHART_WEEKS),
                             by_rep=meeting_record_counts_by_rep(records, weeks=CHART_WEEKS) if sees_everyone else None)

    return get_or_fetch(key, compute, settings.HISTORY_SUMMARY_SECONDS, failures=())


def summary_cache_key(*, viewer, filters: RecordFilters, everyone: bool) -> str:
    """One key per scope (everyone, or this one rep), filters, the viewer's zone and chart week.

    Scopes never share counts; nor do zones, since a date filter's days start at midnight in the viewer's zone.
    """
    if not everyone:
        filters = replace(filters, rep_id=None, hub_id=None)  # a rep's list ignores them, so must the key
    scope = "all" if everyone else f"rep:{viewer.pk}"
    described = repr((scope, astuple(filters), timezone.get_current_timezone_name(), _chart_start(CHART_WEEKS)))
    return "history:summary:" + hashlib.sha256(described.encode()).hexdigest()


def export_job_get(*, viewer, pk: int) -> ExportJob:
    """An export job, for the admin who asked for it (while still an admin) or a superuser; else DoesNotExist."""
    job = ExportJob.objects.get(pk=pk)
    if viewer.is_active and viewer.is_superuser or (job.requested_by_id == viewer.pk and can_view_all(viewer)):
        return job
    raise ExportJob.DoesNotExist
