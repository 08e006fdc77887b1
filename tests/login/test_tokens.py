"""Tokens that stay fresh: proactive refresh, refresh after a 401, one refresh for concurrent requests."""

import threading
from datetime import timedelta
from urllib.parse import quote

import pytest
import requests
from django.contrib.auth import get_user_model
from django.db import connections
from django.urls import reverse
from django.utils import timezone

from meetings.hubspot.client import HubSpotClient
from meetings.hubspot.errors import HubSpotAuthRequired
from meetings.models import HubSpotConnection, MeetingRecord
from tests.login.conftest import query, sign_in
from tests.meetings.conftest import meeting_post

OWNERS = "/crm/owners/2026-03"


def refreshes(sandbox) -> int:
    return sum(1 for r in sandbox.requests(path="/oauth/2026-03/token") if r.get("grant_type") == "refresh_token")


@pytest.fixture
def signed_in(client, hubspot):
    sign_in(client)
    return client


@pytest.mark.django_db
def test_a_token_about_to_expire_is_refreshed_before_the_call(signed_in, hubspot):
    connection = HubSpotConnection.objects.get()
    old_token = connection.access_token
    HubSpotConnection.objects.update(expires_at=timezone.now() + timedelta(seconds=30))

    owners = HubSpotClient.for_user(get_user_model().objects.get()).list_owners()

    assert owners and refreshes(hubspot) == 1
    assert all(r["status"] == 200 for r in hubspot.requests(path=OWNERS))  # no 401 on the way
    connection.refresh_from_db()
    assert connection.access_token != old_token
    assert connection.expires_at > timezone.now() + timedelta(minutes=29)


@pytest.mark.django_db
def test_an_expired_token_is_refreshed_silently_after_a_401(signed_in, hubspot):
    hubspot.expire_tokens()  # HubSpot says expired, our clock does not know yet

    response = signed_in.get(reverse("meeting_create"))

    assert response.status_code == 200 and "Jonas Weiß" in response.content.decode()
    assert refreshes(hubspot) == 1
    assert [r["status"] for r in hubspot.requests(path="/crm/properties/2026-03/meetings/hs_meeting_outcome")] == [
        401, 200,
    ]


@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_with_an_expired_token_refresh_once(hubspot, client):
    sign_in(client)
    hubspot.expire_tokens()
    HubSpotConnection.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    user_id = get_user_model().objects.get().pk
    results = []

    def call():
        try:
            user = get_user_model().objects.select_related("hubspot").get(pk=user_id)
            results.append(len(HubSpotClient.for_user(user).list_owners()))
        finally:
            connections.close_all()  # this thread's own database connection

    threads = [threading.Thread(target=call) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert results == [3, 3, 3, 3]
    assert refreshes(hubspot) == 1


@pytest.mark.django_db
def test_a_revoked_authorisation_sends_the_rep_to_sign_in_and_back_to_the_form(signed_in, hubspot):
    connection = HubSpotConnection.objects.get()
    signed_in.get(reverse("meeting_create"))  # caches warm; the next call is the create itself
    requests.post(f"{hubspot.url}/oauth/2026-03/token/revoke", data={
        "client_id": "sandbox-demo-client-id", "client_secret": "sandbox-demo-client-secret",
        "token": connection.refresh_token,
    }, timeout=5)
    hubspot.expire_tokens()
    post = meeting_post(title="Quartalsgespräch Größe & Qualität", location="Königstraße 5")

    response = signed_in.post(reverse("meeting_create"), post)

    assert response.status_code == 302
    next_url = query(response["Location"])["next"]
    assert response["Location"].startswith(reverse("account_login")) and next_url.startswith("/meetings/new/?restore=")
    assert MeetingRecord.objects.get().status == MeetingRecord.Status.FAILED  # nothing was created
    assert not HubSpotConnection.objects.get().has_tokens
    back = sign_in(signed_in, next_url=quote(next_url))
    assert back["Location"] == next_url
    page = signed_in.get(back["Location"]).content.decode()
    assert 'value="Quartalsgespräch Größe &amp; Qualität"' in page
    assert 'value="Königstraße 5"' in page
    assert post["idempotency_key"] not in page  # a fresh attempt


@pytest.mark.django_db
def test_an_expired_session_keeps_the_typed_form(client, hubspot):
    post = meeting_post(title="Termin nach Ablauf der Sitzung")

    response = client.post(reverse("meeting_create"), post)  # nobody is signed in any more

    assert response["Location"].startswith(reverse("account_login"))
    back = sign_in(client, next_url=quote(query(response["Location"])["next"]))
    page = client.get(back["Location"]).content.decode()
    assert 'value="Termin nach Ablauf der Sitzung"' in page


@pytest.mark.django_db
def test_disconnect_revokes_at_hubspot_and_deletes_the_tokens(signed_in, hubspot):
    refresh_token = HubSpotConnection.objects.get().refresh_token

    response = signed_in.post(reverse("hubspot_disconnect"), follow=True)

    assert "HubSpot is disconnected" in response.content.decode()
    connection = HubSpotConnection.objects.get()
    assert connection.access_token == "" and connection.refresh_token == ""
    answer = requests.post(f"{hubspot.url}/oauth/2026-03/token", data={
        "grant_type": "refresh_token", "refresh_token": refresh_token,
        "client_id": "sandbox-demo-client-id", "client_secret": "sandbox-demo-client-secret",
    }, timeout=5)
    assert answer.status_code == 400 and answer.json()["status"] == "BAD_REFRESH_TOKEN"
    with pytest.raises(HubSpotAuthRequired):
        HubSpotClient.for_user(get_user_model().objects.get()).list_owners()


@pytest.mark.django_db
def test_sign_out_clears_the_session(signed_in):
    signed_in.post(reverse("account_logout"))

    assert signed_in.get(reverse("meeting_create"))["Location"].startswith(reverse("account_login"))
