"""Sending a recorded create to HubSpot and making its record final: shared by the request and the worker.

A create is sent from the request that recorded it, or — when that process's slots for HubSpot were
all taken (meetings.core.bulkhead) — from the worker. Both end here. A record that turns UNKNOWN needs
its checks scheduled; the caller does that (meetings.booking.tasks), so this module stays below the tasks.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from hubspot_api.errors import (
    HubSpotAuthRequired,
    HubSpotError,
    HubSpotOutcomeUnknown,
    HubSpotUnavailable,
    error_from_answer,
)
from hubspot_login.tokens import hubspot_client
from meetings.audit import chain as audit
from meetings.audit import seal
from meetings.booking import reconciliation
from meetings.core.models import MeetingRecord

logger = logging.getLogger("meetings")

GONE_BEFORE_SENDING = ("Nothing was sent: before the worker's turn came, the rep's HubSpot connection was removed "
                       "or moved to another portal.")


@dataclass(frozen=True)
class MeetingAttempt:
    """A submission's audit record and, when HubSpot refused or could not be reached, why (parsed once)."""

    record: MeetingRecord
    error: HubSpotError | None = None

    def failure(self) -> HubSpotError | None:
        """Why a failed attempt failed; for a repeated submit, HubSpot's stored answer read by the same parser."""
        record = self.record
        if not record.is_failed or self.error is not None:
            return self.error
        if record.response_status is None:
            return HubSpotUnavailable(message=record.error_message, correlation_id=record.correlation_id)
        return error_from_answer(record.response_status, record.response_body, reason=record.error_message,
                                 correlation_id=record.correlation_id)


def create_in_hubspot(record, client, connection, payload: dict, started: float) -> MeetingAttempt:
    """Send the create; the record ends CREATED or FAILED, or UNKNOWN (the caller then schedules its checks)."""
    try:
        answer = client.create_meeting(organizer_user_id=connection.hubspot_user_id, payload=payload)
        meeting_id = str((answer.body or {}).get("id", "")) if isinstance(answer.body, dict) else ""
        if not meeting_id:
            raise HubSpotOutcomeUnknown(message="HubSpot answered without the meeting's id.", status=answer.status,
                                        correlation_id=answer.correlation_id, attempts=answer.attempts)
    except HubSpotOutcomeUnknown as error:
        # Maybe made, maybe not: never resent from here. Reconciliation asks HubSpot once its search can know.
        finalise(record, MeetingRecord.Status.UNKNOWN, payload, started, error=error,
                 next_check_at=reconciliation.first_check_at(record))
        return MeetingAttempt(record, error)
    except HubSpotAuthRequired as error:
        # Nothing was made; the caller sends the rep through sign-in with the form kept.
        finalise(record, MeetingRecord.Status.FAILED, payload, started, error=error)
        raise
    except HubSpotError as error:
        return MeetingAttempt(finalise(record, MeetingRecord.Status.FAILED, payload, started, error=error), error)
    except BaseException:
        # A bug must not leave the record pending forever; the error still propagates.
        finalise(record, MeetingRecord.Status.FAILED, payload, started, category="INTERNAL_ERROR")
        raise
    return MeetingAttempt(finalise(
        record, MeetingRecord.Status.CREATED, payload, started,
        meeting_id=meeting_id, body=answer.body, http_status=answer.status,
        attempts=answer.attempts, correlation_id=answer.correlation_id,
    ))


def send_queued(record_id: int) -> MeetingRecord | None:
    """The worker's half of a create a request handed over: send it, once, whoever asks how often.

    Taking the record sets its `taken_at` in one conditional UPDATE, so a task run twice (or
    restarted by the sweep) sends nothing the second time. A worker that dies after taking it
    leaves a PENDING record the sweep settles like any other interrupted create. None when another
    run took it first.
    """
    taken = MeetingRecord.objects.filter(
        pk=record_id, status=MeetingRecord.Status.PENDING, queued_at__isnull=False, taken_at__isnull=True,
    ).update(taken_at=timezone.now())
    if not taken:
        return None
    record = MeetingRecord.objects.select_related("user__hubspot").get(pk=record_id)
    try:
        seal.require_seal(record)
    except seal.RecordNotSealed:
        return None  # not the app's: never sent; left open, so verify_audit names it
    user = record.user
    started = time.monotonic()
    connection = getattr(user, "hubspot", None)
    if connection is None or connection.hub_id != record.hub_id:
        # Disconnected, or signed in to another portal since: what was recorded names that portal's owner.
        error = HubSpotAuthRequired(message=GONE_BEFORE_SENDING)
        return finalise(record, MeetingRecord.Status.FAILED, record.request_payload, started, error=error)
    try:
        client = hubspot_client(user)
    except HubSpotError as error:
        return finalise(record, MeetingRecord.Status.FAILED, record.request_payload, started, error=error)
    if _not_created_before(record) and (found := found_before_sending(record, started)) is not None:
        return found
    try:
        return create_in_hubspot(record, client, connection, record.request_payload, started).record
    except HubSpotAuthRequired:
        return record  # FAILED already: the rep signs in again and tries again from the record's page


def found_before_sending(record: MeetingRecord, started: float) -> MeetingRecord | None:
    """A meeting checks concluded HubSpot did not make, about to be sent again: look once more first.

    HubSpot may have made it after all, later than its answers showed. The record ends CREATED with that
    meeting, nothing sent; or None, and the caller sends.
    """
    if found := reconciliation.look_for_meeting(record).get("matched"):
        return finalise(record, MeetingRecord.Status.CREATED, record.request_payload, started,
                        meeting_id=found, category="FOUND_BEFORE_SENDING")
    return None


def _not_created_before(record: MeetingRecord) -> bool:
    """A "create it now" the worker sends: the rep's same meeting ended NOT_CREATED before."""
    return reconciliation.same_content(record).filter(status=MeetingRecord.Status.NOT_CREATED).exists()


def finalise(
    record: MeetingRecord,
    status: str,
    payload: dict,
    started: float,
    *,
    error: HubSpotError | None = None,
    meeting_id: str = "",
    body=None,
    http_status: int | None = None,
    attempts: int = 0,
    correlation_id: str = "",
    category: str = "",
    next_check_at=None,
) -> MeetingRecord:
    fields = {
        "status": status,
        "hubspot_meeting_id": meeting_id,
        "request_payload": payload,
        "response_status": http_status,
        "response_body": body,
        "attempts": attempts,
        "correlation_id": correlation_id,
        "error_category": category,
        "error_message": "",
        "duration_ms": int((time.monotonic() - started) * 1000),
        "finished_at": timezone.now(),
        "next_check_at": next_check_at,
    }
    if error is not None:
        fields.update(error_fields(error))
    if payload != record.request_payload:  # the attachments' ids, uploaded after the record was written
        fields["audit_seal"] = seal.reseal(record, request_payload=payload)
    # Only a pending record may change: once final, the audit record is immutable, and chained in this transaction.
    with transaction.atomic():
        try:
            with transaction.atomic():
                updated = MeetingRecord.objects.filter(pk=record.pk, status=MeetingRecord.Status.PENDING).update(
                    **fields)
        except IntegrityError:
            fields.update(_held_elsewhere(meeting_id))
            updated = MeetingRecord.objects.filter(pk=record.pk, status=MeetingRecord.Status.PENDING).update(
                **fields)
        if updated and status in MeetingRecord.FINAL_STATUSES:
            audit.chain_append(record)
    if updated:
        for name, value in fields.items():
            setattr(record, name, value)
    else:
        record.refresh_from_db()
    logger.info(
        "meeting record %s %s attempts=%s duration_ms=%s correlationId=%s",
        record.pk, record.status, record.attempts, record.duration_ms, record.correlation_id or "-",
    )
    return record


def _held_elsewhere(meeting_id: str) -> dict:
    """What a create keeps when HubSpot's answer names a meeting another record already holds.

    One record per HubSpot meeting (a database constraint): reconciliation credited this meeting to another
    record of the same rep and content before this create's own answer came. That record is final and stays
    so; this one is final too — made, as HubSpot said — and names the meeting and its holder rather than fail.
    """
    holder = MeetingRecord.objects.filter(hubspot_meeting_id=meeting_id).values_list("pk", flat=True).first()
    return {"hubspot_meeting_id": "", "error_category": "HELD_BY_ANOTHER_RECORD",
            "error_message": f"HubSpot made meeting {meeting_id} for this submission; record {holder} holds it."}


def error_fields(error: HubSpotError) -> dict:
    """What the record keeps of an error: HubSpot's answer as far as it came, and what it means."""
    return {
        "response_status": error.status, "response_body": error.body, "attempts": error.attempts,
        "correlation_id": error.correlation_id, "error_category": error.category or type(error).__name__,
        "error_message": error.message,
    }
