"""HubSpot's per-portal rate limits, kept by all of the app's processes together.

HubSpot allows a public app 110 calls per rolling 10 seconds per portal, searches excluded, and
5 searches per second per portal (API notes §8); past them it answers 429. Every call takes a slot
in its portal's window before it is sent, so the app does not cause a 429 it could have avoided:
when no slot is free, the client waits for the window to move (within its retry budget) or gives
up without sending anything.

With REDIS_URL set the windows live in Redis — a sorted set per portal and kind, changed by one
Lua script, so taking a slot is atomic across processes and hosts, and timed by Redis's clock
alone. Without it (one process: development, tests) they live in this process's memory.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections import deque
from functools import cache as once

import redis
from django.conf import settings
from django.core.signals import setting_changed

# Take a slot if the window has one: 0; otherwise how many milliseconds until the oldest leaves.
TAKE_SLOT = """
local now = redis.call('TIME')
local now_ms = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
local window_ms, limit = tonumber(ARGV[1]), tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now_ms - window_ms)
if redis.call('ZCARD', KEYS[1]) < limit then
  redis.call('ZADD', KEYS[1], now_ms, ARGV[3] .. now_ms)
  redis.call('PEXPIRE', KEYS[1], window_ms)
  return 0
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return math.max(1, tonumber(oldest[2]) + window_ms - now_ms)
"""


# A slot stays taken this much longer than HubSpot's window: the call it was taken for reaches
# HubSpot a little after taking it (a thread that waits for a core, a connection being opened), and
# HubSpot counts arrivals.
SEND_JITTER_SECONDS = 0.25


def limits(*, search: bool) -> tuple[int, float]:
    """(calls, per seconds) for one kind of call, the window widened by the send jitter."""
    if search:
        return settings.HUBSPOT_SEARCHES_PER_SECOND, 1.0 + SEND_JITTER_SECONDS
    return settings.HUBSPOT_CALLS_PER_TEN_SECONDS, 10.0 + SEND_JITTER_SECONDS


class PortalBudget:
    """The rate windows of one portal; `take` a slot before each call."""

    def __init__(self, hub_id: int) -> None:
        self.hub_id = hub_id

    def take(self, *, search: bool) -> float:
        """Take a slot for one call: 0.0 when taken, else the seconds until one frees (nothing is taken)."""
        limit, seconds = limits(search=search)
        if settings.REDIS_URL:
            key = f"{settings.HUBSPOT_BUDGET_KEY_PREFIX}:hubspot-budget:{self.hub_id}:{'search' if search else 'calls'}"
            wait_ms = _take_slot_script()(keys=[key], args=[int(seconds * 1000), limit, f"{uuid.uuid4().hex}:"])
            return int(wait_ms) / 1000
        return _local_windows.take((self.hub_id, search), limit, seconds)


@once
def _take_slot_script():
    return redis.Redis.from_url(settings.REDIS_URL).register_script(TAKE_SLOT)


class _LocalWindows:
    """The same sliding windows in this process's memory: a deque of send times per portal and kind.

    Plain memory rather than the cache: a cache entry is pickled both ways on every call, and every
    call of every rep takes a slot. A window holds at most its limit; there are two per portal.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._windows: dict[tuple[int, bool], deque[float]] = {}

    def take(self, key: tuple[int, bool], limit: int, seconds: float) -> float:
        with self._lock:
            now = time.monotonic()
            window = self._windows.setdefault(key, deque())
            while window and window[0] <= now - seconds:
                window.popleft()
            if len(window) < limit:
                window.append(now)
                return 0.0
            return window[0] + seconds - now

    def clear(self) -> None:
        with self._lock:
            self._windows.clear()


_local_windows = _LocalWindows()


def _forget_windows(*, setting: str, **kwargs) -> None:
    # The windows count calls to one HubSpot under one set of limits. Settings change at run time only in
    # tests, which point the app at a fresh sandbox or lower a limit: the windows then start empty.
    if setting.startswith("HUBSPOT_"):
        _local_windows.clear()


setting_changed.connect(_forget_windows)
