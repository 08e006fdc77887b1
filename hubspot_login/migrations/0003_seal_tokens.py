# HubSpot tokens are sealed at rest: tokens stored in plain text are encrypted with the first of
# TOKEN_ENCRYPTION_KEYS. Safe to run again: a value that already decrypts is left as it is.
# Reversing decrypts them. The data step runs while the migration state still has plain TextFields,
# so it reads and writes what is stored; the columns stay text, only Python's view of them changes.

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db import migrations

import hubspot_login.fields

TOKEN_FIELDS = ("access_token", "refresh_token")


def _fernet():
    return MultiFernet([Fernet(key) for key in settings.TOKEN_ENCRYPTION_KEYS])


def _decrypted(fernet, value):
    try:
        return fernet.decrypt(value.encode()).decode()
    except InvalidToken:
        return None


def _rewrite_tokens(apps, change):
    """Apply `change` to every non-empty token; a row a sign-in or refresh rewrote meanwhile is left alone."""
    Connection = apps.get_model("hubspot_login", "HubSpotConnection")
    for row in Connection.objects.values("pk", *TOKEN_FIELDS):
        stored = {name: row[name] for name in TOKEN_FIELDS}
        wanted = {name: change(value) if value else value for name, value in stored.items()}
        if wanted != stored:
            Connection.objects.filter(pk=row["pk"], **stored).update(**wanted)


def seal_plain_tokens(apps, schema_editor):
    fernet = _fernet()
    _rewrite_tokens(apps, lambda value: value if _decrypted(fernet, value) is not None
                    else fernet.encrypt(value.encode()).decode())


def unseal_tokens(apps, schema_editor):
    fernet = _fernet()
    _rewrite_tokens(apps, lambda value: _decrypted(fernet, value) or value)


class Migration(migrations.Migration):

    dependencies = [
        ("hubspot_login", "0002_rename_table"),
    ]

    operations = [
        migrations.RunPython(seal_plain_tokens, unseal_tokens),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="hubspotconnection",
                    name="access_token",
                    field=hubspot_login.fields.SealedTextField(blank=True, editable=False),
                ),
                migrations.AlterField(
                    model_name="hubspotconnection",
                    name="refresh_token",
                    field=hubspot_login.fields.SealedTextField(blank=True, editable=False),
                ),
            ],
            database_operations=[],
        ),
    ]
