"""HubSpot tokens are encrypted in the database; a new key keeps reps connected, and the old one can then go."""

from io import StringIO

import pytest
from cryptography.fernet import Fernet
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection as database

from hubspot_login.models import HubSpotConnection
from hubspot_login.tokens import hubspot_client
from tests.login.conftest import refreshes

pytestmark = pytest.mark.django_db

FERNET_START = "'gAAAAA"  # how every Fernet token begins, quoted as repr() shows a column


def stored_rows() -> str:
    """The connections table as the database holds it, every column of every row."""
    table = database.ops.quote_name(HubSpotConnection._meta.db_table)
    with database.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table}")
        return repr(cursor.fetchall())


def call_hubspot_as_the_rep() -> list:
    """A HubSpot call with the tokens as stored now (a fresh read of the rep and their connection)."""
    return hubspot_client(get_user_model().objects.get()).list_owners()


def test_a_signed_in_reps_tokens_are_not_in_the_table(signed_in):
    connection = HubSpotConnection.objects.get()

    rows = stored_rows()

    assert connection.has_tokens
    assert connection.access_token not in rows and connection.refresh_token not in rows
    assert rows.count(FERNET_START) == 2


def test_cleared_tokens_are_stored_empty(signed_in):
    HubSpotConnection.objects.update(access_token="", refresh_token="")

    assert not HubSpotConnection.objects.get().has_tokens
    assert FERNET_START not in stored_rows()


def test_a_new_key_first_keeps_the_rep_connected_and_after_reencrypting_the_old_key_can_go(
    signed_in, hubspot, settings
):
    old_key, new_key = settings.TOKEN_ENCRYPTION_KEYS[0], Fernet.generate_key().decode()
    before = stored_rows()

    settings.TOKEN_ENCRYPTION_KEYS = [new_key, old_key]
    assert call_hubspot_as_the_rep()
    output = StringIO()
    call_command("reencrypt_tokens", stdout=output)
    settings.TOKEN_ENCRYPTION_KEYS = [new_key]

    assert call_hubspot_as_the_rep()
    assert refreshes(hubspot) == 0  # the stored tokens did the work, not fresh ones
    assert "tokens of 1 HubSpot connection(s)" in output.getvalue()
    assert stored_rows() != before
    settings.TOKEN_ENCRYPTION_KEYS = [old_key]
    with pytest.raises(ImproperlyConfigured, match="TOKEN_ENCRYPTION_KEYS"):
        HubSpotConnection.objects.get()
