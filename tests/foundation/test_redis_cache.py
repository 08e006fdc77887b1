"""The Redis cache of production (config/redis_cache.py): Django's backend, one client per connection pool."""

import os
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import redis

from config.redis_cache import RedisCache
from tests.conftest import skip_or_fail

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/5")


@pytest.fixture
def redis_cache():
    try:
        redis.Redis.from_url(REDIS_URL).ping()
    except redis.RedisError:
        skip_or_fail(f"Needs Redis at {REDIS_URL}", "REQUIRE_REDIS")
    cache = RedisCache(REDIS_URL, {"KEY_PREFIX": f"redis-cache-test-{uuid.uuid4().hex[:8]}"})
    yield cache
    cache.delete_many([f"key-{n}" for n in range(16)] + ["counter"])


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
