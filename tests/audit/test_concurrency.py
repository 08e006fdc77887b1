"""Many final records at once: one chain, no gap, no fork — on PostgreSQL's row lock and SQLite's write lock."""

import threading

import pytest
from django.db import connection, connections

from meetings.models import AuditChainHead, MeetingRecord
from tests.audit.conftest import finalise, open_record, verify
from tests.conftest import skip_or_fail

Status = MeetingRecord.Status
CREATES = 50


def finalise_at_once(user, count: int) -> list[BaseException]:
    """`count` threads, each with its own connection, finalise their own pending record at the same moment."""
    pending = [open_record(user=user, title=f"Gleichzeitig {n}") for n in range(count)]
    start = threading.Barrier(count)
    errors: list[BaseException] = []

    def finalise_one(record: MeetingRecord, status: str) -> None:
        try:
            start.wait()
            finalise(record, status)
        except BaseException as error:  # noqa: BLE001 - reported by the test
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=finalise_one, args=(record, [Status.CREATED, Status.FAILED][n % 2]))
               for n, record in enumerate(pending)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return errors


def assert_one_chain(count: int) -> None:
    sequences = sorted(MeetingRecord.objects.values_list("audit_seq", flat=True))
    assert sequences == list(range(1, count + 1))  # no gap, no number twice
    links = MeetingRecord.objects.values_list("audit_link", flat=True)
    assert len(set(links)) == count  # no fork: every link distinct
    assert AuditChainHead.objects.get().length == count
    assert f"checked {count} chain entries" in verify()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_fifty_concurrent_creates_on_postgresql_make_one_chain(lena):
    if connection.vendor != "postgresql":
        skip_or_fail("Needs PostgreSQL: set DATABASE_URL=postgres://…", "REQUIRE_POSTGRES")

    assert finalise_at_once(lena, CREATES) == []

    assert_one_chain(CREATES)


@pytest.mark.django_db(transaction=True)
def test_concurrent_creates_on_sqlite_make_one_chain(lena):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's write lock; PostgreSQL has its own test")

    assert finalise_at_once(lena, 20) == []

    assert_one_chain(20)
