"""The migration that seals tokens stored in plain text: it encrypts them, tolerates sealed ones, and reverses."""

import importlib

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from hubspot_login.fields import seal
from hubspot_login.models import HubSpotConnection
from tests.login.test_tokens_at_rest import stored_rows

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("latest_schema_afterwards")]

PLAIN = [("hubspot_login", "0002_rename_table")]
SEALED = [("hubspot_login", "0003_seal_tokens")]
sealing = importlib.import_module("hubspot_login.migrations.0003_seal_tokens")


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(targets).apps


def connection_as_stored_before(apps, **tokens):
    user = apps.get_model("auth", "User").objects.create(username="lena@example.de")
    return apps.get_model("hubspot_login", "HubSpotConnection").objects.create(
        user_id=user.pk, hub_id=24681357, hubspot_user_id=5120001, **tokens
    )


def as_read_now() -> HubSpotConnection:
    """The connection through today's model, reading only the tokens: later migrations' columns are not there yet."""
    return HubSpotConnection.objects.only("access_token", "refresh_token").get()


def test_plain_tokens_are_sealed_and_reversing_unseals_them():
    plain_apps = migrate(PLAIN)
    connection_as_stored_before(plain_apps, access_token="plain-access", refresh_token="")

    migrate(SEALED)
    sealed_rows = stored_rows()
    migrate(PLAIN)
    unsealed = plain_apps.get_model("hubspot_login", "HubSpotConnection").objects.values_list(
        "access_token", "refresh_token").get()
    migrate(SEALED)

    assert "plain-access" not in sealed_rows and "'gAAAAA" in sealed_rows
    assert unsealed == ("plain-access", "")
    stored = as_read_now()
    assert (stored.access_token, stored.refresh_token) == ("plain-access", "")


def test_sealing_again_leaves_sealed_tokens_as_they_are():
    plain_apps = migrate(PLAIN)
    # A token the new code sealed before the migration ran, beside one still in plain text.
    connection_as_stored_before(plain_apps, access_token=seal("sealed-access"), refresh_token="plain-refresh")

    sealing.seal_plain_tokens(plain_apps, None)
    sealing.seal_plain_tokens(plain_apps, None)
    migrate(SEALED)  # and once more

    stored = as_read_now()
    assert (stored.access_token, stored.refresh_token) == ("sealed-access", "plain-refresh")
    assert "plain-refresh" not in stored_rows()
