"""Benchmark of ``pnt run``: the whole plan against a serial loop of the papermill CLI.

Measured one after the other in one call, on the default plan (notebooks/plan.yaml):

1. a serial loop of ``papermill NB OUT -y PARAMS`` over the same notebooks and
   parameters (what one would write in a shell script);
2. ``pnt run --force`` over the whole plan (parallel, and it also renders two
   HTML pages per notebook and the index) -- goal: at most 0.2 of (1), and a
   peak memory of at most 1.5 GiB;
3. ``pnt run --force --only indicator_3.2`` (refreshing one page) -- goal: at most 4 s;
4. ``pnt run`` again with nothing changed -- goal: under 1 s;
5. and 6. (2) and (3) with ``--kernels plain``: every kernel a new process
   instead of one forked by the kernel server (what the server saves);

and the peak memory of each, sampled every 0.1 s over the command and every
process it starts (workers, kernel server, kernels): the sum of their
proportional set sizes (PSS: a page shared by n processes -- the kernels
forked by pnt run's kernel server share the server's imports -- counts 1/n in
each), and for comparison the sum of their resident sizes (RSS: shared pages
counted in every process); and the CPU time of each (all its processes). The
load average of the machine is printed before and after, since the wall times
are only comparable on a quiet machine.

Usage: python benchmarks/bench_run.py [--jobs N] [--quick]   (prints its figures)
``--quick`` measures only (3) with both kinds of kernels (no serial loop, no whole plan).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil  # installed with ipykernel
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from pntlib.run import load_plan  # noqa: E402

ONE = "indicator_3.2"  # the run refreshed alone


def _memory(process) -> tuple[int, int]:
    """(PSS, RSS) of one process in bytes; PSS falls back to RSS where the system has none."""
    try:
        info = process.memory_full_info()
        return getattr(info, "pss", info.rss), info.rss
    except psutil.AccessDenied:
        rss = process.memory_info().rss
        return rss, rss


def measure(cmd: list[str], env: dict) -> tuple[float, float, float, int, float]:
    """Wall time (s), peak summed PSS and RSS (MiB) of the process tree, exit code, CPU time (s).

    The CPU time is the sum over every process seen of its last sampled user + system time
    (a process's last 0.1 s may be missed): unlike the wall time, it hardly depends on
    what else the machine runs.
    """
    peak_pss = peak_rss = 0
    cpu: dict[int, float] = {}
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    done = threading.Event()

    def sample() -> None:
        nonlocal peak_pss, peak_rss
        try:
            parent = psutil.Process(proc.pid)
        except psutil.NoSuchProcess:
            return
        while not done.is_set():
            pss = rss = 0
            try:
                for p in [parent, *parent.children(recursive=True)]:
                    try:
                        a, b = _memory(p)
                        times = p.cpu_times()
                    except psutil.NoSuchProcess:
                        continue
                    cpu[p.pid] = times.user + times.system
                    pss, rss = pss + a, rss + b
            except psutil.NoSuchProcess:
                break
            peak_pss, peak_rss = max(peak_pss, pss), max(peak_rss, rss)
            time.sleep(0.1)

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    code = proc.wait()
    elapsed = time.perf_counter() - start
    done.set()
    thread.join()
    return elapsed, peak_pss / 2**20, peak_rss / 2**20, code, sum(cpu.values())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=None, help="pnt run --jobs (default: number of cores)")
    parser.add_argument("--quick", action="store_true", help=f"only --only {ONE}, with server and plain kernels")
    args = parser.parse_args()
    if args.quick:
        return quick(args.jobs)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")])}
    env.pop("MPLBACKEND", None)
    bindir = Path(sys.executable).parent
    runs = load_plan()
    with tempfile.TemporaryDirectory(prefix="bench-run-") as tmp:
        tmp = Path(tmp)
        # serial loop of the papermill command line, one process and one kernel per notebook
        serial_out = tmp / "serial"
        serial_out.mkdir()
        script = tmp / "serial.sh"
        lines = ["set -e"]
        for run in runs:
            params = yaml.safe_dump({**run.parameters, "output_dir": str(serial_out)}, default_flow_style=True).strip()
            lines.append(
                f"'{bindir / 'papermill'}' '{run.notebook}' '{serial_out / (run.name + '.ipynb')}' "
                f"-k python3 --cwd '{run.notebook.parent}' --no-progress-bar -y '{params}'"
            )
        script.write_text("\n".join(lines) + "\n")
        # warm the disk cache once for both sides
        measure([str(bindir / "papermill"), str(runs[0].notebook), str(tmp / "warm.ipynb"), "-k", "python3",
                 "--no-progress-bar", "-p", "output_dir", str(tmp / "warm")], env)
        load = os.getloadavg()
        serial = measure(["bash", str(script)], env)
        pnt = [str(bindir / "pnt"), "run", "--out", str(tmp / "reports"), "--quiet"]
        if args.jobs:
            pnt += ["--jobs", str(args.jobs)]
        force = measure(pnt + ["--force"], env)
        one = measure(pnt + ["--force", "--only", ONE], env)
        rerun = measure(pnt, env)
        force_plain = measure(pnt + ["--force", "--kernels", "plain"], env)
        one_plain = measure(pnt + ["--force", "--only", ONE, "--kernels", "plain"], env)
        load_after = os.getloadavg()
    ratio = force[0] / serial[0]
    print(f"plan: {len(runs)} notebook runs; {os.cpu_count()} cores; jobs={args.jobs or os.cpu_count()}; "
          f"load average before {load[0]:.1f}, after {load_after[0]:.1f}")
    print(f"{'':44s} {'wall s':>8s} {'CPU s':>7s} {'peak PSS MiB':>13s} {'peak RSS MiB':>13s} {'exit':>5s}")
    for label, (wall, pss, rss, code, cpu) in [
        ("serial papermill CLI loop", serial),
        ("pnt run --force (+ 2 HTML each, index)", force),
        (f"pnt run --force --only {ONE}", one),
        ("pnt run, nothing changed", rerun),
        ("pnt run --force --kernels plain", force_plain),
        (f"pnt run --force --only {ONE} --kernels plain", one_plain),
    ]:
        print(f"{label:44s} {wall:8.2f} {cpu:7.1f} {pss:13.0f} {rss:13.0f} {code:5d}")
    goals = [
        (f"ratio pnt run --force / serial papermill: {ratio:.2f}", "<= 0.20", ratio <= 0.2),
        (f"peak memory of pnt run --force: {force[1] / 1024:.2f} GiB (PSS)", "<= 1.5 GiB", force[1] <= 1.5 * 1024),
        (f"pnt run --force --only {ONE}: {one[0]:.2f} s", "<= 4 s", one[0] <= 4),
        (f"rerun with nothing changed: {rerun[0]:.2f} s", "< 1 s", rerun[0] < 1),
    ]
    for text, goal, met in goals:
        print(f"{text} (goal {goal}: {'met' if met else 'NOT met'})")
    return 0 if serial[3] == force[3] == one[3] == rerun[3] == force_plain[3] == one_plain[3] == 0 else 1


def quick(jobs: int | None) -> int:
    """Refreshing one page with the kernel server and with plain kernels (3 times each, alternating)."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")])}
    env.pop("MPLBACKEND", None)
    bindir = Path(sys.executable).parent
    figures: dict[str, list] = {"server": [], "plain": []}
    with tempfile.TemporaryDirectory(prefix="bench-run-") as tmp:
        pnt = [str(bindir / "pnt"), "run", "--out", str(Path(tmp) / "reports"), "--quiet", "--force", "--only", ONE]
        if jobs:
            pnt += ["--jobs", str(jobs)]
        load = os.getloadavg()
        measure(pnt, env)  # warm the disk cache and matplotlib's font cache
        for _ in range(3):
            for kernels in figures:
                figures[kernels].append(measure(pnt + ["--kernels", kernels], env))
        load_after = os.getloadavg()
    print(f"pnt run --force --only {ONE}, 3 times each; {os.cpu_count()} cores; "
          f"load average before {load[0]:.1f}, after {load_after[0]:.1f}")
    print(f"{'kernels':10s} {'median wall s':>14s} {'median CPU s':>13s} {'peak PSS MiB':>13s} {'exit':>5s}")
    for kernels, rows in figures.items():
        wall = sorted(r[0] for r in rows)[1]
        cpu = sorted(r[4] for r in rows)[1]
        print(f"{kernels:10s} {wall:14.2f} {cpu:13.1f} {max(r[1] for r in rows):13.0f} {max(r[3] for r in rows):5d}")
    return 0 if all(r[3] == 0 for rows in figures.values() for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
