"""HubSpot's per-portal rate limits, kept by all of the app's processes together.

HubSpot allows a public app 110 calls per rolling 10 seconds per portal, searches excluded, and
5 searches per second per portal (API notes §8); past them it answers 429. Every call takes a slot
in its portal's window before it is sent, so the app does not cause a 429 it could have avoided:
when no slot is free, the client waits for the window to move (within its retry budget) or gives
up without sending anything.

With REDIS_URL set the windows live in Redis — a sorted set per portal and kind, changed by one
Lua script, so taking a slot is atomic across processes and hosts, and timed by Redis's clock
alone. Without it (one process: development, tests) they live in this process's memory.

When Redis cannot answer, the process does not stop calling HubSpot: it counts in a window of its own
memory holding its share of the portal's budget — the limit divided by HUBSPOT_BUDGET_PROCESSES, the
number of processes that call HubSpot, all hosts together (at least one call each). Together they then
stay under the same limit without talking to each other; a process that was counted but is idle leaves
its share unused, which costs speed, never a 429. A fraction of the limit was the alternative, but it is
only safe for as many processes as someone guessed when choosing it; the setting names that guess. After
a failure Redis is left alone for FALLBACK_SECONDS (a blackholed Redis would cost a connect timeout per
call), then asked again: the windows return to Redis by themselves.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections import deque
from functools import cache as once

import redis
from django.conf import settings
from django.core.signals import setting_changed
from redis.backoff import NoBackoff
from redis.retry import Retry

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


logger = logging.getLogger("hubspot_api.budget")

# Redis cannot serve right now: down, unreachable, too slow, loading, out of memory, a read-only replica.
UNAVAILABLE = (redis.ConnectionError, redis.TimeoutError, redis.exceptions.ReadOnlyError,
               redis.exceptions.OutOfMemoryError)
FALLBACK_SECONDS = 2.0
WARN_SECONDS = 60.0

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
        if not settings.REDIS_URL:
            return _local_windows.take((self.hub_id, search), limit, seconds)
        if not _outage.skipping():
            key = f"{settings.HUBSPOT_BUDGET_KEY_PREFIX}:hubspot-budget:{self.hub_id}:{'search' if search else 'calls'}"
            try:
                wait_ms = _take_slot_script(settings.REDIS_URL)(
                    keys=[key], args=[int(seconds * 1000), limit, f"{uuid.uuid4().hex}:"])
            except UNAVAILABLE as error:
                _outage.failed(error)
            else:
                _outage.answering()
                return int(wait_ms) / 1000
        share = max(1, limit // max(1, settings.HUBSPOT_BUDGET_PROCESSES))
        return _local_windows.take((self.hub_id, search, "share"), share, seconds)


@once
def _take_slot_script(url: str):
    # Quick to fail and never retried: a call waits on this before it goes to HubSpot.
    client = redis.Redis.from_url(url, socket_connect_timeout=0.25, socket_timeout=0.5, retry=Retry(NoBackoff(), 0))
    return client.register_script(TAKE_SLOT)


class _Outage:
    """Whether this process counts in its own memory for now; one WARNING when that starts (at most one a minute)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._until = 0.0
        self._warned_at = -WARN_SECONDS

    def skipping(self) -> bool:
        return time.monotonic() < self._until

    def failed(self, error: Exception) -> None:
        now = time.monotonic()
        with self._lock:
            self._until = now + FALLBACK_SECONDS
            if now - self._warned_at >= WARN_SECONDS:
                self._warned_at = now
                logger.warning("HubSpot rate windows: Redis unavailable (%s), this process counts its share of "
                               "each portal's budget itself", type(error).__name__)

    def answering(self) -> None:
        if self._until:
            with self._lock:
                if self._until:
                    self._until = 0.0
                    logger.info("HubSpot rate windows: Redis answers again")


_outage = _Outage()


class _LocalWindows:
    """The same sliding windows in this process's memory: a deque of send times per portal and kind.

    Plain memory rather than the cache: a cache entry is pickled both ways on every call, and every
    call of every rep takes a slot. A window holds at most its limit; there are two per portal (four while
Redis is down: the shares are apart from the windows of a process without Redis).
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._windows: dict[tuple, deque[float]] = {}

    def take(self, key: tuple, limit: int, seconds: float) -> float:
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
