"""The admin's password sign-in is locked per username *and* client address (django-axes, config/lockout.py),
behind the configured proxy by the client's own address, in the database (so with Redis down too), and says
so in the user's language."""

import uuid
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.db.models import F
from django.urls import reverse

from tests.foundation.test_health import REDIS_URL
from tests.foundation.test_redis_cache import needs_redis
from tests.redis_proxy import RedisProxy

pytestmark = pytest.mark.django_db

PASSWORD = "the-right-password"
LOCKED_EN = "Too many failed sign-ins. Please try again in 15 minutes."
LOCKED_DE = "Zu viele fehlgeschlagene Anmeldungen. Bitte versuchen Sie es in 15 Minuten erneut."
PROXY = "10.0.0.5"  # nginx, as the app sees it


@pytest.fixture
def chefin(django_user_model):
    return django_user_model.objects.create_superuser("chefin", "chefin@example.de", PASSWORD)


def sign_in(client, username: str, password: str, **headers):
    return client.post(reverse("admin:login"), {"username": username, "password": password, "next": "/admin/"},
                       **headers)


def fail(client, times: int, username: str = "chefin", **headers) -> None:
    """Sign in wrongly `times` times: the form says so, and the failure that reaches the limit locks at once."""
    for n in range(1, times + 1):
        status = sign_in(client, username, "wrong", **headers).status_code
        assert status == 200 or (status == 429 and n == times), (n, status)


def locked(response) -> bool:
    return response.status_code == 429 and LOCKED_EN in response.content.decode()


def test_wrong_passwords_lock_the_username_even_for_the_right_one(client, chefin, settings):
    fail(client, settings.AXES_FAILURE_LIMIT)

    assert locked(sign_in(client, "chefin", PASSWORD))
    assert client.get(reverse("admin:index")).status_code == 302  # still not signed in


def test_the_lock_is_explained_in_german(client, chefin, settings):
    fail(client, settings.AXES_FAILURE_LIMIT)

    response = sign_in(client, "chefin", PASSWORD, HTTP_ACCEPT_LANGUAGE="de")

    assert response.status_code == 429 and LOCKED_DE in response.content.decode()


def test_the_lock_ends_with_its_window(client, chefin, settings):
    fail(client, settings.AXES_FAILURE_LIMIT)
    assert locked(sign_in(client, "chefin", PASSWORD))

    # The failures, a second more than the lockout ago.
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - settings.AXES_COOLOFF_TIME - timedelta(seconds=1))

    assert sign_in(client, "chefin", PASSWORD).status_code == 302


def test_the_same_username_from_another_address_is_not_locked(client, chefin, settings):
    fail(client, settings.AXES_FAILURE_LIMIT, REMOTE_ADDR="192.0.2.66")

    assert locked(sign_in(client, "chefin", PASSWORD, REMOTE_ADDR="192.0.2.66"))
    assert sign_in(client, "chefin", PASSWORD, REMOTE_ADDR="198.51.100.7").status_code == 302


def test_behind_the_proxy_one_client_failing_does_not_lock_the_others_out(client, chefin, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    fail(client, settings.AXES_FAILURE_LIMIT, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.9")

    assert locked(sign_in(client, "chefin", PASSWORD, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.9"))
    # What the client wrote into the header itself is left of what nginx added: it does not make it someone else.
    assert locked(sign_in(client, "chefin", PASSWORD, REMOTE_ADDR=PROXY,
                          HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.9"))
    assert sign_in(client, "chefin", PASSWORD, REMOTE_ADDR=PROXY,
                   HTTP_X_FORWARDED_FOR="198.51.100.7").status_code == 302
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.9"}


def test_without_a_configured_proxy_the_forwarded_header_is_not_believed(client, chefin, settings):
    for n in range(settings.AXES_FAILURE_LIMIT):
        fail(client, 1, REMOTE_ADDR="192.0.2.66", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")

    assert locked(sign_in(client, "chefin", PASSWORD, REMOTE_ADDR="192.0.2.66",
                          HTTP_X_FORWARDED_FOR="198.51.100.200"))


def test_a_right_password_clears_the_failures(client, chefin, settings):
    below_the_limit = settings.AXES_FAILURE_LIMIT - 1
    fail(client, below_the_limit)
    assert sign_in(client, "chefin", PASSWORD).status_code == 302
    client.post(reverse("admin:logout"))

    fail(client, below_the_limit)

    assert sign_in(client, "chefin", PASSWORD).status_code == 302


def test_the_lockout_holds_with_redis_down(client, chefin, settings):
    needs_redis()
    proxy = RedisProxy(REDIS_URL)
    settings.REDIS_URL = proxy.url
    settings.CACHES = {**settings.CACHES, "default": {
        "BACKEND": "config.redis_cache.RedisCache", "LOCATION": proxy.url,
        "KEY_PREFIX": f"admin-login-test-{uuid.uuid4().hex[:8]}"}}
    proxy.cut()
    try:
        fail(client, settings.AXES_FAILURE_LIMIT)

        assert locked(sign_in(client, "chefin", PASSWORD))
    finally:
        proxy.close()
