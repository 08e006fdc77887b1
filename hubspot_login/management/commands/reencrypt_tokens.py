"""Re-encrypt every stored HubSpot token with the newest key, the step between adding a key and dropping the old one."""

from django.core.management.base import BaseCommand

from hubspot_login.services import hubspot_tokens_reencrypt


class Command(BaseCommand):
    help = (
        "Encrypt every stored HubSpot token again with the first of TOKEN_ENCRYPTION_KEYS. "
        "Rotation: put the new key first, run this, then drop the old key."
    )

    def handle(self, *args, **options):
        count = hubspot_tokens_reencrypt()
        self.stdout.write(f"Re-encrypted the tokens of {count} HubSpot connection(s) with the newest key.")
