"""HUBSPOT_API_VERSION: every path the client and the token calls build carries it; anything else stops the start."""

from __future__ import annotations

import inspect
import os
import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from hubspot_api import oauth
from hubspot_api.client import HubSpotClient, StaticToken
from hubspot_api.versions import FILES_UPLOAD_VERSION, SUPPORTED
from meetings.core.payload import Association, MeetingInput, build_meeting_request
from tests.clock import meeting_start

ROOT = Path(__file__).resolve().parents[2]
DATED = re.compile(r"/(\d{4}-\d{2})(?:/|$)")
SCOPES = ["oauth", "crm.objects.contacts.read", "crm.objects.contacts.write", "crm.objects.companies.read",
          "crm.objects.deals.read", "tickets", "crm.objects.owners.read", "files"]


def versions_called(sandbox, since: int = 0) -> dict[str, set[str]]:
    """Each dated version the sandbox was called on since entry `since` of its log, with the paths."""
    found: dict[str, set[str]] = {}
    for entry in sandbox.requests()[since:]:
        match = DATED.search(entry["path"])
        if match:
            found.setdefault(match.group(1), set()).add(entry["path"])
    return found


def start_with(version: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "HUBSPOT_API_VERSION": version, "DJANGO_SETTINGS_MODULE": "config.test_settings"}
    return subprocess.run([sys.executable, "-c", "import django; django.setup()"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("version", ["2025-09", "v3", "2026-9", "latest"])
def test_an_unsupported_version_stops_the_start_with_one_clear_line(version):
    started = start_with(version)

    assert started.returncode != 0
    assert (f"ImproperlyConfigured: HUBSPOT_API_VERSION must be one of 2026-09, 2026-03 (HubSpot's supported dated "
            f"versions), not '{version}'.") in started.stderr


@pytest.mark.parametrize("version", SUPPORTED)
def test_a_supported_version_starts(version):
    assert start_with(version).returncode == 0


def test_the_default_is_2026_09():
    from hubspot_api.versions import DEFAULT

    assert DEFAULT == "2026-09" and SUPPORTED[0] == DEFAULT


# Each of the client's HubSpot operations, called once: adding one without adding it here fails the next test.
def call_every_operation(client: HubSpotClient, demo: dict) -> None:
    lena = demo["users"][0]
    contact = demo["contacts"][0]["id"]
    client.list_owners()
    client.owner_for_user(lena["user_id"])
    for kind in ("contacts", "companies", "deals", "tickets"):
        client.search(kind, "a")
        client.read_records(kind, [demo[kind][0]["id"]])
        client.association_labels(kind)
    client.meeting_property_options("hs_meeting_outcome")
    start = meeting_start(10, days_ahead=7)
    payload = build_meeting_request(MeetingInput(
        title="Versions", start=start, end=start + timedelta(hours=1), time_zone="Europe/Berlin",
        associations=(Association("contacts", contact),),
    ), owner_id=lena["owner_id"])
    meeting_id = str(client.create_meeting(organizer_user_id=lena["user_id"], payload=payload).body["id"])
    client.search_meetings(owner_id=lena["owner_id"], start=payload["properties"]["hs_timestamp"])
    client.search_meetings_overlapping(owner_ids=[lena["owner_id"]], start=start, end=start + timedelta(hours=1))
    assert client.meetings_associated_with("contacts", contact) == [meeting_id]
    assert [m["id"] for m in client.read_meetings([meeting_id])] == [meeting_id]
    assert ("contacts", contact) in client.meeting_associations(meeting_id)
    client.upload_file(name="agenda.pdf", content=b"%PDF-1.4", content_type="application/pdf")


CALLED = {"list_owners", "owner_for_user", "search", "read_records", "association_labels", "meeting_property_options",
          "create_meeting", "search_meetings", "search_meetings_overlapping", "meetings_associated_with",
          "read_meetings", "meeting_associations", "upload_file"}


def test_the_flow_below_calls_every_operation_of_the_client():
    operations = {name for name, _ in inspect.getmembers(HubSpotClient, inspect.isfunction)
                  if not name.startswith("_") and name != "request"}

    assert operations == CALLED


@pytest.mark.django_db
@pytest.mark.parametrize("version", SUPPORTED)
def test_every_call_goes_to_the_configured_version_and_only_the_upload_stays_on_2026_03(
        version, sandbox, demo, settings):
    settings.HUBSPOT_API_VERSION = version
    sandbox.configure(search_rate_limit=1000)  # nine searches in a row: not what this test is about
    token = sandbox.issue_token(demo["users"][0]["user_id"], scopes=SCOPES)
    client = HubSpotClient(tokens=StaticToken(token["access_token"]), sleep=lambda seconds: None)

    call_every_operation(client, demo)
    refreshed = oauth.refresh(token["refresh_token"])
    oauth.introspect(refreshed.access_token)
    assert oauth.revoke(token["refresh_token"])

    called = versions_called(sandbox)
    upload = f"/files/{FILES_UPLOAD_VERSION}/files"
    assert set(called) == ({version} if version == FILES_UPLOAD_VERSION else {version, FILES_UPLOAD_VERSION})
    assert called.get(FILES_UPLOAD_VERSION, set()) - called.get(version, set()) <= {upload}
    assert {f"/oauth/{version}/token", f"/oauth/{version}/token/introspect",
            f"/oauth/{version}/token/revoke"} <= called[version]
    assert not [r for r in sandbox.requests() if "/v3/" in r["path"] or "/oauth/v1/" in r["path"]]
    assert {r["status"] for r in sandbox.requests() if r["path"] != "/__sandbox__/tokens"} <= {200, 201}
