"""One HubSpot user, two portals: the navbar shows which, and signing in through the other switches."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from hubspot_login.models import HubSpotConnection
from tests.login.conftest import sign_in

pytestmark = pytest.mark.django_db


def test_signing_in_through_another_portal_switches_to_it(client, hubspot):
    sign_in(client)
    assert "portal demo-portal.sandbox.local" in client.get(reverse("home")).content.decode()
    client.post(reverse("account_logout"))

    sign_in(client, account="5120001:13572468")

    connection = HubSpotConnection.objects.get()
    assert connection.hub_id == 13572468 and connection.owner_id == "82345600201"
    assert connection.hub_domain == "zweites-portal.sandbox.local"
    assert get_user_model().objects.count() == 1
    page = client.get(reverse("home")).content.decode()
    assert "portal zweites-portal.sandbox.local" in page and "demo-portal" not in page
