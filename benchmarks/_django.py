"""Shared set-up for the benchmark scripts: Django on a throwaway database, production-like settings."""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
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
    call_command("migrate", verbosity=0)
    from django.db import connection

    if connection.vendor == "postgresql":
        call_command("flush", verbosity=0, interactive=False)
    return connection.vendor


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
