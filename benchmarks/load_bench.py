"""Issue 13's numbers: the app under load as `make serve` runs it — gunicorn (gthread) and the worker, DEBUG off.

    .venv/bin/python benchmarks/load_bench.py            # 100,000 records, 5 s per figure (about 4 minutes)
    .venv/bin/python benchmarks/load_bench.py --quick    # 10,000 records, 2 s per figure (about a minute)
    .venv/bin/python benchmarks/load_bench.py --bench    # what `make bench` runs: 100,000 records, no exports,
                                                         # 5 s per page figure, BENCH rows
    .venv/bin/python benchmarks/load_bench.py --bench --no-page-caches   # the same without the page-render caches
    .venv/bin/python benchmarks/load_bench.py --bench --no-page-caches drawn-pages  # or without one of them

Makes a PostgreSQL database of its own (dropped at the end; `--postgres` names the server), seeds the history
as benchmarks/history_bench.py does, starts a HubSpot sandbox and `scripts/serve` on a free port, signs a
rep and an admin in, and loads the app from threads here at concurrency 1 and 16, as nginx would pass the
requests on (X-Forwarded-Proto: https). Each figure is also given as a ratio to /healthz measured in the
same run, so runs at different machine load compare.

The history figure cycles through what admins and reps look at: All meetings unfiltered, by status, one rep's
last 90 days, a search and a page further back, and a rep's My meetings.

`--no-page-caches` serves with `benchmarks/settings_without_page_caches.py` (the history's drawn pages off,
the `{% cache %}` fragments on a dummy backend; `drawn-pages` or `fragments` for one of them), to see what the
pages cost without them: every view then costs what a view right after a write costs with them. It changes no
product code: `scripts/serve` runs the interpreter named by PYTHON, here a wrapper that names that settings
module (and which caches it turns off).

The client shares the machine's two cores with the server. It is kept light (one keep-alive `http.client`
connection per thread, no parsing but the status), and its cost is measured rather than guessed: the server's
CPU per request comes from /proc (gunicorn's master and workers), the client's from os.times(), and the
load average is printed before and after.
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote, urlencode

from _django import ROOT, bench_row, connect_rep, cpu_seconds, memory_kb, percentile

PUBLIC_HOST = "localhost"
CSRF_SECRET = secrets.token_hex(16)  # a 32-character CSRF secret of our choosing, sent as cookie and form field
PRODUCTION = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
    "DJANGO_ALLOWED_HOSTS": f"{PUBLIC_HOST},127.0.0.1",
    "HUBSPOT_CLIENT_ID": "sandbox-demo-client-id",
    "HUBSPOT_CLIENT_SECRET": "sandbox-demo-client-secret",
    "TOKEN_ENCRYPTION_KEYS": "7mr0sJw6H2n0aW3pYbqUjJ0sXr8mVq1Rz5cN4dLtE9k=",
    "AUDIT_CHAIN_KEY": secrets.token_urlsafe(32),
    "DJANGO_TRUST_X_FORWARDED_PROTO": "1",
    "DJANGO_LOG_LEVEL": "WARNING",
    # The app's own rate windows are not what is measured here (creates at full speed would spend them).
    "HUBSPOT_SEARCHES_PER_SECOND": "100000",
    "HUBSPOT_CALLS_PER_TEN_SECONDS": "1000000",
}


# --- the database, the sandbox and the server ---------------------------------------------------------------------
@contextmanager
def bench_database(server: str):
    """A fresh PostgreSQL database on `server`, dropped afterwards (processes still connected are cut off)."""
    import psycopg

    name = f"meeting_booker_load_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{server}/{name}"
    finally:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def redis_prefix(url: str):
    """A key prefix of this run's own in the shared Redis, its keys deleted afterwards."""
    import redis

    prefix = f"load-bench-{uuid.uuid4().hex[:8]}"
    try:
        yield prefix
    finally:
        client = redis.Redis.from_url(url)
        for key in client.scan_iter(match=f"{prefix}:*", count=1000):
            client.delete(key)


def prepare_django(environment: dict[str, str]) -> None:
    """This process on the same database and Redis as the server, to seed records and make sessions."""
    os.environ.update(environment)
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    sys.path.insert(0, str(ROOT))
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


WITHOUT_PAGE_CACHES = "settings_without_page_caches"


def python_for_server(caches_off: str | None, directory: Path) -> str:
    """The interpreter `scripts/serve` runs (its PYTHON): this one, or a wrapper naming the settings without caches.

    `caches_off` is None (as configured), "both", "drawn-pages" or "fragments". scripts/serve exports
    DJANGO_SETTINGS_MODULE=config.settings before it starts anything, so the wrapper sets it again, for
    `manage.py` (check, migrate, collectstatic, worker) and gunicorn alike.
    """
    if caches_off is None:
        return sys.executable
    wrapper = directory / "python-without-page-caches"
    wrapper.write_text(f"#!/bin/sh\nexport DJANGO_SETTINGS_MODULE={WITHOUT_PAGE_CACHES} PAGE_CACHES_OFF={caches_off}\n"
                       f"export PYTHONPATH='{Path(__file__).resolve().parent}'${{PYTHONPATH:+:$PYTHONPATH}}\n"
                       f"exec '{sys.executable}' \"$@\"\n")
    wrapper.chmod(0o755)
    return str(wrapper)


@dataclass
class Server:
    process: subprocess.Popen
    port: int
    log: Path

    def gunicorn_pids(self) -> list[int]:
        masters = [pid for pid in children(self.process.pid) if b"gunicorn" in cmdline(pid)]
        return masters + [pid for master in masters for pid in children(master)]

    def worker_pids(self) -> list[int]:
        return [pid for master in self.gunicorn_pids()[:1] for pid in children(master)]


def children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(stat.parent.name))
        except (OSError, IndexError, ValueError):
            continue
    return found


def cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


@contextmanager
def serve(environment: dict[str, str], log: Path, python: str = sys.executable):
    """`scripts/serve` — what `make serve` runs — on a free port, stopped as an operator would (SIGTERM)."""
    from hubspot_sandbox.testing import free_port

    port = free_port()
    log.parent.mkdir(exist_ok=True)
    with log.open("wb") as output:
        process = subprocess.Popen(["bash", "scripts/serve"], cwd=ROOT, stdout=output, stderr=subprocess.STDOUT,
                                   env={**os.environ, **environment, "APP_PORT": str(port), "PYTHON": python})
    server = Server(process, port, log)
    try:
        wait_until_up(server)
        yield server
    finally:
        process.terminate()
        process.wait(60)


def wait_until_up(server: Server, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise SystemExit(f"make serve stopped:\n{server.log.read_text()}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=1)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200 and len(server.worker_pids()) >= 2:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"make serve did not answer within {seconds:.0f} s:\n{server.log.read_text()}")


def settle_seeded_history() -> int:
    """The seeded history as a live server's stands: no record left pending long ago.

    history_bench.py's seed spreads every status over two years, PENDING too. On a live server a record is
    pending for the seconds of its create; one pending for longer than STALE_PENDING_SECONDS was left by a
    process that died, and the worker's sweep checks it with HubSpot. Thousands of them would keep the worker
    checking (and writing) through the whole run, every write drawing the history's pages anew: a load
    nobody's server carries. They are recorded as not created, as their checks would end.
    """
    from meetings.models import MeetingRecord

    return MeetingRecord.objects.filter(status=MeetingRecord.Status.PENDING).update(
        status=MeetingRecord.Status.NOT_CREATED)


def wait_for_worker(user, seconds: float = 60) -> None:
    """Until the worker has sent every create of `user` handed to it, so the next figure is not its leftovers."""
    from meetings.models import MeetingRecord

    deadline = time.monotonic() + seconds
    while MeetingRecord.objects.filter(user=user, status=MeetingRecord.Status.PENDING).exists():
        if time.monotonic() > deadline:
            print(f"  the worker still had creates to send after {seconds:.0f} s", file=sys.stderr)
            return
        time.sleep(0.2)


# --- who signs in ------------------------------------------------------------------------------------------------
def session_cookie(user) -> str:
    """A signed-in session in the shared database and cache, as a Cookie header with our CSRF secret."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    return f"{settings.SESSION_COOKIE_NAME}={session}; csrftoken={CSRF_SECRET}"


# --- the load ----------------------------------------------------------------------------------------------------
@dataclass
class Scenario:
    name: str
    path: str
    cookie: str = ""
    expect: int = 200
    body: object = None  # a callable giving a fresh form body per request, for POSTs
    # Other (path, cookie) pairs the requests cycle through after `path` with `cookie` (one page seen by many).
    more: tuple[tuple[str, str], ...] = ()

    def requests(self) -> itertools.cycle:
        return itertools.cycle([(self.path, self.cookie), *self.more])


@dataclass
class Result:
    scenario: Scenario
    concurrency: int
    latencies: list[float]
    elapsed: float
    server_cpu: float
    client_cpu: float
    errors: Counter = field(default_factory=Counter)
    by_path: dict[str, list[float]] = field(default_factory=dict)  # latencies per path, for scenarios of several

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.elapsed

    def ms(self, share: float) -> float:
        return percentile(self.latencies, share) * 1000


class Connection:
    """One keep-alive connection, as nginx keeps to the app; requests as the proxy passes them on."""

    def __init__(self, port: int) -> None:
        self.http = http.client.HTTPConnection("127.0.0.1", port, timeout=300)

    def send(self, scenario: Scenario, path: str | None = None, cookie: str | None = None) -> int:
        return self._send(scenario, path=path, cookie=cookie)[0].status

    def send_for_location(self, scenario: Scenario) -> tuple[int, str]:
        response, _body = self._send(scenario)
        return response.status, response.getheader("Location", "")

    def send_for_json(self, scenario: Scenario) -> dict:
        response, body = self._send(scenario, keep=True)
        return json.loads(body) if response.status == 200 else {}

    def _send(self, scenario: Scenario, *, keep: bool = False, path: str | None = None, cookie: str | None = None):
        headers = {"Host": PUBLIC_HOST, "X-Forwarded-Proto": "https",
                   "Cookie": scenario.cookie if cookie is None else cookie}
        if scenario.body is None:
            self.http.request("GET", scenario.path if path is None else path, headers=headers)
        else:
            form = urlencode({**scenario.body(), "csrfmiddlewaretoken": CSRF_SECRET})
            headers |= {"Origin": f"https://{PUBLIC_HOST}", "Content-Type": "application/x-www-form-urlencoded"}
            self.http.request("POST", scenario.path, body=form, headers=headers)
        response = self.http.getresponse()
        if keep:
            return response, response.read()
        while response.read(1 << 16):  # the whole body, streamed or not, without keeping it
            pass
        return response, b""


def run(server: Server, scenario: Scenario, concurrency: int, *, seconds: float | None = None,
        count: int | None = None) -> Result:
    """`concurrency` threads send the scenario until `seconds` have passed or `count` requests are done."""
    latencies: list[float] = []
    by_path: dict[str, list[float]] = {}
    errors: Counter = Counter()
    lock, issued, requests = threading.Lock(), iter(range(count or 10**9)), scenario.requests()
    deadline = time.perf_counter() + (seconds or 10**9)

    def worker() -> None:
        connection = Connection(server.port)
        while time.perf_counter() < deadline:
            with lock:
                if next(issued, None) is None:
                    return
                path, cookie = next(requests)
            started = time.perf_counter()
            status = connection.send(scenario, path, cookie)
            took = time.perf_counter() - started
            with lock:
                latencies.append(took)
                by_path.setdefault(path, []).append(took)
                if status != scenario.expect:
                    errors[status] += 1

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    pids, client_before = server.gunicorn_pids(), sum(os.times()[:2])
    server_before, started = cpu_seconds(pids), time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    return Result(scenario, concurrency, latencies, elapsed, cpu_seconds(pids) - server_before,
                  sum(os.times()[:2]) - client_before, errors, by_path)


def meeting_form() -> dict:
    from django.utils import timezone

    day, key = timezone.now() + timedelta(days=7), uuid.uuid4()
    # A title of its own: the same meeting twice is asked about first, not created.
    return {
        "idempotency_key": str(key), "title": f"Lasttest {key.hex[:8]}", "time_zone": "Europe/Berlin",
        "start": day.strftime("%Y-%m-%dT10:00"), "end": day.strftime("%Y-%m-%dT11:00"), "outcome": "SCHEDULED",
        "reminders-TOTAL_FORMS": "0", "reminders-INITIAL_FORMS": "0", "reminders-MIN_NUM_FORMS": "0",
        "reminders-MAX_NUM_FORMS": "3",
    }


# --- the CSV export: its wall time and the worker's peak memory -----------------------------------------------------
def reset_peak_memory(pids: list[int]) -> dict[int, int]:
    """Each worker's resident memory now (kB), with its high-water mark reset to it (clear_refs 5)."""
    resident = {}
    for pid in pids:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
        resident[pid] = memory_kb(pid, "VmRSS")
    return resident


def run_export(server: Server, scenario: Scenario, concurrency: int, count: int) -> tuple[Result, int, int]:
    """The export at this concurrency, and the busiest worker's peak resident memory and its rise (kB)."""
    workers = server.worker_pids()
    before = reset_peak_memory(workers)
    result = run(server, scenario, concurrency, count=count)
    peaks = {pid: memory_kb(pid, "VmHWM") for pid in workers}
    busiest = max(peaks, key=lambda pid: peaks[pid] - before[pid])
    return result, peaks[busiest], peaks[busiest] - before[busiest]


# --- the report -----------------------------------------------------------------------------------------------------
def report(results: list[Result], exports: list[tuple[Result, int, int]]) -> None:
    healthz = {r.concurrency: r for r in results if r.scenario.name == "/healthz"}
    print(f"{'':32} {'c':>3} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} "
          f"{'server CPU':>11} {'client CPU':>11} {'costs':>9} {'p50 ×':>8}")
    print(f"{'':32} {'':>3} {'':>8} {'':>8} {'':>8} {'':>8} {'ms/req':>11} {'ms/req':>11} "
          f"{'healthz':>9} {'healthz':>8}")
    for result in [*results, *(export for export, _peak, _rise in exports)]:
        base = healthz[result.concurrency]
        # "costs": how many /healthz answers one of these takes in throughput, at the same concurrency.
        print(f"{result.scenario.name:32} {result.concurrency:>3} {result.rate:>8.2f} {result.ms(0.5):>8.1f} "
              f"{result.ms(0.95):>8.1f} {result.ms(0.99):>8.1f} "
              f"{result.server_cpu * 1000 / len(result.latencies):>11.1f} "
              f"{result.client_cpu * 1000 / len(result.latencies):>11.1f} "
              f"{base.rate / result.rate:>9,.0f} {result.ms(0.5) / base.ms(0.5):>8,.0f}"
              + (f"   errors {dict(result.errors)}" if result.errors else ""))
    for result in results:
        if len(result.by_path) > 1:
            print(f"{result.scenario.name} at c={result.concurrency}, p50 / p95 ms by page: " + ", ".join(
                f"{path} {percentile(times, 0.5) * 1000:.0f} / {percentile(times, 0.95) * 1000:.0f}"
                for path, times in result.by_path.items()))
    for export, peak, rise in exports:
        print(f"export at c={export.concurrency}: {len(export.latencies)} exports, wall time each median "
              f"{statistics.median(export.latencies):.2f} s; busiest worker's peak resident memory "
              f"{peak / 1024:.0f} MiB ({rise / 1024:+.0f} MiB over its size before)")


@dataclass
class Cookies:
    rep: str  # the rep who books (connected to the sandbox)
    admin: str  # an admin who reviews everyone's history
    seeded_rep: str  # a rep with seeded history, and their user id
    seeded_rep_id: int
    booking_user: object = None  # the rep who books: the worker is waited for after their creates


PAGES = ("form page", "history")  # the pages whose latency is a `make bench` row


def scenarios(cookies: Cookies, records: int) -> list[Scenario]:
    from django.utils import timezone

    days_ago = (timezone.localdate() - timedelta(days=90)).isoformat()
    return [
        Scenario("/healthz", "/healthz"),
        Scenario("form page", "/meetings/new/", cookies.rep),
        Scenario("cached picker search", f"/meetings/pickers/contacts?q={quote('müller')}", cookies.rep),
        Scenario("create end to end (sandbox)", "/meetings/new/", cookies.rep, expect=302, body=meeting_form),
        Scenario(f"history, {records:,} records", "/meetings/all/", cookies.admin, more=(
            ("/meetings/all/?status=failed", cookies.admin),
            (f"/meetings/all/?rep={cookies.seeded_rep_id}&submitted_from={days_ago}", cookies.admin),
            (f"/meetings/all/?q={quote('müller')}", cookies.admin),
            ("/meetings/all/?page=5", cookies.admin),
            ("/meetings/", cookies.seeded_rep),
        )),
    ]


def measure(server: Server, cookies: Cookies, records: int, seconds: float, page_seconds: float,
            exports: tuple[int, int] | None) -> tuple[list[Result], list[tuple[Result, int, int]]]:
    results = []
    for concurrency in (1, 16):
        for scenario in scenarios(cookies, records):
            print(f"  {scenario.name} at concurrency {concurrency}", file=sys.stderr, flush=True)
            run(server, scenario, concurrency, count=max(12, concurrency * 2))  # warm: caches, connections
            results.append(run(server, scenario, concurrency,
                               seconds=page_seconds if scenario.name.startswith(PAGES) else seconds))
            if scenario.body is not None:
                wait_for_worker(cookies.booking_user)
    if exports is None:
        return results, []
    export = Scenario(f"CSV export, {records:,} rows", "/meetings/all/export.csv", cookies.admin)
    print(f"  {export.name}: {exports[0]} at concurrency 1, {exports[1]} at 16", file=sys.stderr, flush=True)
    run(server, export, 1, count=1)
    measured = [run_export(server, export, 1, exports[0]), run_export(server, export, 16, exports[1])]
    return results, measured


# --- HubSpot slow: 16 reps creating while it answers in a second ----------------------------------------------------
class RepsCreating:
    """Reps who each submit a meeting, follow its page until it settles (as record-status.js does), and go on."""

    def __init__(self, server: Server, cookie: str, reps: int) -> None:
        self.server, self.cookie, self.reps = server, cookie, reps
        self.stop, self.settled, self.queued = threading.Event(), Counter(), 0
        self.threads = [threading.Thread(target=self._rep) for _ in range(reps)]

    def __enter__(self) -> RepsCreating:
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(60)

    def _rep(self) -> None:
        connection = Connection(self.server.port)
        create = Scenario("create", "/meetings/new/", self.cookie, body=meeting_form)
        while not self.stop.is_set():
            status, location = connection.send_for_location(create)
            if status != 302 or "/done/" not in location:
                self.settled[f"answer {status}"] += 1
                continue
            record = location.rstrip("/").rsplit("/", 2)[-2]
            follow = Scenario("status", f"/meetings/{record}/status.json", self.cookie)
            while not self.stop.is_set():
                state = connection.send_for_json(follow)
                if not state.get("open"):
                    self.settled[state.get("status", "?")] += 1
                    break
                self.queued += 1
                self.stop.wait(1.0)


def slow_hubspot(server: Server, sandbox, cookies: Cookies, baseline: dict[str, Result],
                 seconds: float) -> list[tuple[str, float]]:
    """/healthz and the history at concurrency 16 while 16 reps create against a HubSpot answering in 1 s."""
    kept = []
    sandbox.latency(1000)
    try:
        with RepsCreating(server, cookies.rep, 16) as reps:
            time.sleep(2.0)  # every rep has a create in flight or queued
            for name in ("/healthz", "history"):
                scenario = next(s for s in scenarios(cookies, 0) if s.name.startswith(name))
                result = run(server, scenario, 16, seconds=seconds)
                kept.append((name, result.rate / baseline[name].rate))
                print(f"  {name} with 16 creates on a 1 s HubSpot: {result.rate:.1f} req/s "
                      f"(without: {baseline[name].rate:.1f}), p95 {result.ms(0.95):.0f} ms", file=sys.stderr)
    finally:
        sandbox.latency(0)
    print(f"16 reps creating on a 1 s HubSpot: settled {dict(reps.settled)}, {reps.queued} status polls")
    return kept


# What a person waits for a page, on `make serve` on two cores: alone, and with 15 others asking at once.
PAGE_P95_TARGET_MS = {1: 50, 16: 250}


def bench_rows(results: list[Result], kept: list[tuple[str, float]]) -> None:
    by = {(r.scenario.name.split(",")[0], r.concurrency): r for r in results}
    for concurrency in (1, 16):
        for name in PAGES:
            bench_row(f"{name} p95 on make serve, c={concurrency}", by[(name, concurrency)].ms(0.95), "ms",
                      PAGE_P95_TARGET_MS[concurrency])
    for concurrency in (1, 16):
        healthz = by[("/healthz", concurrency)]
        bench_row(f"/healthz req/s, c={concurrency}", healthz.rate, "req/s", 50, better="higher")
        for name in ("form page", "history"):
            page = by[(name, concurrency)]
            # A page costs more than /healthz; the ratios compare runs made at different machine loads.
            bench_row(f"{name} req/s ÷ /healthz, c={concurrency}", page.rate / healthz.rate, "ratio", 0.05,
                      better="higher")
            bench_row(f"{name} p95 ÷ /healthz p95, c={concurrency}", page.ms(0.95) / healthz.ms(0.95), "ratio", 20)
    for name, ratio in kept:
        bench_row(f"{name} throughput kept, 16 creates on a 1 s HubSpot", ratio, "ratio", 0.5, better="higher")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="10,000 records, 2 s per figure, fewer exports")
    parser.add_argument("--bench", action="store_true",
                        help="100,000 records, 5 s per page figure and 2 s per other, no exports, BENCH rows")
    parser.add_argument("--no-page-caches", nargs="?", const="both", choices=("both", "drawn-pages", "fragments"),
                        help="serve without the history's drawn pages and the {%% cache %%} fragments (both), "
                             "or without one of them")
    parser.add_argument("--records", type=int, help="seed this many records instead")
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432", help="server, no database")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/5")
    args = parser.parse_args()
    if args.bench:
        records, seconds, page_seconds, exports = 100_000, 2.0, 5.0, None
    elif args.quick:
        records, seconds, page_seconds, exports = 10_000, 2.0, 2.0, (2, 16)
    else:
        records, seconds, page_seconds, exports = 100_000, 5.0, 5.0, (3, 16)
    records = args.records or records

    with ExitStack() as stack:
        database = stack.enter_context(bench_database(args.postgres))
        prefix = stack.enter_context(redis_prefix(args.redis))
        environment = {**PRODUCTION, "DATABASE_URL": database, "REDIS_URL": args.redis, "REDIS_KEY_PREFIX": prefix,
                       # What a request costs that streams the whole export (above the bound the app would
                       # hand it to the worker; benchmarks/export_bench.py measures that path).
                       "EXPORT_STREAM_MAX_ROWS": str(records)}
        prepare_django(environment)
        from history_bench import make_people, seed

        from hubspot_sandbox.testing import SandboxServer

        started = time.perf_counter()
        admin, reps = make_people()
        seed(reps, 1, records)
        settled = settle_seeded_history()
        print(f"seeded {records:,} records in {time.perf_counter() - started:.0f} s (PostgreSQL; {settled:,} seeded "
              f"as pending recorded as not created)")
        sandbox = stack.enter_context(SandboxServer.start("--rate-limit", "1000000/10", "--search-rate-limit", "1000"))
        rep = connect_rep(sandbox)
        environment |= {"HUBSPOT_API_BASE": sandbox.url, "HUBSPOT_APP_BASE": sandbox.url}
        python = python_for_server(args.no_page_caches, Path(stack.enter_context(tempfile.TemporaryDirectory())))
        server = stack.enter_context(serve(environment, ROOT / "var" / "load-bench-serve.log", python))
        print(f"make serve: gunicorn gthread, {len(server.worker_pids())} workers × "
              f"{os.environ.get('GUNICORN_THREADS', '4')} threads, on {os.cpu_count()} cores; page caches "
              f"{f'off: {args.no_page_caches}' if args.no_page_caches else 'as configured'}")
        mode = "bench" if args.bench else "quick" if args.quick else "full"
        print(f"load average {os.getloadavg()[0]:.2f} before; {mode} run, {records:,} records, "
              f"{page_seconds:.0f} s per page figure, {seconds:.0f} s per other")
        sandbox_before = cpu_seconds([sandbox.process.pid])
        cookies = Cookies(session_cookie(rep), session_cookie(admin), session_cookie(reps[0]), reps[0].pk, rep)
        results, measured = measure(server, cookies, records, seconds, page_seconds, exports)
        report(results, measured)
        baseline = {name: next(r for r in results if r.concurrency == 16 and r.scenario.name.startswith(name))
                    for name in ("/healthz", "history")}
        kept = slow_hubspot(server, sandbox, cookies, baseline, seconds * 2)
        if args.bench:
            bench_rows(results, kept)
        print(f"sandbox CPU during the run: {cpu_seconds([sandbox.process.pid]) - sandbox_before:.1f} s "
              f"(it shares the cores: the creates' figures include it)")
        print(f"load average {os.getloadavg()[0]:.2f} after")
    failed = [f"{r.scenario.name} at c={r.concurrency}: {dict(r.errors)}" for r in results if r.errors]
    if failed:
        # A fast wrong answer must not pass for a fast page.
        raise SystemExit("unexpected answers: " + "; ".join(failed))


if __name__ == "__main__":
    main()
