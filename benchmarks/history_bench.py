"""The history pages' numbers at 100,000 and 1,000,000 audit records on PostgreSQL.

    .venv/bin/python benchmarks/history_bench.py                       # 100k, then 1M
    .venv/bin/python benchmarks/history_bench.py --records 1000000     # one size
    .venv/bin/python benchmarks/history_bench.py --postgres postgres://user@host:5432
    .venv/bin/python benchmarks/history_bench.py --records 100000 --profile  # and where the CPU goes

Makes a database of its own on the server (dropped at the end), seeds it in SQL with
`INSERT … SELECT … FROM generate_series` (20 reps, two portals, every status, two years of
submissions), runs VACUUM ANALYZE as autovacuum would, then requests the admin's and a rep's
list pages in-process through Django's whole middleware stack. Wall time (p95) is what a user
waits; CPU time (time.thread_time of the request's thread) is what the app process spends.
The charts are cached for an interval per scope and filter (meetings/history/selectors.py), and each page is
drawn once per state of the records (meetings/history/pages.py): the timed requests find both cached; the
"first view" lines show what a view that computes everything costs, and "after a write" what a view costs
when a record changed since the page was drawn (its chart still cached). The cache is Redis, as in
production, when TEST_REDIS_URL (or redis://127.0.0.1:6379/5) answers.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import signal
import sys
import time
from datetime import timedelta
from urllib.parse import urlsplit, urlunsplit

from _django import bench_row, drop_redis_keys, percentile, setup, summary, use_redis_if_it_answers

REPS, ADMIN_PAGE_DEEP = 20, 200

# One statement per batch of ids: titles, association names and statuses picked by the id so the run
# is repeatable; created_at spread over two years; created_week its Monday in UTC, as the model stores it.
# HubSpot meeting ids from 90,500,000,001 up: far from those the sandbox gives new meetings (a record holds a
# unique one, and the load benchmark creates meetings beside the seeded history).
SEED_SQL = """
INSERT INTO meetings_meetingrecord (
    idempotency_key, user_id, hubspot_user_id, owner_id, hub_id, hub_domain, status, hubspot_meeting_id,
    title, start_at, end_at, time_zone, associations, search_text, request_payload, response_status,
    error_category, error_message, correlation_id, attempts, reconciliation, duration_ms, created_at,
    created_week, finished_at, audit_key_id, audit_link, audit_bridge, audit_digests, audit_redactions)
SELECT gen_random_uuid(), rep.user_id, rep.n, rep.n::text, rep.hub_id, 'portal-' || rep.hub_id || '.example',
       s.status, CASE WHEN s.status = 'created' THEN (90500000000 + g.i)::text ELSE '' END,
       t.title || ' ' || g.i, g.created + interval '7 days', g.created + interval '7 days 1 hour',
       'Europe/Berlin',
       jsonb_build_array(jsonb_build_object('type', 'contacts', 'id', (1000 + g.i %% 500)::text, 'label', a.name)),
       lower(t.title || ' ' || g.i || ' ' || a.name), jsonb_build_object('properties', jsonb_build_object(
           'hs_meeting_title', t.title || ' ' || g.i)),
       CASE WHEN s.status = 'created' THEN 201 WHEN s.status = 'failed' THEN 400 END,
       CASE WHEN s.status = 'failed' THEN 'VALIDATION_ERROR' ELSE '' END, '', '', 1, '[]', 80 + g.i %% 800,
       g.created, date_trunc('week', g.created AT TIME ZONE 'UTC')::date, g.created + interval '200 ms',
       '', '', '', '{}', '{}'
FROM (SELECT i, now() - (((i * 7919) %% 1051200) * interval '1 minute') AS created
      FROM generate_series(%(first)s::bigint, %(last)s::bigint) AS i) AS g
JOIN (SELECT ordinality - 1 AS k, user_id, ordinality AS n, CASE WHEN (ordinality - 1) %% 4 = 0 THEN 13572468
             ELSE 24681357 END AS hub_id FROM unnest(%(reps)s::bigint[]) WITH ORDINALITY AS r(user_id)) AS rep
  ON rep.k = (g.i * 31) %% %(rep_count)s
JOIN (SELECT ordinality - 1 AS k, title FROM unnest(ARRAY['Kick-off', 'Produktdemo', 'Vertragsverhandlung',
             'Quartalsgespräch', 'Renewal call', 'Größenplanung']) WITH ORDINALITY AS x(title)) AS t
  ON t.k = g.i %% 6
JOIN (SELECT ordinality - 1 AS k, name FROM unnest(ARRAY['Anna Schröder', 'Müller GmbH', 'Jürgen Weiß',
             'Acme Ltd', 'Lizenzen 2027', 'Rechnung fehlt', 'Zeiss AG']) WITH ORDINALITY AS x(name)) AS a
  ON a.k = (g.i / 6) %% 7
JOIN (SELECT ordinality - 1 AS k, status FROM unnest(ARRAY[
             'created', 'created', 'created', 'created', 'created', 'created', 'created', 'created', 'created',
             'created', 'created', 'created', 'created', 'created', 'created', 'created', 'failed', 'failed',
             'unknown', 'not_created', 'pending']) WITH ORDINALITY AS x(status)) AS s
  ON s.k = (g.i * 13) %% 21
"""


def server_database(server: str, name: str) -> str:
    parts = urlsplit(server)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


def admin_sql(server: str, statement: str) -> None:
    import psycopg

    with psycopg.connect(server_database(server, "postgres"), autocommit=True) as connection:
        connection.execute(statement)


def make_people():
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from hubspot_login.models import HubSpotConnection

    users = get_user_model().objects
    reps = [users.create_user(f"rep{i}", f"rep{i}@example.de", first_name=f"Rep{i}", last_name="Müller")
            for i in range(REPS)]
    for index, rep in enumerate(reps):
        HubSpotConnection.objects.create(user=rep, hub_id=24681357 if index % 4 else 13572468, hubspot_user_id=index)
    admin = users.create_user("chefin", "chefin@example.de")
    call_command("grant_meeting_admin", "chefin@example.de", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    return admin, reps


# The indexes the migrations made, except those that back a constraint: rebuilt after the load, which
# is several times faster than keeping them (the trigram index above all) up to date row by row.
SECONDARY_INDEXES_SQL = """
SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'meetings_meetingrecord'
   AND indexname NOT IN (SELECT conname FROM pg_constraint)
"""


def seed(reps, first: int, last: int) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(SECONDARY_INDEXES_SQL)
        indexes = cursor.fetchall()
        for name, _definition in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        for start in range(first, last + 1, 250_000):
            cursor.execute(SEED_SQL, {"first": start, "last": min(last, start + 249_999),
                                      "reps": [rep.pk for rep in reps], "rep_count": len(reps)})
        cursor.execute("SET maintenance_work_mem = '256MB'")
        for _name, definition in indexes:
            cursor.execute(definition)
        cursor.execute("VACUUM ANALYZE meetings_meetingrecord")


def request(client, url: str, params: dict) -> tuple[float, float]:
    """Wall and CPU milliseconds of one request."""
    wall, cpu = time.perf_counter(), time.thread_time()
    response = client.get(url, params)
    cpu, wall = time.thread_time() - cpu, time.perf_counter() - wall
    assert response.status_code == 200, response.status_code
    return wall * 1000, cpu * 1000


def cases(admin, rep):
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    admin_client, rep_client = Client(), Client()
    admin_client.force_login(admin)
    rep_client.force_login(rep)
    all_url, mine_url = reverse("history_all"), reverse("history_mine")
    days_ago = (timezone.localdate() - timedelta(days=90)).isoformat()
    return [
        ("admin", "no filter", admin_client, all_url, {}),
        ("admin", "status=failed", admin_client, all_url, {"status": "failed"}),
        ("admin", "rep + last 90 days", admin_client, all_url, {"rep": rep.pk, "submitted_from": days_ago}),
        ("admin", "search 'müller'", admin_client, all_url, {"q": "müller"}),
        ("admin", "search 'zeiss ag 4711'", admin_client, all_url, {"q": "zeiss ag 4711"}),
        ("admin", f"page {ADMIN_PAGE_DEEP}", admin_client, all_url, {"page": ADMIN_PAGE_DEEP}),
        ("rep", "no filter", rep_client, mine_url, {}),
        ("rep", "search 'kick-off'", rep_client, mine_url, {"q": "kick-off"}),
    ]


def forget_cached(redis_used: bool) -> None:
    """Each case's first view computes everything: the charts, the filter bar, the page."""
    from django.core.cache import caches

    from meetings.history import pages as history_pages

    if redis_used:
        drop_redis_keys()
    else:
        caches["default"].clear()
    caches["template_fragments"].clear()
    caches["history_pages"].clear()
    history_pages.records_changed()  # as the ORM would after the seeding's SQL


def measure(label: str, admin, rep, repeat: int, redis_used: bool) -> tuple[dict, list[float], list[float]]:
    """Wall times per viewer, CPU of the views that find their page drawn, and CPU of views after a write."""
    from meetings.history import pages as history_pages

    walls: dict[str, list[float]] = {"admin": [], "rep": []}
    cpus: list[float] = []
    drawn_cpus: list[float] = []
    print(f"{label}: load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    for who, name, client, url, params in cases(admin, rep):
        forget_cached(redis_used)
        first_view, _cpu = request(client, url, params)  # computes and caches the charts
        times = [request(client, url, params) for _ in range(repeat)]
        drawn = []
        for _ in range(repeat // 5):
            history_pages.records_changed()  # a record written: the page is drawn anew, the chart stays cached
            drawn.append(request(client, url, params)[1])
        walls[who] += [wall for wall, _cpu in times]
        cpus += [cpu for _wall, cpu in times]
        drawn_cpus += drawn
        print(f"  {who} {name}: " + summary("wall", [wall for wall, _cpu in times])
              + f"; first view {first_view:.1f} ms; CPU median {percentile([c for _w, c in times], 0.5):.1f} ms"
              + f", after a write {percentile(drawn, 0.5):.1f} ms")
    return walls, cpus, drawn_cpus


def profile(admin, rep, repeat: int) -> str:
    """cProfile of every case's cached views, on the request thread's CPU clock, as page_bench.py --profile."""
    profiler = cProfile.Profile(time.thread_time)
    for _who, _name, client, url, params in cases(admin, rep):
        request(client, url, params)  # the charts cached, as the timed requests find them
        profiler.enable()
        for _ in range(repeat):
            request(client, url, params)
        profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("cumulative").print_stats(60)
    stats.sort_stats("tottime").print_stats(30)
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432", help="server URL")
    parser.add_argument("--records", type=int, help="one size only (default: 100,000 then 1,000,000)")
    parser.add_argument("--repeat", type=int, default=25, help="timed requests per case")
    parser.add_argument("--profile", action="store_true", help="also print where the CPU goes (cProfile)")
    args = parser.parse_args()
    name = f"history_bench_{os.getpid()}"
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # a stopped run still drops its database
    admin_sql(args.postgres, f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = server_database(args.postgres, name)
    redis_used = use_redis_if_it_answers("history-bench")
    try:
        run(args, redis_used)
    finally:
        from django.db import connections

        connections.close_all()
        admin_sql(args.postgres, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if redis_used:
            drop_redis_keys()


def run(args, redis_used: bool) -> None:
    setup("history-bench")
    admin, reps = make_people()
    sizes = [args.records] if args.records else [100_000, 1_000_000]
    seeded, cpus, drawn_cpus = 0, [], []
    print(f"cache: {'Redis' if redis_used else 'local memory'}")
    for size in sizes:
        started = time.perf_counter()
        seed(reps, seeded + 1, size)
        seeded = size
        tag = f"{size // 1_000_000}M" if size % 1_000_000 == 0 else f"{size // 1000}k"
        print(f"seeded {size:,} records in {time.perf_counter() - started:.0f} s (SQL, then VACUUM ANALYZE)")
        walls, size_cpus, size_drawn = measure(f"{size:,} records", admin, reps[0], args.repeat, redis_used)
        cpus += size_cpus
        drawn_cpus += size_drawn
        for who in ("admin", "rep"):
            print(summary(f"{who} history, {tag}, all cases", walls[who]))
            bench_row(f"{who} history p95 {tag}", percentile(walls[who], 0.95), "ms", 100)
    print(f"CPU per history page request: median {percentile(cpus, 0.5):.1f} ms, p95 {percentile(cpus, 0.95):.1f} ms"
          f" (n={len(cpus)})")
    # Not targets (a page's speed is its latency on `make serve`, benchmarks/load_bench.py): what the app process
    # spends per view, and per view when a record was written since the page was drawn.
    print(f"CPU per history page drawn anew after a write: median {percentile(drawn_cpus, 0.5):.1f} ms, "
          f"p95 {percentile(drawn_cpus, 0.95):.1f} ms (n={len(drawn_cpus)})")
    if args.profile:
        print(profile(admin, reps[0], 10))
    print(f"load average {os.getloadavg()[0]:.1f} at the end")


if __name__ == "__main__":
    main()
