"""Records that were final before the chain existed join it when the migration runs, and verify."""

import uuid
from datetime import UTC, timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from meetings.audit import seal
from meetings.models import MeetingRecord
from tests.audit.conftest import verify
from tests.clock import meeting_start

BEFORE = [("meetings", "0003_reconciliation")]


def migrate(targets) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("latest_schema_afterwards")
def test_records_final_before_the_chain_join_it_in_id_order():
    old_apps = migrate(BEFORE).loader.project_state(BEFORE).apps
    user = old_apps.get_model("auth", "User").objects.create(username="lena", email="lena@example.de")
    start = meeting_start(10).astimezone(UTC)
    for status in ("created", "unknown", "failed", "not_created"):
        old_apps.get_model("meetings", "MeetingRecord").objects.create(
            idempotency_key=uuid.uuid4(), user_id=user.pk, hubspot_user_id=1, owner_id="2", hub_id=3, status=status,
            title=f"Vorher {status}", start_at=start, end_at=start + timedelta(hours=1), time_zone="Europe/Berlin",
            associations=[{"type": "contacts", "id": "4711", "label": "Anna"}], request_payload={"p": 1},
            created_at=timezone.now(), created_week=timezone.now().date(),
        )

    executor = MigrationExecutor(connection)
    migrate(executor.loader.graph.leaf_nodes())

    chained = MeetingRecord.objects.order_by("pk").values_list("status", "audit_seq")
    assert list(chained) == [("created", 1), ("unknown", None), ("failed", 2), ("not_created", 3)]
    assert "checked 3 chain entries" in verify()
    # Sealed as they stood (0013): the worker still checks the open one, and the one not created can be sent again.
    assert all(seal.seal_fits(record) for record in MeetingRecord.objects.all())
