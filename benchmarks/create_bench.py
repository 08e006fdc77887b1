"""Issue 5's numbers: the server time the app adds to a create, a cached picker search, HubSpot calls per meeting.

    .venv/bin/python benchmarks/create_bench.py [--meetings 200]

Runs the app in-process against a real sandbox process over HTTP. "App time" is the whole
request through Django's middleware minus the time spent inside HTTP calls to HubSpot.
"""

from __future__ import annotations

import argparse
import statistics
import threading
import time
import uuid
from collections import Counter
from datetime import timedelta

from _django import bench_row, connect_rep, percentile, setup, signed_in_client, summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--meetings", type=int, default=200)
    parser.add_argument("--searches", type=int, default=500)
    args = parser.parse_args()
    vendor = setup("create-bench")

    from django.conf import settings
    from django.urls import reverse
    from django.utils import timezone

    from hubspot_api import client as hubspot_client
    from hubspot_sandbox.testing import SandboxServer
    from meetings.models import MeetingRecord

    spent_in_hubspot = [0.0]
    original = hubspot_client.hubspot_session

    def timed_session():
        session = original()
        if not getattr(session, "_timed", False):
            send = session.request

            def request(*a, **kw):
                started = time.perf_counter()
                try:
                    return send(*a, **kw)
                finally:
                    spent_in_hubspot[0] += time.perf_counter() - started

            session.request, session._timed = request, True
        return session

    hubspot_client.hubspot_session = timed_session

    with SandboxServer.start("--rate-limit", "1000000/10", "--search-rate-limit", "1000") as sandbox:
        settings.HUBSPOT_API_BASE = settings.HUBSPOT_APP_BASE = sandbox.url
        settings.HUBSPOT_SEARCHES_PER_SECOND = 10_000
        settings.HUBSPOT_CALLS_PER_TEN_SECONDS = 1_000_000  # the app's own rate windows: not what is measured
        user = connect_rep(sandbox)
        client = signed_in_client(user)
        client.get(reverse("meeting_create"))  # warm: owners, properties, labels
        start = (timezone.now() + timedelta(days=7)).strftime("%Y-%m-%dT10:00")
        end = (timezone.now() + timedelta(days=7)).strftime("%Y-%m-%dT11:00")
        calls_before = len(sandbox.requests())
        app_ms = []
        for i in range(args.meetings):
            spent_in_hubspot[0] = 0.0
            started = time.perf_counter()
            response = client.post(reverse("meeting_create"), {
                "idempotency_key": str(uuid.uuid4()), "title": f"Benchmark {i}", "time_zone": "Europe/Berlin",
                "start": start, "end": end, "outcome": "SCHEDULED", "reminders-TOTAL_FORMS": "0",
                "reminders-INITIAL_FORMS": "0", "reminders-MIN_NUM_FORMS": "0", "reminders-MAX_NUM_FORMS": "3",
            })
            total = time.perf_counter() - started
            assert response.status_code == 302, response.content[:300]
            app_ms.append((total - spent_in_hubspot[0]) * 1000)
        calls = len(sandbox.requests()) - calls_before
        created = MeetingRecord.objects.filter(status=MeetingRecord.Status.CREATED).count()

        client.get(reverse("picker_search", args=["contacts"]), {"q": "müller"})  # warm the cache
        search_ms = []
        for _ in range(args.searches):
            started = time.perf_counter()
            response = client.get(reverse("picker_search", args=["contacts"]), {"q": "müller"})
            search_ms.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200 and response.json()["results"]

        loads = form_load_calls(sandbox, user)
        keystrokes = keystroke_calls(sandbox, client)

    print(f"database: {vendor}")
    print(summary("app time per create, HubSpot excluded", app_ms) + "   target: median <= 15 ms")
    print(summary("cached picker search", search_ms) + "   target: p95 <= 20 ms")
    print(f"HubSpot calls per created meeting (caches warm): {calls / created:.2f}   target: exactly 1")
    bench_row("app time per create (median)", statistics.median(app_ms), "ms", 15)
    bench_row("cached picker search p95", percentile(search_ms, 0.95), "ms", 20)
    bench_row("HubSpot calls per create (warm)", calls / created, "calls", 1)
    for name, value, target in [*loads, *keystrokes]:
        bench_row(name, value, "calls", target)


def form_load_calls(sandbox, user) -> list[tuple[str, float, float]]:
    """HubSpot calls for one cold form load, one warm, and sixteen cold ones at once (each set once)."""
    from django.core.cache import cache
    from django.db import connections
    from django.urls import reverse

    def load() -> None:
        assert signed_in_client(user).get(reverse("meeting_create")).status_code == 200
        connections.close_all()

    def calls_of(run) -> list[str]:
        before = len(sandbox.requests())
        run()
        return [r["path"] for r in sandbox.requests()[before:]]

    cache.clear()
    cold = calls_of(load)
    warm = calls_of(load)
    cache.clear()
    concurrent = calls_of(lambda: _all_at_once(load, 16))
    per_set = max(Counter(concurrent).values())
    print(f"form load: cold {len(cold)} calls ({len(set(cold))} option sets), warm {len(warm)}, "
          f"16 concurrent cold loads {len(concurrent)} calls, the most for one set {per_set}")
    return [
        ("HubSpot calls per cold form load", len(cold), len(set(cold))),
        ("HubSpot calls per warm form load", len(warm), 0),
        ("HubSpot calls per option set, 16 concurrent cold form loads", per_set, 1),
        ("HubSpot calls per warm form load, 16 concurrent", len(calls_of(lambda: _all_at_once(load, 16))), 0),
    ]


def _all_at_once(work, count: int) -> None:
    start = threading.Barrier(count)

    def run():
        start.wait()
        work()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def keystroke_calls(sandbox, client) -> list[tuple[str, float, float]]:
    """Searches per picker request as a rep types a name (the page debounces; each request may search once)."""
    from django.urls import reverse

    typed = ["Sc", "Sch", "Schr", "Schrö", "Schröd", "Schröder"]
    before = len(sandbox.requests())
    for text in typed:
        client.get(reverse("picker_search", args=["contacts"]), {"q": text})
    first = len(sandbox.requests()) - before
    for text in typed:
        client.get(reverse("picker_search", args=["contacts"]), {"q": text})
    again = len(sandbox.requests()) - before - first
    return [("HubSpot searches per picker keystroke", first / len(typed), 1),
            ("HubSpot searches per keystroke, same text again", again / len(typed), 0)]


if __name__ == "__main__":
    main()
