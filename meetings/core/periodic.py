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
