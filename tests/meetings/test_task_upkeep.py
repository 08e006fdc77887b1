"""No task row stays "running" forever, and finished rows do not pile up: the worker's upkeep of its own rows."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from meetings.booking.tasks import check_record

pytestmark = pytest.mark.django_db


def task_row(*, status: str, started_ago: timedelta, finished: bool = False) -> DBTaskResult:
    """A row of a check task as a worker left it `started_ago`: still running, or finished then."""
    row = DBTaskResult.objects.get(pk=check_record.enqueue(0).id)
    started = timezone.now() - started_ago
    DBTaskResult.objects.filter(pk=row.pk).update(
        status=status, started_at=started, worker_ids=["killed-worker"], finished_at=started if finished else None)
    return row


def test_a_row_left_running_by_a_killed_worker_ends_failed_saying_so(settings, run_due_tasks):
    settings.TASK_LEASE_SECONDS = 3600
    abandoned = task_row(status=TaskResultStatus.RUNNING, started_ago=timedelta(hours=2))
    running = task_row(status=TaskResultStatus.RUNNING, started_ago=timedelta(minutes=5))

    run_due_tasks()  # the worker keeps its upkeep scheduled, as it does the sweep

    abandoned.refresh_from_db()
    assert abandoned.status == TaskResultStatus.FAILED and abandoned.finished_at is not None
    assert abandoned.exception_class_path == "meetings.core.periodic.WorkerLost"
    assert "the worker running it stopped" in abandoned.traceback
    running.refresh_from_db()
    assert running.status == TaskResultStatus.RUNNING  # within its lease: perhaps still at work


def test_finished_rows_are_kept_for_their_days_then_deleted(settings, run_due_tasks):
    settings.TASK_RESULTS_KEEP_DAYS = 14
    old = [task_row(status=s, started_ago=timedelta(days=15), finished=True)
           for s in (TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED)]
    recent = task_row(status=TaskResultStatus.SUCCESSFUL, started_ago=timedelta(days=13), finished=True)

    run_due_tasks()

    assert not DBTaskResult.objects.filter(pk__in=[row.pk for row in old]).exists()
    assert DBTaskResult.objects.filter(pk=recent.pk).exists()
