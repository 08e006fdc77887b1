"""Periodic tasks on Django's task framework: one run of each kept waiting in the queue."""

from __future__ import annotations

from datetime import timedelta

from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult


def keep_one_waiting(periodic, *, after: float = 0) -> None:
    waiting = DBTaskResult.objects.filter(status=TaskResultStatus.READY, task_path=periodic.module_path)
    if not waiting.exists():
        periodic.using(run_after=timezone.now() + timedelta(seconds=after)).enqueue()


def task_rows_release_lost(*, lease_seconds: float) -> int:
    """Task rows still RUNNING after `lease_seconds`: their worker was killed (a clean stop finishes its task).

    Marked FAILED, saying so; what they did is picked up elsewhere — a record's checks by the sweep, an
    export by its own sign of life (EXPORT_ABANDONED_SECONDS). A task that does finish later still writes
    its own outcome over this one.
    """
    cutoff = timezone.now() - timedelta(seconds=lease_seconds)
    return DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING, started_at__lt=cutoff).update(
        status=TaskResultStatus.FAILED, finished_at=timezone.now(), return_value=None,
        exception_class_path=f"{WorkerLost.__module__}.{WorkerLost.__qualname__}",
        traceback=f"{WorkerLost.__name__}: no outcome {lease_seconds:.0f} s after it started: the worker running "
                  "it stopped without finishing it.",
    )


def task_rows_prune(*, keep_days: int) -> int:
    """Finished task rows older than `keep_days`: every check and sweep leaves one."""
    cutoff = timezone.now() - timedelta(days=keep_days)
    finished = [TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED]
    deleted, _ = DBTaskResult.objects.filter(status__in=finished, finished_at__lt=cutoff).delete()
    return deleted


class WorkerLost(Exception):
    """Named on a task row whose worker stopped while running it."""
