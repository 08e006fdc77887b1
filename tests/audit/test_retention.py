"""Retention the admin chooses: older content becomes its digests, and the chain still verifies."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings.audit import chain as audit
from meetings.audit import tasks
from meetings.audit.redaction import CONTENT_FIELDS, audit_retention_apply
from meetings.models import AuditRetention, AuditVerification, MeetingRecord
from tests.audit.conftest import broken, verify

pytestmark = pytest.mark.django_db
Status = MeetingRecord.Status


@pytest.fixture
def old_and_new(lena, final_record):
    now = timezone.now()
    old = [final_record(user=lena, created_at=now - timedelta(days=100), status=status)
           for status in (Status.CREATED, Status.FAILED)]
    new = final_record(user=lena, created_at=now - timedelta(days=10))
    return old, new


def test_bodies_older_than_the_retention_are_redacted_and_the_chain_still_holds(old_and_new):
    old, new = old_and_new
    AuditRetention.objects.update_or_create(pk=1, defaults={"body_days": 90})
    digests_before = MeetingRecord.objects.get(pk=old[0].pk).audit_digests

    assert audit_retention_apply() == 2

    redacted = MeetingRecord.objects.get(pk=old[0].pk)
    assert redacted.title == "[redacted]" and redacted.request_payload == {"redacted": True}
    assert redacted.associations == [] and redacted.response_body == {"redacted": True}
    assert redacted.search_text == ""
    assert redacted.audit_redactions == dict.fromkeys(CONTENT_FIELDS, "retention")
    assert redacted.audit_digests == digests_before
    assert redacted.hubspot_meeting_id and redacted.status == Status.CREATED  # what it proves stays
    assert MeetingRecord.objects.get(pk=old[1].pk).error_message == "[redacted]"
    assert MeetingRecord.objects.get(pk=new.pk).title == new.title
    assert "checked 3 chain entries" in verify()
    assert audit_retention_apply() == 0  # done once


def test_the_default_keeps_a_year(old_and_new):
    assert audit_retention_apply() == 0


def test_open_records_keep_their_bodies_for_reconciliation(lena):
    from tests.audit.conftest import finalise, open_record

    AuditRetention.objects.create(pk=1, body_days=1)
    unknown = finalise(open_record(user=lena, created_at=timezone.now() - timedelta(days=3)), Status.UNKNOWN)

    assert audit_retention_apply() == 0
    assert MeetingRecord.objects.get(pk=unknown.pk).request_payload == unknown.request_payload


def test_a_value_put_back_into_a_redacted_field_is_an_edit(old_and_new):
    old, _new = old_and_new
    AuditRetention.objects.create(pk=1, body_days=90)
    audit_retention_apply()
    MeetingRecord.objects.filter(pk=old[0].pk).update(title="Etwas anderes")

    assert f"meeting record {old[0].pk}: edited: title is marked redacted but holds a value" in broken()


def test_redaction_cannot_be_claimed_for_what_the_chain_must_keep(old_and_new):
    _old, new = old_and_new
    MeetingRecord.objects.filter(pk=new.pk).update(status="failed", audit_redactions={"status": "retention"})

    assert f"meeting record {new.pk}: edited: status is marked redacted but may not be" in broken()


def test_a_redaction_citing_no_erasure_is_an_edit(old_and_new):
    _old, new = old_and_new
    audit.redact([new.pk], ("title",), "erasure:999")

    assert "which no chained erasure covers" in broken()


def test_the_admin_sets_the_retention_in_the_django_admin(client, django_user_model):
    root = django_user_model.objects.create_superuser("root", "root@example.com", "pw")
    client.force_login(root)

    listing = client.get(reverse("admin:meetings_auditretention_changelist"))
    changed = client.post(reverse("admin:meetings_auditretention_change", args=[1]), {"body_days": "90"})
    refused = client.post(reverse("admin:meetings_auditretention_change", args=[1]), {"body_days": "0"})

    assert listing.status_code == 200 and changed.status_code == 302
    assert refused.status_code == 200 and AuditRetention.objects.get().body_days == 90
    assert client.get(reverse("admin:meetings_auditretention_add")).status_code == 403  # one row only


def test_the_worker_verifies_and_applies_retention_and_keeps_both_scheduled(old_and_new, run_due_tasks):
    from django.tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    AuditRetention.objects.create(pk=1, body_days=90)

    run_due_tasks()

    assert MeetingRecord.objects.get(pk=old_and_new[0][0].pk).title == "[redacted]"
    assert AuditVerification.objects.get().holds
    waiting = DBTaskResult.objects.filter(status=TaskResultStatus.READY)
    for periodic in (tasks.verify_audit_chain, tasks.apply_audit_retention):
        later = waiting.get(task_path=periodic.module_path)
        assert later.run_after > timezone.now() + timedelta(hours=23)
