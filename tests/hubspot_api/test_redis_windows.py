"""The rate windows in Redis, and each process's share of them while Redis is down (hubspot_api/budget.py)."""

import logging
import os
import time
import uuid

import pytest
import redis

from hubspot_api import budget
from hubspot_api.budget import PortalBudget
from tests.conftest import skip_or_fail
from tests.redis_proxy import RedisProxy

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/5")


@pytest.fixture
def windows_in_redis(settings, monkeypatch):
    """Six calls per 10 s in Redis behind a proxy the test cuts; three processes share the budget."""
    direct = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        direct.ping()
    except redis.RedisError:
        skip_or_fail(f"Needs Redis at {REDIS_URL}", "REQUIRE_REDIS")
    proxy = RedisProxy(REDIS_URL)
    prefix = f"budget-test-{uuid.uuid4().hex[:8]}"
    settings.REDIS_URL = proxy.url
    settings.HUBSPOT_BUDGET_KEY_PREFIX = prefix
    settings.HUBSPOT_CALLS_PER_TEN_SECONDS = 6
    settings.HUBSPOT_SEARCHES_PER_SECOND = 4
    settings.HUBSPOT_BUDGET_PROCESSES = 3
    monkeypatch.setattr(budget, "FALLBACK_SECONDS", 0.05)
    monkeypatch.setattr(budget, "_outage", budget._Outage())
    yield proxy
    proxy.close()
    for key in direct.scan_iter(match=f"{prefix}:*"):
        direct.delete(key)


def taken(portal: PortalBudget, times: int, *, search: bool = False) -> int:
    return sum(portal.take(search=search) == 0.0 for _ in range(times))


def test_the_windows_live_in_redis_while_it_answers(windows_in_redis, settings):
    assert taken(PortalBudget(4711), 10) == 6
    key = f"{settings.HUBSPOT_BUDGET_KEY_PREFIX}:hubspot-budget:4711:calls"
    assert redis.Redis.from_url(REDIS_URL).zcard(key) == 6


def test_with_redis_down_a_process_takes_its_share_and_calls_go_on(windows_in_redis, caplog):
    proxy = windows_in_redis
    proxy.cut()

    with caplog.at_level(logging.WARNING, logger="hubspot_api.budget"):
        started = time.monotonic()
        calls, searches = taken(PortalBudget(4711), 10), taken(PortalBudget(4711), 10, search=True)

    assert (calls, searches) == (2, 1)  # 6 // 3 processes; 4 // 3
    assert 9 < PortalBudget(4711).take(search=False) <= 10.25  # a full share says when a slot frees
    assert taken(PortalBudget(4712), 10) == 2  # each portal its own share
    assert time.monotonic() - started < 1
    assert len([r for r in caplog.records if r.name == "hubspot_api.budget"]) == 1


def test_a_share_is_at_least_one_call(windows_in_redis, settings):
    settings.HUBSPOT_BUDGET_PROCESSES = 50
    windows_in_redis.cut()

    assert taken(PortalBudget(4711), 3, search=True) == 1


def test_the_windows_return_to_redis_when_it_answers_again(windows_in_redis):
    proxy = windows_in_redis
    assert taken(PortalBudget(4711), 6) == 6  # Redis's window is full
    proxy.cut()
    assert taken(PortalBudget(4711), 1) == 1  # the process's own share: the full window is not seen
    proxy.restore()
    time.sleep(0.1)

    assert PortalBudget(4711).take(search=False) > 0  # Redis's full window again, no restart
