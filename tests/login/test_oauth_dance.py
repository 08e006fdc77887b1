"""The whole OAuth dance against the sandbox over HTTP: `requests` plays the browser at HubSpot."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from hubspot_login.models import HubSpotConnection
from tests.api_version import API_VERSION
from tests.login.conftest import CALLBACK, query, sign_in, start_sign_in

pytestmark = pytest.mark.django_db

REQUIRED_SCOPES = {
    "oauth", "crm.objects.contacts.read", "crm.objects.contacts.write", "crm.objects.companies.read",
    "crm.objects.deals.read", "tickets", "crm.objects.owners.read",
}


def test_the_authorize_url_asks_for_least_privilege_with_pkce_and_state(client, hubspot):
    location = start_sign_in(client)

    assert location.startswith(f"{hubspot.url}/oauth/authorize?")
    params = query(location)
    assert params["client_id"] == "sandbox-demo-client-id"
    assert params["redirect_uri"] == CALLBACK
    assert set(params["scope"].split()) == REQUIRED_SCOPES
    assert params["optional_scope"] == "files"
    assert params["code_challenge_method"] == "S256" and params["code_challenge"]
    assert params["state"]


def test_pkce_can_be_switched_off(client, hubspot, settings):
    settings.SOCIALACCOUNT_PROVIDERS = {
        "hubspot": {**settings.SOCIALACCOUNT_PROVIDERS["hubspot"], "OAUTH_PKCE_ENABLED": False}
    }

    params = query(start_sign_in(client))

    assert "code_challenge" not in params and params["state"]


def test_signing_in_stores_the_reps_hubspot_identity(client, hubspot):
    response = sign_in(client, next_url=reverse("meeting_create"))

    assert response.status_code == 302 and response["Location"] == reverse("meeting_create")
    user = get_user_model().objects.get()
    connection = HubSpotConnection.objects.get(user=user)
    assert connection.hubspot_user_id == 5120001
    assert connection.owner_id == "71234500101"  # a different number from the user id
    assert str(connection.hubspot_user_id) != connection.owner_id
    assert connection.hub_id == 24681357 and connection.hub_domain == "demo-portal.sandbox.local"
    assert connection.email == "lena.mueller@example.de" and user.email == "lena.mueller@example.de"
    assert (user.first_name, user.last_name) == ("Lena", "Müller")
    assert REQUIRED_SCOPES | {"files"} <= set(connection.scopes)
    assert connection.has_tokens and connection.expires_at and connection.is_owner
    assert [r["path"] for r in hubspot.requests(method="POST") if r["path"].startswith("/oauth/")] == [
        "/oauth/authorize/decision", f"/oauth/{API_VERSION}/token", f"/oauth/{API_VERSION}/token/introspect",
    ]
    assert not hubspot.requests(path="/oauth/v1/access-tokens")  # no token in a URL


def test_the_identity_is_shown_plainly(client, hubspot):
    response = sign_in(client)

    page = client.get(response["Location"]).content.decode()
    assert "You book as Lena Müller — user 5120001, owner 71234500101, portal demo-portal.sandbox.local." in page
    assert "portal demo-portal.sandbox.local</span>" in page  # the navbar
    form = client.get(reverse("meeting_create")).content.decode()
    # The sign-in's confirmation names the ids once; the form says who books where in words.
    assert "You book as Lena Müller in the HubSpot portal demo-portal.sandbox.local." in form
    assert "5120001" not in form and "71234500101" not in form


def test_signing_in_again_updates_the_same_user(client, hubspot):
    sign_in(client)
    client.post(reverse("account_logout"))

    sign_in(client)

    assert get_user_model().objects.count() == 1 and HubSpotConnection.objects.count() == 1
