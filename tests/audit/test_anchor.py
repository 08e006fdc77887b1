"""The chain's end cannot be cut back unseen: verifications are sealed, and each one that holds writes the head
where the database cannot reach it (the log, AUDIT_ANCHOR_FILE, AUDIT_ANCHOR_EMAILS); `--anchor` checks one."""

from __future__ import annotations

import logging

import pytest

from meetings.audit import chain as audit
from meetings.models import AuditChainHead, AuditVerification, MeetingRecord
from tests.audit.conftest import broken, verify

pytestmark = pytest.mark.django_db
Status = MeetingRecord.Status


@pytest.fixture
def chain(lena, final_record):
    return [final_record(user=lena, title=f"Meeting {n}") for n in range(5)]


def cut_tail(chain, keep: int) -> None:
    """What someone with the database does to shorten the trail: the newest records gone, the head set back."""
    MeetingRecord.objects.filter(pk__in=[r.pk for r in chain[keep:]]).delete()
    last = MeetingRecord.objects.get(pk=chain[keep - 1].pk)
    AuditChainHead.objects.update(length=keep, last_link=last.audit_link)


def test_the_tail_cut_with_the_head_and_verifications_set_back_is_found(chain):
    verify()
    anchor = f"5:{chain[-1].audit_link}"
    cut_tail(chain, 3)
    verification = AuditVerification.objects.get()
    AuditVerification.objects.update(head_seq=3, head_link=MeetingRecord.objects.get(pk=chain[2].pk).audit_link,
                                     checked=3)

    message = broken()

    assert f"verification {verification.pk}: edited: its seal does not fit (written or changed outside the app)" \
        in message
    assert "gap: the anchor kept in --anchor names sequence 5, but the chain ends at 3" in broken("--anchor", anchor)


def test_the_tail_cut_with_the_verifications_deleted_is_found_by_the_anchor(chain):
    output = verify()
    anchor = f"5:{chain[-1].audit_link}"
    assert f"(anchor {anchor})" in output
    cut_tail(chain, 3)
    AuditVerification.objects.all().delete()
    verify()  # the database alone no longer shows it

    message = broken("--anchor", anchor)

    assert "sequence 4, the chain's end: gap: the anchor kept in --anchor names sequence 5, but the chain ends at 3" \
        in message


def test_an_anchor_whose_link_the_chain_no_longer_has_names_the_entry(chain):
    verify("--anchor", f"3:{chain[2].audit_link}")

    message = broken("--anchor", f"3:{'ab' * 32}")

    assert f"sequence 3, meeting record {chain[2].pk}: wrong link: the anchor kept in --anchor names another link" \
        in message


@pytest.mark.parametrize("text", ["5", "five:abc", f"0:{'a' * 64}", f"5:{'z' * 64}"])
def test_a_malformed_anchor_is_refused_saying_what_one_looks_like(chain, text):
    assert "not an anchor (sequence:link, e.g. 120:" in broken("--anchor", text)


def test_each_verification_that_holds_writes_the_head_to_the_log_the_file_and_the_admins(
        chain, settings, tmp_path, mailoutbox, caplog):
    settings.AUDIT_ANCHOR_FILE = str(tmp_path / "anchors.txt")
    settings.AUDIT_ANCHOR_EMAILS = ["revision@example.de"]
    head = f"5:{chain[-1].audit_link}"

    with caplog.at_level(logging.INFO, logger="meetings.audit.chain"):
        verify()

    assert (tmp_path / "anchors.txt").read_text().split()[-1] == head
    assert any("audit chain anchor: " in r.getMessage() and r.getMessage().endswith(head) for r in caplog.records)
    assert mailoutbox[0].to == ["revision@example.de"] and f"--anchor {head}" in mailoutbox[0].body


def test_the_anchor_file_is_checked_on_every_verification(chain, settings, tmp_path):
    settings.AUDIT_ANCHOR_FILE = str(tmp_path / "anchors.txt")
    verify()
    cut_tail(chain, 3)
    AuditVerification.objects.all().delete()

    message = broken()

    assert f"gap: the anchor kept in AUDIT_ANCHOR_FILE {tmp_path / 'anchors.txt'} names sequence 5" in message


def test_a_broken_chain_writes_no_anchor(chain, settings, tmp_path):
    settings.AUDIT_ANCHOR_FILE = str(tmp_path / "anchors.txt")
    MeetingRecord.objects.filter(pk=chain[1].pk).update(title="Harmlos")

    broken()

    assert not (tmp_path / "anchors.txt").exists()


def test_a_verification_written_beside_the_app_is_not_believed(chain):
    verify()
    genuine = AuditVerification.objects.get()
    AuditVerification.objects.create(duration_ms=1, holds=True, checked=5, head_seq=5, head_link="0" * 64)

    assert audit.latest_verification() == genuine
    assert "edited: its seal does not fit" in broken()


def test_an_anchor_file_that_holds_no_anchor_fails_the_verification(chain, settings, tmp_path):
    anchors = tmp_path / "anchors.txt"
    anchors.write_text("heute nicht:verankert\n")
    settings.AUDIT_ANCHOR_FILE = str(anchors)

    assert "AUDIT_ANCHOR_FILE: unreadable: not an anchor" in broken()
