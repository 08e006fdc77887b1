"""The CPU our HubSpot client adds to a call, against a bare requests.Session sending the same request.

    .venv/bin/python benchmarks/client_bench.py [--calls 300] [--rounds 20]

Both send to a real sandbox process over HTTP: a picker's contact search, a property read (GET) and
a meeting create, with the same headers, query and JSON body. Rounds interleave the two (the order
alternating) so drift in the machine's load hits both alike. What is measured is this process's CPU
time (`time.process_time`): the sandbox's work is another process's, and waiting for it costs none.

Logging is the product's default (`DJANGO_LOG_LEVEL` INFO, the console handler and its filter), with
the console pointed at /dev/null. The budget is the one the bench's settings use (`REDIS_URL` unset:
in-process); with a Redis at `BENCH_REDIS_URL` (default redis://127.0.0.1:6379/5) the client is measured
once more with the Redis budget, as information.
"""

from __future__ import annotations

import argparse
import itertools
import logging
import os
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from _django import bench_row, setup

TARGET_RATIO = 1.15
# At HUBSPOT_API_VERSION (format(version=…) once settings are set up), as the app sends them.
SEARCH_PATH = "/crm/objects/{version}/contacts/search"
PROPERTY_PATH = "/crm/properties/{version}/meetings/hs_meeting_outcome"
CREATE_PATH = "/scheduler/{version}/meetings/calendar"


@dataclass(frozen=True)
class Call:
    """One representative request, as `HubSpotClient.request` takes it."""

    name: str
    method: str
    path: str
    args: dict = field(default_factory=dict)
    creates: bool = False


@dataclass
class Tally:
    cpu: dict[str, float] = field(default_factory=dict)
    calls: dict[str, int] = field(default_factory=dict)

    def add(self, name: str, seconds: float, calls: int) -> None:
        self.cpu[name] = self.cpu.get(name, 0.0) + seconds
        self.calls[name] = self.calls.get(name, 0) + calls

    def us_per_call(self, name: str | None = None) -> float:
        names = [name] if name else list(self.cpu)
        return sum(self.cpu[n] for n in names) / sum(self.calls[n] for n in names) * 1e6


def representative_calls(user_id: int, owner_id: str) -> list[Call]:
    from django.conf import settings

    from hubspot_api.client import SEARCH_PROPERTIES
    from meetings.core.payload import MeetingInput, Reminder, build_meeting_request

    version = settings.HUBSPOT_API_VERSION

    start = datetime.now(UTC).replace(hour=9, minute=0, second=0, microsecond=0) + timedelta(days=7)
    meeting = build_meeting_request(MeetingInput(
        title="Client benchmark", start=start, end=start + timedelta(hours=1), time_zone="Europe/Berlin",
        body="Agenda: Einführung, Preise, nächste Schritte", reminders=(Reminder(1, "DAYS"),),
    ), owner_id=owner_id)
    return [
        Call("search", "POST", SEARCH_PATH.format(version=version),
             {"json": {"query": "müller", "limit": 10, "properties": list(SEARCH_PROPERTIES["contacts"])}}),
        Call("get", "GET", PROPERTY_PATH.format(version=version)),
        Call("create", "POST", CREATE_PATH.format(version=version),
             {"params": {"organizerUserId": str(user_id)}, "json": meeting}, creates=True),
    ]


class Bare:
    """The floor: a plain requests.Session with the client's headers, and the body read as JSON."""

    def __init__(self, base_url: str, token: str) -> None:
        import requests

        from hubspot_api.http import timeouts

        self.session = requests.Session()
        self.session.headers.update({"Accept": "application/json", "User-Agent": "meeting-booker/1.0"})
        self.base_url, self.auth, self.timeout = base_url, {"Authorization": f"Bearer {token}"}, timeouts()

    def run(self, call: Call) -> None:
        response = self.session.request(call.method, f"{self.base_url}{call.path}", headers=self.auth,
                                        timeout=self.timeout, **call.args)
        assert response.status_code == 200, response.text[:300]
        response.json()


class Ours:
    """The product's client as a picker or the create service gets it: a portal budget per client."""

    def __init__(self, base_url: str, token: str) -> None:
        from django.conf import settings

        from hubspot_api.budget import PortalBudget
        from hubspot_api.client import HubSpotClient, StaticToken

        self.settings, self.budget_for, self.client_class = settings, PortalBudget, HubSpotClient
        self.base_url, self.tokens = base_url, StaticToken(token)
        # Fresh portals (a new rate window) before a window fills: the product's limits stay as they are
        # and no call waits, while each window holds what a busy portal's would.
        self.portals = itertools.count(1_000_000)
        self.portal = {True: 0, False: 0}
        self.used = {True: 0, False: 0}

    def run(self, call: Call) -> None:
        search = call.path.endswith("/search")
        limit = self.settings.HUBSPOT_SEARCHES_PER_SECOND if search else self.settings.HUBSPOT_CALLS_PER_TEN_SECONDS
        if self.used[search] % limit == 0:
            self.portal[search] = next(self.portals)
        self.used[search] += 1
        client = self.client_class(tokens=self.tokens, rate_budget=self.budget_for(self.portal[search]),
                               patient=not search, base_url=self.base_url)
        answer = client.request(call.method, call.path, creates=call.creates, **call.args)
        assert answer.status == 200 and answer.body is not None


def measure(calls: list[Call], bare: Bare, ours: Ours, *, per_block: int, rounds: int) -> tuple[Tally, Tally]:
    """Rounds of `per_block` calls of each kind through each side, the side that goes first alternating."""
    tallies = {"bare": Tally(), "ours": Tally()}
    sides = [("bare", bare), ("ours", ours)]
    for round_number in range(rounds):
        for call in calls:
            for label, side in sides if round_number % 2 == 0 else reversed(sides):
                started = time.process_time()
                for _ in range(per_block):
                    side.run(call)
                tallies[label].add(call.name, time.process_time() - started, per_block)
    return tallies["bare"], tallies["ours"]


def report(title: str, bare: Tally, ours: Tally) -> float:
    print(title)
    for name in bare.cpu:
        b, o = bare.us_per_call(name), ours.us_per_call(name)
        print(f"  {name:7s} bare {b:7.1f} µs   ours {o:7.1f} µs   ratio {o / b:.3f}   (n={ours.calls[name]} each)")
    ratio = ours.us_per_call() / bare.us_per_call()
    print(f"  all     bare {bare.us_per_call():7.1f} µs   ours {ours.us_per_call():7.1f} µs   ratio {ratio:.3f}")
    return ratio


def quiet_console() -> None:
    """Keep the product's handlers, filters and levels, but write the console to /dev/null."""
    devnull = open(os.devnull, "w")  # noqa: SIM115 — lives as long as the process
    for handler in logging.getLogger().handlers:
        if isinstance(handler, logging.StreamHandler):
            handler.setStream(devnull)


def reachable_redis() -> str | None:
    import redis

    url = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/5")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.RedisError:
        return None
    return url


def budget_name(settings) -> str:
    return "Redis" if settings.REDIS_URL else "in-process"


def switch_to_the_other_budget(settings) -> bool:
    """Redis when the settings' default is in-process and a Redis answers, else in-process; False if neither."""
    if settings.REDIS_URL:
        settings.REDIS_URL = ""
        return True
    url = reachable_redis()
    if url:
        settings.REDIS_URL = url
        settings.HUBSPOT_BUDGET_KEY_PREFIX = f"client-bench-{uuid.uuid4().hex[:8]}"  # keys expire with their window
    return bool(url)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--calls", type=int, default=300, help="calls of each kind through each side")
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    os.environ["DJANGO_LOG_LEVEL"] = os.environ.get("BENCH_LOG_LEVEL", "INFO")  # the product's default
    setup("client-bench")
    quiet_console()

    from django.conf import settings

    from hubspot_sandbox.testing import SandboxServer

    per_block = max(1, args.calls // args.rounds)
    with SandboxServer.start("--rate-limit", "1000000/10", "--search-rate-limit", "1000000") as sandbox:
        lena = next(u for u in sandbox.demo()["users"] if u["email"].startswith("lena"))
        token = sandbox.issue_token(lena["user_id"], scopes=["oauth", "crm.objects.contacts.read",
                                                              "crm.objects.contacts.write"])["access_token"]
        calls = representative_calls(lena["user_id"], lena["owner_id"])
        bare, ours = Bare(sandbox.url, token), Ours(sandbox.url, token)
        measure(calls, bare, ours, per_block=per_block, rounds=2)  # warm: connections, imports, caches
        load = os.getloadavg()
        bare_tally, ours_tally = measure(calls, bare, ours, per_block=per_block, rounds=args.rounds)
        print(f"log level {logging.getLevelName(logging.getLogger().level)}, load average before "
              f"{load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
        ratio = report(f"CPU per call, {budget_name(settings)} budget (the bench settings' default):",
                       bare_tally, ours_tally)
        if switch_to_the_other_budget(settings):
            measure(calls, bare, ours, per_block=per_block, rounds=2)
            report(f"information: the same with the {budget_name(settings)} budget:",
                   *measure(calls, bare, ours, per_block=per_block, rounds=args.rounds))
        else:
            print("information: no Redis answered at BENCH_REDIS_URL; the Redis budget was not measured")
        print(f"load average after {' '.join(f'{v:.2f}' for v in os.getloadavg())}")

    print(f"bare session {bare_tally.us_per_call():.1f} µs CPU per call, our client {ours_tally.us_per_call():.1f} µs")
    bench_row("client CPU per call vs bare session", ratio, "ratio", TARGET_RATIO)


if __name__ == "__main__":
    main()
