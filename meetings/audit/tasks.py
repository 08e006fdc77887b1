"""The audit chain's daily runs on the worker: its verification and the retention (docs/audit.md)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.tasks import task
from django.utils import timezone

from meetings.audit import chain as audit
from meetings.audit import redaction
from meetings.core.periodic import keep_one_waiting


@task
def verify_audit_chain() -> dict:
    """Every `AUDIT_VERIFY_INTERVAL_SECONDS`: walk the audit chain and keep the outcome for the admins' page."""
    try:
        verification = audit.verification_record(audit.verify_chain())
        return {"holds": verification.holds, "checked": verification.checked}
    finally:
        keep_one_waiting(verify_audit_chain, after=settings.AUDIT_VERIFY_INTERVAL_SECONDS)


@task
def apply_audit_retention() -> dict:
    """Every `AUDIT_RETENTION_INTERVAL_SECONDS`: redact the content of records older than the admin's retention."""
    try:
        return {"redacted": redaction.audit_retention_apply()}
    finally:
        keep_one_waiting(apply_audit_retention, after=settings.AUDIT_RETENTION_INTERVAL_SECONDS)


def schedule_audit_tasks() -> None:
    """Keep one verification and one retention run waiting; a verification is due a day after the last one."""
    last = audit.latest_verification()
    due = last.started_at + timedelta(seconds=settings.AUDIT_VERIFY_INTERVAL_SECONDS) if last else timezone.now()
    keep_one_waiting(verify_audit_chain, after=max(0.0, (due - timezone.now()).total_seconds()))
    keep_one_waiting(apply_audit_retention)
