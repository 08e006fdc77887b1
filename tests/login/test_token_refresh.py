"""Tokens that stay fresh: refreshed a minute before expiry, once after a 401, kept through HubSpot outages."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from hubspot_api.client import HubSpotClient
from hubspot_api.errors import HubSpotUnavailable
from hubspot_login.models import HubSpotConnection
from hubspot_login.tokens import hubspot_client
from tests.api_version import API_VERSION
from tests.login.conftest import refreshes, sign_in

pytestmark = pytest.mark.django_db

OWNERS = f"/crm/owners/{API_VERSION}"


def client_for_rep() -> HubSpotClient:
    return hubspot_client(get_user_model().objects.get())


def test_a_token_about_to_expire_is_refreshed_before_the_call(signed_in, hubspot):
    connection = HubSpotConnection.objects.get()
    old_token = connection.access_token
    HubSpotConnection.objects.update(expires_at=timezone.now() + timedelta(seconds=30))

    owners = client_for_rep().list_owners()

    assert owners and refreshes(hubspot) == 1
    assert all(r["status"] == 200 for r in hubspot.requests(path=OWNERS))  # no 401 on the way
    connection.refresh_from_db()
    assert connection.access_token != old_token
    assert connection.expires_at > timezone.now() + timedelta(minutes=29)


def test_a_fresh_token_is_not_refreshed(signed_in, hubspot):
    client_for_rep().list_owners()

    assert refreshes(hubspot) == 0


def test_the_lifetime_hubspot_grants_is_obeyed(client, hubspot):
    hubspot.configure(token_ttl=30)  # HubSpot decides the lifetime (expires_in), not a constant
    sign_in(client)
    assert HubSpotConnection.objects.get().expires_at < timezone.now() + timedelta(seconds=31)

    client_for_rep().list_owners()

    assert refreshes(hubspot) == 1


def test_an_expired_token_is_refreshed_silently_after_a_401(signed_in, hubspot):
    hubspot.expire_tokens()  # HubSpot says expired; our clock does not know yet

    response = signed_in.get(reverse("meeting_create"))

    assert response.status_code == 200 and "Jonas Weiß" in response.content.decode()
    assert refreshes(hubspot) == 1
    assert [r["status"] for r in hubspot.requests(path=f"/crm/properties/{API_VERSION}/meetings/hs_meeting_outcome")] == [
        401, 200,
    ]


@pytest.mark.parametrize("status", [503, 429])
def test_a_refresh_during_a_hubspot_outage_keeps_the_authorisation(signed_in, hubspot, status):
    HubSpotConnection.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    tokens = HubSpotConnection.objects.values_list("access_token", "refresh_token").get()
    hubspot.fault(f"/oauth/{API_VERSION}/token", status=status)

    with pytest.raises(HubSpotUnavailable):
        client_for_rep().list_owners()

    assert HubSpotConnection.objects.values_list("access_token", "refresh_token").get() == tokens
    assert client_for_rep().list_owners()  # the outage is over: the same refresh token works
