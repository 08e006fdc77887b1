"""The whole OAuth dance against the sandbox over HTTP."""

import pytest
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import get_user_model
from django.urls import reverse

from meetings.models import HubSpotConnection
from tests.login.conftest import CALLBACK, callback_path, consent, query, sign_in, start_sign_in

pytestmark = pytest.mark.django_db


def test_the_sign_in_page_has_one_way_in(client):
    content = client.get(reverse("account_login")).content.decode()

    assert content.count('type="submit" class="btn btn-primary btn-lg w-100">Sign in with HubSpot') == 1
    assert 'name="password"' not in content
    assert client.get("/accounts/signup/").status_code in (302, 404)


def test_the_authorize_url_asks_for_least_privilege_with_pkce_and_state(client, hubspot):
    params = query(start_sign_in(client))

    assert params["client_id"] == "sandbox-demo-client-id"
    assert params["redirect_uri"] == CALLBACK
    assert set(params["scope"].split()) == {
        "oauth", "crm.objects.contacts.read", "crm.objects.contacts.write", "crm.objects.companies.read",
        "crm.objects.deals.read", "tickets", "crm.objects.owners.read",
    }
    assert params["optional_scope"] == "files"
    assert params["code_challenge_method"] == "S256" and params["code_challenge"]
    assert params["state"]


def test_signing_in_stores_the_reps_hubspot_identity(client, hubspot):
    response = sign_in(client, next_url=reverse("meeting_create"))

    assert response.status_code == 302 and response["Location"] == reverse("meeting_create")
    user = get_user_model().objects.get()
    connection = HubSpotConnection.objects.get(user=user)
    assert connection.hubspot_user_id == 5120001
    assert connection.owner_id == "71234500101"  # a different number from the user id
    assert connection.hub_id == 24681357 and connection.hub_domain == "demo-portal.sandbox.local"
    assert connection.email == "lena.mueller@example.de" and user.email == "lena.mueller@example.de"
    assert (user.first_name, user.last_name) == ("Lena", "Müller")
    assert "files" in connection.scopes and "crm.objects.contacts.write" in connection.scopes
    assert connection.has_tokens and connection.expires_at
    assert [r["path"] for r in hubspot.requests(method="POST") if r["path"].startswith("/oauth/")] == [
        "/oauth/authorize/decision", "/oauth/2026-03/token", "/oauth/2026-03/token/introspect",
    ]
    page = client.get(reverse("meeting_create")).content.decode()
    assert "You book as Lena Müller — user 5120001, owner 71234500101, portal demo-portal.sandbox.local." in page


def test_the_social_account_keeps_no_token(client, hubspot):
    sign_in(client)

    account = SocialAccount.objects.get()
    connection = HubSpotConnection.objects.get()
    assert account.uid == "5120001"
    serialized = str(account.extra_data)
    assert connection.access_token not in serialized and connection.refresh_token not in serialized


def test_a_rep_who_is_no_owner_is_told_and_cannot_book(client, hubspot):
    response = sign_in(client, account="5120005:24681357")

    connection = HubSpotConnection.objects.get()
    assert not connection.is_owner and connection.owner_id == ""
    follow = client.get(response["Location"])
    assert "is not an owner in the portal demo-portal.sandbox.local" in follow.content.decode()
    blocked = client.get(reverse("meeting_create"))
    assert blocked.status_code == 403
    assert "You cannot book meetings in this portal yet" in blocked.content.decode()


def test_signing_in_through_another_portal_switches_to_it(client, hubspot):
    sign_in(client)
    client.post(reverse("account_logout"))

    sign_in(client, account="5120001:13572468")

    connection = HubSpotConnection.objects.get()
    assert connection.hub_id == 13572468 and connection.owner_id == "82345600201"
    assert get_user_model().objects.count() == 1
    page = client.get(reverse("home")).content.decode()
    assert "portal zweites-portal.sandbox.local" in page


def test_consent_denied_gets_a_friendly_page(client, hubspot):
    location = consent(start_sign_in(client), decision="deny")
    assert query(location)["error"] == "access_denied"

    response = client.get(callback_path(location), follow=True)

    content = response.content.decode()
    assert "Sign-in cancelled" in content and "Try again" in content
    assert not HubSpotConnection.objects.exists()


def test_a_tampered_state_is_refused(client, hubspot):
    location = consent(start_sign_in(client))
    tampered = location.replace("state=", "state=x")

    response = client.get(callback_path(tampered))

    assert response.status_code == 401
    assert "was already used, expired or was changed on the way" in response.content.decode()
    assert not HubSpotConnection.objects.exists()


def test_a_replayed_callback_is_refused(client, hubspot):
    location = consent(start_sign_in(client))
    client.get(callback_path(location))
    client.post(reverse("account_logout"))

    replay = client.get(callback_path(location))

    assert replay.status_code == 401 and "Try again" in replay.content.decode()


def test_a_provider_error_gets_a_friendly_page(client, hubspot):
    location = consent(start_sign_in(client))
    state = query(location)["state"]

    response = client.get(
        reverse("hubspot_callback"), {"error": "server_error", "error_description": "Boom", "state": state}
    )

    assert response.status_code == 401
    assert "HubSpot reported a problem with the sign-in" in response.content.decode()


def test_hubspot_unreachable_at_token_exchange_gets_a_friendly_page(client, hubspot, settings):
    location = consent(start_sign_in(client))
    settings.HUBSPOT_API_BASE = "http://127.0.0.1:9"

    response = client.get(callback_path(location))

    assert response.status_code == 401
    assert "HubSpot could not be reached" in response.content.decode()


def test_german_sign_in_pages(client, hubspot):
    client.cookies["django_language"] = "de"

    content = client.get(reverse("account_login"), HTTP_ACCEPT_LANGUAGE="de").content.decode()

    assert "Mit HubSpot anmelden" in content
