"""Issue 14's numbers: how long `manage.py verify_audit` takes, and its peak memory, over 100,000 and 1,000,000 records.

    .venv/bin/python benchmarks/audit_bench.py            # SQLite: 100,000 then 1,000,000 records
    .venv/bin/python benchmarks/audit_bench.py --quick    # 100,000 only
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench .venv/bin/python benchmarks/audit_bench.py

Seeds final, chained records with bulk_create in a scratch database (links computed as chain_append
would), then runs the real command in a child process, which reports its own peak resident memory (VmHWM,
Linux): a peak that stays flat from 100k to 1M shows the walk streams.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta

from _django import ROOT, setup

BATCH = 5000


class Seeder:
    """Appends chained records as the app would, numbering them from 1 and keeping the head in memory."""

    def __init__(self, user_id: int):
        from meetings.audit import chain as audit

        self.audit = audit
        self.user_id = user_id
        self.kid, self.key = audit.signing_key()
        self.length = 0
        self.last_link = audit.GENESIS
        self.epoch = datetime.now(UTC) - timedelta(days=730)

    def record(self, n: int):
        from meetings.models import MeetingRecord, week_of

        created = self.epoch + timedelta(seconds=n * 60)
        start = created + timedelta(days=7)
        title = f"Quartalsgespräch {n}"
        properties = {"hs_meeting_title": title, "hs_meeting_body": "Agenda: Lizenzen, Rollout, Schulung",
                      "hs_meeting_start_time": start.isoformat(), "hs_meeting_end_time": start.isoformat(),
                      "hubspot_owner_id": "71234500101", "hs_meeting_outcome": "SCHEDULED",
                      "hs_meeting_location": "Teams", "hs_internal_meeting_notes": "Budget im Q3"}
        record = MeetingRecord(
            pk=n, idempotency_key=uuid.uuid4(), user_id=self.user_id, hubspot_user_id=5120001,
            owner_id="71234500101", hub_id=24681357, hub_domain="demo-portal.sandbox.local", status="created",
            hubspot_meeting_id=str(50500000000 + n), title=title, start_at=start, end_at=start + timedelta(hours=1),
            time_zone="Europe/Berlin", search_text=title.casefold(),
            associations=[{"type": "contacts", "id": str(1000 + n % 500), "label": "Anna Schröder"},
                          {"type": "companies", "id": str(2000 + n % 100), "label": "Müller GmbH"}],
            request_payload={"properties": properties, "associations": [{"to": {"id": str(1000 + n % 500)}}]},
            response_status=201, response_body={"id": str(50500000000 + n), "properties": properties},
            correlation_id=str(uuid.uuid4()), attempts=1, duration_ms=180, created_at=created,
            created_week=week_of(created), finished_at=created + timedelta(milliseconds=180),
        )
        self._chain(record)
        return record

    def _chain(self, record) -> None:
        audit = self.audit
        self.length += 1
        digests = {name: audit.field_digest(self.key, name, getattr(record, name)) for name in audit.RECORD_FIELDS}
        digest = audit.entry_digest("record", record.pk, self.length, self.kid, digests)
        self.last_link = audit.link_of(self.key, self.last_link, digest)
        record.audit_seq, record.audit_key_id = self.length, self.kid
        record.audit_digests, record.audit_link = digests, self.last_link

    def seed_up_to(self, total: int) -> None:
        from meetings.audit.chain import HEAD_PK
        from meetings.models import AuditChainHead, MeetingRecord

        while self.length < total:
            first = self.length + 1
            batch = [self.record(n) for n in range(first, min(total, first + BATCH - 1) + 1)]
            MeetingRecord.objects.bulk_create(batch)
        AuditChainHead.objects.update_or_create(pk=HEAD_PK, defaults={
            "length": self.length, "last_link": self.last_link, "last_key_id": self.kid})


# The child reports its own high-water mark (Linux's VmHWM). Not getrusage: a child's ru_maxrss starts from
# the parent's resident size at fork, which after seeding a million records says nothing about the walk.
CHILD = """
import django
django.setup()
from django.core.management import call_command
call_command("verify_audit")
with open("/proc/self/status") as status:
    print("VmHWM", next(line for line in status if line.startswith("VmHWM")).split()[1])
"""


def verify_in_a_child() -> tuple[float, float, str]:
    """Run `manage.py verify_audit`'s command in its own process: wall seconds, its peak RSS in MiB, what it said."""
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-c", CHILD], cwd=ROOT, capture_output=True, text=True, timeout=7200)
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"verify_audit failed:\n{result.stderr}")
    said, peak = result.stdout.strip().splitlines()[-2:]
    return seconds, int(peak.split()[1]) / 1024, said


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="100,000 records only")
    args = parser.parse_args()
    vendor = setup("audit-bench")
    from django.contrib.auth import get_user_model
    from django.db import connection

    user = get_user_model().objects.create_user("rep", "rep@example.de")
    seeder = Seeder(user.pk)
    print(f"database: {vendor}; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    for total in [100_000] if args.quick else [100_000, 1_000_000]:
        started = time.perf_counter()
        seeder.seed_up_to(total)
        with connection.cursor() as cursor:
            # What a running system does on its own: PostgreSQL's autovacuum, SQLite's WAL checkpoint (a walk
            # through a fresh, unmerged write-ahead log costs SQLite twice the memory).
            if connection.vendor == "postgresql":
                cursor.execute("VACUUM ANALYZE meetings_meetingrecord")
            else:
                cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        print(f"seeded {total:,} chained records in {time.perf_counter() - started:.0f} s")
        seconds, peak_mib, said = verify_in_a_child()
        print(f"  verify_audit over {total:,} records: {seconds:.1f} s wall, peak RSS {peak_mib:.0f} MiB")
        print(f"  it said: {said[:110]}…")
    print(f"load average {os.getloadavg()[0]:.1f} at the end")


if __name__ == "__main__":
    main()
