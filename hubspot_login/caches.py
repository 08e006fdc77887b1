"""The one thing sign-in keeps in the shared cache: the token refresh lock, declared here.

- **Refresh lock** (`hubspot_login/tokens.py`): one key per HubSpot connection (one rep's tokens), held while
  that rep's access token is refreshed, so that of several requests and processes finding it expired, one asks
  HubSpot and the others wait for its result (HubSpot's refresh tokens rotate: two refreshes at once would leave
  one holding a token HubSpot no longer takes). Lives `LOCK_SECONDS` at most; deleted when the refresh ends.
  A lock, not a cache: it holds nothing of HubSpot's. When Redis is down, `config/redis_cache.py` falls back
  to each process's memory, so each process locks only its own refreshes (two processes may then refresh one
  rep's token at once; the loser signs in again).
"""

from __future__ import annotations

from django.core.cache import cache

LOCK_SECONDS = 15


def _lock_key(connection_pk: int) -> str:
    return f"hubspot:refresh-lock:{connection_pk}"


def refresh_lock_take(connection_pk: int) -> bool:
    """True when this caller now holds the rep's refresh lock; False while another holds it."""
    return cache.add(_lock_key(connection_pk), "1", LOCK_SECONDS)


def refresh_lock_release(connection_pk: int) -> None:
    cache.delete(_lock_key(connection_pk))
