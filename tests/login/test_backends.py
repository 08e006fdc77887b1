"""The sign-in backends (hubspot_login/backends.py): Django's answers, in fewer queries."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hubspot_login.backends import AuthenticationBackend, ModelBackend

pytestmark = pytest.mark.django_db
VIEW_ALL = "meetings.view_all_meeting_records"


def fresh(user):
    """The user as the next request finds them (no permissions remembered on the object)."""
    return ModelBackend().get_user(user.pk)


def test_the_user_comes_with_their_connection_read_by_key(rep):
    with CaptureQueriesContext(connection) as fetched:
        user = AuthenticationBackend().get_user(rep.pk)
    with CaptureQueriesContext(connection) as used:
        assert user.hubspot.hub_id == rep.hubspot.hub_id
        assert user.hubspot.access_token == rep.hubspot.access_token  # decrypted as the field reads it
        assert user.hubspot.scopes == rep.hubspot.scopes and user.email == rep.email

    assert (len(fetched), len(used)) == (2, 0)  # the user and their connection, and nothing more on use


def test_a_user_without_a_connection_or_gone_is_answered_as_django_would(django_user_model):
    user = django_user_model.objects.create_user("anna", "anna@example.de")

    assert not hasattr(ModelBackend().get_user(user.pk), "hubspot")
    assert ModelBackend().get_user(user.pk + 1000) is None
    user.is_active = False
    user.save()
    assert ModelBackend().get_user(user.pk) is None


def test_permissions_held_directly_or_through_a_group_are_read_in_one_query(django_user_model):
    direct, grouped, neither = (django_user_model.objects.create_user(name) for name in ("direct", "grouped", "neither"))
    view_all = Permission.objects.get(content_type__app_label="meetings", codename="view_all_meeting_records")
    direct.user_permissions.add(view_all)
    admins = Group.objects.create(name="Meeting admins")
    admins.permissions.add(view_all)
    grouped.groups.add(admins)

    with CaptureQueriesContext(connection) as queries:
        answers = [fresh(user).has_perm(VIEW_ALL) for user in (direct, grouped, neither)]

    assert answers == [True, True, False]
    assert len(queries) == 3 * 3  # per user: the user, their connection, then their permissions in one


def test_superusers_hold_every_permission_and_inactive_users_none(django_user_model):
    boss = django_user_model.objects.create_superuser("boss", "boss@example.de", "x")
    gone = django_user_model.objects.create_user("gone", is_active=False)
    gone.user_permissions.add(Permission.objects.get(codename="view_all_meeting_records"))

    assert fresh(boss).has_perm(VIEW_ALL) and fresh(boss).has_perm("auth.delete_user")
    assert not ModelBackend().has_perm(gone, VIEW_ALL)
    assert ModelBackend().get_all_permissions(gone) == set()
