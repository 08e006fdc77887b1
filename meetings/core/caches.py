"""Values read from HubSpot, cached for all processes without a stampede.

When an option set (a portal's owners, say) runs out, sixteen reps loading the form at once
would each ask HubSpot for it — slow for them, and a bite out of the portal's rate budget.
Here one of them fetches it under a lock in the shared cache while the others wait briefly
for its result; and a value is refreshed a while before it expires, by one request, while
everyone else still gets the current one.

The mechanism, not a cache of its own: whose value an entry holds and how long is decided by the key and
lifetime its caller passes, each declared in a feature's `caches.py` (`meetings/portal/caches.py` for what
HubSpot answers). When the cache is down every read is a miss and the value is fetched (`config/redis_cache.py`).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.core.cache import cache

# A value is refreshed once it is this far into its life; until it expires the old one is served.
REFRESH_AFTER = 0.8
LOCK_SECONDS = 30
WAIT_SECONDS = 8.0
POLL_SECONDS = 0.05


# After a failed fetch, callers in the next seconds fail at once rather than each try HubSpot again.
FAILURE_SECONDS = 5


class NotAvailable(Exception):
    """The value could not be had: its fetch failed just now, or is taking longer than anyone should wait."""


def get_or_fetch[T](key: str, fetch: Callable[[], T], ttl: int, *,
                    failures: tuple[type[Exception], ...] = (Exception,)) -> T:
    """The cached value of `key`, fetched by exactly one caller at a time when missing or due.

    A fetch that fails with one of `failures` makes the next callers give up at once for a few seconds.
    """
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        entry = cache.get(key)
        if entry is not None and time.time() < entry["refresh_at"]:
            return entry["value"]
        if entry is None and cache.get(f"{key}:failed"):
            raise NotAvailable(key)
        if cache.add(f"{key}:lock", 1, LOCK_SECONDS):
            return _fetch_and_store(key, fetch, ttl, failures)
        if entry is not None:
            return entry["value"]  # someone is refreshing it: the current value is still good
        if time.monotonic() > deadline:
            raise NotAvailable(key)
        time.sleep(POLL_SECONDS)


def _fetch_and_store[T](key: str, fetch: Callable[[], T], ttl: int, failures) -> T:
    try:
        value = fetch()
    except failures:
        cache.set(f"{key}:failed", 1, FAILURE_SECONDS)
        raise
    finally:
        cache.delete(f"{key}:lock")
    cache.set(key, {"value": value, "refresh_at": time.time() + ttl * REFRESH_AFTER}, ttl)
    return value


def fresh_values(keys: list[str]) -> dict[str, object]:
    """The values of `keys` that `get_or_fetch` would answer from the cache at once, read in one round trip."""
    now = time.time()
    return {key: entry["value"] for key, entry in cache.get_many(keys).items() if now < entry["refresh_at"]}


def peek(key: str, default=None):
    """The cached value without fetching (None when there is none)."""
    entry = cache.get(key)
    return default if entry is None else entry["value"]
