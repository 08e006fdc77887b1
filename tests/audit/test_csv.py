"""The export carries its proof: `verify_audit --csv FILE` checks it with the key alone."""

import csv
import hmac
import io

import pytest
from django.urls import reverse

from meetings.audit import chain as audit
from meetings.models import AuditErasure, MeetingRecord
from tests.audit.conftest import broken, finalise, open_record, verify

pytestmark = pytest.mark.django_db
Status = MeetingRecord.Status


@pytest.fixture
def export(client, admin_user, tmp_path):
    def download(**filters) -> tuple[object, list[list[str]]]:
        client.force_login(admin_user)
        raw = b"".join(client.get(reverse("history_export"), filters).streaming_content)
        path = tmp_path / "export.csv"
        path.write_bytes(raw)
        return path, list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))

    return download


def write(path, rows: list[list[str]]) -> None:
    with open(path, "w", newline="", encoding="utf-8-sig") as file:
        csv.writer(file).writerows(rows)


@pytest.fixture
def records(lena, final_record):
    made = [final_record(user=lena, title=f"Termin {n}", status=status)
            for n, status in enumerate([Status.CREATED, Status.FAILED, Status.CREATED, Status.CREATED])]
    finalise(open_record(user=lena, title="Noch offen"), Status.UNKNOWN)
    return made


def test_the_export_carries_sequence_digest_and_links_and_checks_out(records, export):
    path, (header, *rows) = export()

    assert header[-6:] == ["Chain sequence", "Chain key id", "Record digest", "Previous link", "Chain link", "Row seal"]
    by_title = {row[5]: dict(zip(header, row, strict=True)) for row in rows}
    assert by_title["Termin 2"]["Chain sequence"] == "3"
    assert by_title["Termin 2"]["Previous link"] == by_title["Termin 1"]["Chain link"]
    assert by_title["Noch offen"]["Chain sequence"] == ""
    assert "The audit chain holds: checked 5 rows of" in verify("--csv", str(path))


def test_a_filtered_export_checks_out_on_its_own(records, export):
    path, (_header, *rows) = export(status="created")

    assert len(rows) == 3
    verify("--csv", str(path))


def test_a_cell_edited_in_the_file_is_found(records, export):
    path, (header, *rows) = export()
    rows[1][5] = "Anderer Titel"
    write(path, [header, *rows])

    assert "line 3: edited: the row's cells no longer match its seal" in broken("--csv", str(path))


def test_a_link_forged_in_the_file_is_found(records, export):
    path, (header, *rows) = export()
    sequences = [row[-6] for row in rows]
    row = rows[sequences.index("2")]
    row[-3] = "0" * 64
    write(path, [header, *rows])

    assert "sequence 2" in broken("--csv", str(path))


def test_neighbours_must_join(records, export):
    """Two rows whose seals and own links fit, but whose order in the chain was not theirs: found."""
    path, (header, *rows) = export()
    by_seq = {row[-6]: row for row in rows if row[-6]}
    by_seq["3"], by_seq["4"] = by_seq["4"][:], by_seq["3"][:]
    by_seq["3"][-6], by_seq["4"][-6] = by_seq["4"][-6], by_seq["3"][-6]  # swap the numbers back
    write(path, [header, *by_seq.values()])

    assert "edited: the row's cells no longer match its seal" in broken("--csv", str(path))


def test_an_export_across_an_erasure_still_joins(records, export, lena, final_record):
    from django.core.management import call_command

    contact = records[0].associations[0]["id"]
    call_command("erase_person", "--contact", contact, stdout=io.StringIO())
    final_record(user=lena, title="Danach")
    assert AuditErasure.objects.get().audit_seq == 5

    path, _rows = export()

    verify("--csv", str(path))
    verify()


def test_a_file_that_is_not_an_export_is_refused_by_name(tmp_path):
    missing = tmp_path / "nirgends.csv"
    not_ours = tmp_path / "fremd.csv"
    write(not_ours, [["Titel"], ["Kick-off"]])

    assert f"Cannot read {missing}" in broken("--csv", str(missing))
    assert "line 2: not a row of this export" in broken("--csv", str(not_ours))


def test_a_german_export_uses_semicolons_and_checks_out(records, client, admin_user, tmp_path):
    client.force_login(admin_user)
    raw = b"".join(client.get(reverse("history_export"), HTTP_ACCEPT_LANGUAGE="de").streaming_content)
    path = tmp_path / "export-de.csv"
    path.write_bytes(raw)

    header, *rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))

    assert header[0] == "Abgeschickt am (UTC)" and len(rows) == 5  # German Excel splits it into columns
    assert "The audit chain holds: checked 5 rows of" in verify("--csv", str(path))


def test_each_seal_signs_the_row_as_written_after_the_row_before(records, export):
    """v2:keyid:HMAC(key, previous row's mac ‖ the line up to its seal cell), HMAC as the standard library has it."""
    path, (_header, *rows) = export()
    lines = path.read_bytes().decode("utf-8-sig").split("\r\n")[1:-1]
    kid, key = audit.signing_key()

    before = audit.GENESIS
    for line, row in zip(lines, rows, strict=True):
        text, _sep, seal = line.rpartition(",")
        assert seal == row[-1] and seal.startswith(f"v2:{kid}:")
        assert seal.removeprefix(f"v2:{kid}:") == hmac.digest(key, f"{before}{text}".encode(), "sha256").hex()
        before = seal.rpartition(":")[2]


def test_a_row_deleted_from_the_file_is_found_at_the_row_after_it(records, export):
    path, (header, *rows) = export()
    del rows[2]
    write(path, [header, *rows])

    assert "line 4: edited: the row's cells no longer match its seal, or the row before it is not the one it " \
           "followed" in broken("--csv", str(path))


def test_rows_moved_in_the_file_are_found(records, export):
    path, (header, *rows) = export()
    rows[1], rows[2] = rows[2], rows[1]
    write(path, [header, *rows])

    assert "line 3: edited" in broken("--csv", str(path))


def sealed_alone(rows: list[list[str]]) -> list[list[str]]:
    """The rows as exports before v2 sealed them: keyid:HMAC(key, the cells as a JSON array), each row alone."""
    kid, key = audit.signing_key()
    return [[*row[:-1], f"{kid}:{hmac.digest(key, audit.canonical(row[:-1]), 'sha256').hex()}"] for row in rows]


def test_a_file_exported_before_v2_seals_still_checks_out_and_its_edits_are_found(records, export):
    path, (header, *rows) = export()
    old = sealed_alone(rows)
    write(path, [header, *old])

    assert "The audit chain holds: checked 5 rows of" in verify("--csv", str(path))
    old[1][5] = "Anderer Titel"
    write(path, [header, *old])
    assert "line 3: edited: the row's cells no longer match its seal (" in broken("--csv", str(path))


def test_a_seal_moved_from_one_kind_to_the_other_does_not_fit(records, export):
    path, (header, *rows) = export()
    kid = audit.signing_key()[0]
    rows[0][-1] = rows[0][-1].removeprefix("v2:")  # a v2 mac offered as a seal of the cells alone
    write(path, [header, *rows])
    assert "line 2: edited" in broken("--csv", str(path))

    old = sealed_alone(rows)
    old[0][-1] = f"v2:{kid}:" + old[0][-1].rpartition(":")[2]  # and the other way round
    write(path, [header, *old])
    assert "line 2: edited" in broken("--csv", str(path))
