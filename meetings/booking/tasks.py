"""The worker's part of booking: creates handed over by a busy process, checks of open records, the sweep.

See `meetings.booking.reconciliation` for the rules (docs/exactly-once.md).
"""

from __future__ import annotations

from django.conf import settings
from django.tasks import task

from meetings.booking import reconciliation, sending
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
    keep_one_waiting(sweep_open_records, after=after)
