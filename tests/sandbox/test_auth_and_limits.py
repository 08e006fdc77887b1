"""Tokens, scopes and rate limits, answered as HubSpot does."""

import time

import requests

from tests.sandbox.conftest import LENA

OWNERS = "/crm/owners/{version}"  # api.path() fills in the version under test


def test_no_token_is_401_invalid_authentication(api):
    response = api.get(api.path(OWNERS))

    assert response.status_code == 401 and response.json()["category"] == "INVALID_AUTHENTICATION"


def test_an_expired_token_is_401_expired_authentication(api, token):
    expired = token(ttl=0)

    body = api.get(api.path(OWNERS), headers={"Authorization": f"Bearer {expired}"}).json()

    assert body["category"] == "EXPIRED_AUTHENTICATION"
    assert "expired" in body["message"] and "expire time" in body["context"]


def test_a_missing_scope_is_403_missing_scopes(api, token):
    only_oauth = {"Authorization": f"Bearer {token(scopes=['oauth'])}"}

    response = api.post(f"/crm/objects/{api.version}/companies/search", headers=only_oauth, json={})

    body = response.json()
    assert response.status_code == 403 and body["category"] == "MISSING_SCOPES"
    assert body["errors"][0]["context"]["requiredGranularScopes"] == ["crm.objects.companies.read"]


def test_any_one_listed_scope_is_enough(api, token):
    # The scheduler accepts 25 alternative scopes (its spec's security list); contacts.write is one.
    headers = {"Authorization": f"Bearer {token(scopes=['crm.objects.contacts.write'])}"}

    response = api.post(f"/scheduler/{api.version}/meetings/calendar", params={"organizerUserId": str(LENA)},
                        headers=headers, json={})

    assert response.status_code == 400  # past authentication and scopes, stopped by validation


def test_the_ten_second_budget_answers_429_with_hubspots_headers(api, auth, sandbox_server):
    sandbox_server.configure(rate_limit={"max": 3, "interval_ms": 10000})

    answers = [api.get(api.path(OWNERS), headers=auth) for _ in range(4)]

    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert answers[2].headers["X-HubSpot-RateLimit-Remaining"] == "0"
    assert answers[0].headers["X-HubSpot-RateLimit-Max"] == "3"
    assert answers[0].headers["X-HubSpot-RateLimit-Interval-Milliseconds"] == "10000"
    limited = answers[3]
    assert limited.json()["category"] == "RATE_LIMITS" and limited.json()["policyName"] == "TEN_SECONDLY_ROLLING"
    assert int(limited.headers["Retry-After"]) >= 1


def test_the_budget_rolls(api, auth, sandbox_server):
    sandbox_server.configure(rate_limit={"max": 2, "interval_ms": 300})
    assert [api.get(api.path(OWNERS), headers=auth).status_code for _ in range(3)] == [200, 200, 429]

    time.sleep(0.35)

    assert api.get(api.path(OWNERS), headers=auth).status_code == 200


def test_search_has_its_own_per_second_limit_and_no_ten_second_headers(api, auth, sandbox_server):
    sandbox_server.configure(search_rate_limit=2, rate_limit={"max": 1, "interval_ms": 10000})

    answers = [api.post(f"/crm/objects/{api.version}/contacts/search", headers=auth, json={"query": "a"}) for _ in range(3)]

    assert [a.status_code for a in answers] == [200, 200, 429]
    assert "X-HubSpot-RateLimit-Max" not in answers[0].headers
    assert api.get(api.path(OWNERS), headers=auth).status_code == 200  # search did not spend the ten-second budget


def test_the_control_api_is_not_rate_limited(sandbox_server, auth):
    sandbox_server.configure(rate_limit={"max": 1, "interval_ms": 10000})

    assert all(requests.get(f"{sandbox_server.url}/__sandbox__/health", timeout=5).ok for _ in range(5))
