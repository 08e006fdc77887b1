"""Final records made the way the services make them: committed PENDING, then finalised and chained."""

from __future__ import annotations

import itertools
import time
import uuid
from datetime import UTC, timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from meetings.audit import seal
from meetings.booking import sending
from meetings.models import MeetingRecord
from tests.clock import meeting_start
from tests.history.conftest import admin_user, jonas, lena, make_user  # noqa: F401

Status = MeetingRecord.Status
_counter = itertools.count(1)


def meeting_input(title: str):
    from meetings.core.payload import MeetingInput

    start = meeting_start(11)
    return MeetingInput(title=title, start=start, end=start + timedelta(hours=1), time_zone="Europe/Berlin")


def open_record(*, user, title: str = "Kick-off bei Müller GmbH", created_at=None, contact_id: str | None = None,
                status: str = Status.PENDING) -> MeetingRecord:
    """A record as `services._open_record` commits it, before HubSpot is called."""
    n = next(_counter)
    start = meeting_start(10).astimezone(UTC)
    contact = contact_id or str(1000 + n)
    associations = [{"type": "contacts", "id": contact, "label": "Anna Schröder"},
                    {"type": "companies", "id": str(2000 + n), "label": "Müller GmbH"}]
    fields = dict(
        idempotency_key=uuid.uuid4(), user_id=user.pk, hubspot_user_id=5120001, owner_id="71234500101",
        hub_id=24681357, hub_domain="demo.example", title=title, start_at=start, end_at=start + timedelta(hours=1),
        time_zone="Europe/Berlin", associations=associations,
        request_payload={"properties": {"hs_meeting_title": title, "hs_meeting_body": "Notizen über Anna"},
                         "associations": [{"to": {"id": contact}}]},
        created_at=created_at or timezone.now(),
    )
    return MeetingRecord.objects.create(status=status, search_text=f"{title} anna schröder".casefold(),
                                        audit_seal=seal.record_seal(fields), **fields)


def finalise(record: MeetingRecord, status: str = Status.CREATED) -> MeetingRecord:
    """What `meeting_create` does with HubSpot's answer: the one conditional UPDATE, chained with it."""
    if status == Status.CREATED:
        meeting_id = str(50500000000 + record.pk)
        return sending.finalise(record, status, record.request_payload, time.monotonic() - 0.2,
                                meeting_id=meeting_id, body={"id": meeting_id, "properties": {"n": 1.5}},
                                http_status=201, attempts=1, correlation_id=f"corr-{record.pk}")
    return sending.finalise(record, status, record.request_payload, time.monotonic() - 0.2, http_status=400,
                            body={"status": "error", "message": "Property values were not valid: Anna"},
                            category="VALIDATION_ERROR")


@pytest.fixture
def final_record():
    def make(*, user, status: str = Status.CREATED, **options) -> MeetingRecord:
        return finalise(open_record(user=user, **options), status)

    return make


def verify(*args) -> str:
    """`manage.py verify_audit`'s output when the chain holds; raises CommandError (exit 1) when it does not."""
    from io import StringIO

    out = StringIO()
    call_command("verify_audit", *args, stdout=out)
    return out.getvalue()


def broken(*args) -> str:
    with pytest.raises(CommandError) as failure:
        verify(*args)
    assert failure.value.returncode == 1
    return str(failure.value)
