"""Use cases of the rep's HubSpot connection: find the rep's owner, store it at sign-in, end it on disconnect,
re-encrypt its tokens under a new key."""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from hubspot_api import oauth
from hubspot_api.client import HubSpotClient, StaticToken
from hubspot_api.errors import HubSpotError
from hubspot_api.types import Owner, plain_text
from hubspot_login.models import HubSpotConnection

logger = logging.getLogger("hubspot_login")


def hubspot_owner_find(*, access_token: str, user_id: int, email: str) -> dict:
    """The rep's owner in the portal, as it goes into the sign-in identity: `{"owner": {…} | None, …}`.

    By user id, else by email (owners of deactivated users don't count). Called while the OAuth
    callback talks to HubSpot anyway, so that storing the connection afterwards needs no HTTP.
    `owner_lookup_failed` says HubSpot did not answer, which is not the same as "no owner".
    """
    # The minutes of sign-in: the connection (and its refresh) is not stored yet.
    client = HubSpotClient(tokens=StaticToken(access_token))
    try:
        owner = client.owner_for_user(user_id)
        if owner is None and email:
            owner = next((o for o in client.list_owners(email=email) if o.user_id == user_id), None)
    except HubSpotError:
        logger.warning("owner lookup failed for HubSpot user %s", user_id)
        return {"owner": None, "owner_lookup_failed": True}
    found = owner if owner is not None and not owner.archived else None
    return {"owner": dataclasses.asdict(found) if found else None, "owner_lookup_failed": False}


@dataclass(frozen=True)
class ConnectionUpdate:
    """A stored connection, and whether HubSpot could say at sign-in if the rep is an owner."""

    connection: HubSpotConnection
    owner_check_failed: bool


def hubspot_connection_update(*, user, token, identity: dict) -> ConnectionUpdate:
    """Store who the rep is in the portal they just signed in through (switching portals if it changed).

    `token` is allauth's SocialToken (access token, refresh token in `token_secret`,
    `expires_at`); `identity` is HubSpot's token introspection without the token itself,
    with the owner lookup of `hubspot_owner_find` added. No HubSpot call happens here.
    """
    user_id, hub_id = int(identity["user_id"]), int(identity["hub_id"])
    email = identity.get("user") or user.email
    owner = Owner(**identity["owner"]) if identity.get("owner") else None
    owner_check_failed = bool(identity.get("owner_lookup_failed"))
    if owner_check_failed:
        # A lookup that failed says nothing new: keep the owner id we knew for this user in this portal.
        owner_id = (
            HubSpotConnection.objects.filter(user=user, hub_id=hub_id, hubspot_user_id=user_id)
            .values_list("owner_id", flat=True)
            .first()
        ) or ""
    else:
        owner_id = owner.id if owner else ""
    connection, _ = HubSpotConnection.objects.update_or_create(
        user=user,
        defaults={
            "hub_id": hub_id,
            "hub_domain": plain_text(identity.get("hub_domain") or ""),  # PostgreSQL refuses NUL
            "hubspot_user_id": user_id,
            "owner_id": owner_id,
            "email": email,
            "scopes": list(identity.get("scopes") or []),
            "access_token": token.token,
            "refresh_token": token.token_secret or "",
            "expires_at": token.expires_at or timezone.now() + timedelta(minutes=30),
            "connected_at": timezone.now(),
        },
    )
    if owner and (owner.first_name or owner.last_name) and not user.get_full_name():
        user.first_name, user.last_name = owner.first_name, owner.last_name
        user.save(update_fields=["first_name", "last_name"])
    return ConnectionUpdate(connection=connection, owner_check_failed=owner_check_failed)


def hubspot_connection_language_remember(*, connection: HubSpotConnection, language: str) -> None:
    """Keep the language the rep books in, for what the app tells them later by email (one write when it changes)."""
    if language and connection.language != language:
        type(connection).objects.filter(pk=connection.pk).update(language=language)
        connection.language = language


def hubspot_connection_disconnect(*, user) -> bool:
    """Revoke the refresh token at HubSpot and forget the tokens; the identity and audit history stay.

    Returns whether HubSpot confirmed the revocation. The tokens are deleted here either
    way: a rep who asked to disconnect must not stay connected because HubSpot was down.
    """
    connection = HubSpotConnection.objects.filter(user=user).first()
    if connection is None or not connection.refresh_token:
        return True
    try:
        revoked = oauth.revoke(connection.refresh_token)
    except HubSpotError:
        revoked = False
    if not revoked:
        logger.warning("revoking the refresh token of user %s failed; deleting it anyway", user.pk)
    HubSpotConnection.objects.filter(pk=connection.pk).update(access_token="", refresh_token="", expires_at=None)
    return revoked


def hubspot_tokens_reencrypt() -> int:
    """Encrypt every stored token again with the newest of TOKEN_ENCRYPTION_KEYS; returns how many connections.

    Afterwards the older keys can be dropped. Each row is rewritten under a row lock, so a token
    refresh running at the same time is not overwritten with the tokens read here.
    """
    reencrypted = 0
    for pk in HubSpotConnection.objects.values_list("pk", flat=True):
        with transaction.atomic():
            connection = HubSpotConnection.objects.select_for_update().filter(pk=pk).first()
            if connection is None:
                continue  # deleted meanwhile
            # Reading decrypted with whichever key fits; saving encrypts with the first.
            connection.save(update_fields=["access_token", "refresh_token"])
            reencrypted += 1
    return reencrypted
