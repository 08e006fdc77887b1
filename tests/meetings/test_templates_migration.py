"""Meeting admins made before templates existed may publish team templates after the migration."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("meetings", "0005_record_queued_for_worker")]


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("latest_schema_afterwards")
def test_the_meeting_admins_group_gets_the_team_template_permission():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old_apps = executor.loader.project_state(BEFORE).apps
    old_apps.get_model("auth", "Group").objects.create(name="Meeting admins")
    old_apps.get_model("auth", "Group").objects.create(name="Others")

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    admins, others = Group.objects.get(name="Meeting admins"), Group.objects.get(name="Others")
    assert list(admins.permissions.values_list("codename", flat=True)) == ["manage_team_meeting_templates"]
    assert not others.permissions.exists()
