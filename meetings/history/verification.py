"""The audit chain's state on All meetings, and "Verify now": a walk of the chain on the worker, followed there.

What the line counts comes from the verification's own row: the walk checked the chain up to its
`head_seq`, so the records it covered are those with a sequence number up to it, and the entries appended
since are the chain head's length beyond it. Neither needs a walk of its own.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.tasks import TaskResultStatus
from django.tasks.exceptions import TaskResultDoesNotExist, TaskResultMismatch
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks_db.models import DBTaskResult

from meetings.audit import chain as audit
from meetings.audit.models import AuditChainHead, AuditVerification
from meetings.core.models import MeetingRecord
from meetings.history import caches, tasks

SESSION_KEY = "audit_verify_task"


@dataclass(frozen=True)
class AuditState:
    """The latest verification, what it covered, and what the chain took in after it."""

    verification: AuditVerification | None
    records_covered: int = 0
    erasures_covered: int = 0
    entries_since: int = 0


def audit_state() -> AuditState:
    verification = audit.latest_verification()
    if verification is None:
        return AuditState(verification=None)
    head_seq = verification.head_seq or 0
    records = caches.verification_covered(
        verification.pk, lambda: MeetingRecord.objects.filter(audit_seq__lte=head_seq).count() if head_seq else 0)
    length = AuditChainHead.objects.filter(pk=audit.HEAD_PK).values_list("length", flat=True).first() or 0
    return AuditState(verification=verification, records_covered=records,
                      erasures_covered=max(0, verification.checked - records),
                      entries_since=max(0, length - head_seq))


@dataclass(frozen=True)
class VerifyProgress:
    """A verification asked for from the page, as the worker reports it."""

    result_id: str
    status: str
    started_at: object | None
    expected_seconds: float | None

    @property
    def finished(self) -> bool:
        return self.status in (TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED)

    @property
    def failed(self) -> bool:
        return self.status == TaskResultStatus.FAILED

    @property
    def text(self) -> str:
        if self.failed:
            return _("The verification could not run. The worker's log says why; try again.")
        if self.finished:
            return _("Verified. Reloading the page…")
        if self.status == TaskResultStatus.RUNNING:
            return _("The worker is checking the audit trail…")
        return _("Waiting for the worker…")

    @property
    def percent(self) -> int:
        """How far along, judged by the previous walk's duration (the walk itself reports no progress)."""
        if self.finished:
            return 100
        if self.status != TaskResultStatus.RUNNING or not self.started_at or not self.expected_seconds:
            return 0
        elapsed = (timezone.now() - self.started_at).total_seconds()
        return min(95, int(elapsed / self.expected_seconds * 100))


def audit_verify_start() -> str:
    """Ask the worker to walk the chain now; a walk already waiting or under way is followed instead."""
    waiting = (DBTaskResult.objects
               .filter(task_path=tasks.audit_verify_now.module_path,
                       status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING])
               .order_by("-enqueued_at").values_list("id", flat=True).first())
    if waiting is not None:
        return str(waiting)
    return str(tasks.audit_verify_now.enqueue().id)


def audit_verify_progress(result_id: str) -> VerifyProgress | None:
    """The state of a walk asked for from the page, or None for an id that names none."""
    try:
        uuid.UUID(str(result_id))
        result = tasks.audit_verify_now.get_result(result_id)
    except (ValueError, TaskResultDoesNotExist, TaskResultMismatch):
        return None
    last = AuditVerification.objects.only("duration_ms").first()
    return VerifyProgress(result_id=str(result_id), status=result.status, started_at=result.started_at,
                          expected_seconds=last.duration_ms / 1000 if last and last.duration_ms else None)
