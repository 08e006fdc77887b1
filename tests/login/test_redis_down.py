"""Redis is an accelerator: with it down a signed-in rep keeps working, a rep can sign in, and nothing comes back wrong.

The app's cache (and the HubSpot rate windows) go through a proxy in front of the machine's Redis that the
test cuts (tests/redis_proxy.py). Sessions are `cached_db`: with the cache missing they come from the database.
"""

from __future__ import annotations

import os
import time
import uuid

import pytest
import redis
from django.urls import reverse

from config import redis_cache
from hubspot_api import budget
from tests.conftest import meeting_post
from tests.foundation.test_redis_cache import needs_redis
from tests.login.conftest import sign_in
from tests.redis_proxy import RedisProxy

pytestmark = pytest.mark.django_db
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/5")


@pytest.fixture
def redis_between(settings, monkeypatch):
    """The cache and the rate windows in Redis behind a proxy; their keys are deleted afterwards."""
    direct = needs_redis()
    proxy = RedisProxy(REDIS_URL)
    prefix = f"redis-down-{uuid.uuid4().hex[:8]}"
    settings.REDIS_URL = proxy.url
    settings.HUBSPOT_BUDGET_KEY_PREFIX = prefix
    settings.CACHES = {**settings.CACHES, "default": {
        "BACKEND": "config.redis_cache.RedisCache", "LOCATION": proxy.url, "KEY_PREFIX": prefix}}
    # Asked again 50 ms after a failure rather than 2 s, so a test sees Redis come back without waiting.
    monkeypatch.setattr(redis_cache, "DOWN_SECONDS", 0.05)
    monkeypatch.setattr(budget, "FALLBACK_SECONDS", 0.05)
    yield proxy
    proxy.close()
    for key in direct.scan_iter(match=f"{prefix}:*"):
        direct.delete(key)


def test_a_signed_in_rep_keeps_working_while_redis_is_down(rep_client, redis_between, sandbox):
    assert "You book as Lena Müller" in rep_client.get(reverse("meeting_create")).content.decode()
    redis_between.cut()
    started = time.monotonic()

    assert rep_client.get(reverse("home")).status_code == 200
    form = rep_client.get(reverse("meeting_create"))
    assert form.status_code == 200 and "You book as Lena Müller" in form.content.decode()  # session from the database
    assert rep_client.get(reverse("history_mine")).status_code == 200
    booked = rep_client.post(reverse("meeting_create"), meeting_post(title="Ohne Redis"))
    assert booked.status_code == 302 and "/done/" in booked["Location"], booked.content[:500]
    assert rep_client.get(booked["Location"]).status_code == 200
    assert "Ohne Redis" in rep_client.get(reverse("history_mine")).content.decode()

    # No lock nobody can see was waited for (shared_cache waits up to 8 s, the token refresh 10 s).
    assert time.monotonic() - started < 6
    meetings = [m for portal in sandbox.meetings().values() for m in portal.values()]
    assert [m["properties"]["hs_meeting_title"] for m in meetings].count("Ohne Redis") == 1


def test_a_rep_signs_in_while_redis_is_down_and_stays_signed_in_when_it_returns(client, hubspot, redis_between):
    redis_between.cut()

    assert sign_in(client).status_code == 302
    assert "You book as Lena Müller" in client.get(reverse("meeting_create")).content.decode()
    redis_between.restore()
    time.sleep(0.1)

    assert "You book as Lena Müller" in client.get(reverse("meeting_create")).content.decode()


def test_a_sign_out_while_redis_is_down_is_not_undone_when_it_returns(rep_client, redis_between):
    assert rep_client.get(reverse("meeting_create")).status_code == 200  # the session is in Redis now
    session = rep_client.cookies["sessionid"].value
    redis_between.cut()
    assert rep_client.post(reverse("account_logout")).status_code == 302
    redis_between.restore()
    time.sleep(0.1)

    rep_client.cookies["sessionid"] = session  # the old cookie, kept by someone
    answer = rep_client.get(reverse("meeting_create"))

    assert answer.status_code == 302 and reverse("account_login") in answer["Location"]


def test_after_redis_returns_the_cache_is_used_again(rep_client, redis_between, settings):
    redis_between.cut()
    assert rep_client.get(reverse("meeting_create")).status_code == 200
    redis_between.restore()
    time.sleep(0.1)

    assert rep_client.get(reverse("meeting_create")).status_code == 200

    prefix = settings.CACHES["default"]["KEY_PREFIX"]
    assert any(redis.Redis.from_url(REDIS_URL).scan_iter(match=f"{prefix}:*"))
