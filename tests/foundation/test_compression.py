"""BREACH: the app compresses JSON answers that carry no secret, never a page that carries a CSRF token."""

import gzip
import json
from urllib.parse import urlencode

import pytest
from django.urls import reverse

from tests.conftest import meeting_post

pytestmark = pytest.mark.django_db
GZIP = {"HTTP_ACCEPT_ENCODING": "gzip, deflate, br"}


def test_the_zone_list_is_compressed_when_the_browser_asks(client):
    response = client.get(reverse("timezones"), **GZIP)

    assert response["Content-Encoding"] == "gzip" and "Accept-Encoding" in response["Vary"]
    assert "Europe/Berlin" in [zone["value"] for zone in json.loads(gzip.decompress(response.content))["zones"]]
    assert "Content-Encoding" not in client.get(reverse("timezones"))  # not asked: plain


def test_a_picker_search_and_the_preview_are_compressed_for_a_signed_in_rep(rep_client, sandbox, demo):
    contact = demo["contacts"][0]
    search = rep_client.get(reverse("picker_search", args=["contacts"]), {"q": contact["lastname"]}, **GZIP)
    # Big enough to be worth compressing: three reminders, and the viewer in another zone.
    three_reminders = {**meeting_post(), "viewer_zone": "America/New_York",
                       "reminder": ["1:HOURS", "2:DAYS", "1:WEEKS"]}
    preview = rep_client.get(reverse("meeting_preview") + "?" + urlencode(three_reminders, doseq=True), **GZIP)

    assert search["Content-Encoding"] == "gzip" and preview["Content-Encoding"] == "gzip"
    assert json.loads(gzip.decompress(search.content))["results"]
    assert len(json.loads(gzip.decompress(preview.content))["reminders"]) == 3
    assert "csrfmiddlewaretoken" not in gzip.decompress(search.content).decode()


@pytest.mark.parametrize("name", ["meeting_create", "home"])
def test_a_page_with_a_csrf_token_is_never_compressed(rep_client, sandbox, name):
    response = rep_client.get(reverse(name), {"q": "reflected"}, **GZIP)

    assert "Content-Encoding" not in response
    assert 'name="csrfmiddlewaretoken"' in response.content.decode()


def test_a_form_sent_back_with_its_errors_is_not_compressed(rep_client, sandbox):
    response = rep_client.post(reverse("meeting_create"), meeting_post(title="", location="echoed back"), **GZIP)

    assert "Content-Encoding" not in response
    assert "echoed back" in response.content.decode() and 'name="csrfmiddlewaretoken"' in response.content.decode()
