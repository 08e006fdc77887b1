"""`make bench`: every benchmark, one table. Exits non-zero when a row misses its target or a script fails.

Each script runs in a process of its own (its own database, sandbox and settings) and prints its
figures as `BENCH name value unit op target` lines (`_django.bench_row`); this collects them and
prints one row per figure:

    name  value  target  ok|MISS

with the machine's load average before and after. Figures taken at a load above the core count
are slower than the machine can do: the table says so rather than hide it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass

from _django import ROOT

# (script, arguments, seconds it may take at most). Together well under ten minutes on two cores.
# The pages' speed is measured where people feel it: latency on `make serve` under load (load_bench.py).
# page_bench.py (the form's CPU in-process, --profile) is a tool for finding where a page's time goes, not a row.
SCRIPTS = [
    ("create_bench.py", ["--meetings", "100", "--searches", "300"], 120),
    ("client_bench.py", [], 120),
    ("conflicts_bench.py", [], 60),
    ("history_bench.py", [], 200),
    ("export_bench.py", ["--cap", "60"], 300),
    ("load_bench.py", ["--bench"], 300),
]


@dataclass
class Row:
    name: str
    value: str
    unit: str
    op: str
    target: str

    @property
    def ok(self) -> bool:
        value, target = float(self.value), float(self.target)
        return value <= target if self.op == "<=" else value >= target


def run(script: str, arguments: list[str], seconds: int) -> tuple[list[Row], str | None]:
    """The script's rows, and why it failed (None when it did not)."""
    started = time.monotonic()
    try:
        done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / script), *arguments], cwd=ROOT,
                              capture_output=True, text=True, timeout=seconds)
    except subprocess.TimeoutExpired:
        return [], f"took longer than {seconds} s"
    rows = [Row(*line.split("\t")[1:6]) for line in done.stdout.splitlines() if line.startswith("BENCH\t")]
    print(f"  {script}: {len(rows)} figures in {time.monotonic() - started:.0f} s", file=sys.stderr, flush=True)
    if done.returncode:
        return rows, f"exit {done.returncode}: {(done.stderr or done.stdout).strip().splitlines()[-1:]}"
    return rows, None


def main() -> int:
    load_before = os.getloadavg()[0]
    started = time.monotonic()
    results: list[tuple[str, list[Row], str | None]] = []
    for script, arguments, seconds in SCRIPTS:
        print(f"running {script} {' '.join(arguments)}", file=sys.stderr, flush=True)
        rows, failure = run(script, arguments, seconds)
        results.append((script, rows, failure))
    width = max([len(row.name) for _script, rows, _failure in results for row in rows] + [40])
    print(f"\n{'name':{width}}  {'value':>12}  {'target':>14}  result")
    misses = 0
    for script, rows, failure in results:
        for row in rows:
            misses += not row.ok
            print(f"{row.name:{width}}  {row.value:>8} {row.unit:<3}  {row.op} {row.target:>7} {row.unit:<3}  "
                  f"{'ok' if row.ok else 'MISS'}")
        if failure:
            misses += 1
            print(f"{script + ' failed':{width}}  {failure}  MISS")
    print(f"\nload average {load_before:.2f} before, {os.getloadavg()[0]:.2f} after, on {os.cpu_count()} cores; "
          f"{time.monotonic() - started:.0f} s in all; {misses} missed")
    return 1 if misses else 0


if __name__ == "__main__":
    sys.exit(main())
