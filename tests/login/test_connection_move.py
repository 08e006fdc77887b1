"""Moving HubSpotConnection from meetings to hubspot_login keeps every stored connection."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("latest_schema_afterwards")]

BEFORE = [("hubspot_login", None), ("meetings", "0001_initial")]
AFTER = [("meetings", "0002_hubspotconnection_moved"), ("hubspot_login", "0002_rename_table")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state([t for t in targets if t[1] is not None]).apps


def test_a_connection_stored_before_the_move_is_there_after_it(django_user_model):
    old_apps = migrate(BEFORE)
    user = old_apps.get_model("auth", "User").objects.create(username="lena@example.de")
    old_apps.get_model("meetings", "HubSpotConnection").objects.create(
        user_id=user.pk, hub_id=24681357, hubspot_user_id=5120001, owner_id="71234500101",
        access_token="a-token", refresh_token="r-token",
    )

    new_apps = migrate(AFTER)

    moved = new_apps.get_model("hubspot_login", "HubSpotConnection").objects.get()
    assert (moved.user_id, moved.owner_id, moved.refresh_token) == (user.pk, "71234500101", "r-token")
    assert "hubspot_login_hubspotconnection" in connection.introspection.table_names()
    assert "meetings_hubspotconnection" not in connection.introspection.table_names()
