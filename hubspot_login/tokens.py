"""Fresh access tokens for one rep's HubSpot connection.

Refreshing early (a minute before expiry) follows HubSpot's advice; a 401 still gets
one refresh as a fallback. Concurrent requests of the same rep refresh once: the
refresh runs under a per-connection lock (cache-based, so it holds across processes
when REDIS_URL is set) and whoever waited re-reads the stored token afterwards.
"""

from __future__ import annotations

import time
from datetime import timedelta

from django.utils import timezone

from hubspot_api import oauth
from hubspot_api.budget import PortalBudget
from hubspot_api.client import HubSpotClient
from hubspot_api.errors import HubSpotAuthRequired, HubSpotUnavailable
from hubspot_login.caches import LOCK_SECONDS, refresh_lock_release, refresh_lock_take
from hubspot_login.models import HubSpotConnection

REFRESH_MARGIN_SECONDS = 60


def hubspot_client(user, *, patient: bool = True, max_attempts: int = 4) -> HubSpotClient:
    """A HubSpot client acting as `user`, with their stored (and refreshed) tokens, within their portal's limits.

    `patient=False` fails at once when the portal's rate window is full (a picker: the rep keeps typing);
    `max_attempts=1` never resends (a check that only warns spends no more of the budget on a failure).
    """
    connection = user.hubspot
    return HubSpotClient(tokens=ConnectionTokens(connection), rate_budget=PortalBudget(connection.hub_id),
                         patient=patient, max_attempts=max_attempts)


class ConnectionTokens:
    """TokenSource for the HubSpot client, backed by a HubSpotConnection row."""

    def __init__(self, connection: HubSpotConnection) -> None:
        self.connection = connection

    def access_token(self) -> str:
        if not self.connection.has_tokens:
            raise HubSpotAuthRequired(message="No HubSpot authorisation is stored for this user.")
        if self.connection.token_expires_within(REFRESH_MARGIN_SECONDS):
            self._refresh(stale_token=self.connection.access_token)
        return self.connection.access_token

    def refreshed_after_unauthorized(self, rejected_token: str) -> str:
        self._refresh(stale_token=rejected_token)
        return self.connection.access_token

    def _refresh(self, *, stale_token: str) -> None:
        deadline = time.monotonic() + LOCK_SECONDS
        while not refresh_lock_take(self.connection.pk):
            if time.monotonic() > deadline:
                raise HubSpotUnavailable(message="Timed out waiting for a token refresh.")
            time.sleep(0.05)
        try:
            self.connection.refresh_from_db()
            if self.connection.access_token != stale_token and not self.connection.token_expires_within(
                REFRESH_MARGIN_SECONDS
            ):
                return  # someone else refreshed while we waited
            if not self.connection.refresh_token:
                raise HubSpotAuthRequired(message="No HubSpot authorisation is stored for this user.")
            try:
                grant = oauth.refresh(self.connection.refresh_token)
            except HubSpotAuthRequired:
                HubSpotConnection.objects.filter(pk=self.connection.pk).update(
                    access_token="", refresh_token="", expires_at=None
                )
                raise
            self.connection.access_token = grant.access_token
            self.connection.refresh_token = grant.refresh_token
            self.connection.expires_at = timezone.now() + timedelta(seconds=grant.expires_in)
            self.connection.save(update_fields=["access_token", "refresh_token", "expires_at", "updated_at"])
        finally:
            refresh_lock_release(self.connection.pk)
