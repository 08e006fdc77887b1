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


def test_a_form_opened_for_one_portal_does_not_book_into_another(client, hubspot):
    from django.test import Client

    from meetings.models import MeetingRecord
    from tests.conftest import meeting_post

    sign_in(client)
    form = client.get(reverse("meeting_create")).content.decode()
    assert 'name="portal" value="24681357"' in form
    elsewhere = Client()  # another browser: the rep signs in through the second portal there
    sign_in(elsewhere, account="5120001:13572468")

    stopped = client.post(reverse("meeting_create"), meeting_post(portal="24681357"))

    content = stopped.content.decode()
    assert stopped.status_code == 200 and MeetingRecord.objects.count() == 0
    assert "you signed in to another HubSpot portal (zweites-portal.sandbox.local)" in content
    assert 'name="portal" value="13572468"' in content  # the next submit knowingly books there
    assert client.post(reverse("meeting_create"), meeting_post(portal="13572468")).status_code == 302
    assert MeetingRecord.objects.get().hub_id == 13572468
