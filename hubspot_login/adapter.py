"""allauth adapters: reps come in through HubSpot only, and sign-in failures are logged without secrets."""

from __future__ import annotations

import logging

from allauth.account.adapter import DefaultAccountAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter

logger = logging.getLogger("hubspot_login")


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        # No local sign-up: accounts are created by signing in with HubSpot.
        return False


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def is_open_for_signup(self, request, sociallogin) -> bool:
        return True

    def on_authentication_error(self, request, provider, error=None, exception=None, extra_context=None) -> None:
        # The exception's text may quote HubSpot's answer; its type and the error code are enough here.
        logger.warning(
            "HubSpot sign-in failed: error=%s exception=%s", error, type(exception).__name__ if exception else "-"
        )
