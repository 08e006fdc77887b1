"""The worker's part of booking: creates handed over by a busy process, checks of open records, the sweep.

See `meetings.booking.reconciliation` for the rules (docs/exactly-once.md).
"""

from __future__ import annotations

from datetime import timedelta
from smtplib import SMTPException

from django.conf import settings
from django.tasks import task
from django.utils import timezone

from meetings.booking import outcome_email, reconciliation, sending
from meetings.core import notices
from meetings.core.models import MeetingRecord
from meetings.core.periodic import keep_one_waiting

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
    _tell_the_rep(record)
    return record.status


@task
def check_record(record_id: int) -> str:
    record = reconciliation.check(record_id)
    if record is None:
        return "nothing to do"
    if record.is_unknown and record.next_check_at is not None:
        check_record.using(run_after=record.next_check_at).enqueue(record.pk)
    _tell_the_rep(record)
    return record.status


def _tell_the_rep(record: MeetingRecord) -> None:
    """An outcome the rep must act on, settled here on the worker: counted for them, and emailed if unseen."""
    if (notice := notices.outcome_notice_open(record)) is not None:
        email_outcome_notice.using(run_after=outcome_email.email_due_at()).enqueue(notice.pk)


@task
def email_outcome_notice(notice_id: int) -> str:
    try:
        return "emailed" if outcome_email.outcome_notice_email(notice_id) else "seen, emailed, or nowhere to send it"
    except (OSError, SMTPException):
        # The mail server is away: try again in a while, as long as the news is still news.
        retry_at = timezone.now() + timedelta(seconds=settings.NOTICE_EMAIL_RETRY_SECONDS)
        email_outcome_notice.using(run_after=retry_at).enqueue(notice_id)
        raise


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
    keep_one_waiting(sweep_open_records, after=after)
