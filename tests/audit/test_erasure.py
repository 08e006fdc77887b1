"""Erasing one person: their data becomes digests, the erasure is logged in the chain, and it still verifies."""

from io import StringIO

import pytest
from allauth.socialaccount.models import SocialAccount
from django.core.management import call_command
from django.core.management.base import CommandError

from hubspot_login.models import HubSpotConnection
from meetings.audit import chain as audit
from meetings.models import AuditErasure, MeetingRecord
from tests.audit.conftest import broken, finalise, open_record, verify

pytestmark = pytest.mark.django_db
Status = MeetingRecord.Status


def erase(*args) -> str:
    out = StringIO()
    call_command("erase_person", *args, "--by", "Datenschutz", stdout=out)
    return out.getvalue()


def test_a_contacts_request_redacts_their_meetings_only(lena, jonas, final_record):
    theirs = [final_record(user=lena, contact_id="4711"), final_record(user=jonas, contact_id="4711")]
    other = final_record(user=lena, contact_id="47110")  # a longer id that contains theirs
    still_open = finalise(open_record(user=lena, contact_id="4711"), Status.UNKNOWN)

    output = erase("--contact", "4711")

    log = AuditErasure.objects.get()
    assert f"Erasure {log.pk} (chain sequence 4): 2 records redacted" in output
    assert "1 records are still being settled" in output
    assert sorted(log.record_ids) == sorted(r.pk for r in theirs)
    assert log.subject_digest == audit.subject_digest("contact", "4711")
    # The contact's id itself is kept nowhere on the log (its digest and timestamp may contain the digits by chance).
    kept = {name: value for name, value in log.__dict__.items() if name not in ("subject_digest", "_state")}
    assert not any(str(value) == "4711" or "4711" in str(value).split(":") for value in kept.values()), kept
    for record in MeetingRecord.objects.filter(pk__in=log.record_ids):
        assert record.title == "[redacted]" and record.associations == []
        assert record.audit_redactions["request_payload"] == f"erasure:{log.pk}"
    assert MeetingRecord.objects.get(pk=other.pk).title == other.title
    assert MeetingRecord.objects.get(pk=still_open.pk).request_payload == still_open.request_payload
    assert "checked 4 chain entries" in verify()


def test_a_rep_who_left_is_anonymised_and_the_chain_still_holds(rep, final_record):
    records = [final_record(user=rep), final_record(user=rep, status=Status.FAILED)]
    SocialAccount.objects.create(user=rep, provider="hubspot", uid="5120001", extra_data={"email": rep.email})
    email = rep.email

    erase("--user", email.upper())

    rep.refresh_from_db()
    assert (rep.email, rep.first_name, rep.is_active, rep.has_usable_password()) == ("", "", False, False)
    assert not HubSpotConnection.objects.filter(user=rep).exists() and not SocialAccount.objects.exists()
    for record in MeetingRecord.objects.filter(pk__in=[r.pk for r in records]):
        assert (record.hubspot_user_id, record.owner_id) == (0, "[redacted]")
        assert record.title == records[0].title or record.status == Status.FAILED  # the meeting stays
    log = AuditErasure.objects.get()
    assert log.subject_kind == "rep" and log.requested_by == "Datenschutz" and log.audit_seq == 3
    assert email not in str(list(MeetingRecord.objects.values())) + str(list(AuditErasure.objects.values()))
    verify()


def test_the_erasure_log_is_itself_in_the_chain(lena, final_record):
    final_record(user=lena, contact_id="4711")
    erase("--contact", "4711")
    log = AuditErasure.objects.get()

    AuditErasure.objects.filter(pk=log.pk).update(requested_by="jemand anderes")

    assert f"sequence 2, erasure {log.pk}: edited: requested_by no longer matches its digest" in broken()


def test_an_erasure_log_emptied_or_deleted_leaves_its_redactions_unexplained(lena, final_record):
    record = final_record(user=lena, contact_id="4711")
    erase("--contact", "4711")
    log = AuditErasure.objects.get()
    unexplained = f"meeting record {record.pk}: edited: title is redacted for 'erasure:{log.pk}', which no chained"

    AuditErasure.objects.update(record_ids=[])
    assert unexplained in broken()
    AuditErasure.objects.all().delete()
    assert unexplained in broken()


def test_a_deleted_erasure_log_is_a_gap(lena, final_record):
    final_record(user=lena, contact_id="4711")
    erase("--contact", "0815")  # nobody's meetings: an erasure that redacted nothing
    after = final_record(user=lena)

    AuditErasure.objects.all().delete()

    assert f"sequence 3, meeting record {after.pk}: gap: sequence 2 is missing" in broken()


def test_unknown_people_are_refused_by_name(db):
    with pytest.raises(CommandError, match="No user with the email address 'weg@example.de'"):
        erase("--user", "weg@example.de")
    with pytest.raises(CommandError, match="contact id is a number"):
        erase("--contact", "anna")
    assert not AuditErasure.objects.exists()


@pytest.mark.parametrize("kind", ["contact", "rep"])
def test_an_erasure_undone_from_a_backup_is_named(rep, final_record, kind):
    records = [final_record(user=rep, contact_id="4711"), final_record(user=rep, contact_id="4711")]
    backup = {r.pk: MeetingRecord.objects.values().get(pk=r.pk) for r in records}
    erase("--contact", "4711") if kind == "contact" else erase("--user", rep.email)
    log = AuditErasure.objects.get()
    verify()
    # The values restored from the backup fit their digests again, and the redaction marks are cleared.
    restored = backup[records[1].pk]
    MeetingRecord.objects.filter(pk=records[1].pk).update(
        **{name: restored[name] for name in log.redacted_fields}, audit_redactions={})

    message = broken()

    assert f"sequence 3, meeting record {records[1].pk}: erasure undone: erasure {log.pk} redacted its " \
           f"{', '.join(log.redacted_fields)}, which no longer are" in message
