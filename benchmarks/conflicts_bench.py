"""Issue 16's numbers: HubSpot searches per conflict check (cold and cached) and the app's CPU per cached check.

    .venv/bin/python benchmarks/conflicts_bench.py [--checks 300]

Runs the app in-process against a real sandbox process over HTTP, the sandbox started with its demo
calendars. A check asks for the rep and two attendees; "cached" moves the time within the same day, as a
rep does while typing. CPU is this thread's own time (time.thread_time), so other load on the machine
moves it little; the load average is printed beside it.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from datetime import timedelta

from _django import bench_row, connect_rep, percentile, setup, signed_in_client

SEARCH = "/crm/objects/{version}/meetings/search"  # at HUBSPOT_API_VERSION, once settings are set up


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--checks", type=int, default=300)
    parser.add_argument("--days", type=int, default=20, help="cold checks, one per day (each a new day)")
    args = parser.parse_args()
    setup("conflicts-bench")
    from django.conf import settings

    search = SEARCH.format(version=settings.HUBSPOT_API_VERSION)

    from django.conf import settings
    from django.urls import reverse
    from django.utils import timezone

    from hubspot_sandbox.testing import SandboxServer

    print(f"load average before: {os.getloadavg()}")
    with SandboxServer.start("--demo-meetings", "--search-rate-limit", "1000") as sandbox:
        settings.HUBSPOT_API_BASE = settings.HUBSPOT_APP_BASE = sandbox.url
        settings.HUBSPOT_SEARCHES_PER_SECOND = 1000  # the app's own window: not what is measured here
        client = signed_in_client(connect_rep(sandbox))
        url = reverse("meeting_conflicts")
        first_day = timezone.now().date() + timedelta(days=1)

        def check(day, minutes: int) -> list:
            start = f"{day.isoformat()}T{8 + minutes // 60:02d}:{minutes % 60:02d}"
            response = client.get(url, {"start": start, "duration": "45", "time_zone": "Europe/Berlin",
                                        "attendees": ["71234500102", "71234500103"]})
            assert response.status_code == 200 and "skipped" not in response.json(), response.content[:300]
            return response.json()["conflicts"]

        check(first_day, 0)  # warm: the portal's owners, the connection
        before = len(sandbox.requests(path=search))
        for n in range(1, args.days + 1):
            check(first_day + timedelta(days=n), 0)
        cold = (len(sandbox.requests(path=search)) - before) / args.days

        before = len(sandbox.requests(path=search))
        cpu_ms, found = [], 0
        for n in range(args.checks):
            started = time.thread_time()
            found += bool(check(first_day, (n * 5) % 600))
            cpu_ms.append((time.thread_time() - started) * 1000)
        cached = (len(sandbox.requests(path=search)) - before) / args.checks

    print(f"load average after: {os.getloadavg()}")
    print(f"searches per check, first of its day (3 owners): {cold:.2f}   target: <= 1")
    print(f"searches per check, same day again: {cached:.2f}   target: 0 ({found} of {args.checks} checks "
          "found a demo meeting)")
    print(f"app CPU per cached check: median {statistics.median(cpu_ms):.2f} ms, p95 {percentile(cpu_ms, 0.95):.2f} ms"
          f" (n={len(cpu_ms)})   target: p95 <= 10 ms")
    bench_row("HubSpot searches per first conflict check of a day", cold, "searches", 1)
    bench_row("HubSpot searches per cached conflict check", cached, "searches", 0)
    bench_row("cached conflict check CPU p95", percentile(cpu_ms, 0.95), "ms", 10)


if __name__ == "__main__":
    main()
