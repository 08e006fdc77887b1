"""Whether the rep has seen an outcome they must act on: the records the navigation counts for them.

A record settles on the worker up to minutes after the rep left its page. When it ends NOT_CREATED, or
FAILED after the worker sent it, the meeting a customer expects does not exist: the rep must act. Opening
the record (or its page's poll seeing it settle) marks it seen. `meetings.booking.outcome_email` emails
what is still unseen a moment later.
"""

from __future__ import annotations

from django.utils import timezone

from meetings.core.models import MeetingRecord, OutcomeNotice


def outcome_notice_open(record: MeetingRecord) -> OutcomeNotice | None:
    """A notice for a record the worker settled as one the rep must act on; None for any other outcome."""
    if not (record.is_not_created or record.is_failed):
        return None
    notice, _ = OutcomeNotice.objects.get_or_create(record=record, defaults={"user_id": record.user_id})
    return notice


def outcome_notices_seen(*, viewer, record: MeetingRecord) -> None:
    """The rep has seen the record's outcome (its page, or its poll saying it settled)."""
    if record.user_id == viewer.pk and not record.is_open:
        OutcomeNotice.objects.filter(record=record, seen_at=None).update(seen_at=timezone.now())


def outcome_notices_unseen_count(*, viewer) -> int:
    return OutcomeNotice.objects.filter(user_id=viewer.pk, seen_at=None).count()


def outcome_notices_unseen(*, viewer, limit: int = 20) -> list[MeetingRecord]:
    """The rep's records that need them, oldest first (My meetings lists them above everything else)."""
    return list(MeetingRecord.objects.filter(notice__user_id=viewer.pk, notice__seen_at=None)
                .order_by("notice__created_at")[:limit])
