"""`/healthz`: whether this process can serve, and the state of each thing it depends on, for a load balancer.

200 while the app can serve — Redis down is `degraded`: pages work without it (config/redis_cache.py), only
slower and with each process keeping its own share of HubSpot's budget. 503 only when the database cannot
be reached: without it nobody can sign in or book, and the balancer should send requests elsewhere.
Each dependency is asked once per probe, with its short timeouts; the answer names states, never errors.
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


def _database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return "down"
    return "ok"


def _cache() -> str:
    if not settings.REDIS_URL:
        return "not configured"
    return "ok" if cache.ping() else "down"


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    states = {"database": _database(), "cache": _cache()}
    if states["database"] != "ok":
        return JsonResponse({"status": "error", **states}, status=503)
    return JsonResponse({"status": "ok" if states["cache"] != "down" else "degraded", **states})
