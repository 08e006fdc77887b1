"""Disconnect HubSpot: the refresh token is revoked at HubSpot and the stored tokens are deleted."""

import pytest
import requests
from django.contrib.auth import get_user_model
from django.urls import reverse

from hubspot_api.errors import HubSpotAuthRequired
from hubspot_login.models import HubSpotConnection
from hubspot_login.tokens import hubspot_client
from tests.api_version import API_VERSION

pytestmark = pytest.mark.django_db


def refresh_at_hubspot(sandbox, refresh_token: str) -> requests.Response:
    return requests.post(f"{sandbox.url}/oauth/{API_VERSION}/token", data={
        "grant_type": "refresh_token", "refresh_token": refresh_token,
        "client_id": "sandbox-demo-client-id", "client_secret": "sandbox-demo-client-secret",
    }, timeout=5)


def test_disconnect_revokes_at_hubspot_and_deletes_the_tokens(signed_in, hubspot):
    refresh_token = HubSpotConnection.objects.get().refresh_token
    assert 'Disconnect HubSpot</button>' in signed_in.get(reverse("home")).content.decode()

    response = signed_in.post(reverse("hubspot_disconnect"), follow=True)

    content = response.content.decode()
    assert "HubSpot is disconnected: the app&#x27;s access was revoked" in content
    assert "Disconnect HubSpot</button>" not in content
    assert "HubSpot not connected" in content and "portal demo-portal" not in content  # the navbar
    connection = HubSpotConnection.objects.get()
    assert (connection.access_token, connection.refresh_token, connection.expires_at) == ("", "", None)
    assert [r["path"] for r in hubspot.requests(path=f"/oauth/{API_VERSION}/token/revoke")] == [f"/oauth/{API_VERSION}/token/revoke"]
    answer = refresh_at_hubspot(hubspot, refresh_token)
    assert answer.status_code == 400 and answer.json()["status"] == "BAD_REFRESH_TOKEN"
    with pytest.raises(HubSpotAuthRequired):
        hubspot_client(get_user_model().objects.get()).list_owners()


def test_disconnect_deletes_the_tokens_even_when_hubspot_is_down(signed_in, hubspot):
    hubspot.fault(f"/oauth/{API_VERSION}/token/revoke", status=503)

    response = signed_in.post(reverse("hubspot_disconnect"), follow=True)

    assert "HubSpot could not confirm the revocation" in response.content.decode()
    assert not HubSpotConnection.objects.get().has_tokens


def test_disconnect_needs_a_post_with_a_csrf_token(signed_in, hubspot):
    from django.test import Client

    assert signed_in.get(reverse("hubspot_disconnect")).status_code == 405
    strict = Client(enforce_csrf_checks=True)
    strict.cookies = signed_in.cookies
    assert strict.post(reverse("hubspot_disconnect")).status_code == 403
    assert HubSpotConnection.objects.get().has_tokens
