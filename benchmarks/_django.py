"""Shared set-up for the benchmark scripts: Django on a throwaway database, production-like settings."""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup(name: str) -> str:
    """Point Django at DATABASE_URL, or a fresh SQLite file, migrate it, and return a label for the database."""
    sys.path.insert(0, str(ROOT))
    if not os.environ.get("DATABASE_URL"):
        path = Path(tempfile.gettempdir()) / f"meeting-booker-{name}.sqlite3"
        for leftover in path.parent.glob(path.name + "*"):
            leftover.unlink()
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.test_settings")
    os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")
    import django
    from django.core.management import call_command

    django.setup()
    from django.db import connection, connections

    # Production keeps a connection for DJANGO_CONN_MAX_AGE (60 s); the test settings close it after every
    # request, for the suite's threads. A benchmark of pages must not count a new connection per request.
    for each in connections.all():
        each.settings_dict["CONN_MAX_AGE"] = 60
    call_command("migrate", verbosity=0)

    if connection.vendor == "postgresql":
        call_command("flush", verbosity=0, interactive=False)
    return connection.vendor


REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/5")


def use_redis_if_it_answers(name: str) -> bool:
    """The cache is Redis, as in production, when TEST_REDIS_URL (or redis://127.0.0.1:6379/5) answers.

    Under a key prefix of this run's own (`drop_redis_keys` removes it); call before `setup`.
    """
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError:
        return False
    os.environ["REDIS_URL"], os.environ["REDIS_KEY_PREFIX"] = REDIS_URL, f"{name}-{uuid.uuid4().hex[:8]}"
    return True


def drop_redis_keys() -> None:
    import redis

    server = redis.Redis.from_url(REDIS_URL)
    for key in server.scan_iter(f"{os.environ['REDIS_KEY_PREFIX']}:*"):
        server.delete(key)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def summary(label: str, values_ms: list[float]) -> str:
    return (f"{label}: median {statistics.median(values_ms):.1f} ms, p95 {percentile(values_ms, 0.95):.1f} ms "
            f"(n={len(values_ms)})")


def bench_row(name: str, value: float, unit: str, target: float, *, better: str = "lower") -> None:
    """One row for `make bench` (benchmarks/bench.py collects the lines that start with BENCH).

    `better` says which side of `target` passes: "lower" (value <= target) or "higher" (value >= target).
    """
    assert better in ("lower", "higher"), better
    print(f"BENCH\t{name}\t{value:.4g}\t{unit}\t{'<=' if better == 'lower' else '>='}\t{target:g}", flush=True)


def connect_rep(sandbox):
    """Lena with a real sandbox token, as the OAuth callback would leave her (needs Django set up)."""
    from datetime import timedelta

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from hubspot_login.models import HubSpotConnection

    lena = next(u for u in sandbox.demo()["users"] if u["email"].startswith("lena"))
    token = sandbox.issue_token(lena["user_id"], scopes=[
        "oauth", "crm.objects.contacts.read", "crm.objects.contacts.write", "crm.objects.owners.read"])
    user = get_user_model().objects.create_user("lena", lena["email"], first_name="Lena", last_name="Müller")
    HubSpotConnection.objects.create(
        user=user, hub_id=token["hub_id"], hubspot_user_id=lena["user_id"], owner_id=lena["owner_id"],
        email=lena["email"], scopes=token["scopes"], access_token=token["access_token"],
        refresh_token=token["refresh_token"], expires_at=timezone.now() + timedelta(hours=6),
    )
    return user


def signed_in_client(user):
    """A Django test client with `user` signed in: requests through the whole middleware stack."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


def cpu_seconds(pids: list[int]) -> float:
    """User and system CPU the processes have used so far, from /proc/<pid>/stat (0 for one that ended)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def memory_kb(pid: int, name: str) -> int:
    """A /proc/<pid>/status figure in kB (VmRSS, VmHWM, …); 0 for a process that ended."""
    try:
        lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    except OSError:
        return 0
    return next((int(line.split()[1]) for line in lines if line.startswith(f"{name}:")), 0)
