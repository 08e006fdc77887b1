"""On the worker: exports too large for a request, the deletion of old export files, an admin's "Verify now"."""

from __future__ import annotations

from django.conf import settings
from django.tasks import task

from meetings.audit import chain as audit
from meetings.core.periodic import keep_one_waiting
from meetings.history import exports


@task
def export_write(job_id: int) -> str:
    """Write the file of an export too large for a request (`meetings.history.exports`)."""
    job = exports.export_job_run(job_id)
    return job.status if job else "nothing to do"


@task
def delete_old_exports() -> dict:
    """Every `EXPORT_CLEANUP_INTERVAL_SECONDS`: delete export files older than `EXPORT_KEEP_SECONDS`."""
    try:
        return {"deleted": exports.export_jobs_delete_old()}
    finally:
        schedule_export_cleanup(after=settings.EXPORT_CLEANUP_INTERVAL_SECONDS)


def schedule_export_cleanup(*, after: float = 0) -> None:
    keep_one_waiting(delete_old_exports, after=after)


@task
def audit_verify_now() -> dict:
    """An admin's "Verify now" on All meetings: one walk of the audit chain, kept like the daily one's."""
    verification = audit.verification_record(audit.verify_chain())
    return {"holds": verification.holds, "checked": verification.checked}
