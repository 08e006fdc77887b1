"""HubSpot's search is eventually consistent: a new meeting is read by id at once, found by search only after a lag."""

from __future__ import annotations

import time

import pytest
import requests

from hubspot_api.versions import DEFAULT
from hubspot_sandbox.__main__ import build_state, parse_args
from hubspot_sandbox.testing import SandboxServer
from tests.sandbox.conftest import ALL_SCOPES, LENA, CheckedSession
from tests.sandbox.test_scheduler import CREATE, base_request

SEARCH = "/crm/objects/{version}/meetings/search"  # api.path() fills in the version under test
POLL = 0.25  # seconds; stays inside the sandbox's 5 searches per second


def create_meeting(api, auth, demo) -> str:
    response = api.post(api.path(CREATE), params={"organizerUserId": str(LENA)}, json=base_request(demo), headers=auth)
    assert response.status_code == 200, response.text
    return response.json()["id"]


def found(api, auth, meeting_id: str) -> bool:
    body = {"filterGroups": [{"filters": [{"propertyName": "hs_object_id", "operator": "EQ", "value": meeting_id}]}]}
    response = api.post(api.path(SEARCH), headers=auth, json=body)
    assert response.status_code == 200, response.text
    return [r["id"] for r in response.json()["results"]] == [meeting_id]


def seconds_until_found(api, auth, meeting_id: str, since: float, timeout: float = 2.5) -> float:
    while time.monotonic() - since < timeout:
        if found(api, auth, meeting_id):
            return time.monotonic() - since
        time.sleep(POLL)
    raise AssertionError(f"meeting {meeting_id} not found by search within {timeout} s")


def test_read_by_id_at_once_found_by_search_after_the_lag(api, auth, demo, sandbox_server):
    sandbox_server.set_search_lag(1)
    sent = time.monotonic()

    meeting_id = create_meeting(api, auth, demo)

    assert api.get(f"/crm/objects/{api.version}/meetings/{meeting_id}", headers=auth).status_code == 200
    assert not found(api, auth, meeting_id)
    assert 1.0 <= seconds_until_found(api, auth, meeting_id, since=sent) < 2.5


def test_the_lag_is_fixed_when_the_meeting_is_created(api, auth, demo, sandbox_server):
    sandbox_server.set_search_lag(30)
    slow = create_meeting(api, auth, demo)
    sandbox_server.set_search_lag(0)
    quick = create_meeting(api, auth, demo)

    assert found(api, auth, quick) and not found(api, auth, slow)


def test_reset_restores_the_lag_the_server_started_with(api, auth, demo, sandbox_server):
    sandbox_server.set_search_lag(30)
    sandbox_server.reset()  # this server started with SandboxServer.start()'s lag: none
    auth = {"Authorization": f"Bearer {sandbox_server.issue_token(LENA, scopes=ALL_SCOPES)['access_token']}"}

    assert found(api, auth, create_meeting(api, auth, demo))


def test_a_server_started_with_a_lag_returns_to_it_on_reset():
    with SandboxServer.start(search_lag=0.5) as server:
        server.set_search_lag(0)
        server.reset()
        api = CheckedSession(server.url, DEFAULT)
        auth = {"Authorization": f"Bearer {server.issue_token(LENA, scopes=ALL_SCOPES)['access_token']}"}
        sent = time.monotonic()

        meeting_id = create_meeting(api, auth, server.demo())

        assert not found(api, auth, meeting_id)
        assert 0.5 <= seconds_until_found(api, auth, meeting_id, since=sent) < 2.0


def test_the_command_line_lag_and_its_default():
    assert parse_args([]).search_lag == 3.0
    assert build_state(parse_args(["--search-lag", "8"])).config.search_lag == 8.0
    assert build_state(parse_args(["--search-lag", "0.5"])).defaults.search_lag == 0.5


@pytest.mark.parametrize("value", ["-1", "nan", "soon"])
def test_the_command_line_refuses_a_lag_that_is_not_seconds(value):
    with pytest.raises(SystemExit):
        parse_args(["--search-lag", value])


@pytest.mark.parametrize("value", [-1, "8", None, True])
def test_the_control_api_refuses_a_lag_that_is_not_seconds(sandbox_server, value):
    with pytest.raises(requests.HTTPError):
        sandbox_server.configure(search_lag=value)


@pytest.mark.parametrize(("kind", "path_kind", "association_type_id"),
                         [("contacts", "contacts", 200), ("deals", "0-3", 212), ("tickets", "tickets", 226)])
def test_a_records_meetings_and_meetings_read_in_a_batch_are_there_at_once(
        api, auth, demo, sandbox_server, kind, path_kind, association_type_id):
    sandbox_server.set_search_lag(300)
    record_id = demo[kind][0]["id"]
    body = base_request(demo)
    body["associations"] = [{"to": {"id": record_id}, "types": [
        {"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": association_type_id}]}]
    created = api.post(api.path(CREATE), params={"organizerUserId": str(LENA)}, json=body, headers=auth)
    assert created.status_code == 200, created.text
    meeting_id = created.json()["id"]

    record = api.get(f"/crm/objects/{api.version}/{path_kind}/{record_id}", headers=auth,
                     params={"associations": "meetings"}).json()
    read = api.post(f"/crm/objects/{api.version}/meetings/batch/read", headers=auth,
                    json={"inputs": [{"id": meeting_id}, {"id": "1"}], "properties": ["hs_meeting_title"],
                          "propertiesWithHistory": []})

    assert [item["id"] for item in record["associations"]["meetings"]["results"]] == [meeting_id]
    assert read.status_code == 207 and [r["id"] for r in read.json()["results"]] == [meeting_id]
    assert not found(api, auth, meeting_id)  # the search still lags
    assert api.get(f"/crm/objects/{api.version}/{path_kind}/99999999", headers=auth).status_code == 404
