"""Django's Redis cache, but each connection pool keeps one client instead of building one per operation.

Django's `RedisCacheClient.get_client` makes a new `redis.Redis` for every get, set or delete, and a
client's construction (its table of reply callbacks) costs more CPU than the round trip it serves. A
client is safe to share: it takes a connection from its pool per command.
"""

from __future__ import annotations

from django.core.cache.backends import redis as django_redis


class RedisCacheClient(django_redis.RedisCacheClient):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, object] = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(django_redis.RedisCache):
    def __init__(self, server, params) -> None:
        super().__init__(server, params)
        self._class = RedisCacheClient
