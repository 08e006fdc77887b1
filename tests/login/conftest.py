"""Drive HubSpot's OAuth dance against the sandbox: the app's client on one side, `requests` as the browser."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.urls import reverse

from tests.api_version import API_VERSION

CALLBACK = "http://testserver/accounts/hubspot/login/callback/"
LENA = "5120001:24681357"


@pytest.fixture
def hubspot(sandbox):
    sandbox.configure(redirect_uris=[CALLBACK])
    return sandbox


def consent_form(url: str) -> tuple[requests.Response, dict]:
    page = requests.get(url, timeout=5)
    fields = {unescape(name): unescape(value) for name, value in
              re.findall(r"<input type='hidden' name='([^']+)' value='([^']*)'>", page.text)}
    return page, fields


def start_sign_in(client, next_url: str | None = None) -> str:
    """Press "Sign in with HubSpot"; returns the consent page URL the browser is sent to."""
    login_url = reverse("hubspot_login") + (f"?next={next_url}" if next_url else "")
    response = client.post(login_url)
    assert response.status_code == 302, response.content[:500]
    return response["Location"]


def consent(authorize_url: str, *, account: str = LENA, decision: str = "approve") -> str:
    """Choose an account on the sandbox's consent page; returns where HubSpot redirects back to."""
    page, fields = consent_form(authorize_url)
    assert page.status_code == 200, page.text
    answer = requests.post(
        authorize_url.split("/oauth/")[0] + "/oauth/authorize/decision",
        data={**fields, "account": account, "decision": decision}, allow_redirects=False, timeout=5,
    )
    assert answer.status_code == 302, answer.text
    return answer.headers["Location"]


def callback_path(location: str) -> str:
    parts = urlsplit(location)
    return f"{parts.path}?{parts.query}"


def sign_in(client, *, account: str = LENA, next_url: str | None = None):
    """The whole dance; returns the app's answer to HubSpot's redirect."""
    return client.get(callback_path(consent(start_sign_in(client, next_url), account=account)))


def query(url: str) -> dict:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def refreshes(sandbox) -> int:
    """How many refresh-token grants the sandbox has answered since its reset."""
    return sum(1 for r in sandbox.requests(path=f"/oauth/{API_VERSION}/token") if r.get("grant_type") == "refresh_token")


@pytest.fixture
def signed_in(client, hubspot):
    """A Django test client signed in as Lena Müller through the whole OAuth dance."""
    sign_in(client)
    return client


def sign_in_from_login_page(client, login_location: str):
    """Follow a redirect to the sign-in page, press its one button, consent as Lena; returns the callback answer."""
    page = client.get(login_location)
    assert page.status_code == 200, page.status_code
    action = unescape(re.search(r'<form method="post" action="([^"]+)"', page.content.decode()).group(1))
    start = client.post(action)
    assert start.status_code == 302, start.content[:500]
    return client.get(callback_path(consent(start["Location"])))
