"""The Redis cache of production (config/redis_cache.py): one client per connection pool, and Redis down is a miss.

"Redis down" is a proxy in front of the machine's Redis that the test cuts (tests/redis_proxy.py): the shared
Redis itself is never stopped or flushed.
"""

import logging
import os
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import redis

from config import redis_cache as module
from config.redis_cache import RedisCache
from tests.conftest import skip_or_fail
from tests.redis_proxy import RedisProxy

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/5")


def needs_redis() -> redis.Redis:
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.RedisError:
        skip_or_fail(f"Needs Redis at {REDIS_URL}", "REQUIRE_REDIS")
    return client


@pytest.fixture
def redis_cache():
    needs_redis()
    cache = RedisCache(REDIS_URL, {"KEY_PREFIX": f"redis-cache-test-{uuid.uuid4().hex[:8]}"})
    yield cache
    cache.clear()


@pytest.fixture
def proxy():
    needs_redis()
    proxy = RedisProxy(REDIS_URL)
    yield proxy
    proxy.close()


@pytest.fixture
def cut_cache(proxy):
    """A cache through the proxy; its keys are deleted through Redis directly afterwards."""
    prefix = f"redis-down-test-{uuid.uuid4().hex[:8]}"
    cache = RedisCache(proxy.url, {"KEY_PREFIX": prefix})
    yield cache
    direct = needs_redis()
    for key in direct.scan_iter(match=f"{prefix}:*"):
        direct.delete(key)


@pytest.fixture
def quick_retry(monkeypatch):
    """Redis is asked again 50 ms after a failure instead of 2 s, so a test can see it come back."""
    monkeypatch.setattr(module, "DOWN_SECONDS", 0.05)


def test_threads_share_one_client_and_each_gets_its_own_values(redis_cache):
    def round_trip(n: int):
        redis_cache.set(f"key-{n}", {"n": n, "name": f"Müller {n}"}, 60)
        redis_cache.incr("counter")
        return redis_cache.get(f"key-{n}"), redis_cache._cache.get_client(write=True)

    redis_cache.set("counter", 0, 60)
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(round_trip, range(16)))

    assert [value for value, _client in results] == [{"n": n, "name": f"Müller {n}"} for n in range(16)]
    assert len({id(client) for _value, client in results}) == 1  # not a new client per operation
    assert redis_cache.get("counter") == 16
    assert redis_cache.get_many(["key-3", "key-missing"]) == {"key-3": {"n": 3, "name": "Müller 3"}}


def test_clear_deletes_this_installations_keys_and_nothing_else(redis_cache):
    direct = needs_redis()
    neighbour = f"another-installation-{uuid.uuid4().hex[:8]}"
    direct.set(neighbour, "kept", ex=60)
    redis_cache.set("mine", 1, 60)

    redis_cache.clear()

    assert redis_cache.get("mine") is None
    assert direct.get(neighbour) == b"kept"
    direct.delete(neighbour)


def test_with_redis_down_its_values_are_misses_and_the_process_caches_in_its_own_memory(cut_cache, proxy, caplog):
    cut_cache.set("kept", "value", 60)
    proxy.cut()
    started = time.monotonic()

    with caplog.at_level(logging.WARNING, logger="config.redis_cache"):
        assert cut_cache.get("kept") is None  # what Redis holds cannot be had
        assert cut_cache.get("kept", "default") == "default"
        assert cut_cache.get_many(["kept", "other"]) == {}
        assert cut_cache.has_key("kept") is False and cut_cache.touch("kept", 60) is False
        assert cut_cache.set("options", ["a"], 600) is None
        assert cut_cache.get("options") == ["a"]  # this process's own, meanwhile
        assert cut_cache.set_many({"a": 1, "b": 2}, 60) == []
        assert cut_cache.get_many(["a", "b", "c"]) == {"a": 1, "b": 2}
        assert cut_cache.add("lock", 1, 30) is True and cut_cache.add("lock", 1, 30) is False  # within the process
        assert cut_cache.delete("lock") is True
        assert cut_cache.get_or_set("computed", lambda: 42, 60) == 42
        with pytest.raises(ValueError):
            cut_cache.incr("counter")
        cut_cache.delete_many(["a", "b"])
        assert cut_cache.get("a") is None

    assert time.monotonic() - started < 0.5
    warnings = [r for r in caplog.records if r.name == "config.redis_cache"]
    assert len(warnings) == 1 and "unavailable" in warnings[0].getMessage()
    assert "kept" not in warnings[0].getMessage() and "value" not in warnings[0].getMessage()


def test_with_redis_down_sessions_are_never_kept_in_a_process(cut_cache, proxy):
    key = "django.contrib.sessions.cached_dbabc123"
    proxy.cut()

    cut_cache.set(key, {"_auth_user_id": "7"}, 60)

    assert cut_cache.get(key) is None
    assert cut_cache.add(key, {}, 60) is True and cut_cache.get(key) is None
    assert cut_cache.set_many({key: {}, "other": 1}, 60) == [key]


def test_what_a_process_cached_meanwhile_is_forgotten_when_redis_returns(cut_cache, proxy, quick_retry):
    proxy.cut()
    cut_cache.set("options", "local", 60)
    proxy.restore()
    time.sleep(0.1)

    assert cut_cache.get("options") is None


def test_the_process_keeps_its_own_entries_a_minute_at_most(cut_cache, proxy, monkeypatch):
    proxy.cut()
    cut_cache.set("forever", 1, None)
    later = time.time() + module.LOCAL_SECONDS + 1
    monkeypatch.setattr(time, "time", lambda: later)  # the local cache's clock

    assert cut_cache.get("forever") is None


def test_a_redis_that_never_answers_costs_one_timeout_then_nothing(cut_cache, proxy):
    assert cut_cache.get("warm") is None  # a connection in the pool
    proxy.hang()

    started = time.monotonic()
    assert cut_cache.get("anything", "default") == "default"
    first = time.monotonic() - started
    started = time.monotonic()
    for n in range(50):
        assert cut_cache.get(f"anything-{n}") is None
    rest = time.monotonic() - started

    assert first < module.READ_TIMEOUT + module.CONNECT_TIMEOUT + 0.5
    assert rest < 0.1  # not asked again for DOWN_SECONDS


def test_redis_is_used_again_when_it_returns_without_a_restart(cut_cache, proxy, quick_retry):
    proxy.cut()
    assert cut_cache.get("k") is None
    proxy.restore()
    time.sleep(0.1)

    cut_cache.set("k", "back", 60)

    assert cut_cache.get("k") == "back"
    assert cut_cache.add("lock", 1, 30) is True and cut_cache.add("lock", 1, 30) is False  # a lock again


def test_what_was_deleted_or_replaced_while_redis_was_down_is_not_served_when_it_returns(cut_cache, proxy,
                                                                                        quick_retry):
    cut_cache.set("session", {"user": 7}, 60)
    cut_cache.set("version", "old", 60)
    cut_cache.set("untouched", "still good", 60)
    proxy.cut()
    cut_cache.delete("session")  # a sign-out while Redis was away
    cut_cache.set("version", "new", 60)  # a write it never saw
    proxy.restore()
    time.sleep(0.1)

    assert cut_cache.get("session") is None
    assert cut_cache.get("version") is None  # the old value is gone: the next read computes it anew
    assert cut_cache.get("untouched") == "still good"


def test_too_many_missed_writes_clear_the_installations_keys_on_return(cut_cache, proxy, quick_retry, monkeypatch):
    monkeypatch.setattr(module, "MAX_STALE_KEYS", 3)
    cut_cache.set("old", "value", 60)
    proxy.cut()
    for n in range(5):
        cut_cache.set(f"missed-{n}", n, 60)
    proxy.restore()
    time.sleep(0.1)

    assert cut_cache.get("old") is None
    cut_cache.set("fresh", 1, 60)
    assert cut_cache.get("fresh") == 1
