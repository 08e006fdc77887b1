"""After a HubSpot sign-in: store the connection and tell the rep who they book as (no HubSpot call here)."""

from __future__ import annotations

from allauth.account.signals import user_logged_in
from django.contrib import messages
from django.dispatch import receiver
from django.utils.translation import gettext as _

from hubspot_login.services import hubspot_connection_update


@receiver(user_logged_in)
def store_hubspot_connection(sender, request, user, sociallogin=None, **kwargs) -> None:
    if sociallogin is None or sociallogin.account.provider != "hubspot" or sociallogin.token is None:
        return
    update = hubspot_connection_update(user=user, token=sociallogin.token, identity=sociallogin.account.extra_data)
    connection = update.connection
    portal = connection.hub_domain or connection.hub_id
    if update.owner_check_failed and not connection.is_owner:
        messages.warning(request, _("HubSpot could not tell us your owner id just now. Sign in again in a moment."))
    elif not connection.is_owner:
        messages.error(request, _(
            "You are signed in, but your HubSpot user %(user_id)s is not an owner in the portal %(portal)s, "
            "so you cannot create meetings there. Ask a HubSpot super admin to make you an owner."
        ) % {"user_id": connection.hubspot_user_id, "portal": portal})
    else:
        messages.success(request, _(
            "You book as %(name)s — user %(user_id)s, owner %(owner_id)s, portal %(portal)s."
        ) % {
            "name": user.get_full_name() or connection.email, "user_id": connection.hubspot_user_id,
            "owner_id": connection.owner_id, "portal": portal,
        })
