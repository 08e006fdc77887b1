"""A signed-in rep with a real HubSpot connection to the sandbox, and a form-data factory."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from meetings.models import HubSpotConnection

REP_SCOPES = [
    "oauth", "crm.objects.contacts.read", "crm.objects.contacts.write", "crm.objects.companies.read",
    "crm.objects.deals.read", "tickets", "crm.objects.owners.read", "files",
]


@pytest.fixture
def demo(sandbox):
    return sandbox.demo()


def connect(sandbox, user, demo_user: dict, scopes=REP_SCOPES) -> HubSpotConnection:
    token = sandbox.issue_token(demo_user["user_id"], scopes=scopes)
    return HubSpotConnection.objects.create(
        user=user,
        hub_id=token["hub_id"],
        hub_domain=demo_user.get("hub_domain", ""),
        hubspot_user_id=demo_user["user_id"],
        owner_id=str(demo_user.get("owner_id") or ""),
        email=demo_user["email"],
        scopes=token.get("scopes", scopes),
        access_token=token["access_token"],
        refresh_token=token["refresh_token"],
        expires_at=timezone.now() + timedelta(seconds=token["expires_in"]),
    )


@pytest.fixture
def rep(sandbox, demo, django_user_model):
    """Lena Müller: an active user and owner of the demo portal, signed in to the app."""
    lena = demo_user(demo, "lena")
    user = django_user_model.objects.create_user(
        username=lena["email"], email=lena["email"], first_name="Lena", last_name="Müller"
    )
    connect(sandbox, user, lena)
    return user


@pytest.fixture
def rep_client(client, rep):
    client.force_login(rep)
    return client


def demo_user(demo: dict, email_start: str) -> dict:
    return next(u for u in demo["users"] if u["email"].startswith(email_start))


def demo_records(demo: dict, kind: str) -> list[dict]:
    return demo[kind]


def meeting_post(**overrides) -> dict:
    start = (timezone.now() + timedelta(days=7)).astimezone(timezone.get_fixed_timezone(60))
    data = {
        "idempotency_key": str(uuid.uuid4()),
        "title": "Kick-off bei Müller GmbH",
        "time_zone": "Europe/Berlin",
        "start": start.strftime("%Y-%m-%dT10:00"),
        "end": start.strftime("%Y-%m-%dT11:00"),
        "duration": "",
        "outcome": "SCHEDULED",
        "reminders-TOTAL_FORMS": "1",
        "reminders-INITIAL_FORMS": "0",
        "reminders-MIN_NUM_FORMS": "0",
        "reminders-MAX_NUM_FORMS": "3",
        "reminders-0-number": "1",
        "reminders-0-unit": "HOURS",
    }
    data.update(overrides)
    return data
