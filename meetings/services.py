"""Use cases that change state. One function per use case, named entity_action."""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace

from django.core.files.uploadedfile import UploadedFile
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
from meetings import audit, reconciliation, tasks
from meetings.models import MeetingRecord
from meetings.payload import MeetingInput, build_meeting_request

logger = logging.getLogger("meetings")


class IdempotencyKeyInUse(Exception):
    """The key belongs to another rep's submission."""


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


def meeting_create(
    *,
    user,
    data: MeetingInput,
    idempotency_key: uuid.UUID,
    attachments: Sequence[UploadedFile] = (),
) -> MeetingAttempt:
    """Create a meeting in HubSpot as `user`, recording the attempt.

    1. commit a PENDING record (its unique idempotency key makes a repeated submit
       return the first attempt instead of creating a second meeting);
    2. upload attachments and call HubSpot outside any database transaction;
    3. finalise the record: CREATED or FAILED, or UNKNOWN for reconciliation to settle.
    The caller reads the outcome from the returned attempt's record.
    """
    connection = user.hubspot
    payload = build_meeting_request(data, owner_id=connection.owner_id)
    record, is_new = _open_record(
        user, idempotency_key, title=data.title, start_at=data.start, end_at=data.end, time_zone=data.time_zone,
        associations=[{"type": a.kind, "id": a.id, "label": a.label} for a in data.associations],
        request_payload=payload,
    )
    if not is_new:
        return MeetingAttempt(record)
    return _send_to_hubspot(record, user, data, payload, attachments)


def meeting_create_again(*, user, record: MeetingRecord) -> MeetingAttempt:
    """Send a NOT_CREATED record's meeting now, exactly as it was sent then, as a new attempt.

    The new attempt's key comes from the old record's, so a double click creates one meeting.
    """
    if not record.may_create_now or record.user_id != user.pk or record.hub_id != user.hubspot.hub_id:
        raise ValueError(f"meeting record {record.pk} is not one this rep can create again (here)")
    again, is_new = _open_record(
        user, uuid.uuid5(record.idempotency_key, "create again"), title=record.title, start_at=record.start_at,
        end_at=record.end_at, time_zone=record.time_zone, associations=record.associations,
        request_payload=record.request_payload,
    )
    if not is_new:
        return MeetingAttempt(again)
    return _create(again, hubspot_client(user), user.hubspot, again.request_payload, time.monotonic())


def _open_record(user, idempotency_key: uuid.UUID, **content) -> tuple[MeetingRecord, bool]:
    """The attempt's PENDING record, committed before HubSpot is called; or the earlier one with this key."""
    connection = user.hubspot
    labels = [a["label"] for a in content["associations"]]
    try:
        with transaction.atomic():
            record = MeetingRecord.objects.create(
                idempotency_key=idempotency_key, user=user, hubspot_user_id=connection.hubspot_user_id,
                owner_id=connection.owner_id, hub_id=connection.hub_id, hub_domain=connection.hub_domain,
                # casefold: "GROSS" finds "Groß".
                search_text=" ".join([content["title"], *labels]).casefold(),
                **content,
            )
    except IntegrityError:
        existing = MeetingRecord.objects.get(idempotency_key=idempotency_key)
        if existing.user_id != user.pk:
            raise IdempotencyKeyInUse(idempotency_key) from None
        return existing, False
    return record, True


def _send_to_hubspot(record, user, data: MeetingInput, payload: dict, attachments) -> MeetingAttempt:
    """Steps 2 and 3 of `meeting_create`: upload, create, and finalise the record by what happened."""
    connection = user.hubspot
    started = time.monotonic()
    client = hubspot_client(user)
    try:
        if attachments:
            file_ids = tuple(
                client.upload_file(name=f.name, content=f.read(), content_type=f.content_type) for f in attachments
            )
            payload = build_meeting_request(replace(data, attachment_ids=file_ids), owner_id=connection.owner_id)
    except HubSpotError as error:
        # The meeting itself was never sent, whatever became of a file: it was not created.
        _finalise(record, MeetingRecord.Status.FAILED, payload, started, error=error)
        if isinstance(error, HubSpotAuthRequired):
            raise
        return MeetingAttempt(record, error)
    return _create(record, client, connection, payload, started)


def _create(record, client, connection, payload: dict, started: float) -> MeetingAttempt:
    try:
        answer = client.create_meeting(organizer_user_id=connection.hubspot_user_id, payload=payload)
        meeting_id = str((answer.body or {}).get("id", "")) if isinstance(answer.body, dict) else ""
        if not meeting_id:
            raise HubSpotOutcomeUnknown(message="HubSpot answered without the meeting's id.", status=answer.status,
                                        correlation_id=answer.correlation_id, attempts=answer.attempts)
    except HubSpotOutcomeUnknown as error:
        # Maybe made, maybe not: never resent from here. Reconciliation asks HubSpot once its search can know.
        _finalise(record, MeetingRecord.Status.UNKNOWN, payload, started, error=error,
                  next_check_at=reconciliation.first_check_at(record))
        tasks.start_checking(record)
        return MeetingAttempt(record, error)
    except HubSpotAuthRequired as error:
        # Nothing was made; the caller sends the rep through sign-in with the form kept.
        _finalise(record, MeetingRecord.Status.FAILED, payload, started, error=error)
        raise
    except HubSpotError as error:
        return MeetingAttempt(_finalise(record, MeetingRecord.Status.FAILED, payload, started, error=error), error)
    except BaseException:
        # A bug must not leave the record pending forever; the error still propagates.
        _finalise(record, MeetingRecord.Status.FAILED, payload, started, category="INTERNAL_ERROR")
        raise
    return MeetingAttempt(_finalise(
        record, MeetingRecord.Status.CREATED, payload, started,
        meeting_id=meeting_id, body=answer.body, http_status=answer.status,
        attempts=answer.attempts, correlation_id=answer.correlation_id,
    ))


def _finalise(
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
        fields.update(_error_fields(error))
    # Only a pending record may change: once final, the audit record is immutable, and chained in this transaction.
    with transaction.atomic():
        updated = MeetingRecord.objects.filter(pk=record.pk, status=MeetingRecord.Status.PENDING).update(**fields)
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


def _error_fields(error: HubSpotError) -> dict:
    """What the record keeps of an error: HubSpot's answer as far as it came, and what it means."""
    return {
        "response_status": error.status, "response_body": error.body, "attempts": error.attempts,
        "correlation_id": error.correlation_id, "error_category": error.category or type(error).__name__,
        "error_message": error.message,
    }
