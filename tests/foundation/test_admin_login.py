"""The admin's password sign-in is throttled per username and per address, and says so in the user's language."""

import time

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

PASSWORD = "the-right-password"
LOCKED_EN = "Too many failed sign-ins. Please try again in 15 minutes."
LOCKED_DE = "Zu viele fehlgeschlagene Anmeldungen. Bitte versuchen Sie es in 15 Minuten erneut."


@pytest.fixture
def chefin(django_user_model):
    return django_user_model.objects.create_superuser("chefin", "chefin@example.de", PASSWORD)


def sign_in(client, username: str, password: str, **headers):
    return client.post(reverse("admin:login"), {"username": username, "password": password, "next": "/admin/"},
                       **headers)


def fail(client, times: int, username: str = "chefin", **headers) -> None:
    for _ in range(times):
        assert sign_in(client, username, "wrong", **headers).status_code == 200


def test_wrong_passwords_lock_the_username_even_for_the_right_one(client, chefin, settings):
    fail(client, settings.ADMIN_LOGIN_FAILURES_PER_USERNAME)

    response = sign_in(client, "chefin", PASSWORD)

    assert response.status_code == 200 and LOCKED_EN in response.content.decode()
    assert client.get(reverse("admin:index")).status_code == 302  # still not signed in


def test_the_lock_is_explained_in_german(client, chefin, settings):
    fail(client, settings.ADMIN_LOGIN_FAILURES_PER_USERNAME)

    response = sign_in(client, "chefin", PASSWORD, HTTP_ACCEPT_LANGUAGE="de")

    assert LOCKED_DE in response.content.decode()


def test_the_lock_ends_with_its_window(client, chefin, settings, monkeypatch):
    settings.ADMIN_LOGIN_LOCKOUT_SECONDS = 60
    fail(client, settings.ADMIN_LOGIN_FAILURES_PER_USERNAME)
    assert sign_in(client, "chefin", PASSWORD).status_code == 200
    later = time.time() + 61
    monkeypatch.setattr(time, "time", lambda: later)  # the cache's clock

    assert sign_in(client, "chefin", PASSWORD).status_code == 302


def test_the_username_is_counted_whatever_its_case_and_address(client, chefin, settings):
    for n in range(settings.ADMIN_LOGIN_FAILURES_PER_USERNAME):
        assert sign_in(client, "ChefIn" if n % 2 else "chefin", "wrong", REMOTE_ADDR=f"192.0.2.{n}").status_code == 200

    assert sign_in(client, "chefin", PASSWORD, REMOTE_ADDR="198.51.100.7").status_code == 200


def test_one_address_trying_many_usernames_is_locked_out_and_others_are_not(client, chefin, settings):
    settings.ADMIN_LOGIN_FAILURES_PER_ADDRESS = 3
    for name in ("anna", "bernd", "carla"):
        fail(client, 1, username=name, REMOTE_ADDR="192.0.2.66")

    assert sign_in(client, "chefin", PASSWORD, REMOTE_ADDR="192.0.2.66").status_code == 200
    assert sign_in(client, "chefin", PASSWORD, REMOTE_ADDR="198.51.100.7").status_code == 302


def test_a_right_password_clears_the_usernames_failures(client, chefin, settings):
    below_the_limit = settings.ADMIN_LOGIN_FAILURES_PER_USERNAME - 1
    fail(client, below_the_limit)
    assert sign_in(client, "chefin", PASSWORD).status_code == 302
    client.post(reverse("admin:logout"))

    fail(client, below_the_limit)

    assert sign_in(client, "chefin", PASSWORD).status_code == 302
