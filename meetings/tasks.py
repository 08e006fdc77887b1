"""Background work on Django's task framework (django-tasks-db: tasks in the app's own database).

`make worker` runs them (`manage.py worker`): checks of records whose outcome HubSpot left open,
each scheduled for when it is due, and a sweep that restarts what a dead process or a lost task
left behind. See `meetings.reconciliation` for the rules. Once a day (by default) the audit chain
is verified and content older than the admin's retention is redacted (docs/audit.md).
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.tasks import TaskResultStatus, task
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from meetings import audit, reconciliation, redaction, sending
from meetings.models import MeetingRecord

logger = logging.getLogger("meetings")

INTERRUPTED = "The app stopped before HubSpot's answer was recorded; the meeting may exist."


def start_checking(record: MeetingRecord) -> None:
    """Schedule the first check of a record that just turned UNKNOWN."""
    when = record.next_check_at or reconciliation.first_check_at(record)
    check_record.using(run_after=when).enqueue(record.pk)


@task
def send_queued_record(record_id: int) -> str:
    """A create a request handed over because its process's slots for HubSpot were all taken."""
    record = sending.send_queued(record_id)
    if record is None:
        return "nothing to do"
    if record.is_unknown:
        start_checking(record)
    return record.status


@task
def check_record(record_id: int) -> str:
    record = reconciliation.check(record_id)
    if record is None:
        return "nothing to do"
    if record.is_unknown and record.next_check_at is not None:
        check_record.using(run_after=record.next_check_at).enqueue(record.pk)
    return record.status


@task
def sweep_open_records() -> dict:
    """Every `SWEEP_INTERVAL_SECONDS`: restart checks of records a dead process or a lost task left open."""
    try:
        interrupted = reconciliation.records_interrupted()
        for record in interrupted:
            if reconciliation.mark_unknown(record, category="INTERRUPTED", message=INTERRUPTED):
                record.refresh_from_db()
                start_checking(record)
        overdue = reconciliation.records_due()
        for record_id in overdue:
            check_record.enqueue(record_id)
        queued = reconciliation.records_queued_long()
        for record_id in queued:
            send_queued_record.enqueue(record_id)
        return {"interrupted": len(interrupted), "overdue": len(overdue), "queued": len(queued)}
    finally:
        schedule_sweep(after=settings.SWEEP_INTERVAL_SECONDS)


def schedule_sweep(*, after: float = 0) -> None:
    """Keep one sweep waiting: a worker that starts, and each sweep as it ends, call this."""
    _keep_one_waiting(sweep_open_records, after=after)


@task
def verify_audit_chain() -> dict:
    """Every `AUDIT_VERIFY_INTERVAL_SECONDS`: walk the audit chain and keep the outcome for the admins' page."""
    try:
        verification = audit.verification_record(audit.verify_chain())
        return {"holds": verification.holds, "checked": verification.checked}
    finally:
        _keep_one_waiting(verify_audit_chain, after=settings.AUDIT_VERIFY_INTERVAL_SECONDS)


@task
def apply_audit_retention() -> dict:
    """Every `AUDIT_RETENTION_INTERVAL_SECONDS`: redact the content of records older than the admin's retention."""
    try:
        return {"redacted": redaction.audit_retention_apply()}
    finally:
        _keep_one_waiting(apply_audit_retention, after=settings.AUDIT_RETENTION_INTERVAL_SECONDS)


def schedule_audit_tasks() -> None:
    """Keep one verification and one retention run waiting; a verification is due a day after the last one."""
    last = audit.latest_verification()
    due = last.started_at + timedelta(seconds=settings.AUDIT_VERIFY_INTERVAL_SECONDS) if last else timezone.now()
    _keep_one_waiting(verify_audit_chain, after=max(0.0, (due - timezone.now()).total_seconds()))
    _keep_one_waiting(apply_audit_retention)


def _keep_one_waiting(periodic, *, after: float = 0) -> None:
    waiting = DBTaskResult.objects.filter(status=TaskResultStatus.READY, task_path=periodic.module_path)
    if not waiting.exists():
        periodic.using(run_after=timezone.now() + timedelta(seconds=after)).enqueue()
