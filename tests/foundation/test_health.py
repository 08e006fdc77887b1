"""/healthz names each dependency's state: 200 while the app can serve (Redis down is "degraded"), 503 without its database."""

import os
import uuid

import pytest
from django.db import OperationalError, connection
from django.urls import reverse

from tests.foundation.test_redis_cache import needs_redis
from tests.redis_proxy import RedisProxy

pytestmark = pytest.mark.django_db
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/5")


@pytest.fixture
def redis_through_proxy(settings):
    needs_redis()
    proxy = RedisProxy(REDIS_URL)
    settings.REDIS_URL = proxy.url
    settings.CACHES = {**settings.CACHES, "default": {
        "BACKEND": "config.redis_cache.RedisCache", "LOCATION": proxy.url,
        "KEY_PREFIX": f"health-test-{uuid.uuid4().hex[:8]}"}}
    yield proxy
    proxy.close()


def test_without_redis_configured_the_cache_is_named_so(client):
    assert client.get(reverse("healthz")).json() == {"status": "ok", "database": "ok", "cache": "not configured"}


def test_redis_answering_is_ok(client, redis_through_proxy):
    response = client.get(reverse("healthz"))

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}


def test_redis_down_is_degraded_and_still_200_and_ok_again_when_it_returns(client, redis_through_proxy):
    redis_through_proxy.cut()

    response = client.get(reverse("healthz"))

    assert response.status_code == 200
    assert response.json() == {"status": "degraded", "database": "ok", "cache": "down"}
    redis_through_proxy.restore()
    assert client.get(reverse("healthz")).json()["status"] == "ok"  # asked again at once, not after a pause


def test_no_database_is_503(client, monkeypatch):
    def unreachable(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", unreachable)

    response = client.get(reverse("healthz"))

    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "down", "cache": "not configured"}
    assert "refused" not in response.content.decode()
