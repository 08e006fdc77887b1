"""Use cases that change state. One function per use case, named entity_action."""

from __future__ import annotations

import time
import uuid
from collections.abc import Sequence
from dataclasses import replace

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from hubspot_api.errors import HubSpotAuthRequired, HubSpotError
from hubspot_login.tokens import hubspot_client
from meetings.audit import seal
from meetings.booking import tasks
from meetings.booking.sending import MeetingAttempt, create_in_hubspot, finalise, found_before_sending
from meetings.core import bulkhead
from meetings.core.models import MeetingRecord
from meetings.core.payload import MeetingInput, build_meeting_request
from meetings.core.selectors import meeting_record_same_meeting

BUSY_WITH_FILES = ("HubSpot is slow to answer right now and this server is waiting on it for other requests. "
                   "A meeting with attachments cannot wait for the worker, so nothing was sent.")


class IdempotencyKeyInUse(Exception):
    """The key belongs to another rep's submission."""


class SameMeetingBooked(Exception):
    """The rep booked a meeting with this title and start in the last day: nothing was sent, ask them first."""

    def __init__(self, earlier: MeetingRecord) -> None:
        super().__init__(earlier.pk)
        self.earlier = earlier


def meeting_create(
    *,
    user,
    data: MeetingInput,
    idempotency_key: uuid.UUID,
    attachments: Sequence[UploadedFile] = (),
    confirmed_same: int | None = None,
) -> MeetingAttempt:
    """Create a meeting in HubSpot as `user`, recording the attempt.

    1. commit a PENDING record (its unique idempotency key makes a repeated submit
       return the first attempt instead of creating a second meeting); a meeting with the same title and
       start the rep booked in the last day raises `SameMeetingBooked` instead, unless the rep confirmed
       that one (`confirmed_same`, its pk);
    2. upload attachments and call HubSpot outside any database transaction — or, when this
       process's requests already wait on HubSpot as many at a time as they may (meetings.core.bulkhead),
       leave the record PENDING for the worker to send, and answer at once;
    3. finalise the record: CREATED or FAILED, or UNKNOWN for reconciliation to settle.
    The caller reads the outcome from the returned attempt's record (PENDING: the worker has it).
    """
    connection = user.hubspot
    payload = build_meeting_request(data, owner_id=connection.owner_id)
    record, is_new = _open_record(
        user, idempotency_key, title=data.title, start_at=data.start, end_at=data.end, time_zone=data.time_zone,
        associations=[{"type": a.kind, "id": a.id, "label": a.label} for a in data.associations],
        request_payload=payload, same_meeting_asked=confirmed_same or 0,
    )
    if not is_new:
        return MeetingAttempt(record)
    with bulkhead.slot() as may_wait:
        if may_wait:
            return _send_to_hubspot(record, user, data, payload, attachments)
    if attachments:
        # The files live only in this request: they cannot wait for the worker.
        error = bulkhead.HubSpotBusy(message=BUSY_WITH_FILES)
        return MeetingAttempt(finalise(record, MeetingRecord.Status.FAILED, payload, time.monotonic(), error=error),
                              error)
    return _hand_to_worker(record)


def meeting_create_again(*, user, record: MeetingRecord) -> MeetingAttempt:
    """Send a NOT_CREATED record's meeting now, exactly as it was sent then, as a new attempt.

    The new attempt's key comes from the old record's, so a double click creates one meeting.
    """
    if not record.may_create_now or record.user_id != user.pk or record.hub_id != user.hubspot.hub_id:
        raise ValueError(f"meeting record {record.pk} is not one this rep can create again (here)")
    seal.require_seal(record)  # what is sent again must be what this app recorded, not a row written beside it
    again, is_new = _open_record(
        user, uuid.uuid5(record.idempotency_key, "create again"), title=record.title, start_at=record.start_at,
        end_at=record.end_at, time_zone=record.time_zone, associations=record.associations,
        request_payload=record.request_payload,
    )
    if not is_new:
        return MeetingAttempt(again)
    with bulkhead.slot() as may_wait:
        if may_wait:
            started = time.monotonic()
            if (found := found_before_sending(again, started)) is not None:
                return MeetingAttempt(found)
            return _checked(create_in_hubspot(again, hubspot_client(user), user.hubspot, again.request_payload,
                                              started))
    return _hand_to_worker(again)


def _hand_to_worker(record: MeetingRecord) -> MeetingAttempt:
    # Marked before the task exists: the worker takes only records that are marked.
    record.queued_at = timezone.now()
    MeetingRecord.objects.filter(pk=record.pk).update(queued_at=record.queued_at)
    tasks.send_queued_record.enqueue(record.pk)
    return MeetingAttempt(record)


def _checked(attempt: MeetingAttempt) -> MeetingAttempt:
    """The attempt, with HubSpot's search scheduled to settle it if its outcome is unknown."""
    if attempt.record.is_unknown:
        tasks.start_checking(attempt.record)
    return attempt


def _open_record(user, idempotency_key: uuid.UUID, *, same_meeting_asked: int | None = None,
                 **content) -> tuple[MeetingRecord, bool]:
    """The attempt's PENDING record, committed before HubSpot is called; or the earlier one with this key.

    `same_meeting_asked`: check for the same meeting first (None: this is no new submit but a "create it
    now"; otherwise the pk the rep confirmed, or 0). The check and the insert happen under the rep's lock,
    so two tabs submitting at the same moment cannot both find nothing and both send.
    """
    connection = user.hubspot
    labels = [a["label"] for a in content["associations"]]
    with transaction.atomic():
        # The rep's lock: an UPDATE of their connection's row. PostgreSQL locks the row, SQLite takes its
        # write lock; either way a second submit of this rep waits here until this one's record exists.
        type(connection).objects.filter(pk=connection.pk).update(hub_id=F("hub_id"))
        existing = MeetingRecord.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            if existing.user_id != user.pk:
                raise IdempotencyKeyInUse(idempotency_key)
            return existing, False
        if same_meeting_asked is not None:
            earlier = meeting_record_same_meeting(viewer=user, title=content["title"], start=content["start_at"])
            if earlier is not None and earlier.pk != same_meeting_asked:
                raise SameMeetingBooked(earlier)
        fields = dict(idempotency_key=idempotency_key, user_id=user.pk, hubspot_user_id=connection.hubspot_user_id,
                      owner_id=connection.owner_id, hub_id=connection.hub_id, hub_domain=connection.hub_domain,
                      created_at=timezone.now(), **content)
        record = MeetingRecord.objects.create(
            # casefold: "GROSS" finds "Groß".
            search_text=" ".join([content["title"], *labels]).casefold(),
            audit_seal=seal.record_seal(fields), **fields,
        )
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
        finalise(record, MeetingRecord.Status.FAILED, payload, started, error=error)
        if isinstance(error, HubSpotAuthRequired):
            raise
        return MeetingAttempt(record, error)
    return _checked(create_in_hubspot(record, client, connection, payload, started))


