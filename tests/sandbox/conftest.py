"""The sandbox's own tests: every answer it gives is checked against HubSpot's official response schema."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
import requests

from hubspot_sandbox.app import DATED_VERSIONS
from hubspot_sandbox.contract import response_errors, version_of

LENA, JONAS, MAX_ALT, PAUL = 5120001, 5120002, 5120004, 5120005
DEMO_HUB = 24681357
ALL_SCOPES = [
    "oauth", "crm.objects.contacts.read", "crm.objects.contacts.write", "crm.objects.companies.read",
    "crm.objects.deals.read", "tickets", "crm.objects.owners.read", "files",
]


class CheckedSession(requests.Session):
    """A requests session that fails the test when an answer does not match its spec (of the path's version)."""

    def __init__(self, base_url: str, version: str) -> None:
        super().__init__()
        self.base_url = base_url
        self.version = version  # the dated API version the test calls
        self.checked = 0

    def path(self, template: str) -> str:
        """A path template (`/crm/owners/{version}`) at the version under test."""
        return template.format(version=self.version)

    def request(self, method, url, *args, **kwargs):
        kwargs.setdefault("timeout", 10)
        response = super().request(method, url if url.startswith("http") else self.base_url + url, *args, **kwargs)
        path = urlsplit(response.request.url).path
        if response.status_code in (301, 302, 204) or not response.content:
            return response
        if "json" in response.headers.get("Content-Type", "") and not path.startswith("/__sandbox__"):
            try:
                problems = response_errors(method, _spec_path(path), response.status_code, response.json())
            except LookupError:
                problems = []  # the consent page's form post, the sandbox's own pages
            assert problems == [], f"{method} {path} -> {response.status_code} breaks its spec: {problems}"
            self.checked += 1
        return response


def _spec_path(path: str) -> str:
    from hubspot_sandbox.app import _canonical

    return _canonical(path, "v3" if "/v3/" in path else version_of(path) or "")


@pytest.fixture(params=DATED_VERSIONS)
def api(sandbox_server, request):
    """A checked session; every test that calls the sandbox through it runs once per dated API version."""
    sandbox_server.reset()
    session = CheckedSession(sandbox_server.url, request.param)
    yield session
    session.close()


@pytest.fixture
def token(sandbox_server, api):
    def issue(user_id: int = LENA, scopes=ALL_SCOPES, **options) -> str:
        return sandbox_server.issue_token(user_id, scopes=scopes, **options)["access_token"]

    return issue


@pytest.fixture
def auth(token):
    return {"Authorization": f"Bearer {token()}"}


@pytest.fixture
def demo(sandbox_server, api):
    return sandbox_server.demo()
