"""Settling the records whose outcome HubSpot left open: was the meeting made, or not?

A create that got a 5xx, a read timeout or a dropped connection may have made the meeting.
HubSpot's CRM search is eventually consistent — it finds a new meeting only seconds after it
was made — so a search inside the request proves nothing, and resending could make a second
meeting. Instead the record turns UNKNOWN and is checked here, on a schedule that outlasts the
lag (`RECONCILE_AFTER_SECONDS`, counted from the submission; 10 s, 30 s, 1 min, 2 min by default):

- a meeting that fits the whole request (owner, start, end, title, body, location and every
  association) and that no other record holds → CREATED, with its id;
- still absent at the last check, by a search that worked → NOT_CREATED: the rep may create it now;
- a search that failed decides nothing: it is kept as a step, and checking goes on.

Every check is kept on the record (`reconciliation`: when, what was asked, what came back).
A record left PENDING by a process that died mid-create is handed to the same checks by the sweep.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from hubspot_api.errors import HubSpotError
from hubspot_login.tokens import hubspot_client
from meetings.audit import chain as audit
from meetings.audit import seal
from meetings.core.models import MeetingRecord

logger = logging.getLogger("meetings")

# When every scheduled check has failed to search, keep asking at this pace, for at most this long.
RETRY_SECONDS = 60
GIVE_UP_AFTER = timedelta(days=1)
COMPARED_TEXT = ("hs_meeting_title", "hubspot_owner_id", "hs_meeting_body", "hs_meeting_location")
COMPARED_TIMES = ("hs_meeting_start_time", "hs_meeting_end_time")


def first_check_at(record: MeetingRecord) -> datetime:
    return record.created_at + timedelta(seconds=settings.RECONCILE_AFTER_SECONDS[0])


def mark_unknown(record: MeetingRecord, *, category: str, message: str) -> bool:
    """Hand a PENDING record whose request's fate is unknown (the process died mid-create) to the checks."""
    return bool(MeetingRecord.objects.filter(pk=record.pk, status=MeetingRecord.Status.PENDING).update(
        status=MeetingRecord.Status.UNKNOWN, error_category=category, error_message=message,
        next_check_at=max(first_check_at(record), timezone.now()),
    ))


def check(record_id: int) -> MeetingRecord | None:
    """One check of an UNKNOWN record against HubSpot; it settles the record or sets its next check.

    None when there was nothing to do: the record is settled, its next check is not due yet, or
    another check (a task the sweep restarted, say) got there first. Only a check that ran schedules
    the next one, so a duplicate task ends here instead of starting a second chain of checks.
    """
    record = MeetingRecord.objects.select_related("user__hubspot").get(pk=record_id)
    due_at = record.next_check_at
    if not record.is_unknown or (due_at is not None and due_at > timezone.now()):
        return None
    if not seal.seal_fits(record):
        return _refuse(record)
    step = look_for_meeting(record)
    with transaction.atomic():
        record = MeetingRecord.objects.select_for_update().get(pk=record_id)
        if not record.is_unknown or record.next_check_at != due_at or not seal.seal_fits(record):
            return None  # settled, or checked by another worker, meanwhile (or rewritten: refused next time)
        if step.get("matched") and (waiting_for := _open_create_of_the_same(record)) is not None:
            # That create may be about to receive this very meeting: whose it is, its answer says first.
            step = {**step, "matched": None, "waiting_for": waiting_for}
        steps = [*record.reconciliation, step]
        if step.get("matched"):
            _settle_created(record, steps, step)
        elif _checks_are_over(record, steps) and "waiting_for" not in step:  # found, not yet ours: never "not made"
            _settle(record, steps, MeetingRecord.Status.NOT_CREATED)
        else:
            next_check_at = _next_check(record, steps)
            MeetingRecord.objects.filter(pk=record.pk).update(reconciliation=steps, next_check_at=next_check_at)
    record.refresh_from_db()
    logger.info("meeting record %s checked: %s", record.pk, record.status)
    return record


def _refuse(record: MeetingRecord) -> None:
    """A record the app did not write (its seal does not fit): never searched, settled or chained.

    It stays open and unscheduled, so the sweep stops asking for it and `verify_audit` names it.
    """
    try:
        seal.require_seal(record)
    except seal.RecordNotSealed:
        MeetingRecord.objects.filter(pk=record.pk, status=MeetingRecord.Status.UNKNOWN).update(next_check_at=None)
    return None


def look_for_meeting(record: MeetingRecord) -> dict:
    """Ask HubSpot for the record's meeting; what was asked and what came back, as kept on the record.

    `matched` names the meeting when one fits the whole request and no other record holds it.
    """
    sent = record.request_payload.get("properties") or {}
    asked = {"owner": record.owner_id, "start": sent.get("hs_meeting_start_time")}
    step = {"at": timezone.now().isoformat(), "asked": asked}
    try:
        client = hubspot_client(record.user)
        if record.associations:
            # Consistent: the meetings of the first record it was booked with, read by id.
            first = record.associations[0]
            step["read"] = f"{first['type']}/{first['id']}"
            meeting_ids = client.meetings_associated_with(first["type"], str(first["id"]))
            candidates = client.read_meetings(meeting_ids[-100:]) if meeting_ids else []
        else:
            candidates = client.search_meetings(owner_id=record.owner_id, start=asked["start"])
        step["found"] = [str(c.get("id")) for c in candidates]
        step["matched"] = _matching_meeting(record, candidates, client)
    except HubSpotError as error:
        step["error"] = f"{type(error).__name__}: {error}"
    except ObjectDoesNotExist:
        # The rep's HubSpot connection is gone (erased, or never restored): no one can search as them.
        step["error"] = "No HubSpot connection for this rep: sign-in needed"
    return step


def _matching_meeting(record: MeetingRecord, candidates: list[dict], client) -> str | None:
    """The id of the one meeting that fits the whole request and no other record holds."""
    wanted = {(a["type"], str(a["id"])) for a in record.associations}
    for candidate in candidates:
        meeting_id = str(candidate.get("id") or "")
        if not meeting_id or not _same_properties(record, candidate.get("properties") or {}):
            continue
        if MeetingRecord.objects.filter(hubspot_meeting_id=meeting_id).exclude(pk=record.pk).exists():
            continue  # an earlier, identical meeting that another attempt made
        if client.meeting_associations(meeting_id) == wanted:
            return meeting_id
    return None


def same_content(record: MeetingRecord) -> QuerySet[MeetingRecord]:
    """The rep's other records with this title and times: the same meeting, submitted again."""
    return MeetingRecord.objects.filter(
        user_id=record.user_id, title=record.title, start_at=record.start_at, end_at=record.end_at,
    ).exclude(pk=record.pk)


def _open_create_of_the_same(record: MeetingRecord) -> int | None:
    """Another record of the rep with this title and times whose create is still under way, if any."""
    return same_content(record).filter(status=MeetingRecord.Status.PENDING).values_list("pk", flat=True).first()


def _same_properties(record: MeetingRecord, found: dict) -> bool:
    sent = record.request_payload.get("properties") or {}
    if any((sent.get(name) or "") != (found.get(name) or "") for name in COMPARED_TEXT):
        return False
    return all(_instant(sent.get(name)) == _instant(found.get(name)) for name in COMPARED_TIMES)


def _instant(value) -> datetime | None:
    """HubSpot writes instants in more than one way (`…Z`, `….000Z`, `+00:00`): compare them as instants."""
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None


def _checks_are_over(record: MeetingRecord, steps: list[dict]) -> bool:
    """The schedule is done and its last look worked: what it did not find was not made.

    A look through an associated record reads by id, consistently. A search lags behind HubSpot's writes
    by seconds, sometimes minutes: a meeting without associations is called not made only once
    `RECONCILE_SEARCH_HORIZON_SECONDS` have passed since the submission.
    """
    last = steps[-1]
    if len(steps) < len(settings.RECONCILE_AFTER_SECONDS) or "error" in last:
        return False
    searched_since = (timezone.now() - record.created_at).total_seconds()
    return "read" in last or searched_since >= settings.RECONCILE_SEARCH_HORIZON_SECONDS


def _next_check(record: MeetingRecord, steps: list[dict]) -> datetime | None:
    offsets = settings.RECONCILE_AFTER_SECONDS
    now = timezone.now()
    if len(steps) < len(offsets):
        return max(record.created_at + timedelta(seconds=offsets[len(steps)]), now)
    if now - record.created_at > GIVE_UP_AFTER:
        return None  # HubSpot's search has not answered for a day: the record says to check HubSpot
    return now + timedelta(seconds=RETRY_SECONDS)


def _settle_created(record: MeetingRecord, steps: list[dict], step: dict) -> None:
    """CREATED with the meeting's id; what the create itself got back (the 5xx, say) stays on the record."""
    try:
        with transaction.atomic():
            _settle(record, steps, MeetingRecord.Status.CREATED, hubspot_meeting_id=step["matched"])
    except IntegrityError:
        # Another record claimed this meeting between the check and now: look again next time.
        MeetingRecord.objects.filter(pk=record.pk).update(
            reconciliation=[*steps[:-1], {**step, "matched": None, "claimed_by_another": True}],
            next_check_at=_next_check(record, steps),
        )


def _settle(record: MeetingRecord, steps: list[dict], status: str, **fields) -> None:
    """Final now: the record joins the audit chain in this same transaction (`check` holds it open)."""
    if MeetingRecord.objects.filter(pk=record.pk, status=MeetingRecord.Status.UNKNOWN).update(
        status=status, reconciliation=steps, next_check_at=None, **fields,
    ):
        audit.chain_append(record)


def records_due() -> list[int]:
    """UNKNOWN records whose next check is overdue (their scheduled task was lost, e.g. with a worker)."""
    overdue = timezone.now() - timedelta(seconds=RETRY_SECONDS)
    return list(MeetingRecord.objects.filter(status=MeetingRecord.Status.UNKNOWN, next_check_at__lte=overdue)
                .values_list("pk", flat=True)[:500])


def records_interrupted() -> list[MeetingRecord]:
    """PENDING records older than any request can take: the process that sent them died.

    A create handed to the worker counts from when the worker took it: while it waits, nothing was sent.
    """
    cutoff = timezone.now() - timedelta(seconds=settings.STALE_PENDING_SECONDS)
    sent_here = Q(queued_at__isnull=True, created_at__lte=cutoff)
    sent_by_worker = Q(taken_at__lte=cutoff)
    return list(MeetingRecord.objects.filter(sent_here | sent_by_worker, status=MeetingRecord.Status.PENDING)[:500])


def records_queued_long() -> list[int]:
    """Records handed to the worker that long ago and still waiting: their task may be lost.

    Each is marked as handed over again now, so it is asked for once per interval, not at every sweep.
    """
    cutoff = timezone.now() - timedelta(seconds=settings.STALE_PENDING_SECONDS)
    waiting = list(MeetingRecord.objects.filter(
        status=MeetingRecord.Status.PENDING, queued_at__lte=cutoff, taken_at__isnull=True,
    ).values_list("pk", flat=True)[:500])
    MeetingRecord.objects.filter(pk__in=waiting, taken_at__isnull=True).update(queued_at=timezone.now())
    return waiting
