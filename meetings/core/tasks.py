"""The task framework's own upkeep on the worker: rows a killed worker left running, finished rows past their keep."""

from __future__ import annotations

from django.conf import settings
from django.tasks import task

from meetings.core.periodic import keep_one_waiting, task_rows_prune, task_rows_release_lost


@task
def tidy_task_rows() -> dict:
    """Every `TASK_UPKEEP_INTERVAL_SECONDS`: no task row stays "running" forever, none is kept forever."""
    try:
        return {"lost": task_rows_release_lost(lease_seconds=settings.TASK_LEASE_SECONDS),
                "pruned": task_rows_prune(keep_days=settings.TASK_RESULTS_KEEP_DAYS)}
    finally:
        schedule_task_upkeep(after=settings.TASK_UPKEEP_INTERVAL_SECONDS)


def schedule_task_upkeep(*, after: float = 0) -> None:
    keep_one_waiting(tidy_task_rows, after=after)
