"""A refresh that fails sends the rep through sign-in and back — with the half-filled form restored."""

from urllib.parse import quote

import pytest
import requests
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.cache import SessionStore
from django.test import Client, RequestFactory
from django.urls import reverse

from hubspot_api.errors import HubSpotAuthRequired
from hubspot_login.flows import reauthenticate, restore_saved_form
from hubspot_login.models import HubSpotConnection
from hubspot_login.tokens import hubspot_client
from meetings.models import MeetingRecord
from tests.api_version import API_VERSION
from tests.conftest import connect, demo_user, meeting_post
from tests.login.conftest import query, sign_in, sign_in_from_login_page

pytestmark = pytest.mark.django_db


def revoke_at_hubspot(sandbox, refresh_token: str) -> None:
    """What an admin uninstalling the app in HubSpot amounts to, for this rep's refresh token."""
    requests.post(f"{sandbox.url}/oauth/{API_VERSION}/token/revoke", data={
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


def test_files_chosen_before_a_new_sign_in_are_named_as_not_kept(client, hubspot):
    post = meeting_post(title="Angebot nach Ablauf der Sitzung", attachment_names="angebot.pdf/preise.xlsx")

    response = client.post(reverse("meeting_create"), post)  # nobody is signed in any more: parked, files not

    back = sign_in(client, next_url=quote(query(response["Location"])["next"]))
    page = client.get(back["Location"]).content.decode()
    assert 'value="Angebot nach Ablauf der Sitzung"' in page
    assert "Your files were not kept (angebot.pdf, preise.xlsx): attach them again under “More”." in page
    assert 'id="more-fold" open' in page  # where they go, unfolded


def test_a_form_parked_before_sign_in_is_not_for_another_rep_who_has_its_key(client, hubspot, demo, django_user_model):
    response = client.post(reverse("meeting_create"), meeting_post(title="Termin nach Ablauf der Sitzung"))
    next_url = query(response["Location"])["next"]
    jonas = django_user_model.objects.create_user("jonas.weiss@example.de", "jonas.weiss@example.de")
    connect(hubspot, jonas, demo_user(demo, "jonas"))
    other_browser = Client()
    other_browser.force_login(jonas)

    page_for_jonas = other_browser.get(next_url)

    assert page_for_jonas.status_code == 200 and "Termin nach Ablauf der Sitzung" not in page_for_jonas.content.decode()
    back = sign_in(client, next_url=quote(next_url))  # the rep, in the browser that parked it
    assert 'value="Termin nach Ablauf der Sitzung"' in client.get(back["Location"]).content.decode()


# --- the helpers on their own, as any view would call them -------------------------------------------

class Browser:
    """One browser across the requests of a test: its session, and the cookies the app set in it."""

    def __init__(self) -> None:
        self.session = SessionStore()
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, user=None, data=None):
        request = getattr(RequestFactory(), method)(path, data or {})
        request.COOKIES.update(self.cookies)
        request.user = user or AnonymousUser()
        request.session = self.session
        request._messages = FallbackStorage(request)
        return request

    def keep_cookies(self, response):
        self.cookies.update({name: morsel.value for name, morsel in response.cookies.items()})
        return response

    def park(self, path: str, user, data: dict) -> str:
        """POST `data` to `path` and send its user through `reauthenticate`; returns the `next` URL."""
        post = self.request("post", path, user, data)
        return query(self.keep_cookies(reauthenticate(post, form_data=post.POST))["Location"])["next"]


@pytest.fixture
def one_browser():
    return Browser()


@pytest.fixture
def other_browser():
    return Browser()


def test_reauthenticate_parks_the_form_without_secrets_and_keeps_the_query(django_user_model, one_browser):
    rep = django_user_model.objects.create_user("rep", "rep@example.de")
    post = one_browser.request("post", "/meetings/new/?from=12&restore=old", rep, {
        "title": "Angebot", "attendees": ["1", "2"], "csrfmiddlewaretoken": "csrf", "idempotency_key": "key",
    })

    response = one_browser.keep_cookies(reauthenticate(post, form_data=post.POST))

    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/?next=")
    next_url = query(response["Location"])["next"]
    params = query(next_url)
    assert next_url.startswith("/meetings/new/?") and params["from"] == "12" and params["restore"] != "old"
    restored = restore_saved_form(one_browser.request("get", next_url, rep))
    assert restored.getlist("attendees") == ["1", "2"] and restored["title"] == "Angebot"
    assert "csrfmiddlewaretoken" not in restored and "idempotency_key" not in restored
    assert restore_saved_form(one_browser.request("get", next_url, rep)) is None  # once only


def test_a_parked_form_is_only_for_its_rep_and_its_page(django_user_model, one_browser):
    rep = django_user_model.objects.create_user("rep", "rep@example.de")
    other = django_user_model.objects.create_user("other", "other@example.de")
    next_url = one_browser.park("/meetings/new/", rep, {"title": "Vertraulich"})
    key = query(next_url)["restore"]

    assert restore_saved_form(one_browser.request("get", next_url, other)) is None
    assert restore_saved_form(one_browser.request("get", f"/elsewhere/?restore={key}", rep)) is None
    get = one_browser.request("get", "/meetings/new/", rep)
    assert restore_saved_form(get, key)["title"] == "Vertraulich"  # the key may also be passed in


def test_a_form_parked_without_a_rep_comes_back_only_in_its_browser(django_user_model, one_browser, other_browser):
    rep = django_user_model.objects.create_user("rep", "rep@example.de")
    other = django_user_model.objects.create_user("other", "other@example.de")
    next_url = one_browser.park("/meetings/new/", None, {"title": "Vor der Anmeldung"})  # the session had expired
    other_browser.park("/meetings/new/", other, {"title": "Eigenes"})  # the other browser has its own cookie

    assert restore_saved_form(other_browser.request("get", next_url, other)) is None
    assert restore_saved_form(Browser().request("get", next_url, other)) is None  # nor a browser without one
    assert restore_saved_form(one_browser.request("get", next_url, rep))["title"] == "Vor der Anmeldung"


def test_a_browsers_forms_share_one_cookie(django_user_model, one_browser):
    rep = django_user_model.objects.create_user("rep", "rep@example.de")
    first = one_browser.park("/meetings/new/", rep, {"title": "Erstes"})
    second = one_browser.park("/meetings/new/", rep, {"title": "Zweites"})

    assert restore_saved_form(one_browser.request("get", first, rep))["title"] == "Erstes"
    assert restore_saved_form(one_browser.request("get", second, rep))["title"] == "Zweites"


def test_a_parked_form_expires_after_an_hour(django_user_model, one_browser):
    from datetime import timedelta

    from django.db.models import F

    from hubspot_login.models import ParkedForm

    rep = django_user_model.objects.create_user("rep", "rep@example.de")
    next_url = one_browser.park("/meetings/new/", rep, {"title": "Alt"})
    # Parked an hour and a second ago.
    ParkedForm.objects.update(created_at=F("created_at") - timedelta(seconds=3601),
                              expires_at=F("expires_at") - timedelta(seconds=3601))

    assert restore_saved_form(one_browser.request("get", next_url, rep)) is None
    assert not ParkedForm.objects.exists()  # and deleted


def test_reauthenticate_without_a_form_just_comes_back(one_browser):
    get = one_browser.request("get", "/meetings/new/?from=3")

    response = reauthenticate(get)

    assert query(response["Location"])["next"] == "/meetings/new/?from=3"
    assert not response.cookies  # nothing parked, nothing to bind
