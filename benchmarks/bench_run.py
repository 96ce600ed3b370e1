"""Benchmark of ``pnt run``: the whole plan against a serial loop of the papermill CLI.

Measured side by side in one call, on the default plan (notebooks/plan.yaml):

1. a serial loop of ``papermill NB OUT -y PARAMS`` over the same notebooks and
   parameters (what one would write in a shell script);
2. ``pnt run --force`` over the whole plan (parallel, and it also renders two
   HTML pages per notebook and the index) -- goal: at most 0.4 of (1);
3. ``pnt run`` again with nothing changed -- goal: under 2 s;

and the peak memory of each (the sum of the resident memory of the command and
every process it starts -- workers and kernels --, sampled every 50 ms).

Usage: python benchmarks/bench_run.py [--jobs N]   (prints its figures)
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


def measure(cmd: list[str], env: dict) -> tuple[float, float, int]:
    """Wall time (s), peak summed RSS (MiB) of the process tree, exit code."""
    peak = 0
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        try:
            parent = psutil.Process(proc.pid)
        except psutil.NoSuchProcess:
            return
        while not done.is_set():
            total = 0
            try:
                for p in [parent, *parent.children(recursive=True)]:
                    try:
                        total += p.memory_info().rss
                    except psutil.NoSuchProcess:
                        pass
            except psutil.NoSuchProcess:
                break
            peak = max(peak, total)
            time.sleep(0.05)

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    code = proc.wait()
    elapsed = time.perf_counter() - start
    done.set()
    thread.join()
    return elapsed, peak / 2**20, code


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=None, help="pnt run --jobs (default: number of cores)")
    args = parser.parse_args()
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
        serial_s, serial_mem, serial_code = measure(["bash", str(script)], env)
        pnt = [str(bindir / "pnt"), "run", "--out", str(tmp / "reports"), "--quiet"]
        if args.jobs:
            pnt += ["--jobs", str(args.jobs)]
        force_s, force_mem, force_code = measure(pnt + ["--force"], env)
        rerun_s, rerun_mem, rerun_code = measure(pnt, env)
    ratio = force_s / serial_s
    print(f"plan: {len(runs)} notebook runs; {os.cpu_count()} cores; jobs={args.jobs or os.cpu_count()}")
    print(f"{'':38s} {'wall s':>8s} {'peak MiB':>9s} {'exit':>5s}")
    print(f"{'serial papermill CLI loop':38s} {serial_s:8.1f} {serial_mem:9.0f} {serial_code:5d}")
    print(f"{'pnt run --force (+ 2 HTML each, index)':38s} {force_s:8.1f} {force_mem:9.0f} {force_code:5d}")
    print(f"{'pnt run, nothing changed':38s} {rerun_s:8.2f} {rerun_mem:9.0f} {rerun_code:5d}")
    print(f"ratio pnt run --force / serial papermill: {ratio:.2f} (goal <= 0.40: {'met' if ratio <= 0.4 else 'NOT met'})")
    print(f"rerun with nothing changed: {rerun_s:.2f} s (goal < 2 s: {'met' if rerun_s < 2 else 'NOT met'})")
    return 0 if serial_code == force_code == rerun_code == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
