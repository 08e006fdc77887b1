"""The response checks themselves: they can fail, and every documented error has HubSpot's shape."""

from datetime import timedelta

import pytest

from hubspot_sandbox.app import DATED_VERSIONS
from hubspot_sandbox.contract import response_errors
from tests.clock import hubspot_time, meeting_start, now


@pytest.mark.parametrize("version", DATED_VERSIONS)
def test_a_response_that_breaks_its_schema_is_caught(version):
    broken = {"id": 123, "createdAt": "yesterday"}  # id must be a string; properties missing

    problems = response_errors("POST", f"/scheduler/{version}/meetings/calendar", 200, broken)

    assert any("properties" in p for p in problems) and any("123" in p for p in problems)


@pytest.mark.parametrize("version", DATED_VERSIONS)
def test_a_conforming_response_passes(version):
    start = meeting_start(10)
    created, begins, ends = hubspot_time(now()), hubspot_time(start), hubspot_time(start + timedelta(hours=1))
    body = {"id": "1", "createdAt": created, "lastUpdatedAt": created,
            "properties": {"hs_engagement_source": "INTEGRATION", "hs_engagement_source_id": "x",
                           "hs_meeting_title": "t", "hs_meeting_start_time": begins,
                           "hs_meeting_end_time": ends, "hs_meeting_outcome": "SCHEDULED",
                           "hs_timestamp": begins}}

    assert response_errors("POST", f"/scheduler/{version}/meetings/calendar", 200, body) == []


@pytest.mark.parametrize("version", DATED_VERSIONS)
def test_oauth_errors_are_checked_against_the_rfc_6749_shape(version):
    assert response_errors("POST", f"/oauth/{version}/token", 400, {"error": "invalid_grant"})
    assert response_errors("POST", f"/oauth/{version}/token", 400, {
        "error": "invalid_grant", "error_description": "d", "status": "BAD_AUTH_CODE", "message": "d"}) == []


def test_an_undescribed_path_is_reported():
    with pytest.raises(LookupError):
        response_errors("GET", "/no/such/api", 200, {})
    with pytest.raises(LookupError):  # as published, 2026-09 has no file upload
        response_errors("POST", "/files/2026-09/files", 201, {})


def test_the_session_really_checks(api, auth):
    api.get(f"/crm/owners/{api.version}", headers=auth)
    api.get(f"/crm/owners/{api.version}", headers={"Authorization": "Bearer nope"})

    assert api.checked == 2
