"""The export as the worker writes it, over 100,000 and 1,000,000 meeting records on PostgreSQL: time and peak memory.

    .venv/bin/python benchmarks/export_bench.py            # 100,000 then 1,000,000 records
    .venv/bin/python benchmarks/export_bench.py --quick    # 100,000 only

Makes a PostgreSQL database of its own (POSTGRES_URL, default postgres://postgres@127.0.0.1:5432, the server),
migrates it and seeds the records with INSERT ... SELECT ... FROM generate_series: three reps, two portals, one
record in ten failed. Every record is chained as in production (every final record is), with a sequence
number in time order, a key id, 24 field digests and a link of the real sizes; the links are not real HMACs
(a chain is sequential, generate_series is not), which costs the export the same. Then a child process per
size runs `exports.export_job_run` — the worker task's own code — over all records and reports its wall and
CPU time and its peak resident memory (VmHWM). The database is dropped at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

from _django import ROOT, bench_row, cpu_seconds, memory_kb, setup

SERVER = os.environ.get("POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")
DATABASE = f"export_bench_{os.getpid()}"
SIZES = (100_000, 1_000_000)
SECONDS_APART = 30  # one record every 30 s: a million reach back about a year

# The JSON columns are the same for every row (the sizes are real): the export reads the 24 field digests
# of each row all the same, and never the bodies. Built per row, they made seeding four times slower.
SEED = """
INSERT INTO meetings_meetingrecord (
    id, idempotency_key, user_id, hubspot_user_id, owner_id, hub_id, hub_domain, status, hubspot_meeting_id,
    title, start_at, end_at, time_zone, associations, search_text, request_payload, response_status,
    response_body, error_category, error_message, correlation_id, attempts, reconciliation, duration_ms,
    created_at, created_week, finished_at, audit_seq, audit_key_id, audit_link, audit_bridge, audit_digests,
    audit_redactions, audit_entry_digest)
SELECT n, md5(n::text)::uuid, (%(reps)s)[1 + n %% 3], 5120001 + n %% 3, '7123450010' || (n %% 3),
    hub.id, hub.domain, CASE WHEN failed THEN 'failed' ELSE 'created' END,
    CASE WHEN failed THEN '' ELSE (50500000000 + n)::text END,
    'Quartalsgespräch ' || n, at + interval '7 days', at + interval '7 days 1 hour', 'Europe/Berlin',
    jsonb_build_array(jsonb_build_object('type', 'contacts', 'id', (1000 + n %% 500)::text, 'label', 'Anna Schröder'),
                      jsonb_build_object('type', 'companies', 'id', (2000 + n %% 100)::text, 'label', 'Müller GmbH')),
    'quartalsgespräch ' || n || ' anna schröder müller gmbh',
    %(payload)s::jsonb, CASE WHEN failed THEN 400 ELSE 201 END, %(answer)s::jsonb,
    CASE WHEN failed THEN 'VALIDATION_ERROR' ELSE '' END,
    CASE WHEN failed THEN 'Property values were not valid' ELSE '' END,
    md5(n::text || 'corr')::uuid::text, 1, '[]'::jsonb, 150 + n %% 100,
    at, date_trunc('week', at)::date, at + interval '180 milliseconds',
    n, %(kid)s, md5(n::text) || md5(n::text || 'link'), '', %(digests)s::jsonb, '{}'::jsonb,
    md5(n::text || 'entry') || md5(n::text || 'digest')
FROM generate_series(%(first)s, %(last)s) AS n,
    LATERAL (SELECT %(epoch)s::timestamptz + n * %(apart)s * interval '1 second' AS at, n %% 10 = 3 AS failed) AS row,
    LATERAL (SELECT CASE WHEN n %% 2 = 0 THEN 24681357 ELSE 13572468 END AS id,
                    CASE WHEN n %% 2 = 0 THEN 'vertrieb.example' ELSE 'service.example' END AS domain) AS hub
"""

CHILD = """
import os, shutil, time
import django
django.setup()
from django.conf import settings
from django.contrib.auth import get_user_model
from meetings.history import exports
from meetings.models import ExportJob

job = ExportJob.objects.create(requested_by=get_user_model().objects.get(username="bench-admin"), language="de",
                               delimiter=";")
started, cpu = time.perf_counter(), time.process_time()
job = exports.export_job_run(job.pk)
wall, cpu = time.perf_counter() - started, time.process_time() - cpu
size = exports.export_job_path(job).stat().st_size if job.is_done else 0
shutil.rmtree(settings.EXPORT_DIR, ignore_errors=True)
with open("/proc/self/status") as status:
    peak_kib = int(next(line for line in status if line.startswith("VmHWM")).split()[1])
print("RESULT", job.status, job.rows_done, wall, cpu, peak_kib, size)
"""


def admin_connection():
    import psycopg

    return psycopg.connect(f"{SERVER}/postgres", autocommit=True)


def seed(first: int, last: int, *, total: int) -> float:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.utils import timezone

    from meetings.audit import chain as audit

    started = time.perf_counter()
    reps = list(get_user_model().objects.filter(username__startswith="rep").order_by("pk").values_list("pk", flat=True))
    kid, key = audit.signing_key()
    digests = {name: audit.field_digest(key, name, name) for name in audit.RECORD_FIELDS}
    properties = {"hs_meeting_title": "Quartalsgespräch", "hs_meeting_body": "Agenda: Lizenzen, Rollout, Schulung",
                  "hubspot_owner_id": "71234500101", "hs_meeting_outcome": "SCHEDULED"}
    epoch = timezone.now() - timezone.timedelta(seconds=SECONDS_APART * (total + 1))
    with connection.cursor() as cursor:
        cursor.execute(SEED, {
            "reps": reps, "kid": kid, "first": first, "last": last, "epoch": epoch, "apart": SECONDS_APART,
            "digests": json.dumps(digests), "payload": json.dumps({"properties": properties}),
            "answer": json.dumps({"id": "50500000001", "properties": properties})})
        cursor.execute("VACUUM ANALYZE meetings_meetingrecord")
    return time.perf_counter() - started


def export_in_a_child(expected: int, cap: float) -> tuple[float, float, float, int, bool]:
    """The worker's export in its own process: wall and CPU seconds, peak RSS in MiB, the file's bytes, and
    whether it finished. One that runs past `cap` seconds is stopped; its wall time is then extrapolated from
    the rows it wrote (the job counts them per batch), its CPU and peak memory are those it reached."""
    from meetings.models import ExportJob

    child = subprocess.Popen([sys.executable, "-c", CHILD], cwd=ROOT, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    started, peak_kib, cpu = time.perf_counter(), 0, 0.0
    while child.poll() is None and time.perf_counter() - started < cap:
        peak_kib, cpu = max(peak_kib, memory_kb(child.pid, "VmHWM")), cpu_seconds([child.pid]) or cpu
        time.sleep(0.2)
    if child.poll() is None:
        wall = time.perf_counter() - started
        child.kill()
        child.wait()
        job = ExportJob.objects.order_by("-pk").first()
        done = job.rows_done if job else 0
        share = expected / done if done else float("inf")
        return wall * share, cpu * share, peak_kib / 1024, 0, False
    stdout, stderr = child.communicate()
    line = next((line for line in stdout.splitlines() if line.startswith("RESULT")), None)
    if child.returncode != 0 or line is None:
        raise SystemExit(f"the export failed:\n{stderr[-3000:]}")
    _label, status, rows, wall, cpu, peak_kib, size = line.split()
    if status != "done" or int(rows) != expected:
        raise SystemExit(f"the export ended {status} with {rows} rows, not {expected}:\n{stderr[-3000:]}")
    return float(wall), float(cpu), int(peak_kib) / 1024, int(size), True


def run(sizes: tuple[int, ...], cap: float) -> None:
    from django.contrib.auth import get_user_model
    from django.db import connection

    with connection.cursor() as cursor:  # a scratch database: no write-ahead log for a million rows
        # A logged table may not point at an unlogged one: the notices, which reference the records, go first.
        cursor.execute("ALTER TABLE meetings_outcomenotice SET UNLOGGED")
        cursor.execute("ALTER TABLE meetings_meetingrecord SET UNLOGGED")
    users = get_user_model().objects
    users.create_superuser("bench-admin", "chefin@example.de", "unused")
    for n, name in enumerate(("Lena Müller", "Jonas Weiß", "Ayşe Demir")):
        first, last = name.split()
        users.create_user(f"rep{n}", f"rep{n}@example.de", first_name=first, last_name=last)
    print(f"load average {os.getloadavg()} on {os.cpu_count()} cores", flush=True)
    peaks = {}
    seeded = 0
    for size in sizes:
        seconds = seed(seeded + 1, size, total=max(sizes))
        seeded = size
        print(f"seeded up to {size:,} records in {seconds:.1f} s", flush=True)
        wall, cpu, peaks[size], file_bytes, finished = export_in_a_child(size, cap)
        label = "100k" if size == 100_000 else "1M"
        if finished:
            print(f"  export of {size:,} rows: {wall:.1f} s wall, {cpu:.1f} s CPU in the worker, "
                  f"{size / wall:,.0f} rows/s, peak RSS {peaks[size]:.0f} MiB, file {file_bytes / 2**20:.0f} MiB; "
                  f"load average {os.getloadavg()}", flush=True)
        else:
            print(f"  export of {size:,} rows stopped after {cap:.0f} s: {wall:.0f} s wall and {cpu:.0f} s CPU "
                  f"extrapolated from the rows written, peak RSS {peaks[size]:.0f} MiB until then; "
                  f"load average {os.getloadavg()}", flush=True)
        target, how = (15 if size == 1_000_000 else 1.5), "" if finished else " (extrapolated)"
        bench_row(f"export {label} rows{how}", wall, "s", target)
        # The worker's own CPU: what the wall time would be on an idle machine, nearly (the database's is apart).
        bench_row(f"export {label} rows, worker CPU{how}", cpu, "s", target)
        bench_row(f"export rows/s {label}{how}", size / wall, "rows/s", 1_000_000 / 15, better="higher")
    # Django, the worker's code and one batch: what a worker is anyway, whatever the export's length.
    bench_row("export peak RSS 100k", peaks[100_000], "MiB", 200)
    if 1_000_000 in peaks:
        target = peaks[100_000] + 25
        print(f"  peak RSS target for 1M: the 100k figure + 25 MiB = {target:.0f} MiB")
        bench_row("export peak RSS 1M", peaks[1_000_000], "MiB", target)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="100,000 records only")
    parser.add_argument("--cap", type=float, default=3600,
                        help="stop an export after this many seconds and extrapolate its time (make bench: 60)")
    args = parser.parse_args()
    started = time.perf_counter()
    with admin_connection() as server:
        server.execute(f'CREATE DATABASE "{DATABASE}"')
    os.environ["DATABASE_URL"] = f"{SERVER}/{DATABASE}"
    try:
        setup("export-bench")
        run(SIZES[:1] if args.quick else SIZES, args.cap)
    finally:
        from django.db import connections

        connections.close_all()
        with admin_connection() as server:
            server.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
    print(f"the whole benchmark took {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
