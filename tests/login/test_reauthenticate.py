"""A refresh that fails sends the rep through sign-in and back — with the half-filled form restored."""

from urllib.parse import quote

import pytest
import requests
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.cache import SessionStore
from django.test import RequestFactory
from django.urls import reverse

from hubspot_api.errors import HubSpotAuthRequired
from hubspot_login.flows import reauthenticate, restore_saved_form
from hubspot_login.models import HubSpotConnection
from hubspot_login.tokens import hubspot_client
from meetings.models import MeetingRecord
from tests.conftest import meeting_post
from tests.login.conftest import query, sign_in, sign_in_from_login_page

pytestmark = pytest.mark.django_db


def revoke_at_hubspot(sandbox, refresh_token: str) -> None:
    """What an admin uninstalling the app in HubSpot amounts to, for this rep's refresh token."""
    requests.post(f"{sandbox.url}/oauth/2026-03/token/revoke", data={
        "client_id": "sandbox-demo-client-id", "client_secret": "sandbox-demo-client-secret",
        "token": refresh_token, "token_type_hint": "refresh_token",
    }, timeout=5)


def test_a_revoked_authorisation_sends_the_rep_to_sign_in_and_back_to_the_form(signed_in, hubspot):
    signed_in.get(reverse("meeting_create"))  # caches warm; the next HubSpot call is the create itself
    revoke_at_hubspot(hubspot, HubSpotConnection.objects.get().refresh_token)
    hubspot.expire_tokens()
    post = meeting_post(title="Quartalsgespräch Größe & Qualität", location="Königstraße 5")

    response = signed_in.post(reverse("meeting_create"), post)

    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
    next_url = query(response["Location"])["next"]
    assert next_url.startswith(reverse("meeting_create") + "?restore=")
    assert MeetingRecord.objects.get().status == MeetingRecord.Status.FAILED  # nothing was created
    assert not HubSpotConnection.objects.get().has_tokens
    # The rep is still signed in to the app: the sign-in page must show, not bounce back to the form.
    back = sign_in_from_login_page(signed_in, response["Location"])
    assert back["Location"] == next_url
    page = signed_in.get(back["Location"]).content.decode()
    assert 'value="Quartalsgespräch Größe &amp; Qualität"' in page
    assert 'value="Königstraße 5"' in page
    assert post["idempotency_key"] not in page  # a fresh attempt
    assert HubSpotConnection.objects.get().has_tokens
    assert signed_in.get(back["Location"]).content.decode().count("Königstraße 5") == 0  # restored once


def test_a_deactivated_hubspot_user_must_sign_in_again(signed_in, hubspot):
    hubspot.deactivate_user(5120001)
    hubspot.expire_tokens()

    with pytest.raises(HubSpotAuthRequired):
        hubspot_client(get_user_model().objects.get()).list_owners()

    assert not HubSpotConnection.objects.get().has_tokens
    form_page = signed_in.get(reverse("meeting_create"))
    assert form_page.status_code == 302
    assert form_page["Location"] == f"{reverse('account_login')}?next=%2Fmeetings%2Fnew%2F"  # straight to sign-in


def test_an_expired_session_keeps_the_typed_form(client, hubspot):
    post = meeting_post(title="Termin nach Ablauf der Sitzung")

    response = client.post(reverse("meeting_create"), post)  # nobody is signed in any more

    assert response["Location"].startswith(reverse("account_login"))
    back = sign_in(client, next_url=quote(query(response["Location"])["next"]))
    page = client.get(back["Location"]).content.decode()
    assert 'value="Termin nach Ablauf der Sitzung"' in page


# --- the helpers on their own, as any view would call them -------------------------------------------

@pytest.fixture
def browser_session():
    """One browser's session across the requests of a test."""
    return SessionStore()


def request_for(method: str, path: str, session, user=None, data=None):
    request = getattr(RequestFactory(), method)(path, data or {})
    request.user = user or AnonymousUser()
    request.session = session
    request._messages = FallbackStorage(request)
    return request


def test_reauthenticate_parks_the_form_without_secrets_and_keeps_the_query(django_user_model, browser_session):
    rep = django_user_model.objects.create_user("rep", "rep@example.de")
    post = request_for("post", "/meetings/new/?from=12&restore=old", browser_session, rep, {
        "title": "Angebot", "attendees": ["1", "2"], "csrfmiddlewaretoken": "csrf", "idempotency_key": "key",
    })

    response = reauthenticate(post, form_data=post.POST)

    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/?next=")
    next_url = query(response["Location"])["next"]
    params = query(next_url)
    assert next_url.startswith("/meetings/new/?") and params["from"] == "12" and params["restore"] != "old"
    restored = restore_saved_form(request_for("get", next_url, browser_session, rep))
    assert restored.getlist("attendees") == ["1", "2"] and restored["title"] == "Angebot"
    assert "csrfmiddlewaretoken" not in restored and "idempotency_key" not in restored
    assert restore_saved_form(request_for("get", next_url, browser_session, rep)) is None  # once only


def test_a_parked_form_is_only_for_its_rep_and_its_page(django_user_model, browser_session):
    rep = django_user_model.objects.create_user("rep", "rep@example.de")
    other = django_user_model.objects.create_user("other", "other@example.de")
    post = request_for("post", "/meetings/new/", browser_session, rep, {"title": "Vertraulich"})
    next_url = query(reauthenticate(post, form_data=post.POST)["Location"])["next"]
    key = query(next_url)["restore"]

    assert restore_saved_form(request_for("get", next_url, browser_session, other)) is None
    assert restore_saved_form(request_for("get", f"/elsewhere/?restore={key}", browser_session, rep)) is None
    get = request_for("get", "/meetings/new/", browser_session, rep)
    assert restore_saved_form(get, key)["title"] == "Vertraulich"  # the key may also be passed in


def test_a_parked_form_expires_after_an_hour(django_user_model, browser_session, monkeypatch):
    import time

    rep = django_user_model.objects.create_user("rep", "rep@example.de")
    post = request_for("post", "/meetings/new/", browser_session, rep, {"title": "Alt"})
    next_url = query(reauthenticate(post, form_data=post.POST)["Location"])["next"]
    later = time.time() + 3601
    monkeypatch.setattr(time, "time", lambda: later)  # the cache's clock

    assert restore_saved_form(request_for("get", next_url, browser_session, rep)) is None


def test_reauthenticate_without_a_form_just_comes_back(browser_session):
    get = request_for("get", "/meetings/new/?from=3", browser_session)

    response = reauthenticate(get)

    assert query(response["Location"])["next"] == "/meetings/new/?from=3"
