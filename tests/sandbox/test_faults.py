"""Fault injection for tests: failures, timeouts, dropped connections, latency."""

import time

import pytest
import requests

from tests.sandbox.conftest import LENA
from tests.sandbox.test_scheduler import CREATE, base_request

OWNERS = "/crm/owners/{version}"  # api.path() fills in the version under test


def test_the_next_n_calls_fail_then_it_recovers(api, auth, sandbox_server):
    sandbox_server.fault(api.path(OWNERS), count=2, status=503, method="GET")

    statuses = [api.get(api.path(OWNERS), headers=auth).status_code for _ in range(3)]

    assert statuses == [503, 503, 200]


def test_a_timeout(api, auth, sandbox_server):
    sandbox_server.fault(api.path(OWNERS), mode="timeout", seconds=1, method="GET")

    with pytest.raises(requests.ReadTimeout):
        api.get(api.path(OWNERS), headers=auth, timeout=0.3)


def test_a_dropped_connection_after_the_request_was_read(api, auth, sandbox_server, demo):
    sandbox_server.fault(api.path(CREATE), mode="drop")

    with pytest.raises(requests.ConnectionError):
        api.post(api.path(CREATE), params={"organizerUserId": str(LENA)}, json=base_request(demo), headers=auth)
    assert sandbox_server.meetings()["24681357"] == {}


@pytest.mark.parametrize("mode", ["process_then_status", "process_then_drop"])
def test_processed_then_lost_answers_really_create_the_meeting(api, auth, sandbox_server, demo, mode):
    sandbox_server.fault(api.path(CREATE), mode=mode, status=500)

    try:
        status = api.post(api.path(CREATE), params={"organizerUserId": str(LENA)}, json=base_request(demo),
                          headers=auth).status_code
    except requests.ConnectionError:
        status = None

    assert status == (500 if mode == "process_then_status" else None)
    assert len(sandbox_server.meetings()["24681357"]) == 1


def test_added_latency(api, auth, sandbox_server):
    sandbox_server.latency(300)

    started = time.monotonic()
    api.get(api.path(OWNERS), headers=auth)

    assert time.monotonic() - started >= 0.3


def test_reset_clears_faults(api, auth, sandbox_server):
    sandbox_server.fault(api.path(OWNERS), count=5, status=500, method="GET")
    sandbox_server.reset()

    assert api.get(api.path(OWNERS), headers=auth).status_code == 401  # tokens are gone too


MEETING_SEARCH = "/crm/objects/{version}/meetings/search"  # api.path() fills in the version under test


@pytest.mark.parametrize(("status", "retry_after"), [(429, 2), (503, 5), (503, None)])
def test_meeting_search_fails_on_its_own_while_creates_succeed(api, auth, sandbox_server, demo, status, retry_after):
    sandbox_server.fault(api.path(MEETING_SEARCH), count=1, status=status, retry_after=retry_after)

    created = api.post(api.path(CREATE), params={"organizerUserId": str(LENA)}, json=base_request(demo), headers=auth)
    failed = api.post(api.path(MEETING_SEARCH), headers=auth, json={})
    recovered = api.post(api.path(MEETING_SEARCH), headers=auth, json={})

    assert created.status_code == 200
    assert failed.status_code == status
    assert failed.headers.get("Retry-After") == (None if retry_after is None else str(retry_after))
    assert failed.json()["category"] == ("RATE_LIMITS" if status == 429 else "INTERNAL_ERROR")
    assert recovered.status_code == 200 and [r["id"] for r in recovered.json()["results"]] == [created.json()["id"]]


def test_an_injected_429_on_search_names_the_search_policy(api, auth, sandbox_server):
    sandbox_server.fault(api.path(MEETING_SEARCH), status=429, retry_after=1)

    assert api.post(api.path(MEETING_SEARCH), headers=auth, json={}).json()["policyName"] == "SECONDLY"


def test_a_fault_can_answer_with_a_proxys_html_page(api, auth, sandbox_server):
    sandbox_server.fault(api.path(OWNERS), method="GET", status=502, html=True)

    response = api.get(api.path(OWNERS), headers=auth)

    assert response.status_code == 502 and response.headers["Content-Type"].startswith("text/html")
    assert "<h1>" in response.text
    assert api.get(api.path(OWNERS), headers=auth).status_code == 200  # one call only
