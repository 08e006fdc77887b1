"""Nothing shown to a signed-in user is stored by a browser or proxy, and every answer carries the security headers."""

from urllib.parse import urlencode

import pytest
from django.urls import reverse

from tests.conftest import meeting_post
from tests.history.conftest import record_factory  # noqa: F401 - the shared factory of meeting records

pytestmark = pytest.mark.django_db

# What Django's SecurityMiddleware and clickjacking protection add with the production settings, on HTTPS.
SECURITY_HEADERS = {
    "Strict-Transport-Security": "max-age=31536000; includeSubDomains",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}
PAGES = {
    "home": lambda record: reverse("home"),
    "meeting form": lambda record: reverse("meeting_create"),
    "done page": lambda record: reverse("meeting_done", args=[record.pk]),
    "history list": lambda record: reverse("history_mine"),
    "record page": lambda record: reverse("history_detail", args=[record.pk]),
    "CSV export": lambda record: reverse("history_export"),
    "picker JSON": lambda record: reverse("picker_search", args=["contacts"]) + "?q=m%C3%BCller",
    "preview JSON": lambda record: reverse("meeting_preview") + "?" + urlencode(meeting_post()),
    "admin": lambda record: reverse("admin:index"),
}


@pytest.fixture
def admin_rep(rep):
    """Lena as a superuser, so one client reaches her own pages, everyone's export and the admin site."""
    rep.is_staff = rep.is_superuser = True
    rep.save(update_fields=["is_staff", "is_superuser"])
    return rep


@pytest.mark.parametrize("page", PAGES)
def test_answers_to_a_signed_in_user_are_never_stored(client, admin_rep, record_factory, page):  # noqa: F811
    client.force_login(admin_rep)
    url = PAGES[page](record_factory(user=admin_rep))

    response = client.get(url, secure=True)

    assert response.status_code == 200, response.status_code
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert {name: response.get(name) for name in SECURITY_HEADERS} == SECURITY_HEADERS


def test_the_public_time_zone_list_stays_cacheable_when_signed_in(rep_client):
    response = rep_client.get(reverse("timezones"))

    assert response["Cache-Control"] == "max-age=86400, public"


def test_a_page_for_nobody_in_particular_may_be_cached(client):
    response = client.get(reverse("home"))

    assert "no-store" not in response.get("Cache-Control", "")
