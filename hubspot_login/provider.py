from __future__ import annotations

from allauth.socialaccount.providers.hubspot.provider import HubspotProvider
from django.conf import settings

from hubspot_login.views import HubSpotOAuth2Adapter


class HubSpotProvider(HubspotProvider):
    """Same id as allauth's ("hubspot"), which is therefore not installed; scopes from settings."""

    name = "HubSpot"
    oauth2_adapter_class = HubSpotOAuth2Adapter
    pkce_enabled_default = True

    def get_default_scope(self) -> list[str]:
        return list(settings.HUBSPOT_SCOPES)


provider_classes = [HubSpotProvider]
