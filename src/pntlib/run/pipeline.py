""":func:`run_plan`: read the plan, skip what is up to date, execute the rest, publish, index."""

from __future__ import annotations

import copy
import datetime as _dt
import json
import os
import shutil
import signal
import tempfile
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from .. import config, log
from ..exceptions import OutputError, OutputFolderError, PlanError, ReportChangedError
from ..files import Publication, describe_os_error, refuse_source_folder
from .index import INDEX_NAME, provenance_files, render_index
from . import snapshot
from .plan import Run, check_parameters_declared, declared_parameters, load_plan
from .pool import KERNEL_MODES, LOCK_NAME, RunInterrupted, StopSignals, Task, WorkerPool, exclusive
from .publish import publish
from .state import MANIFEST_NAME, is_up_to_date, manifest_text, read_manifest, run_key, source_hash
from .results import RunResult
from .worker import matplotlib_config_dir

__all__ = ["run_plan", "STAGING_PREFIX"]

#: Prefix of the staging folders a call makes in the output folder (removed when it ends).
STAGING_PREFIX = ".staging"
_SRC_DIR = str(Path(__file__).resolve().parents[2])  # the folder holding this pntlib
_COLUMNS = ["name", "notebook", "parameters", "status", "duration", "error", "cell"]


def _now() -> str:
    return _dt.datetime.now().astimezone().isoformat(timespec="seconds")


def _select(runs: list[Run], only: Iterable[str] | None) -> list[Run]:
    """The runs named by ``only`` (a run name or a notebook stem); all when not given."""
    if not only:
        return list(runs)
    wanted = set(only)
    valid = {r.name for r in runs} | {r.notebook.stem for r in runs}
    unknown = sorted(wanted - valid)
    if unknown:
        raise PlanError(f"--only {', '.join(unknown)}: no such run; valid names: {', '.join(sorted(valid))}")
    return [r for r in runs if r.name in wanted or r.notebook.stem in wanted]


def _snapshots(selected: list[Run], staging_root: Path) -> dict[Path, snapshot.Snapshot]:
    """Each report the selected runs read, read once (:mod:`pntlib.run.snapshot`)."""
    taken: dict[Path, snapshot.Snapshot] = {}
    for run in selected:
        if run.report not in taken:
            taken[run.report] = snapshot.take(run.report, staging_root, default=not run.parameters.get("report"))
    return taken


def _triage(selected: list[Run], manifest: dict, out: Path, force: bool,
            snapshots: dict[Path, snapshot.Snapshot]) -> tuple[list[tuple[Run, dict]], dict]:
    """Split the selected runs into those to execute (with their key) and those skipped (unchanged)."""
    src_hash = source_hash()
    todo, results = [], {}
    for run in selected:
        key = run_key(run, src_hash=src_hash, data_hash=snapshots[run.report].sha256)
        record = manifest["runs"].get(run.name, {})
        if not force and is_up_to_date(out, record, key):
            results[run.name] = RunResult(run.name, "skipped")
            record["this_call"] = "skipped"
        else:
            todo.append((run, key))
    return todo, results


def _record(manifest: dict, task: Task, result: RunResult, files) -> None:
    """Enter a finished run into the manifest."""
    record = manifest["runs"].setdefault(task.run.name, {})
    finished = _now()
    record.update(
        notebook=str(task.run.notebook), parameters=task.run.parameters, status=result.status,
        this_call=result.status, duration=result.duration, finished=finished,
        error=result.error.as_dict() if result.error else None,
    )
    if result.status == "ok":
        record["last_success"] = {**task.key, "finished": finished, "files": files}


class _Lines:
    """The progress of a call off a terminal (a log file, cron, CI): one timestamped line per run."""

    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        pass

    def add_task(self, *args, **kwargs) -> int:
        return 0

    def update(self, *args, **kwargs) -> None:
        pass

    def print(self, text: str) -> None:
        if not self.quiet:
            log.line(text)


def _progress(quiet: bool):
    """A progress bar on a terminal; off one, timestamped log lines (:mod:`pntlib.log`)."""
    if quiet or not log.on_terminal():
        return _Lines(quiet)
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    return Progress(
        TextColumn("[bold]pnt run[/]"),
        BarColumn(),
        TextColumn("{task.fields[done]} ok · {task.fields[failed]} failed · {task.fields[left]} to go"),
        TimeElapsedColumn(),
        console=Console(stderr=True, quiet=quiet),
        transient=False,
    )


def _report_copy(run: Run, snapshots: dict[Path, snapshot.Snapshot]) -> str | None:
    """The copy of the report a run's notebook is given (``None``: it does not take a ``report``)."""
    copy = snapshots[run.report].copy
    return str(copy) if copy is not None and "report" in declared_parameters(run.notebook) else None


def _execute(runs: list[Run], todo: list[tuple[Run, dict]], out: Path, manifest: dict, results: dict, *,
             pool: WorkerPool, staging_root: Path, guard: StopSignals, quiet: bool,
             snapshots: dict[Path, snapshot.Snapshot]) -> None:
    """Execute ``todo`` in ``pool``'s worker processes, publishing each run as it finishes (updates ``manifest``)."""
    tasks = [Task(run, key, Path(tempfile.mkdtemp(prefix=f"{run.name}-", dir=staging_root)), out,
                  _report_copy(run, snapshots)) for run, key in todo]
    counts = {"ok": 0, "failed": 0}
    try:
        with _progress(quiet) as progress:
            bar = progress.add_task("run", total=len(tasks), done=0, failed=0, left=len(tasks))
            for task, result in pool.results(tasks):
                with guard.critical():  # published whole, or not at all
                    _publish(runs, task, result, out, manifest, staging_root)
                    results[task.run.name] = result
                counts[result.status] += 1
                _report(progress, task, result)
                progress.update(bar, advance=1, done=counts["ok"], failed=counts["failed"],
                                left=len(tasks) - sum(counts.values()))
    except KeyboardInterrupt:
        guard.ignore()  # a second Ctrl-C must not break the clean-up
        pool.kill()
        raise
    finally:
        pool.close()


def _report(progress, task: Task, result: RunResult) -> None:
    """The line saying how a run ended; a failure names its notebook, the failing cell and the error."""
    took = f"{result.duration or 0:.1f} s"
    if result.status == "ok":
        text, plain = f"[green]ok[/] {task.run.name} ({took})", f"ok {task.run.name} ({took})"
    else:
        error = result.error
        detail = log.failure(task.run.name, task.run.notebook.name, error.cell_number if error else None,
                              str(error) if error else "")
        text = plain = f"FAILED {detail} ({took})"
    if isinstance(progress, _Lines):
        progress.print(plain)
    else:
        from rich.markup import escape

        progress.console.print(text if result.status == "ok" else f"[red]FAILED[/] {escape(plain[7:])}")


def _commit_state(runs: list[Run], out: Path, manifest: dict, publication: Publication) -> None:
    """Write the manifest and the index (from the files now in ``out``) into ``publication``."""
    publication.write(MANIFEST_NAME, manifest_text(manifest))
    publication.write(INDEX_NAME, render_index(runs, out, manifest))
    for rel, data in provenance_files(runs, out, manifest).items():  # data/raw/README.md, the tables in data/
        publication.write(rel, data)


class _Publishing(Publication):
    """A publication into the output folder whose OSError becomes an OutputError naming the path."""

    def __exit__(self, kind, exc, tb) -> None:
        super().__exit__(kind, exc, tb)
        if isinstance(exc, OSError):
            raise OutputError(f"cannot write into the output folder: {describe_os_error(exc)}; the folder "
                              f"{self.folder} is as it was before this step (files, manifest and index agree)") from exc


def _publish(runs: list[Run], task: Task, result: RunResult, out: Path, manifest: dict, scratch: Path) -> None:
    """Publish a finished run with the manifest and index that describe it, all or nothing."""
    updated = copy.deepcopy(manifest)
    previous = (updated["runs"].get(task.run.name, {}).get("last_success") or {}).get("files")
    with _Publishing(out, scratch) as publication:
        files = publish(task.run.name, result, task.stage, publication, previous if isinstance(previous, dict) else None)
        _record(updated, task, result, files)
        _commit_state(runs, out, updated, publication)
    shutil.rmtree(task.stage, ignore_errors=True)
    manifest.clear()
    manifest.update(updated)


def _write_state(runs: list[Run], out: Path, manifest: dict, scratch: Path) -> None:
    """Write the manifest and the index together."""
    with _Publishing(out, scratch) as publication:
        _commit_state(runs, out, manifest, publication)


def _stopped(runs: list[Run], todo: list[tuple[Run, dict]], out: Path, manifest: dict, results: dict,
             scratch: Path, signum: int) -> RunInterrupted:
    """After Ctrl-C (or SIGTERM, SIGHUP): mark the runs that did not finish, write manifest and index, and say so."""
    stopped = [run for run, _ in todo if run.name not in results]
    for run in stopped:
        manifest["runs"].setdefault(run.name, {})["this_call"] = "interrupted"
    _write_state(runs, out, manifest, scratch)
    finished = sum(1 for r in results.values() if r.status != "skipped")
    return RunInterrupted(out, finished=finished, stopped=len(stopped), signum=signum)


def _run_locked(runs: list[Run], selected: list[Run], out: Path, *, jobs: int | None, force: bool,
                quiet: bool, kernels: str = "server") -> dict[str, RunResult]:
    """The body of :func:`run_plan`, called while holding the output folder's lock."""
    for leftover in out.glob(f"{STAGING_PREFIX}*"):  # left by a killed call (no other call is running)
        if leftover.is_dir():
            shutil.rmtree(leftover, ignore_errors=True)
    manifest = read_manifest(out)
    staging_root = Path(tempfile.mkdtemp(prefix=f"{STAGING_PREFIX}-", dir=out))  # this call's own
    try:
        snapshots = _snapshots(selected, staging_root)  # every report read once, here
        todo, results = _triage(selected, manifest, out, force, snapshots)
        _execute_and_index(runs, todo, out, manifest, results, staging_root=staging_root, jobs=jobs,
                           quiet=quiet, snapshots=snapshots, kernels=kernels)
    finally:
        shutil.rmtree(staging_root, ignore_errors=True)
    changed = snapshot.changes(snapshots.values())
    if changed:
        raise ReportChangedError("; ".join(changed))
    return results


def _execute_and_index(runs: list[Run], todo: list[tuple[Run, dict]], out: Path, manifest: dict, results: dict, *,
                       staging_root: Path, jobs: int | None, quiet: bool,
                       snapshots: dict[Path, snapshot.Snapshot], kernels: str) -> None:
    """Execute ``todo`` (in worker processes, with the call's kernel server), then write the manifest and index."""
    pool = WorkerPool(min(max(1, int(jobs or os.cpu_count() or 1)), max(1, len(todo))), _SRC_DIR,
                      str(matplotlib_config_dir(staging_root)), kernels)
    try:
        reports = [snapshots[run.report].copy or (run.report if run.parameters.get("report") else "") for run, _ in todo]
        pool.start_kernels(len(todo), [str(r) for r in reports])  # its imports overlap the check below
        # a skipped run's notebook and parameters are those of a success that was checked
        check_parameters_declared(run for run, _ in todo)
        if todo:
            with StopSignals() as guard:
                try:
                    _execute(runs, todo, out, manifest, results, pool=pool, staging_root=staging_root,
                             guard=guard, quiet=quiet, snapshots=snapshots)
                except KeyboardInterrupt as exc:
                    raise _stopped(runs, todo, out, manifest, results, staging_root,
                                   getattr(exc, "signum", signal.SIGINT)) from None
        _write_state(runs, out, manifest, staging_root)
    finally:
        pool.close()


#: What may be in an output folder besides pnt's files without making it someone else's:
#: a killed call's staging folders, and what older versions kept inside it: the lock and
#: notebooks run by hand (reports/manual/; both now live beside the folder).
_OWN_LEFTOVERS = (LOCK_NAME, "manual")


def _output_folder(out: str | Path | None) -> Path:
    """The output folder, created when missing; refused when it holds files that are not pnt's.

    Raises
    ------
    OutputFolderError
        ``out`` is a file, is inside ``data/raw/`` or ``src/pntlib/``, or is a
        folder that is neither empty nor a ``pnt run`` output folder (one with
        its ``manifest.json``).
    OutputError
        ``out`` cannot be created.
    """
    out = Path(config.REPORTS_DIR if out is None else out).resolve()
    refuse_source_folder(out, "--out", f"give another folder, such as the default {config.REPORTS_DIR}")
    if out.exists() and not out.is_dir():
        raise OutputFolderError(f"--out {out} is a file; give a folder (it is created when missing)")
    if out.is_dir() and not (out / MANIFEST_NAME).is_file():
        foreign = sorted(p.name for p in out.iterdir()
                         if p.name not in _OWN_LEFTOVERS and not p.name.startswith(STAGING_PREFIX))
        if foreign:
            shown = ", ".join(foreign[:5]) + (", ..." if len(foreign) > 5 else "")
            raise OutputFolderError(
                f"--out {out} is not empty ({shown}) and is not a pnt run output folder (it has no {MANIFEST_NAME}); "
                "give a new or empty folder: pnt run replaces and removes files in it"
            )
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create the output folder {describe_os_error(exc, out)}") from exc
    return out


def _frame(selected: list[Run], results: dict[str, RunResult]) -> pd.DataFrame:
    """The table :func:`run_plan` returns."""
    rows = [{
        "name": run.name,
        "notebook": run.notebook.name,
        "parameters": json.dumps(run.parameters, ensure_ascii=False, sort_keys=True),
        "status": results[run.name].status,
        "duration": results[run.name].duration,
        "error": str(results[run.name].error) if results[run.name].error else None,
        "cell": results[run.name].error.cell_number if results[run.name].error else None,
    } for run in selected]
    frame = pd.DataFrame(rows, columns=_COLUMNS)
    for col in ("name", "notebook", "parameters", "status", "error"):
        frame[col] = frame[col].astype("string")
    frame["duration"] = pd.array(frame["duration"].tolist(), dtype="Float64")
    frame["cell"] = pd.array(frame["cell"].tolist(), dtype="Int64")
    return frame


def run_plan(
    plan: str | Path | None = None,
    *,
    out: str | Path | None = None,
    jobs: int | None = None,
    force: bool = False,
    only: Iterable[str] | None = None,
    quiet: bool = False,
    kernels: str = "server",
) -> pd.DataFrame:
    """Execute a run plan with papermill and write the reports and their index.

    Parameters
    ----------
    plan : str or Path, optional
        Run plan (YAML; :mod:`pntlib.run.plan`); default ``notebooks/plan.yaml``.
    out : str or Path, optional
        Output folder; default ``reports/``.
    jobs : int, optional
        Runs executed at once, each in its own worker process and kernel;
        default ``os.cpu_count()``.
    force : bool, default False
        Execute every selected run even when its inputs are unchanged.
    only : iterable of str, optional
        Execute only these runs: a run name (``indicator_3.2``) or a notebook
        stem (``indicator``) selects; the index still lists the whole plan.
    quiet : bool, default False
        No progress display.
    kernels : {"server", "plain"}, default "server"
        ``server``: every kernel is forked by the call's kernel server, which
        imported what the notebooks import (fast); ``plain``: each kernel is a
        new process, as jupyter_client starts kernels (for diagnosis: whether
        the server is to blame). The pages are the same.

    Returns
    -------
    pandas.DataFrame
        One row per selected run, in plan order, RangeIndex:

        - ``name`` : string — run name;
        - ``notebook`` : string — notebook file name;
        - ``parameters`` : string — JSON of the run's parameters;
        - ``status`` : string — ``ok``, ``failed`` or ``skipped`` (unchanged
          since its last success);
        - ``duration`` : Float64 — seconds, missing when skipped;
        - ``error`` : string — ``ename: evalue`` of a failed run, else missing;
        - ``cell`` : Int64 — the failing cell's 1-based position in the
          notebook (as Jupyter counts cells), missing when no cell is to blame.

    Raises
    ------
    PlanError
        The plan is not valid (checked before anything runs; see
        :func:`load_plan`), or ``only`` names no run of it (the message lists
        the valid names).
    RunLockedError
        Another ``pnt run`` is writing into ``out`` (the message names it).
    OutputFolderError
        ``out`` is a file, a folder inside ``data/raw/`` or ``src/pntlib/``,
        or a folder that is neither empty nor a ``pnt run`` output folder
        (nothing in it is touched).
    OutputError
        A file cannot be written
        there (a full disk: the message names the path, and the folder's
        files, manifest and index are as before the run being published).
    RunInterrupted
        Ctrl-C, SIGTERM or SIGHUP (a ``KeyboardInterrupt``; ``signum`` says
        which): the runs still executing were killed
        with their kernels and nothing of theirs published; the manifest and
        index were rewritten for the runs that finished.
    """
    if kernels not in KERNEL_MODES:
        raise PlanError(f"kernels={kernels!r} is not valid; choose one of: {', '.join(KERNEL_MODES)}")
    runs = load_plan(plan, check_parameters=False)
    selected = _select(runs, only)
    out = _output_folder(out)
    with exclusive(out):
        results = _run_locked(runs, selected, out, jobs=jobs, force=force, quiet=quiet, kernels=kernels)
    return _frame(selected, results)
