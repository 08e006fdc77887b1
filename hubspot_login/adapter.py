"""allauth adapters: reps come in through HubSpot only, and sign-in failures are logged without secrets."""

from __future__ import annotations

import logging

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.models import EmailAddress
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.providers.base import AuthProcess
from django.contrib.auth import get_user_model
from django.shortcuts import render

logger = logging.getLogger("hubspot_login")


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        # No local sign-up: accounts are created by signing in with HubSpot.
        return False


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def is_open_for_signup(self, request, sociallogin) -> bool:
        return True

    def pre_social_login(self, request, sociallogin) -> None:
        """Refuse, with a friendly page, a first sign-in that allauth could not finish on its own.

        When auto sign-up is impossible — the HubSpot email already belongs to another
        account here (say, an admin's local account), or HubSpot sent no email — allauth
        would show its own sign-up form, where a rep could pick any address: a local
        sign-up by the back door. It would also park the sign-in, tokens included, in the
        session. Linking to the existing account by email is not an option either: it
        would hand that account (possibly a superuser) to whoever holds the HubSpot login.
        """
        if sociallogin.state.get("process") == AuthProcess.CONNECT:
            # A rep is one HubSpot user; a second one linked to the same account here would
            # never get a HubSpotConnection. Signing in with the other user switches instead.
            self._refuse(request, sociallogin, "connect")
        if sociallogin.is_existing:
            return
        email = sociallogin.email_addresses[0].email if sociallogin.email_addresses else ""
        if not email:
            reason = "no_email"
        elif _email_taken(email):
            reason = "email_taken"
        else:
            return
        self._refuse(request, sociallogin, reason)

    def _refuse(self, request, sociallogin, reason: str) -> None:
        logger.warning("HubSpot sign-in refused for HubSpot user %s: %s", sociallogin.account.uid, reason)
        raise ImmediateHttpResponse(
            render(request, "hubspot_login/sign_in_refused.html", {"reason": reason}, status=409)
        )

    def on_authentication_error(self, request, provider, error=None, exception=None, extra_context=None) -> None:
        # The exception's text may quote HubSpot's answer; its type and the error code are enough here.
        logger.warning(
            "HubSpot sign-in failed: error=%s exception=%s", error, type(exception).__name__ if exception else "-"
        )


def _email_taken(email: str) -> bool:
    return (
        EmailAddress.objects.filter(email__iexact=email).exists()
        or get_user_model().objects.filter(email__iexact=email).exists()
    )


def user_display(user) -> str:
    """How allauth names a person ("Signed in as …"): their name, else their email — never the username."""
    return user.get_full_name() or user.email or user.get_username()
