"""Django's and allauth's sign-in backends, with fewer queries per request.

Nearly every page reads `request.user.hubspot` (the nav, the form, the history's scope): fetched with the
user, in one query, rather than in a second one on first use. An admin's pages ask for a permission on
every request: the user's own and their groups' permissions come in one query, not one each.
"""

from __future__ import annotations

from allauth.account import auth_backends as allauth_backends
from django.contrib.auth import backends as django_backends
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db.models import Q


class _FewerQueries:
    def get_user(self, user_id):
        users = get_user_model()._default_manager
        try:
            user = users.select_related("hubspot").get(pk=user_id)
        except users.model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None

    def get_all_permissions(self, user_obj, obj=None):
        # Django's answer (the same cache attribute, inactive and anonymous users have none, a superuser has
        # all), from one query over both ways a permission is held.
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            held = Permission.objects.all()
            if not user_obj.is_superuser:
                held = held.filter(Q(user=user_obj) | Q(group__user=user_obj))
            user_obj._perm_cache = {f"{app}.{codename}" for app, codename in
                                    held.values_list("content_type__app_label", "codename").order_by()}
        return user_obj._perm_cache


class ModelBackend(_FewerQueries, django_backends.ModelBackend):
    """Passwords (the admin's sign-in) and `force_login`."""


class AuthenticationBackend(_FewerQueries, allauth_backends.AuthenticationBackend):
    """HubSpot sign-in through allauth."""
