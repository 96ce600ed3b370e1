"""Benchmark: how long the explorer takes to update after a change of each control.

Run: .venv/bin/python benchmarks/bench_explorer.py   (prints median and max per control over N rounds)
Goal (issue 19): every change updates every view (verdict, chart, both methods, the two
tables, the findings) in under a second.

Each round walks the controls through the changes a reader makes (objective, indicator,
as_of, method, table, and back) and times each assignment: the observers run
synchronously, so the time is the whole update in the kernel, the chart included. Two
charts are measured: the PNG image (plain Python, nbconvert) and the ipympl canvas,
whose drawing (matplotlib's Agg render, what ipympl sends to the browser) is forced
here, since without a front end ipympl would draw only when asked. The browser's own
work (placing the new HTML and image) is not included.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

import matplotlib  # noqa: E402

matplotlib.use("Agg")

import pntlib  # noqa: E402

CHANGES = [
    ("objective", 4), ("indicator", "4.2"), ("as_of", 2021), ("method", "opensdg"), ("method", "linear"),
    ("as_of", 2024), ("table", "summary"), ("table", "annex"), ("objective", 5), ("indicator", "5.3"),
    ("method", "opensdg"), ("method", "linear"), ("objective", 1),
]


def rounds(interactive: bool, n: int) -> tuple[float, dict[str, list[float]], dict[str, list[float]]]:
    from pntlib.explorer import Explorer

    t0 = time.perf_counter()
    ex = Explorer(interactive_chart=interactive)
    build = time.perf_counter() - t0
    times: dict[str, list[float]] = {}
    cpu: dict[str, list[float]] = {}
    for _ in range(n):
        for control, value in CHANGES:
            t0, c0 = time.perf_counter(), time.process_time()
            getattr(ex, control).value = value
            if interactive:
                ex.figure.canvas.draw()  # what ipympl renders and sends
            times.setdefault(control, []).append((time.perf_counter() - t0) * 1000)
            cpu.setdefault(control, []).append((time.process_time() - c0) * 1000)
    return build, times, cpu


def main(n: int = 5) -> None:
    print(f"explorer: time from a control's change to every view updated, {n} rounds of {len(CHANGES)} changes")
    load = os.getloadavg()[0]
    print(f"  load average before: {load:.1f} on {os.cpu_count()} cores (wall times mean little when it exceeds the cores)")
    worst = worst_cpu = 0.0
    for interactive, label in ((False, "PNG image chart"), (True, "ipympl canvas chart")):
        build, times, cpu = rounds(interactive, n)
        print(f"  {label}: first view built in {build * 1000:.0f} ms (parse and first draw included)")
        for control, values in times.items():
            worst, worst_cpu = max(worst, max(values)), max(worst_cpu, max(cpu[control]))
            print(f"    {control:<10} wall median {statistics.median(values):5.0f} ms, max {max(values):5.0f} ms;"
                  f"  CPU median {statistics.median(cpu[control]):5.0f} ms, max {max(cpu[control]):5.0f} ms  (n={len(values)})")
    print(f"  slowest update: wall {worst:.0f} ms, CPU {worst_cpu:.0f} ms (goal < 1000 ms): "
          f"{'met' if worst < 1000 else 'NOT met on the wall clock'}")
    print(f"  load average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
