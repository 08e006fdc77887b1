"""Whatever is typed into the address bar, the history answers with a page, never a 500."""

import pytest
from django.urls import reverse

from meetings.models import MeetingRecord

pytestmark = pytest.mark.django_db

CRAFTED = [
    {"page": "99999999999999999999999"},
    {"page": "9223372036854775807"},
    {"page": "²"},  # a digit to str.isdigit(), not to int()
    {"page": "-3"},
    {"submitted_to": "9999-12-31"},
    {"submitted_from": "0001-01-01"},
    {"rep": "99999999999999999999999"},
    {"portal": "99999999999999999999999"},
    {"q": "nul\x00byte"},
    {"status": "failed", "submitted_from": "gestern"},
]


@pytest.mark.parametrize("params", CRAFTED, ids=lambda params: "&".join(params))
@pytest.mark.parametrize("name", ["history_mine", "history_all", "history_export"])
def test_crafted_filters_and_pages_never_fail(client, superuser, lena, record_factory, name, params):
    record_factory(user=lena, title="Termin")
    client.force_login(superuser)

    response = client.get(reverse(name), params)
    if response.streaming:
        b"".join(response.streaming_content)

    assert response.status_code == 200


def test_an_open_ended_date_range_still_lists_everything(client, lena, record_factory):
    record_factory(user=lena, title="Termin")
    client.force_login(lena)

    response = client.get(reverse("history_mine"), {"submitted_from": "0001-01-01", "submitted_to": "9999-12-31"})

    assert [record.title for record in response.context["page"]] == ["Termin"]


def test_a_page_beyond_the_limit_shows_the_first(client, lena, record_factory):
    record_factory(user=lena, title="Termin")
    client.force_login(lena)

    page = client.get(reverse("history_mine"), {"page": "10001"}).context["page"]

    assert page.number == 1 and [record.title for record in page] == ["Termin"]


def test_one_bad_filter_drops_only_itself_and_is_named(client, lena, record_factory):
    record_factory(user=lena, title="Gut", status=MeetingRecord.Status.CREATED)
    record_factory(user=lena, title="Schlecht", status=MeetingRecord.Status.FAILED)
    client.force_login(lena)

    response = client.get(reverse("history_mine"), {"status": "failed", "submitted_from": "gestern"})

    assert [record.title for record in response.context["page"]] == ["Schlecht"]
    assert "These filters were not understood and are ignored: Submitted from" in response.content.decode()


def test_the_ignored_filters_are_named_in_german(client, lena):
    client.force_login(lena)

    response = client.get(reverse("history_mine"), {"submitted_to": "morgen"}, HTTP_ACCEPT_LANGUAGE="de")

    assert "Diese Filter wurden nicht verstanden und werden ignoriert: Abgeschickt bis" in response.content.decode()
