"""Benchmark: parsing the report, and building its tables (after imports).

Run: .venv/bin/python benchmarks/bench_parse.py   (prints median and spread over N runs)
Goal (issue 2): parsing under 50 ms median on the project's 2-core machine.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from pntlib import config  # noqa: E402
from pntlib.report import parse_report, read_report  # noqa: E402
from pntlib.report.lines import fold  # noqa: E402
from pntlib.tables import _build  # noqa: E402


def timeit(fn, n: int) -> list[float]:
    fn()  # warm-up
    out = []
    for _ in range(n):
        fold.cache_clear()  # every run parses as a new process would: no label folded before
        t0 = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0) * 1000)
    return out


def main(n: int = 50) -> None:
    text = config.DEFAULT_REPORT.read_text(encoding="utf-8")
    report = read_report()
    cases = {
        "parse text (parse_report)": lambda: parse_report(text),
        "read + verify sha256 + parse (read_report)": read_report,
        "typed DataFrames from parsed report": lambda: _build(report),
    }
    print(f"report: {config.DEFAULT_REPORT.name} ({len(text.splitlines())} lines), {n} runs each")
    for name, fn in cases.items():
        ms = timeit(fn, n)
        q = statistics.quantiles(ms, n=10)
        print(f"{name:45s} median {statistics.median(ms):7.2f} ms   p10 {q[0]:7.2f}   p90 {q[-1]:7.2f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 50)
