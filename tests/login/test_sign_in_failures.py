"""Every way sign-in can fail ends on a friendly, translated page with "Try again" — never a 500."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from hubspot_login.models import HubSpotConnection
from tests.api_version import API_VERSION
from tests.login.conftest import callback_path, consent, query, sign_in, start_sign_in

pytestmark = pytest.mark.django_db


def assert_friendly(response, text: str, status: int = 401) -> None:
    content = response.content.decode()
    assert response.status_code == status, content[:500]
    assert text in content
    assert "Try again" in content and 'href="/accounts/login/"' in content
    assert "Traceback" not in content and "Error retrieving access token" not in content
    assert not HubSpotConnection.objects.exists()
    assert "_auth_user_id" not in response.wsgi_request.session


def test_consent_denied(client, hubspot):
    location = consent(start_sign_in(client), decision="deny")
    assert query(location)["error"] == "access_denied"

    response = client.get(callback_path(location), follow=True)

    assert_friendly(response, "You did not allow the app to access your HubSpot account", status=200)


def test_a_tampered_state(client, hubspot):
    location = consent(start_sign_in(client))

    response = client.get(callback_path(location.replace("state=", "state=x")))

    assert_friendly(response, "was already used, expired or was changed on the way")


def test_a_replayed_callback(client, hubspot):
    location = consent(start_sign_in(client))
    client.get(callback_path(location))
    client.post(reverse("account_logout"))
    HubSpotConnection.objects.all().delete()

    replay = client.get(callback_path(location))

    assert_friendly(replay, "was already used, expired or was changed on the way")


def test_a_provider_error(client, hubspot):
    state = query(consent(start_sign_in(client)))["state"]

    response = client.get(
        reverse("hubspot_callback"), {"error": "server_error", "error_description": "Boom", "state": state}
    )

    assert_friendly(response, "HubSpot reported a problem with the sign-in")


def test_a_refused_code_exchange(client, hubspot):
    location = consent(start_sign_in(client))
    hubspot.fault(f"/oauth/{API_VERSION}/token", status=400)

    assert_friendly(client.get(callback_path(location)), "HubSpot could not be reached or did not accept the sign-in")


def test_hubspot_unreachable_at_token_exchange(client, hubspot, settings):
    location = consent(start_sign_in(client))
    settings.HUBSPOT_API_BASE = "http://localhost:9"  # nothing listens on the discard port

    assert_friendly(client.get(callback_path(location)), "HubSpot could not be reached")


@pytest.mark.parametrize("mode", ["status", "drop"])
def test_hubspot_failing_at_introspection(client, hubspot, mode):
    location = consent(start_sign_in(client))
    hubspot.fault(f"/oauth/{API_VERSION}/token/introspect", mode=mode, status=503)

    assert_friendly(client.get(callback_path(location)), "HubSpot could not be reached")


def test_an_email_that_belongs_to_another_account_is_refused_not_offered_a_sign_up(client, hubspot):
    get_user_model().objects.create_superuser("admin", "lena.mueller@example.de", "admin-password")

    response = sign_in(client)

    assert_friendly(response, "Another account of this app already uses the email address", status=409)
    assert "socialaccount_sociallogin" not in client.session  # no parked sign-in with its tokens
    assert get_user_model().objects.count() == 1
    assert not client.get("/accounts/3rdparty/signup/").content.count(b"lena.mueller")


def test_failure_pages_are_translated(client, hubspot):
    client.cookies["django_language"] = "de"
    location = consent(start_sign_in(client))

    response = client.get(callback_path(location.replace("state=", "state=x")), HTTP_ACCEPT_LANGUAGE="de")

    content = response.content.decode()
    assert "Erneut versuchen" in content and "Try again" not in content


def test_linking_a_second_hubspot_user_is_refused(signed_in, hubspot):
    start = signed_in.post(f"{reverse('hubspot_login')}?process=connect")

    response = signed_in.get(callback_path(consent(start["Location"], account="5120002:24681357")))

    assert response.status_code == 409 and "Try again" in response.content.decode()
    assert "sign out and sign in with that one" in response.content.decode()
    assert HubSpotConnection.objects.get().hubspot_user_id == 5120001
    from allauth.socialaccount.models import SocialAccount

    assert list(SocialAccount.objects.values_list("uid", flat=True)) == ["5120001"]
