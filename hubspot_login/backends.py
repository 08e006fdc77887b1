"""Django's and allauth's sign-in backends, but the signed-in user arrives with their HubSpot connection.

Nearly every page reads `request.user.hubspot` (the nav, the form, the history's scope): fetched with the
user, in one query, rather than in a second one on first use.
"""

from __future__ import annotations

from allauth.account import auth_backends as allauth_backends
from django.contrib.auth import backends as django_backends
from django.contrib.auth import get_user_model


class _WithConnection:
    def get_user(self, user_id):
        users = get_user_model()._default_manager
        try:
            user = users.select_related("hubspot").get(pk=user_id)
        except users.model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None


class ModelBackend(_WithConnection, django_backends.ModelBackend):
    """Passwords (the admin's sign-in) and `force_login`."""


class AuthenticationBackend(_WithConnection, allauth_backends.AuthenticationBackend):
    """HubSpot sign-in through allauth."""
