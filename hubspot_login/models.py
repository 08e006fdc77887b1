"""Who a rep is in HubSpot, and the tokens to act as them."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hubspot_login.fields import SealedTextField


class HubSpotConnection(models.Model):
    """Who a rep is in HubSpot, in the portal they signed in through, and the tokens to act as them.

    HubSpot has two ids per person: the *user* id (`organizerUserId` of a meeting)
    and the *owner* id (`hubspot_owner_id`, attendees). Mixing them up is the most
    common failure against the scheduler API, so both are kept, named apart.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="hubspot", verbose_name=_("user")
    )
    hub_id = models.BigIntegerField(_("portal (hub) id"))
    hub_domain = models.CharField(_("portal domain"), max_length=255, blank=True)
    hubspot_user_id = models.BigIntegerField(_("HubSpot user id"))
    owner_id = models.CharField(
        _("HubSpot owner id"), max_length=32, blank=True, help_text=_("Empty when the user is no owner in the portal.")
    )
    email = models.EmailField(_("email"), blank=True)
    scopes = models.JSONField(_("granted scopes"), default=list, blank=True)
    language = models.CharField(_("language"), max_length=16, blank=True,
                                help_text=_("The language the rep last booked in: emails to them speak it."))
    # Tokens are credentials: encrypted in the database, never logged, rendered or copied into audit records.
    access_token = SealedTextField(blank=True, editable=False)
    refresh_token = SealedTextField(blank=True, editable=False)
    expires_at = models.DateTimeField(null=True, blank=True, editable=False)
    connected_at = models.DateTimeField(_("connected at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("HubSpot connection")
        verbose_name_plural = _("HubSpot connections")

    def __str__(self) -> str:
        return f"{self.email or self.user} @ {self.hub_domain or self.hub_id}"

    def __repr__(self) -> str:
        # Keeps tokens out of tracebacks and debug output.
        return f"<HubSpotConnection user={self.user_id} hub={self.hub_id} hubspot_user={self.hubspot_user_id}>"

    @property
    def is_owner(self) -> bool:
        return bool(self.owner_id)

    @property
    def has_tokens(self) -> bool:
        return bool(self.access_token and self.refresh_token)

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes

    def token_expires_within(self, seconds: int) -> bool:
        return self.expires_at is None or self.expires_at <= timezone.now() + timedelta(seconds=seconds)


class ParkedForm(models.Model):
    """A form kept while its rep signs in again (hubspot_login/flows.py): one row, deleted when it is restored
    or an hour after it was parked. Keys are stored as digests: the row alone does not bring a form back."""

    key_digest = models.CharField(max_length=64, unique=True)
    path = models.CharField(max_length=2000)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE,
                             related_name="+")
    browser_digest = models.CharField(max_length=64)
    # The client's address (an IPv6 client's /64 network): what the caps count.
    address = models.CharField(max_length=64)
    data = models.JSONField()
    size = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        indexes = [models.Index(fields=["address", "created_at"], name="parked_form_address")]

    def __str__(self) -> str:
        return f"form parked for {self.path} until {self.expires_at:%Y-%m-%d %H:%M}"
