"""Issue 6's numbers: list page and filtered export server time over 100,000 audit records.

    .venv/bin/python benchmarks/history_bench.py                      # SQLite
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench .venv/bin/python benchmarks/history_bench.py

Seeds the records with bulk_create (several reps, two portals, all statuses, two years), then
requests the pages in-process through Django's whole middleware stack.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import random
import time
import uuid
from datetime import timedelta

from _django import setup, summary

TITLES = ["Kick-off", "Produktdemo", "Vertragsverhandlung", "Quartalsgespräch", "Renewal call", "Größenplanung"]
NAMES = ["Anna Schröder", "Müller GmbH", "Jürgen Weiß", "Acme Ltd", "Lizenzen 2027", "Rechnung fehlt"]


def seed(count: int) -> tuple:
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.utils import timezone

    from hubspot_login.models import HubSpotConnection
    from meetings.models import MeetingRecord, week_of

    rng = random.Random(7)
    users = get_user_model().objects
    reps = [users.create_user(f"rep{i}", f"rep{i}@example.de", first_name=f"Rep{i}", last_name="Müller")
            for i in range(20)]
    for index, rep in enumerate(reps):
        HubSpotConnection.objects.create(user=rep, hub_id=24681357 if index % 4 else 13572468, hubspot_user_id=index)
    admin = users.create_user("chefin", "chefin@example.de")
    call_command("grant_meeting_admin", "chefin@example.de", verbosity=0, stdout=open("/dev/null", "w"))  # noqa: SIM115
    now = timezone.now()
    statuses = ["created"] * 85 + ["failed"] * 10 + ["unknown"] * 3 + ["pending"] * 2
    batch = []
    for i in range(count):
        title = f"{rng.choice(TITLES)} {i}"
        associations = [{"type": "contacts", "id": str(1000 + i), "label": rng.choice(NAMES)}]
        start = now + timedelta(days=rng.randrange(-700, 60))
        submitted = now - timedelta(minutes=rng.randrange(0, 1_050_000))  # two years
        rep = rng.choice(reps)
        batch.append(MeetingRecord(
            idempotency_key=uuid.uuid4(), user=rep, hubspot_user_id=1, owner_id="1", hub_id=24681357,
            hub_domain="demo-portal.sandbox.local", status=rng.choice(statuses), title=title,
            start_at=start, end_at=start + timedelta(hours=1), time_zone="Europe/Berlin", associations=associations,
            search_text=f"{title} {associations[0]['label']}".casefold(), request_payload={"properties": {"t": title}},
            attempts=1, duration_ms=rng.randrange(80, 900), created_at=submitted, created_week=week_of(submitted),
        ))
        if len(batch) == 5000:
            MeetingRecord.objects.bulk_create(batch)
            batch = []
    MeetingRecord.objects.bulk_create(batch)
    return admin, reps[0]


def timed(client, url: str, params: dict, repeat: int, *, stream: bool = False) -> list[float]:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(url, params)
        if stream:
            for _chunk in response.streaming_content:
                pass
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=40)
    args = parser.parse_args()
    vendor = setup("history-bench")
    from django.db import connection
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    started = time.perf_counter()
    admin, rep = seed(args.records)
    if connection.vendor == "postgresql":
        # What autovacuum does in a running system: statistics, and a visibility map for index-only scans.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE meetings_meetingrecord")
    print(f"database: {vendor}; seeded {args.records} records in {time.perf_counter() - started:.0f} s")
    # Other processes on the machine skew the figures: a load above the core count means rerun later.
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")

    admin_client, rep_client = Client(), Client()
    admin_client.force_login(admin)
    rep_client.force_login(rep)
    all_url, mine_url, export_url = reverse("history_all"), reverse("history_mine"), reverse("history_export")
    days_ago = lambda days: (timezone.localdate() - timedelta(days=days)).isoformat()  # noqa: E731
    list_times = []
    cases = [
        ("all meetings, no filter", admin_client, all_url, {}),
        ("all meetings, status=failed", admin_client, all_url, {"status": "failed"}),
        ("all meetings, rep + last 90 days", admin_client, all_url, {"rep": rep.pk, "submitted_from": days_ago(90)}),
        ("all meetings, search 'müller'", admin_client, all_url, {"q": "müller"}),
        ("all meetings, page 200", admin_client, all_url, {"page": 200}),
        ("my meetings, no filter", rep_client, mine_url, {}),
        ("my meetings, search 'kick-off'", rep_client, mine_url, {"q": "kick-off"}),
    ]
    for label, client, url, params in cases:
        client.get(url, params)  # warm
        times = timed(client, url, params, args.repeat)
        list_times += times
        print("  " + summary(label, times))
    print(summary("list page, all cases", list_times) + "   target: p95 <= 100 ms")
    export_params = {"status": "failed", "submitted_from": days_ago(200)}
    export_times = timed(admin_client, export_url, export_params, 5, stream=True)
    streamed = b"".join(admin_client.get(export_url, export_params).streaming_content).decode("utf-8-sig")
    rows = sum(1 for _ in csv.reader(io.StringIO(streamed))) - 1  # the header
    print(summary(f"filtered export ({rows} rows, streamed)", export_times))
    print(f"load average {os.getloadavg()[0]:.1f} at the end")


if __name__ == "__main__":
    main()
