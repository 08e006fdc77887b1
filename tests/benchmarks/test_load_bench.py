"""`make bench` measures the pages where people feel them: p95 latency on `make serve` (benchmarks/load_bench.py).

These check the benchmark's own wiring, not the figures: which scripts `make bench` runs, the latency rows and
their targets, and that `--no-page-caches` really serves without the page-render caches.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"


@pytest.fixture(scope="module")
def load_bench():
    sys.path.insert(0, str(BENCHMARKS))
    try:
        import bench
        import load_bench

        yield load_bench, bench
    finally:
        sys.path.remove(str(BENCHMARKS))


def test_make_bench_measures_page_latency_on_make_serve_not_page_cpu(load_bench):
    _load_bench, bench = load_bench
    scripts = {script: arguments for script, arguments, _seconds in bench.SCRIPTS}
    assert scripts["load_bench.py"] == ["--bench"]
    assert "page_bench.py" not in scripts


def test_the_latency_rows_and_their_targets(load_bench, capsys):
    module, _bench = load_bench

    def result(name: str, concurrency: int, seconds: float):
        return module.Result(module.Scenario(name, "/"), concurrency, [seconds] * 20, 1.0, 0.0, 0.0, Counter())

    results = [result(name, concurrency, 0.01) for concurrency in (1, 16)
               for name in ("/healthz", "form page", "history, 100,000 records")]
    module.bench_rows(results, [])
    rows = {line.split("\t")[1]: line.split("\t")[2:] for line in capsys.readouterr().out.splitlines()}
    assert rows["form page p95 on make serve, c=1"] == ["10", "ms", "<=", "50"]
    assert rows["history p95 on make serve, c=1"] == ["10", "ms", "<=", "50"]
    assert rows["form page p95 on make serve, c=16"] == ["10", "ms", "<=", "250"]
    assert rows["history p95 on make serve, c=16"] == ["10", "ms", "<=", "250"]


def served_settings(python: str) -> str:
    """What the server's processes would run with, as scripts/serve starts them (DEBUG off, Redis set)."""
    from load_bench import PRODUCTION

    environment = {**os.environ, **PRODUCTION, "DJANGO_SETTINGS_MODULE": "config.settings",
                   "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/unused", "REDIS_URL": "redis://127.0.0.1:1/0"}
    code = ("import django; django.setup(); from django.conf import settings; "
            "print(settings.HISTORY_PAGE_CACHE, settings.CACHES['template_fragments']['BACKEND'])")
    done = subprocess.run([python, "-c", code], cwd=BENCHMARKS.parent, env=environment, capture_output=True,
                          text=True, timeout=60, check=True)
    return done.stdout.strip()


def test_no_page_caches_serves_without_the_drawn_pages_and_fragments(load_bench, tmp_path):
    module, _bench = load_bench
    assert served_settings(module.python_for_server(None, tmp_path)) == (
        "True django.core.cache.backends.locmem.LocMemCache")
    assert served_settings(module.python_for_server("both", tmp_path)) == (
        "False django.core.cache.backends.dummy.DummyCache")
    assert served_settings(module.python_for_server("drawn-pages", tmp_path)) == (
        "False django.core.cache.backends.locmem.LocMemCache")
    assert served_settings(module.python_for_server("fragments", tmp_path)) == (
        "True django.core.cache.backends.dummy.DummyCache")
