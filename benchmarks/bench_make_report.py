"""Benchmark: the main job, ``make report``, timed as a user runs it.

Two timings, with the environment already set up (``.venv/`` present):

1. ``make report RUN_ARGS=--force``: extract the tables and execute and render
   every notebook of the plan, even those unchanged since the last run;
2. ``make report``: the same with nothing changed (runs are skipped).

Writes to the project's own ``data/processed/`` (byte-identical) and ``reports/``.
Usage: python benchmarks/bench_make_report.py [repeats]   (prints its figures)
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def timed(args: list[str]) -> float:
    t0 = time.perf_counter()
    subprocess.run(args, cwd=ROOT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t0


def main(repeats: int = 3) -> None:
    subprocess.run(["make", "-s", ".venv/.installed"], cwd=ROOT, check=True)
    full = [timed(["make", "-s", "report", "RUN_ARGS=--force --quiet"]) for _ in range(repeats)]
    again = [timed(["make", "-s", "report", "RUN_ARGS=--quiet"]) for _ in range(repeats)]
    print(f"make report, everything re-executed: median {statistics.median(full):6.1f} s  (runs: "
          + ", ".join(f"{t:.1f}" for t in full) + ")")
    print(f"make report, nothing changed:        median {statistics.median(again):6.1f} s  (runs: "
          + ", ".join(f"{t:.1f}" for t in again) + ")")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3)
