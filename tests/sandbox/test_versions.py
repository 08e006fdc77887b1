"""Both dated versions, each from its own specs: what one lacks is missing, what 2026-09 adds is enforced."""

from __future__ import annotations

import json

import pytest

from hubspot_sandbox.contract import operation
from tests.sandbox.conftest import ALL_SCOPES, LENA
from tests.sandbox.test_scheduler import CREATE, base_request

UPLOAD = {"file": ("agenda.pdf", b"%PDF-1.4", "application/pdf")}
UPLOAD_FORM = {"fileName": "agenda.pdf", "folderPath": "/meeting-attachments", "options": '{"access": "PRIVATE"}'}


def test_the_file_upload_exists_on_2026_03_only(api, auth):
    """As published, the 2026-09 Files spec has no upload: the client keeps it on 2026-03 (hubspot_api/versions.py)."""
    response = api.post(f"/files/{api.version}/files", headers=auth, files=UPLOAD, data=UPLOAD_FORM)

    assert response.status_code == (201 if api.version == "2026-03" else 404)


def test_an_unknown_version_is_not_found(api, auth):
    assert api.get("/crm/owners/2025-09", headers=auth).status_code == 404


@pytest.mark.parametrize(("path", "spec_file"), [
    ("/crm/objects/2026-09/tickets/search", "crm-tickets-2026-09.json"),
    ("/crm/objects/2026-09/0-3/search", "crm-deals-2026-09.json"),
    ("/crm/objects/2026-09/deals/123", "crm-deals-2026-09.json"),
    ("/crm/objects/2026-09/meetings/batch/read", "crm-meetings-2026-09.json"),
    ("/crm/objects/2026-09/0-47/123", "crm-meetings-2026-09.json"),
    ("/crm/objects/2026-03/tickets/search", "crm-tickets-2026-03.json"),
])
def test_a_generic_2026_09_path_is_read_by_the_spec_of_its_object_type(path, spec_file):
    method = "GET" if path[-1].isdigit() else "POST"

    assert operation(method, path).spec_file == spec_file


def test_each_object_types_scopes_apply_on_both_versions(api, token):
    without_tickets = {"Authorization": f"Bearer {token(scopes=[s for s in ALL_SCOPES if s != 'tickets'])}"}

    tickets = api.post(f"/crm/objects/{api.version}/tickets/search", headers=without_tickets, json={})
    contacts = api.post(f"/crm/objects/{api.version}/contacts/search", headers=without_tickets, json={})

    assert tickets.status_code == 403 and "tickets" in tickets.json()["errors"][0]["context"]["requiredGranularScopes"]
    assert contacts.status_code == 200


def test_an_admins_required_property_is_enforced_from_2026_09_on(api, auth, demo, sandbox_server):
    sandbox_server.property_rules({"property": "hs_meeting_location", "message": "Ort fehlt", "error": "REQUIRED"})

    response = api.post(api.path(CREATE), params={"organizerUserId": str(LENA)}, json=base_request(demo),
                        headers=auth)

    if api.version == "2026-03":  # 2026-03 writes pass the admin's rules by, as they always did
        assert response.status_code == 200
        return
    body = response.json()
    assert response.status_code == 400 and body["category"] == "VALIDATION_ERROR" and "errors" not in body
    prefix = "Property values were not valid: "
    assert body["message"].startswith(prefix)
    assert json.loads(body["message"][len(prefix):]) == [
        {"isValid": False, "message": "Ort fehlt", "error": "REQUIRED", "name": "hs_meeting_location"}]
    assert sandbox_server.meetings()["24681357"] == {}


def test_a_conditionally_required_property_is_required_only_under_its_condition(api, auth, demo, sandbox_server):
    sandbox_server.property_rules({"property": "hs_meeting_body", "message": "Bitte Agenda angeben",
                                   "when": {"hs_meeting_outcome": "COMPLETED"}})
    request = base_request(demo)

    scheduled = api.post(api.path(CREATE), params={"organizerUserId": str(LENA)}, json=request, headers=auth)
    completed = api.post(api.path(CREATE), params={"organizerUserId": str(LENA)}, headers=auth, json={
        **request, "properties": {**request["properties"], "hs_meeting_outcome": "COMPLETED"}})
    answered = api.post(api.path(CREATE), params={"organizerUserId": str(LENA)}, headers=auth, json={
        **request, "properties": {**request["properties"], "hs_meeting_outcome": "COMPLETED",
                                  "hs_meeting_body": "Agenda"}})

    assert scheduled.status_code == 200 and answered.status_code == 200
    assert completed.status_code == (400 if api.version == "2026-09" else 200)


def test_rules_are_cleared_by_reset_and_refused_when_malformed(api, auth, demo, sandbox_server):
    sandbox_server.property_rules({"property": "hs_meeting_location"})
    sandbox_server.reset()
    auth = {"Authorization": f"Bearer {sandbox_server.issue_token(LENA, scopes=ALL_SCOPES)['access_token']}"}

    created = api.post(api.path(CREATE), params={"organizerUserId": str(LENA)}, json=base_request(demo),
                       headers=auth)
    malformed = api.post(f"{sandbox_server.url}/__sandbox__/property-rules", json={"rules": [{"when": 1}]})

    assert created.status_code == 200
    assert malformed.status_code == 400
