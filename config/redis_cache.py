"""Django's Redis cache, made an accelerator: when Redis cannot answer, the cache misses instead of failing.

Two changes to Django's backend:

- **One client per connection pool.** Django's `RedisCacheClient.get_client` makes a new `redis.Redis` for
  every get, set or delete, and a client's construction (its table of reply callbacks) costs more CPU than
  the round trip it serves. A client is safe to share: it takes a connection from its pool per command.
- **Redis down is a miss, never an error page.** Every page, the sessions (`cached_db`: read from
  PostgreSQL on a miss), the option caches and the locks keep working without Redis. When Redis refuses a
  connection, times out, is out of memory or read-only, the process carries on with a cache of its own
  memory (`LOCAL_SECONDS` at most per entry, `LOCAL_MAX_ENTRIES` entries), emptied when Redis answers
  again: what Redis held is a miss, what the process cached meanwhile is served to it. Without that, every
  form load would ask HubSpot for its options while each process has only its share of HubSpot's budget
  (hubspot_api/budget.py), and the budget would run out. `add` then locks within the process: callers use
  it as a lock (`meetings/core/caches.py`, the token refresh), and across processes nothing can be
  coordinated, so each process's callers proceed on their own rather than wait for a lock no one can see.
  Sessions are never kept in a process's memory (a sign-out through another process must end them here
  too): for them every operation answers as Django's API documents for "not there" — `get` the default,
  `add` True, `set_many` naming them as not stored.

A dead Redis must cost milliseconds, not seconds: connections time out quickly (`CONNECT_TIMEOUT`,
`READ_TIMEOUT`), are not retried, and after a failure the process does not ask Redis again for
`DOWN_SECONDS` — a blackholed host would otherwise cost a connect timeout per cache operation. It comes
back by itself: the first operation after that pause tries Redis again.

What Redis missed while it was away must not be served when it returns: a session signed out (its cache
entry not deleted), a version replaced (the old one still there). So each process remembers the keys it
could not write or delete, and deletes them before it reads from Redis again; beyond `MAX_STALE_KEYS` it
deletes every key of this installation and release instead. Another process may read such a key in the
moment before the one that missed it comes back; sessions are the case that matters, and a signed-out
browser no longer has the cookie.

`clear()` deletes this installation's keys of this release (`KEY_PREFIX`, `VERSION`), not the whole database.

One WARNING when an outage starts, at most one per `WARN_SECONDS`; it names the error's type, never a key or a value.
"""

from __future__ import annotations

import functools
import logging
import re
import threading
import time

import redis
from django.core.cache.backends import redis as django_redis
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache

logger = logging.getLogger("config.redis_cache")

# Redis cannot serve right now: down, unreachable, too slow, loading, out of memory, a read-only replica.
UNAVAILABLE = (redis.ConnectionError, redis.TimeoutError, redis.exceptions.ReadOnlyError,
               redis.exceptions.OutOfMemoryError)
CONNECT_TIMEOUT = 0.25  # a local network connects in well under a millisecond
READ_TIMEOUT = 0.5  # the largest entries (option sets, calendars) are tens of KB
DOWN_SECONDS = 2.0
WARN_SECONDS = 60.0
MAX_STALE_KEYS = 10_000
LOCAL_SECONDS = 60
LOCAL_MAX_ENTRIES = 2000
# Never kept in a process's memory: a session signed out through another process must end here too.
NOT_LOCAL = "django.contrib.sessions."


class _Outage:
    """Whether Redis is to be left alone for now, and the keys it missed meanwhile; shared by the process's threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.down_until = 0.0
        self._warned_at = -WARN_SECONDS
        self.stale: set[str] = set()
        self.overflowed = False
        # What this process cached while Redis was away: its own, for LOCAL_SECONDS at most.
        self.local = LocMemCache(f"redis-outage-{id(self)}", {"OPTIONS": {"MAX_ENTRIES": LOCAL_MAX_ENTRIES}})

    def skipping(self) -> bool:
        return time.monotonic() < self.down_until

    def failed(self, error: Exception) -> None:
        now = time.monotonic()
        with self._lock:
            self.down_until = now + DOWN_SECONDS
            if now - self._warned_at >= WARN_SECONDS:
                self._warned_at = now
                logger.warning("Redis cache unavailable (%s): serving without it, trying again in %.0f s",
                               type(error).__name__, DOWN_SECONDS)

    def missed(self, keys) -> None:
        with self._lock:
            if self.overflowed:
                return
            self.stale.update(keys)
            if len(self.stale) > MAX_STALE_KEYS:
                self.stale.clear()
                self.overflowed = True

    def answering(self) -> None:
        if self.down_until:
            with self._lock:
                if self.down_until:
                    self.down_until = 0.0
                    self.local.clear()
                    logger.info("Redis cache answers again")


_outages: dict[tuple, _Outage] = {}
_outages_lock = threading.Lock()


def _outage_of(cache_id: tuple) -> _Outage:
    with _outages_lock:
        return _outages.setdefault(cache_id, _Outage())


def redis_skipped() -> bool:
    """Whether this process is serving without Redis just now."""
    with _outages_lock:
        outages = list(_outages.values())
    return any(outage.skipping() for outage in outages)


def _tolerant(*, miss, writes: bool = False):
    """Run the operation against Redis; when Redis cannot answer, `miss(self, *args)` is the answer instead.

    `writes`: the keys it would have written or deleted are remembered as stale (the first argument: a key,
    a list of keys, or a dict of them).
    """

    def decorate(operation):
        @functools.wraps(operation)
        def run(self, *args):
            if not self._outage.skipping():
                try:
                    self._settle_missed()
                    answer = operation(self, *args)
                except UNAVAILABLE as error:
                    self._outage.failed(error)
                else:
                    self._outage.answering()
                    return answer
            if writes:
                self._outage.missed([args[0]] if isinstance(args[0], str) else list(args[0]))
            return miss(self, *args)

        return run

    return decorate


def _not_local(key: str) -> bool:
    return NOT_LOCAL in key


def _local_timeout(timeout):
    return LOCAL_SECONDS if timeout is None else min(timeout, LOCAL_SECONDS)


def _set_many_locally(client, data: dict, timeout) -> list:
    """Kept in the process's memory, except sessions: those are named as not stored, as Django's API does."""
    client._local.set_many({k: v for k, v in data.items() if not _not_local(k)}, _local_timeout(timeout))
    return [key for key in data if _not_local(key)]


class RedisCacheClient(django_redis.RedisCacheClient):
    def __init__(self, *args, key_pattern: str = "*", **options) -> None:
        options.setdefault("socket_connect_timeout", CONNECT_TIMEOUT)
        options.setdefault("socket_timeout", READ_TIMEOUT)
        super().__init__(*args, **options)
        self._clients: dict[int, object] = {}
        # Django keeps a cache object per thread; what Redis missed is the process's to settle, whichever
        # thread missed it and whichever reads next.
        self._outage = _outage_of((tuple(self._servers), key_pattern))
        self._key_pattern = key_pattern

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client

    def _settle_missed(self) -> None:
        """Delete what Redis kept while it missed writes, before it is read again (raises while it cannot answer)."""
        outage = self._outage
        if not (outage.stale or outage.overflowed):
            return
        client = self.get_client(write=True)
        with outage._lock:
            stale, overflowed = list(outage.stale), outage.overflowed
        if overflowed:
            # Too many to name: this installation's keys of this release, all of them (a cache: they refill).
            RedisCacheClient.clear.__wrapped__(self)
        for batch in _batches(iter(stale), 1000):
            client.delete(*batch)
        with outage._lock:
            outage.stale.difference_update(stale)
            if overflowed:
                outage.overflowed = False

    add = _tolerant(miss=lambda self, key, value, timeout: (
        True if _not_local(key) else self._local.add(key, value, _local_timeout(timeout))), writes=True)(
        django_redis.RedisCacheClient.add)
    get = _tolerant(miss=lambda self, key, default: (
        default if _not_local(key) else self._local.get(key, default)))(django_redis.RedisCacheClient.get)
    set = _tolerant(miss=lambda self, key, value, timeout: (
        None if _not_local(key) else self._local.set(key, value, _local_timeout(timeout))), writes=True)(
        django_redis.RedisCacheClient.set)
    touch = _tolerant(miss=lambda self, key, timeout: (
        False if _not_local(key) else self._local.touch(key, _local_timeout(timeout))))(
        django_redis.RedisCacheClient.touch)
    delete = _tolerant(miss=lambda self, key: self._local.delete(key), writes=True)(
        django_redis.RedisCacheClient.delete)
    get_many = _tolerant(miss=lambda self, keys: self._local.get_many([k for k in keys if not _not_local(k)]))(
        django_redis.RedisCacheClient.get_many)
    has_key = _tolerant(miss=lambda self, key: not _not_local(key) and self._local.has_key(key))(
        django_redis.RedisCacheClient.has_key)
    incr = _tolerant(miss=lambda self, key, delta: self._local.incr(key, delta), writes=True)(
        django_redis.RedisCacheClient.incr)
    set_many = _tolerant(miss=lambda self, data, timeout: _set_many_locally(self, data, timeout), writes=True)(
        django_redis.RedisCacheClient.set_many)
    delete_many = _tolerant(miss=lambda self, keys: self._local.delete_many(keys), writes=True)(
        django_redis.RedisCacheClient.delete_many)

    @property
    def _local(self) -> LocMemCache:
        return self._outage.local

    @_tolerant(miss=lambda self: self._local.clear() or False)
    def clear(self):
        # This installation's keys of this release, not Django's FLUSHDB: one Redis may serve several
        # installations (REDIS_KEY_PREFIX), and the HubSpot rate windows live beside the cache.
        client = self.get_client(write=True)
        found = False
        for batch in _batches(client.scan_iter(match=self._key_pattern, count=1000), 1000):
            found = bool(client.delete(*batch)) or found
        return found


def _batches(keys, size: int):
    batch = []
    for key in keys:
        batch.append(key)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


class RedisCache(django_redis.RedisCache):
    def __init__(self, server, params) -> None:
        super().__init__(server, params)
        self._class = RedisCacheClient
        # Keys as Django makes them: "<KEY_PREFIX>:<VERSION>:<key>" (config/settings.py derives VERSION from
        # the release), so a flush after an outage touches this installation's current keys only.
        pattern = f"{self.key_prefix}:{self.version}:"
        self._options = {**self._options, "key_pattern": re.sub(r"([*?\[\]\\])", r"\\\1", pattern) + "*"}

    def ping(self) -> bool:
        """Whether Redis answers now (asked even while operations skip it after a failure: /healthz)."""
        try:
            return bool(self._cache.get_client(write=True).ping())
        except UNAVAILABLE:
            return False

    @property
    def _outage(self) -> _Outage:
        return self._cache._outage

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        # Django's answers [] whatever happened; the keys Redis did not take are named, as its API documents.
        if not data:
            return []
        keys = {self.make_and_validate_key(key, version=version): key for key in data}
        failed = self._cache.set_many({made: data[key] for made, key in keys.items()},
                                      self.get_backend_timeout(timeout))
        return [keys[made] for made in failed or ()]


class LocalWhileRedisAnswers(LocMemCache):
    """A process's own cache of what it drew under a version kept in Redis (the history's pages).

    Without Redis the version cannot be read — every process would draw under the same empty one and serve
    a page from before a write — so while this process serves without Redis, nothing is kept or served.
    """

    def get(self, key, default=None, version=None):
        return default if redis_skipped() else super().get(key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        if not redis_skipped():
            super().set(key, value, timeout, version)
