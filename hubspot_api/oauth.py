"""HubSpot's dated OAuth token endpoints (HUBSPOT_API_VERSION): refresh, introspect, revoke.

Contract: hubspot_sandbox/specs/oauth-{version}.json (2026-09 and 2026-03 describe the same three
operations and form bodies). These endpoints take the client
credentials in a form body and answer errors in RFC 6749 shape
(`{"error", "error_description", "status", "message"}`), not the REST error body.
The authorization-code exchange itself is done by allauth (hubspot_login).
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

import requests
from django.conf import settings

from hubspot_api import versions
from hubspot_api.errors import HubSpotAuthRequired, HubSpotUnavailable, is_unavailable_status
from hubspot_api.http import hubspot_session, timeouts

logger = logging.getLogger("hubspot_api")



def token_path() -> str:
    """The code exchange (allauth, hubspot_login) and the refresh post here."""
    return f"/oauth/{versions.current()}/token"


def introspect_path() -> str:
    return f"{token_path()}/introspect"


def revoke_path() -> str:
    return f"{token_path()}/revoke"


@dataclass(frozen=True)
class TokenGrant:
    access_token: str
    refresh_token: str
    expires_in: int
    hub_id: int | None
    scopes: tuple[str, ...]

    def __repr__(self) -> str:
        return f"<TokenGrant hub={self.hub_id} expires_in={self.expires_in}>"


def _post_form(path: str, data: dict) -> requests.Response:
    started = time.monotonic()
    try:
        response = hubspot_session().post(
            f"{settings.HUBSPOT_API_BASE}{path}",
            data={"client_id": settings.HUBSPOT_CLIENT_ID, "client_secret": settings.HUBSPOT_CLIENT_SECRET, **data},
            timeout=timeouts(),
        )
    except requests.RequestException as exc:
        logger.warning("HubSpot POST %s -> %s", path, type(exc).__name__)
        raise HubSpotUnavailable(message="HubSpot could not be reached.") from None
    logger.info("HubSpot POST %s -> %s in %d ms", path, response.status_code, (time.monotonic() - started) * 1000)
    return response


def _json(response: requests.Response) -> dict | None:
    try:
        body = response.json()
    except ValueError:
        return None
    return body if isinstance(body, dict) else None


def _unavailable(response: requests.Response, body: dict | None) -> bool:
    """HubSpot could not answer properly (overloaded, down, garbled): the token may still be fine.

    Only a readable 4xx says the token itself is bad; treating a 503 or 429 as "revoked"
    would throw away a rep's working authorisation during a HubSpot hiccup.
    """
    return is_unavailable_status(response.status_code) or body is None


def refresh(refresh_token: str) -> TokenGrant:
    response = _post_form(token_path(), {"grant_type": "refresh_token", "refresh_token": refresh_token})
    body = _json(response)
    if _unavailable(response, body):
        raise HubSpotUnavailable(message="HubSpot could not refresh the token.", status=response.status_code)
    if response.status_code != 200 or "access_token" not in body:
        raise HubSpotAuthRequired(
            message=str(body.get("error_description") or body.get("message") or "The refresh was refused."),
            status=response.status_code,
            category=str(body.get("status") or body.get("error") or ""),
        )
    return TokenGrant(
        access_token=body["access_token"],
        refresh_token=body.get("refresh_token") or refresh_token,
        expires_in=int(body.get("expires_in") or 1800),
        hub_id=body.get("hub_id"),
        scopes=tuple(body.get("scopes") or ()),
    )


def introspect(token: str, *, hint: str = "access_token") -> dict:
    """Token metadata (`user_id`, `user`, `hub_id`, `hub_domain`, `scopes`, …), token removed."""
    # The spec names the field `token`; HubSpot's guide names it after the hint. Send both.
    response = _post_form(introspect_path(), {"token": token, "token_type_hint": hint, hint: token})
    body = _json(response)
    if _unavailable(response, body):
        raise HubSpotUnavailable(message="HubSpot could not introspect the token.", status=response.status_code)
    if response.status_code != 200 or not body.get("active", True):
        raise HubSpotAuthRequired(message="HubSpot did not recognise the token.", status=response.status_code)
    # Both hold the live access token: they must never reach extra_data, logs or pages.
    body.pop("token", None)
    body.pop("signed_access_token", None)
    body.pop(hint, None)
    return body


def revoke(refresh_token: str) -> bool:
    """True when HubSpot confirmed the revocation (the spec defines no success body: any 2xx counts)."""
    response = _post_form(revoke_path(), {"token": refresh_token, "token_type_hint": "refresh_token"})
    if response.status_code >= 300:
        logger.warning("HubSpot refused to revoke a refresh token: status %s", response.status_code)
        return False
    return True
