"""With DEBUG off the app speaks HTTPS only — except the load balancer's health probe — and no client can fake HTTPS."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def https_only(settings):
    # The test settings switch the redirect off so the suite can speak plain HTTP; production has it on.
    settings.SECURE_SSL_REDIRECT = True
    return settings


def test_plain_http_is_redirected_to_https(client, https_only):
    response = client.get(reverse("home"))

    assert response.status_code == 301 and response["Location"] == "https://testserver/"


def test_the_health_probe_answers_on_plain_http(client, https_only):
    response = client.get(reverse("healthz"))

    assert response.status_code == 200 and response.json()["status"] == "ok"


def test_a_clients_forwarded_proto_is_not_believed(client, https_only):
    response = client.get(reverse("home"), HTTP_X_FORWARDED_PROTO="https")

    assert response.status_code == 301


def test_a_trusted_proxys_forwarded_proto_is(client, https_only):
    https_only.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

    response = client.get(reverse("home"), HTTP_X_FORWARDED_PROTO="https")

    assert response.status_code == 200


def test_https_answers_tell_browsers_to_stay_on_https_for_a_year(client, https_only):
    response = client.get(reverse("home"), secure=True)

    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"

