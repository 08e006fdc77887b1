"""Where the meeting form page's time goes: CPU per GET /meetings/new/ in-process, queries and Redis round trips.

    .venv/bin/python benchmarks/page_bench.py [--pages 300] [--profile]

A diagnostic, not a `make bench` row: what a rep feels is the page's latency on `make serve` under load
(benchmarks/load_bench.py). This says what one page costs the app process, and `--profile` where.

A signed-in rep connected to a real sandbox process; the option caches warmed by a first load; then
each page through Django's whole middleware stack, in-process. CPU is this thread's own
(`time.thread_time`), so other processes loading the machine change the wall figures, not the CPU ones.
The cache is Redis (as in production) when TEST_REDIS_URL, or redis://127.0.0.1:6379/5, answers — under a
key prefix of this script's own, removed afterwards — else Django's local-memory cache.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import time

from _django import connect_rep, drop_redis_keys, setup, signed_in_client, summary, use_redis_if_it_answers


def count_redis_commands() -> list[int]:
    """Commands sent to Redis (one MGET is one): the page's round trips."""
    import redis

    sent = [0]
    execute = redis.Redis.execute_command

    def counted(self, *args, **options):
        sent[0] += 1
        return execute(self, *args, **options)

    redis.Redis.execute_command = counted
    return sent


def measure(client, url: str, pages: int) -> tuple[list[float], list[float]]:
    cpu_ms, wall_ms = [], []
    for _ in range(pages):
        cpu, wall = time.thread_time(), time.perf_counter()
        response = client.get(url)
        cpu_ms.append((time.thread_time() - cpu) * 1000)
        wall_ms.append((time.perf_counter() - wall) * 1000)
        assert response.status_code == 200, response.status_code
    return cpu_ms, wall_ms


def per_page(client, url: str, redis_sent: list[int] | None) -> tuple[int, int | None]:
    """Database queries and Redis commands of one warm page."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    before = redis_sent[0] if redis_sent else 0
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return len(queries), (redis_sent[0] - before) if redis_sent else None


def profile(client, url: str, pages: int) -> str:
    profiler = cProfile.Profile(time.thread_time)
    profiler.enable()
    for _ in range(pages):
        client.get(url)
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats(os.environ.get("PROFILE_SORT", "cumulative")).print_stats(40)
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--profile", action="store_true", help="also print where the CPU goes (cProfile)")
    args = parser.parse_args()
    redis_used = use_redis_if_it_answers("page-bench")
    vendor = setup("page-bench")
    redis_sent = count_redis_commands() if redis_used else None

    from django.conf import settings
    from django.urls import reverse

    from hubspot_sandbox.testing import SandboxServer

    try:
        with SandboxServer.start("--rate-limit", "1000000/10") as sandbox:
            settings.HUBSPOT_API_BASE = settings.HUBSPOT_APP_BASE = sandbox.url
            client = signed_in_client(connect_rep(sandbox))
            url = reverse("meeting_create")
            calls_before = len(sandbox.requests())
            client.get(url)  # warm: owners, properties, labels
            warm_calls = len(sandbox.requests()) - calls_before
            measure(client, url, 20)  # warm: templates, translations
            queries, redis_commands = per_page(client, url, redis_sent)
            calls_before = len(sandbox.requests())
            cpu_ms, wall_ms = measure(client, url, args.pages)
            hubspot_calls = len(sandbox.requests()) - calls_before
            report = profile(client, url, 50) if args.profile else ""
    finally:
        if redis_used:
            drop_redis_keys()

    print(f"database: {vendor}, cache: {'Redis' if redis_used else 'local memory'}, "
          f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"HubSpot calls: {warm_calls} for the first page, {hubspot_calls} for the next {args.pages}")
    print(f"per warm page: {queries} database queries"
          + (f", {redis_commands} Redis commands" if redis_commands is not None else ""))
    print(summary("CPU per page", cpu_ms))
    print(summary("wall per page", wall_ms))
    if report:
        print(report)


if __name__ == "__main__":
    main()
