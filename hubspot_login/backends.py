"""Django's and allauth's sign-in backends, with fewer queries per request.

Nearly every page reads `request.user.hubspot` (the nav, the form, the history's scope): it comes with the
user, read by key beside them, rather than on first use. An admin's pages ask for a permission on
every request: the user's own and their groups' permissions come in one query, not one each.
"""

from __future__ import annotations

from allauth.account import auth_backends as allauth_backends
from django.contrib.auth import backends as django_backends
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db import connection
from django.db.models import Q

from hubspot_login.models import HubSpotConnection

_BY_KEY = "SELECT * FROM {} WHERE {} = %s"


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


class _FewerQueries:
    def get_user(self, user_id):
        # Two plain reads by key: composing the ORM's join of both tables cost more CPU than the two reads
        # together (1.5 against 1.0 ms on PostgreSQL), on every signed-in request.
        user_model = get_user_model()
        users = user_model._default_manager.raw(_BY_KEY.format(_table(user_model), user_model._meta.pk.column),
                                                [user_id])
        user = next(iter(users), None)
        if user is None or not self.user_can_authenticate(user):
            return None
        hubspot = HubSpotConnection.objects.raw(_BY_KEY.format(_table(HubSpotConnection), "user_id"), [user.pk])
        user_model.hubspot.related.set_cached_value(user, next(iter(hubspot), None))  # None too, as select_related
        return user

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
