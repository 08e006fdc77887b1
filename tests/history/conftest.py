"""Factories for reps, admins and their meeting records (no HubSpot needed to read history)."""

from __future__ import annotations

import itertools
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone, translation

from meetings.models import MeetingRecord
from tests.clock import meeting_start

_counter = itertools.count(1)


@pytest.fixture(autouse=True)
def _language_reset():
    """A request in German leaves German active in this thread; the next test (maybe another file's) must not inherit it."""
    yield
    translation.deactivate()


@pytest.fixture
def make_user(django_user_model):
    def make(email: str, *, first_name: str = "", last_name: str = "", **extra):
        return django_user_model.objects.create_user(
            username=email, email=email, first_name=first_name, last_name=last_name, **extra
        )

    return make


@pytest.fixture
def lena(make_user):
    return make_user("lena.mueller@example.de", first_name="Lena", last_name="Müller")


@pytest.fixture
def jonas(make_user):
    return make_user("jonas.weiss@example.de", first_name="Jonas", last_name="Weiß")


@pytest.fixture
def admin_user(make_user):
    user = make_user("chefin@example.de", first_name="Petra", last_name="Chefin")
    call_command("grant_meeting_admin", user.email, stdout=open("/dev/null", "w"))  # noqa: SIM115
    return user


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser("root", "root@example.com", "pw")


@pytest.fixture
def record_factory():
    def make(*, user, title: str = "Kick-off", status: str = MeetingRecord.Status.CREATED,
             created_at: datetime | None = None, associations: list | None = None, hub_id: int = 24681357,
             **extra) -> MeetingRecord:
        n = next(_counter)
        start = meeting_start(10).astimezone(UTC)
        associations = associations if associations is not None else [
            {"type": "contacts", "id": str(1000 + n), "label": "Anna Schröder"},
        ]
        fields = {
            "idempotency_key": uuid.uuid4(), "user": user, "hubspot_user_id": 5120001, "owner_id": "71234500101",
            "hub_id": hub_id, "hub_domain": f"portal-{hub_id}.example", "status": status, "title": title,
            "start_at": start, "end_at": start + timedelta(hours=1), "time_zone": "Europe/Berlin",
            "associations": associations,
            "search_text": " ".join([title, *(a["label"] for a in associations)]).casefold(),
            "request_payload": {"properties": {"hs_meeting_title": title}}, "attempts": 1, "duration_ms": 120,
            "created_at": created_at or timezone.now() - timedelta(minutes=n),
            "hubspot_meeting_id": str(50500000000 + n) if status == MeetingRecord.Status.CREATED else "",
            **extra,
        }
        return MeetingRecord.objects.create(**fields)

    return make
