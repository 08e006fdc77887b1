"""The chain over final records: intact it verifies; edited, deleted, inserted or re-ordered it names the record."""

import uuid

import pytest
from django.db import connection, transaction
from django.urls import reverse

from meetings.audit import chain as audit
from meetings.booking import reconciliation
from meetings.booking.services import meeting_create
from meetings.models import AuditChainHead, AuditVerification, MeetingRecord
from tests.audit.conftest import broken, finalise, meeting_input, open_record, verify

pytestmark = pytest.mark.django_db
Status = MeetingRecord.Status


@pytest.fixture
def chain(lena, final_record):
    """Five final records of every final kind, in the order they were finalised."""
    return [final_record(user=lena, status=status, title=f"Meeting {n}") for n, status in
            enumerate([Status.CREATED, Status.FAILED, Status.CREATED, Status.CREATED, Status.FAILED])]


def test_an_untouched_chain_verifies_and_says_how_many_and_how_long(chain):
    output = verify()

    assert "The audit chain holds: checked 5 chain entries in" in output
    assert f"last sequence 5, link {chain[-1].audit_link}" in output
    assert [r.audit_seq for r in MeetingRecord.objects.order_by("pk")] == [1, 2, 3, 4, 5]
    assert AuditVerification.objects.get().holds


def test_a_final_record_takes_the_next_number_and_links_to_the_one_before(chain):
    first, second = (MeetingRecord.objects.get(pk=r.pk) for r in chain[:2])
    kid, key = audit.signing_key()

    digest = audit.entry_digest("record", second.pk, 2, kid, second.audit_digests)
    assert second.audit_link == audit.link_of(key, first.audit_link, digest)
    assert set(second.audit_digests) == set(audit.RECORD_FIELDS)
    assert AuditChainHead.objects.get().length == 5


def test_open_records_wait_outside_the_chain_until_reconciliation_settles_them(lena, final_record):
    unknown = finalise(open_record(user=lena), Status.UNKNOWN)
    pending = open_record(user=lena)
    assert unknown.audit_seq is None and pending.audit_seq is None
    verify()

    with transaction.atomic():
        reconciliation._settle(unknown, [{"at": "then", "found": []}], Status.NOT_CREATED)

    unknown.refresh_from_db()
    assert unknown.status == Status.NOT_CREATED and unknown.audit_seq == 1
    assert "checked 1 chain entries" in verify()


def test_a_meeting_created_through_the_service_is_chained(rep, sandbox):
    attempt = meeting_create(user=rep, data=meeting_input("Über den Dienst"), idempotency_key=uuid.uuid4())

    assert attempt.record.is_created and attempt.record.audit_seq == 1
    assert MeetingRecord.objects.get().audit_link == attempt.record.audit_link
    verify()


def test_a_title_changed_in_the_database_is_named(chain):
    MeetingRecord.objects.filter(pk=chain[2].pk).update(title="Harmlos")

    message = broken()

    assert f"sequence 3, meeting record {chain[2].pk}: edited: title no longer matches its digest" in message
    assert not AuditVerification.objects.get().holds


def test_raw_sql_edits_are_found_too(chain):
    with connection.cursor() as cursor:
        cursor.execute("UPDATE meetings_meetingrecord SET status = %s WHERE id = %s", ["created", chain[1].pk])

    assert f"meeting record {chain[1].pk}: edited: status no longer matches its digest" in broken()


def test_a_digest_rewritten_to_fit_an_edit_breaks_the_link(chain):
    record = MeetingRecord.objects.get(pk=chain[3].pk)
    _kid, key = audit.signing_key()  # an attacker without the key cannot even do this much
    digests = {**record.audit_digests, "title": audit.field_digest(key, "title", "Harmlos")}
    MeetingRecord.objects.filter(pk=record.pk).update(title="Harmlos", audit_digests=digests)

    assert f"meeting record {record.pk}: wrong link" in broken()


def test_the_stored_entry_digest_is_the_one_the_link_signs_and_an_edit_of_it_is_named(chain):
    record = MeetingRecord.objects.get(pk=chain[1].pk)
    assert record.audit_entry_digest == audit.entry_digest(
        "record", record.pk, record.audit_seq, record.audit_key_id, record.audit_digests)

    MeetingRecord.objects.filter(pk=record.pk).update(audit_entry_digest="0" * 64)

    assert f"meeting record {record.pk}: edited: its stored entry digest no longer fits" in broken()


def test_a_deleted_record_leaves_a_gap_named_by_the_record_after_it(chain):
    MeetingRecord.objects.filter(pk=chain[1].pk).delete()

    message = broken()

    assert f"sequence 3, meeting record {chain[2].pk}: gap: sequence 2 is missing before it" in message


def test_deleting_the_newest_records_is_found_by_the_head(chain):
    MeetingRecord.objects.filter(pk__in=[chain[3].pk, chain[4].pk]).delete()

    assert "the head counts 5 entries but the chain ends at 3 (tail deleted)" in broken()


def test_a_tail_deleted_with_its_head_is_found_by_the_last_verification(chain):
    verify()
    MeetingRecord.objects.filter(pk=chain[4].pk).delete()
    AuditChainHead.objects.update(length=4, last_link=chain[3].audit_link)

    assert "the chain verified up to 5" in broken()


def test_a_final_record_inserted_beside_the_chain_is_named(chain, lena):
    forged = open_record(user=lena, title="Nachträglich")
    MeetingRecord.objects.filter(pk=forged.pk).update(status=Status.CREATED)

    assert f"meeting record {forged.pk}: missing: final, but not in the chain" in broken()


def test_swapped_sequence_numbers_break_the_chain_where_the_first_moved(chain):
    a, b = chain[1].pk, chain[2].pk
    MeetingRecord.objects.filter(pk=a).update(audit_seq=99)
    MeetingRecord.objects.filter(pk=b).update(audit_seq=2)
    MeetingRecord.objects.filter(pk=a).update(audit_seq=3)

    assert f"sequence 2, meeting record {b}: wrong link" in broken()


@pytest.mark.django_db(transaction=True)  # outside the test's own transaction, as in production
def test_appending_outside_the_finalising_transaction_is_refused(lena):
    record = open_record(user=lena)
    MeetingRecord.objects.filter(pk=record.pk).update(status=Status.CREATED)

    with pytest.raises(RuntimeError, match="inside the transaction"):
        audit.chain_append(record)


def test_the_admins_page_shows_the_chains_state(client, admin_user, chain):
    client.force_login(admin_user)
    assert "The audit trail has not been verified yet." in client.get(reverse("history_all")).content.decode()

    verify()
    assert "the chain holds, 5 meeting records checked." in client.get(reverse("history_all")).content.decode()

    MeetingRecord.objects.filter(pk=chain[0].pk).update(title="Harmlos")
    broken()
    page = client.get(reverse("history_all"), HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Prüfpfad gebrochen (geprüft am" in page  # in the admin's language
    assert f"meeting record {chain[0].pk} passt nicht — edited: title no longer matches its digest" in page


def test_reps_do_not_see_the_chain_state(client, lena, chain):
    client.force_login(lena)

    assert 'data-testid="audit-state"' not in client.get(reverse("history_mine")).content.decode()


def test_a_new_key_starts_a_segment_signed_by_both(settings, lena, final_record, chain):
    old = settings.AUDIT_CHAIN_KEYS[0]
    settings.AUDIT_CHAIN_KEYS = ["a-brand-new-audit-chain-key-after-rotation", old]

    rotated = final_record(user=lena)
    after = final_record(user=lena)

    assert rotated.audit_bridge and not after.audit_bridge
    assert rotated.audit_key_id != chain[-1].audit_key_id
    assert "checked 7 chain entries" in verify()
    settings.AUDIT_CHAIN_KEYS = ["a-brand-new-audit-chain-key-after-rotation"]
    message = broken()
    assert f"sequence 1, meeting record {chain[0].pk}: signed with key id" in message
    assert "which AUDIT_CHAIN_KEY does not hold" in message


def test_a_key_change_without_the_old_keys_signature_is_refused(settings, lena, final_record, chain):
    settings.AUDIT_CHAIN_KEYS = ["a-brand-new-audit-chain-key-after-rotation", settings.AUDIT_CHAIN_KEYS[0]]
    rotated = final_record(user=lena)
    MeetingRecord.objects.filter(pk=rotated.pk).update(audit_bridge="")

    assert f"meeting record {rotated.pk}: wrong link: the key changes here without a link signed by the previous key" \
        in broken()
