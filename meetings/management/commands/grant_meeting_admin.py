"""Make a user a meeting admin: they see every rep's records, may export them and publish team templates."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.management.base import BaseCommand, CommandError

GROUP_NAME = "Meeting admins"
ADMIN_PERMISSIONS = ["view_all_meeting_records", "manage_team_meeting_templates"]


def meeting_admins_group() -> Group:
    group, _ = Group.objects.get_or_create(name=GROUP_NAME)
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="meetings", codename__in=ADMIN_PERMISSIONS)
    )
    return group


class Command(BaseCommand):
    help = (f'Add a user (by email or username) to the "{GROUP_NAME}" group, which may view all meeting records '
            "and publish team templates.")

    def add_arguments(self, parser):
        parser.add_argument("user", help="email address or username")
        parser.add_argument("--revoke", action="store_true", help="remove the user from the group instead")

    def handle(self, *args, user: str, revoke: bool, **options):
        users = get_user_model().objects
        found = users.filter(email__iexact=user).first() or users.filter(username=user).first()
        if found is None:
            raise CommandError(f"No user with email or username {user!r}. They sign in with HubSpot once first.")
        group = meeting_admins_group()
        if revoke:
            found.groups.remove(group)
            self.stdout.write(f"{found} is no longer a meeting admin.")
        else:
            found.groups.add(group)
            self.stdout.write(f"{found} is now a meeting admin (group {GROUP_NAME!r}).")
