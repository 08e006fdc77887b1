"""Demo set-up for `make run`: the admins group and a local admin account (development only)."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from meetings.management.commands.grant_meeting_admin import meeting_admins_group

DEMO_ADMIN = ("admin", "admin@example.com", "admin")


class Command(BaseCommand):
    help = "Create the 'Meeting admins' group and, in development only, a superuser admin/admin."

    def handle(self, *args, **options):
        meeting_admins_group()
        if not settings.DEBUG:
            raise CommandError("seed_demo creates a well-known password and runs only with DJANGO_DEBUG=1.")
        username, email, password = DEMO_ADMIN
        users = get_user_model().objects
        if not users.filter(username=username).exists():
            users.create_superuser(username=username, email=email, password=password)
            self.stdout.write(f"Created the demo superuser {username!r} (password {password!r}) for /admin/.")
