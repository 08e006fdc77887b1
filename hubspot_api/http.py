"""The pooled HTTP session every HubSpot call goes through, and its timeouts."""

from __future__ import annotations

import threading

import requests
from django.conf import settings
from requests.adapters import HTTPAdapter

CONNECT_TIMEOUT_SECONDS = 3.05
_local = threading.local()


def hubspot_session() -> requests.Session:
    """This thread's pooled session. urllib3's own retries are off: `client.HubSpotClient` decides."""
    session = getattr(_local, "session", None)
    if session is None:
        session = requests.Session()
        adapter = HTTPAdapter(pool_connections=4, pool_maxsize=8, max_retries=0)
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        session.headers.update({"Accept": "application/json", "User-Agent": "meeting-booker/1.0"})
        _local.session = session
    return session


def timeouts() -> tuple[float, float]:
    return (CONNECT_TIMEOUT_SECONDS, settings.HUBSPOT_TIMEOUT_SECONDS)
