"""A rep's whole day against the sandbox, once per HUBSPOT_API_VERSION: every HubSpot call goes to that version.

Sign in (token, introspection, owner), a form prefilled from a HubSpot record (owners, properties, labels,
batch reads), the four pickers, the conflict check, a create, a create whose answer is lost and is reconciled
(the record's meetings read by id, the meetings read back), a refresh after the token expired, and disconnecting
(revoke). No attachments: their upload stays on 2026-03 (hubspot_api/versions.py; tests/hubspot_api/test_versions.py).
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse

from hubspot_api.versions import SUPPORTED
from meetings.models import MeetingRecord
from tests.clock import form_value, meeting_start
from tests.conftest import meeting_post
from tests.login.conftest import sign_in

DATED = re.compile(r"/(\d{4}-\d{2})(?:/|$)")
# Each kind of call the flow must have made, so a flow that silently skipped one cannot pass.
FAMILIES = ("/oauth/{v}/token", "/oauth/{v}/token/introspect", "/oauth/{v}/token/revoke", "/crm/owners/{v}",
            "/crm/properties/{v}/", "/crm/associations/{v}/", "/crm/objects/{v}/contacts/search",
            "/crm/objects/{v}/deals/batch/read", "/crm/objects/{v}/meetings/search", "/scheduler/{v}/meetings/calendar",
            "/crm/objects/{v}/contacts/", "/crm/objects/{v}/meetings/batch/read")


@pytest.fixture
def hubspot(sandbox):
    from tests.login.conftest import CALLBACK

    sandbox.configure(redirect_uris=[CALLBACK], search_rate_limit=1000)
    return sandbox


@pytest.mark.django_db
@pytest.mark.parametrize("version", SUPPORTED)
def test_every_call_of_a_whole_flow_goes_to_the_configured_version(version, client, hubspot, demo, settings,
                                                                      run_due_tasks):
    settings.HUBSPOT_API_VERSION = version
    settings.HUBSPOT_SEARCHES_PER_SECOND = 1000  # four pickers and a conflict check at once: not this test's point
    contact, deal = demo["contacts"][0]["id"], demo["deals"][0]["id"]
    start = meeting_start(10, days_ahead=7)

    assert sign_in(client).status_code == 302
    assert client.get(reverse("meeting_create"), {"contact": contact, "deal": deal}).status_code == 200
    for kind in ("contacts", "companies", "deals", "tickets"):
        assert client.get(reverse("picker_search", args=[kind]), {"q": "an"}).status_code == 200
    assert "skipped" not in client.get(reverse("meeting_conflicts"), {
        "start": form_value(start), "end": form_value(start + timedelta(hours=1)), "time_zone": "Europe/Berlin",
    }).json()
    assert client.post(reverse("meeting_create"), meeting_post(contacts=[contact])).status_code == 302
    hubspot.fault(f"/scheduler/{version}/meetings/calendar", mode="process_then_drop")
    client.post(reverse("meeting_create"), meeting_post(contacts=[contact], title="Answer lost"))
    run_due_tasks()
    hubspot.expire_tokens()
    client.get(reverse("picker_search", args=["contacts"]), {"q": "er"})
    client.post(reverse("hubspot_disconnect"))

    assert MeetingRecord.objects.get(title="Answer lost").status == MeetingRecord.Status.CREATED
    log = hubspot.requests()
    dated = [(m.group(1), r["path"]) for r in log if (m := DATED.search(r["path"]))]
    assert {v for v, _ in dated} == {version}, sorted({p for v, p in dated if v != version})
    assert not [r["path"] for r in log if "/v3/" in r["path"] or "/oauth/v1/" in r["path"]]
    paths = {p for _, p in dated}
    missing = [f for f in FAMILIES if not any(p.startswith(f.format(v=version)) for p in paths)]
    assert missing == [], (missing, sorted(paths))
