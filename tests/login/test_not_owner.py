"""A HubSpot user who is no owner in the portal signs in, is told so, and cannot book."""

import pytest
from django.urls import reverse

from hubspot_login.models import HubSpotConnection
from tests.api_version import API_VERSION
from tests.login.conftest import sign_in

pytestmark = pytest.mark.django_db

PAUL = "5120005:24681357"  # the sandbox's demo user without an owner


def test_a_rep_who_is_no_owner_is_told_and_cannot_book(client, hubspot):
    response = sign_in(client, account=PAUL)

    connection = HubSpotConnection.objects.get()
    assert not connection.is_owner and connection.owner_id == ""
    assert connection.hubspot_user_id == 5120005 and connection.has_tokens
    follow = client.get(response["Location"]).content.decode()
    assert "is not an owner in the portal demo-portal.sandbox.local" in follow
    blocked = client.get(reverse("meeting_create"))
    assert blocked.status_code == 403
    assert "You cannot book meetings in this portal yet" in blocked.content.decode()


def test_an_owner_lookup_outage_keeps_the_owner_id_we_knew(client, hubspot, settings):
    sign_in(client)
    client.post(reverse("account_logout"))
    settings.HUBSPOT_RETRY_BUDGET_SECONDS = 0
    hubspot.fault(f"/crm/owners/{API_VERSION}/5120001", method="GET", status=503, count=5)

    response = sign_in(client)

    assert HubSpotConnection.objects.get().owner_id == "71234500101"
    assert "You book as Lena Müller" in client.get(response["Location"]).content.decode()


def test_an_owner_lookup_outage_at_the_first_sign_in_says_so(client, hubspot, settings):
    settings.HUBSPOT_RETRY_BUDGET_SECONDS = 0
    hubspot.fault(f"/crm/owners/{API_VERSION}/5120001", method="GET", status=503, count=5)

    response = sign_in(client)

    assert not HubSpotConnection.objects.get().is_owner
    assert "could not tell us your owner id just now" in client.get(response["Location"]).content.decode()
