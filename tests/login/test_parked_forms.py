"""Parked forms (hubspot_login/flows.py): in the database, so they survive Redis; bounded by what the meeting form
can hold, per client address and in total, so no visitor can fill the store; a form not parked is shown back."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import quote, urlencode

import pytest
from django.db.models import F
from django.urls import reverse

from hubspot_login import flows
from hubspot_login.models import ParkedForm
from tests.conftest import meeting_post
from tests.login.conftest import query, sign_in
from tests.login.test_redis_down import redis_between  # noqa: F401  (a fixture)

pytestmark = pytest.mark.django_db

HUBSPOT_TEXT_LIMIT = 65_536  # characters in one of HubSpot's text properties
WIDE = "会"  # three bytes in UTF-8, one character to HubSpot: the most bytes a counted character takes
KINDS = ("contacts", "companies", "deals", "tickets")


def largest_meeting_form() -> dict[str, list[str]]:
    """The most a rep can legitimately type into the meeting form, as the browser posts it (without files)."""
    form = {name: [value] for name, value in meeting_post(
        title=WIDE * 255, location=WIDE * 255, location_type="CUSTOM", activity_type="Erstgespräch",
        body=WIDE * HUBSPOT_TEXT_LIMIT, internal_notes=WIDE * HUBSPOT_TEXT_LIMIT, duration="120",
        start_occurrence="second", end_occurrence="second", include_description_in_reminders="on",
        portal="99999999999", confirm_same="99999999999",
        **{"reminders-TOTAL_FORMS": "3"},
    ).items()}
    for n in range(3):  # HubSpot's UI allows three reminders
        form[f"reminders-{n}-number"], form[f"reminders-{n}-unit"] = ["99"], ["WEEKS"]
    for kind in KINDS:  # 25 records of each kind, ids of up to 20 digits, a label each
        form[kind] = [str(10**19 + n) for n in range(25)]
        form[f"{kind}_label"] = ["2147483647"]
    form["attendees"] = [str(71234500000 + n) for n in range(200)]  # a large portal's owners, all invited
    return form


def post(client, data: dict[str, list[str]], **headers):
    return client.post(reverse("meeting_create"), urlencode(data, doseq=True),
                       content_type="application/x-www-form-urlencoded", **headers)


def test_the_largest_meeting_form_is_parked_and_the_limit_keeps_a_margin(client):
    form = largest_meeting_form()
    measured = flows.parked_size({k: v for k, v in form.items() if k not in flows.NOT_SAVED})

    response = post(client, form)

    assert response.status_code == 302 and ParkedForm.objects.get().size == measured
    assert measured == 400_741  # the figure flows.py's docstring explains the limit with
    assert 1.2 * measured < flows.MAX_BYTES < 1.5 * measured


def test_a_form_too_large_for_the_meeting_form_is_not_parked_and_is_shown_back(client):
    # The attack: 2.4 MB per post, anonymous.
    response = post(client, {"title": ["Mein Termin"], "body": ["x" * 2_400_000]})

    assert response.status_code == 413
    page = response.content.decode()
    assert "Your form could not be kept" in page and "larger than a meeting form can be" in page
    assert "Mein Termin" in page  # what was typed, to copy
    assert f'href="{reverse("account_login")}?next=%2Fmeetings%2Fnew%2F"' in page
    assert not ParkedForm.objects.exists()


def test_the_refusal_is_in_german(client):
    response = post(client, {"body": ["x" * (flows.MAX_BYTES + 1)]}, HTTP_ACCEPT_LANGUAGE="de")

    assert "Ihr Formular konnte nicht aufbewahrt werden" in response.content.decode()


def an_hour_of_parks(client, count: int, address: str) -> None:
    """`count` forms parked from `address` during the last hour, spread out (not one burst)."""
    for n in range(count):
        assert post(client, {"title": [f"Termin {n}"]}, REMOTE_ADDR=address).status_code == 302
        ParkedForm.objects.update(created_at=F("created_at") - timedelta(minutes=2))


def test_one_address_parks_at_most_its_cap_per_hour_and_others_still_can(client):
    an_hour_of_parks(client, flows.PER_ADDRESS, "192.0.2.66")

    refused = post(client, {"title": ["Noch einer"]}, REMOTE_ADDR="192.0.2.66")

    assert refused.status_code == 429 and "Too many forms were kept" in refused.content.decode()
    assert "Noch einer" in refused.content.decode()
    assert post(client, {"title": ["Anderswo"]}, REMOTE_ADDR="198.51.100.7").status_code == 302
    assert ParkedForm.objects.count() == flows.PER_ADDRESS + 1


def test_the_cap_counts_the_last_hour_only(client):
    an_hour_of_parks(client, flows.PER_ADDRESS, "192.0.2.66")
    ParkedForm.objects.update(created_at=F("created_at") - timedelta(hours=1))

    assert post(client, {"title": ["Später"]}, REMOTE_ADDR="192.0.2.66").status_code == 302


def test_one_address_parks_at_most_a_few_a_minute(client):
    for n in range(flows.PER_ADDRESS_PER_MINUTE):
        assert post(client, {"title": [f"Termin {n}"]}, REMOTE_ADDR="192.0.2.66").status_code == 302

    assert post(client, {"title": ["Zu schnell"]}, REMOTE_ADDR="192.0.2.66").status_code == 429


def test_an_ipv6_client_counts_by_its_network(client):
    for n in range(flows.PER_ADDRESS_PER_MINUTE):
        assert post(client, {"title": ["x"]}, REMOTE_ADDR=f"2001:db8:1:2::{n + 1}").status_code == 302

    assert post(client, {"title": ["x"]}, REMOTE_ADDR="2001:db8:1:2:ffff::9").status_code == 429
    assert post(client, {"title": ["x"]}, REMOTE_ADDR="2001:db8:1:3::1").status_code == 302


def test_behind_the_proxy_each_client_has_its_own_cap(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for n in range(flows.PER_ADDRESS_PER_MINUTE):
        assert post(client, {"title": ["x"]}, REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="203.0.113.9").status_code \
            == 302

    assert post(client, {"title": ["x"]}, REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="203.0.113.9").status_code == 429
    assert post(client, {"title": ["x"]}, REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="203.0.113.10").status_code \
        == 302


def test_everyone_together_parks_at_most_the_total(client, monkeypatch):
    monkeypatch.setattr(flows, "TOTAL", 3)
    for n in range(3):
        assert post(client, {"title": ["x"]}, REMOTE_ADDR=f"192.0.2.{n + 1}").status_code == 302

    assert post(client, {"title": ["x"]}, REMOTE_ADDR="198.51.100.7").status_code == 429


def test_expired_forms_are_deleted_and_no_longer_count(client):
    an_hour_of_parks(client, flows.PER_ADDRESS, "192.0.2.66")
    ParkedForm.objects.update(expires_at=F("expires_at") - timedelta(hours=2))

    assert post(client, {"title": ["Neu"]}, REMOTE_ADDR="198.51.100.7").status_code == 302
    assert list(ParkedForm.objects.values_list("data__title", flat=True)) == [["Neu"]]


def test_a_form_parked_while_redis_is_down_comes_back_after_sign_in(client, hubspot, redis_between):  # noqa: F811
    redis_between.cut()

    response = client.post(reverse("meeting_create"), meeting_post(title="Ohne Redis geparkt"))

    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
    back = sign_in(client, next_url=quote(query(response["Location"])["next"]))
    assert 'value="Ohne Redis geparkt"' in client.get(back["Location"]).content.decode()
