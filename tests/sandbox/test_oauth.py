"""OAuth: the consent page, codes, PKCE, refresh, introspection, revocation — v1 and both dated versions."""

import base64
import hashlib
import re
import time
from html import unescape
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

from tests.sandbox.conftest import DEMO_HUB, LENA

CALLBACK = "http://localhost:8000/accounts/hubspot/login/callback/"
CLIENT = {"client_id": "sandbox-demo-client-id", "client_secret": "sandbox-demo-client-secret"}
SCOPES = "oauth crm.objects.contacts.write"


def authorize(api, **params):
    query = {"client_id": CLIENT["client_id"], "redirect_uri": CALLBACK, "scope": SCOPES, "state": "s-1", **params}
    return api.get("/oauth/authorize?" + urlencode(query))


def decide(api, page, decision="approve", account=f"{LENA}:{DEMO_HUB}"):
    fields = dict(re.findall(r"<input type='hidden' name='([^']+)' value='([^']*)'>", page.text))
    answer = api.post("/oauth/authorize/decision", data={**{k: unescape(v) for k, v in fields.items()},
                                                         "decision": decision, "account": account},
                      allow_redirects=False)
    assert answer.status_code == 302
    return {k: v[0] for k, v in parse_qs(urlsplit(answer.headers["Location"]).query).items()}


def exchange(api, code, **extra):
    return api.post(f"/oauth/{api.version}/token", data={**CLIENT, "grant_type": "authorization_code", "code": code,
                                                   "redirect_uri": CALLBACK, **extra})


def test_the_consent_page_shows_scopes_and_demo_users(api):
    page = authorize(api, optional_scope="files")

    assert page.status_code == 200 and "text/html" in page.headers["Content-Type"]
    assert "crm.objects.contacts.write" in page.text and "files</code> (optional)" in page.text
    assert "Lena Müller — lena.mueller@example.de — Demo Portal" in unescape(page.text)
    assert ">Approve<" in page.text and ">Deny<" in page.text


@pytest.mark.parametrize("params", [{"client_id": "someone-else"}, {"redirect_uri": "http://evil.example/cb"},
                                    {"scope": "oauth no.such.scope"}])
def test_bad_clients_get_an_error_page_not_a_redirect(api, params):
    page = authorize(api, **params)

    assert page.status_code == 400 and "Location" not in page.headers


def test_approve_redirects_back_with_code_and_state_and_the_code_works_once(api):
    back = decide(api, authorize(api))

    assert back["state"] == "s-1" and back["code"]
    first = exchange(api, back["code"])
    assert first.status_code == 200
    token = first.json()
    assert token["token_type"] == "bearer" and token["expires_in"] == 1800 and token["hub_id"] == DEMO_HUB
    assert set(token["scopes"]) == set(SCOPES.split())
    replay = exchange(api, back["code"])
    assert replay.status_code == 400 and replay.json()["status"] == "BAD_AUTH_CODE"


def test_deny_redirects_back_with_access_denied(api):
    assert decide(api, authorize(api), decision="deny") == {
        "error": "access_denied", "error_description": "The user denied access to the app.", "state": "s-1"}


def test_codes_are_short_lived(api, sandbox_server):
    sandbox_server.configure(code_ttl=1)
    back = decide(api, authorize(api))
    time.sleep(1.1)

    assert exchange(api, back["code"]).json()["status"] == "BAD_AUTH_CODE"


def test_pkce_is_checked_when_a_challenge_was_sent(api):
    verifier = "v" * 64
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()

    wrong = decide(api, authorize(api, code_challenge=challenge, code_challenge_method="S256"))
    missing = decide(api, authorize(api, code_challenge=challenge, code_challenge_method="S256"))
    right = decide(api, authorize(api, code_challenge=challenge, code_challenge_method="S256"))

    assert exchange(api, wrong["code"], code_verifier="x" * 64).status_code == 400
    assert exchange(api, missing["code"]).status_code == 400
    assert exchange(api, right["code"], code_verifier=verifier).status_code == 200


def test_the_redirect_uri_must_match_at_exchange(api):
    back = decide(api, authorize(api))

    assert exchange(api, back["code"], redirect_uri="http://localhost:8000/other/").status_code == 400


def test_bad_client_credentials(api):
    back = decide(api, authorize(api))

    response = exchange(api, back["code"], client_secret="wrong")

    assert response.status_code == 401 and response.json()["error"] == "invalid_client"


def test_refresh_and_revoke(api):
    token = exchange(api, decide(api, authorize(api))["code"]).json()

    refreshed = api.post(f"/oauth/{api.version}/token", data={**CLIENT, "grant_type": "refresh_token",
                                                       "refresh_token": token["refresh_token"]})
    assert refreshed.status_code == 200 and refreshed.json()["access_token"] != token["access_token"]
    assert api.post(f"/oauth/{api.version}/token/revoke", data={**CLIENT, "token": token["refresh_token"]}).status_code == 200
    again = api.post(f"/oauth/{api.version}/token", data={**CLIENT, "grant_type": "refresh_token",
                                                   "refresh_token": token["refresh_token"]})
    assert again.status_code == 400 and again.json()["status"] == "BAD_REFRESH_TOKEN"


def test_introspection_of_access_and_refresh_tokens(api):
    token = exchange(api, decide(api, authorize(api))["code"]).json()

    access = api.post(f"/oauth/{api.version}/token/introspect", data={**CLIENT, "token": token["access_token"]}).json()
    by_hint = api.post(f"/oauth/{api.version}/token/introspect", data={
        **CLIENT, "token_type_hint": "refresh_token", "refresh_token": token["refresh_token"]}).json()
    unknown = api.post(f"/oauth/{api.version}/token/introspect", data={**CLIENT, "token": "nope"})

    assert access["active"] and access["user_id"] == LENA and access["user"] == "lena.mueller@example.de"
    assert access["hub_id"] == DEMO_HUB and access["hub_domain"] == "demo-portal.sandbox.local"
    assert 1790 <= access["expires_in"] <= 1800 and access["token_use"] == "access_token"
    assert by_hint["token_use"] == "refresh_token"
    assert unknown.status_code == 400 and unknown.json()["error"] == "invalid_token"


def test_v1_endpoints_for_older_clients(api):
    token = api.post("/oauth/v1/token", data={**CLIENT, "grant_type": "authorization_code", "redirect_uri": CALLBACK,
                                              "code": decide(api, authorize(api))["code"]}).json()

    info = api.get(f"/oauth/v1/access-tokens/{token['access_token']}").json()
    deleted = api.delete(f"/oauth/v1/refresh-tokens/{token['refresh_token']}")

    assert info["user_id"] == LENA and info["token_type"] == "access"
    assert deleted.status_code == 204
    assert api.get(f"/oauth/v1/refresh-tokens/{token['refresh_token']}").status_code == 404


def test_a_deactivated_users_tokens_stop_working(api, sandbox_server, token):
    access = token()
    sandbox_server.deactivate_user(LENA)

    assert api.get(f"/crm/owners/{api.version}", headers={"Authorization": f"Bearer {access}"}).status_code == 401


def test_the_request_log_never_holds_tokens(api, sandbox_server):
    token = exchange(api, decide(api, authorize(api))["code"]).json()
    api.get(f"/oauth/v1/access-tokens/{token['access_token']}")

    log = str(sandbox_server.requests())

    assert token["access_token"] not in log and token["refresh_token"] not in log
