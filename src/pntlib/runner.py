"""``pnt run``: execute the notebook collection with papermill and publish it.

A *run plan* (YAML, default ``notebooks/plan.yaml``) lists notebooks and their
parameter sets. :func:`run_plan` executes every run in parallel worker
processes (each papermill run starts its own kernel: the ``python3`` ipykernel
of the interpreter running pntlib, with this pntlib first on ``PYTHONPATH``),
renders each executed notebook to HTML twice (for readers, without code; and
with code), collects the figures and the notebook's JSON summary, and writes
``index.html``. Runs whose inputs did not change since their last success are
skipped (see :func:`run_key`); a run is executed in a staging folder and its
files are moved into the output folder only when it succeeds, so a failed or
interrupted run leaves the previous reports intact.

Plan format
-----------
::

    timeout: 900                 # seconds allowed per notebook (default 900)
    parameters: {}               # passed to every run, e.g. {report: other.txt}
                                 # (a report path is relative to the plan's folder)
    runs:
      - notebook: overview.ipynb           # path relative to the plan file
      - notebook: objective.ipynb
        for_each: objective                # one run per objective of the report
      - notebook: indicator.ipynb
        for_each: indicator                # one run per indicator of the report
      - notebook: indicator.ipynb
        parameters: {indicator: "3.2"}     # one run with these parameters
      - notebook: objective.ipynb
        parameter_sets: [{objective: 1}, {objective: 2}]
        timeout: 120                       # overrides the plan's timeout

Each run is named by :func:`pntlib.outputs.run_name` from the notebook stem
and its own parameter values (``indicator_3.2``) unless the entry gives
``name``; names match ``^[A-Za-z0-9][A-Za-z0-9_.-]*$`` and must be unique
(ignoring case), and no two runs may execute the same notebook with equal
parameters. A run's parameters must be declared in the notebook's
``parameters`` cell. Every run also receives ``output_dir`` (its staging
folder) and ``run_name`` (its name), so every notebook must declare both: it
saves ``figures/`` and its summary in ``output_dir`` and names every file
after ``run_name``; files not named after the run are not published.

One ``pnt run`` at a time writes into an output folder (a lock,
``<out>/.pnt-run.lock``). Ctrl-C stops the call at once: the runs still
executing are killed (with their kernels) and nothing of theirs is published.

Output folder layout (default ``reports/``)::

    index.html                  the index of every run of the plan
    <name>.ipynb                executed notebook
    <name>.html / <name>.code.html   rendered without / with code
    <name>.summary.json         the notebook's key figures (pntlib.outputs)
    figures/…                   figures saved by the notebooks
    figures/thumbs/<name>.png   thumbnail of the main chart
    failed/<name>.ipynb, .html  the last failed attempt of a run (removed when it succeeds)
    manifest.json               what ran, when, with which inputs, how it ended, and the
                                sha256 of every file it published: a run is skipped only
                                when these files are all present and unchanged
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import datetime as _dt
import hashlib
import json
import math
import multiprocessing
import os
import shutil
import signal
import sys
import tempfile
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from . import config
from .exceptions import PlanError, RunLockedError
from .outputs import RUN_NAME_PATTERN, SUMMARY_SUFFIX, run_name

__all__ = [
    "Run",
    "RunInterrupted",
    "load_plan",
    "check_parameters_declared",
    "declared_parameters",
    "run_key",
    "run_plan",
    "write_index",
    "DEFAULT_PLAN",
    "MANIFEST_NAME",
    "LOCK_NAME",
    "RUNNER_PARAMETERS",
]

#: The run plan used when none is given.
DEFAULT_PLAN = config.NOTEBOOKS_DIR / "plan.yaml"
#: File name of the manifest kept in the output folder.
MANIFEST_NAME = "manifest.json"
#: Seconds allowed per notebook when the plan does not say.
DEFAULT_TIMEOUT = 900.0
#: ``for_each`` values and the report column they iterate over.
FOR_EACH = ("objective", "indicator")
_PLAN_KEYS = {"timeout", "parameters", "runs"}
_RUN_KEYS = {"notebook", "name", "parameters", "parameter_sets", "for_each", "timeout"}
_TEMPLATES = Path(__file__).resolve().parent / "templates"
_MANIFEST_VERSION = 2  # 2: the sha256 of every published file
#: Parameters ``pnt run`` gives every run itself; a plan may not set them.
RUNNER_PARAMETERS = ("output_dir", "run_name")
#: Run names that would overwrite the runner's own files.
_RESERVED_NAMES = {"index", "manifest"}
LOCK_NAME = ".pnt-run.lock"
_STAGING_PREFIX = ".staging"


@dataclass(frozen=True)
class Run:
    """One notebook execution of a plan (internal record, built by :func:`load_plan`)."""

    name: str
    notebook: Path
    parameters: dict = field(default_factory=dict)
    timeout: float = DEFAULT_TIMEOUT

    @property
    def report(self) -> Path:
        """The report file the run reads (its ``report`` parameter, else the default)."""
        value = self.parameters.get("report")
        return Path(value).resolve() if value else config.DEFAULT_REPORT


# --------------------------------------------------------------------------- plan


def _expand(entry: dict, where: str, report: str | None) -> list[dict]:
    """Parameter sets of one plan entry."""
    given = [k for k in ("parameters", "parameter_sets", "for_each") if k in entry]
    if len(given) > 1:
        raise PlanError(f"{where}: give only one of parameters, parameter_sets, for_each (found {given})")
    if "for_each" in entry:
        what = entry["for_each"]
        if what not in FOR_EACH:
            raise PlanError(f"{where}: for_each={what!r} is not valid; choose one of: {', '.join(FOR_EACH)}")
        from .tables import get_report

        parsed = get_report(report)
        if what == "objective":
            return [{"objective": n} for n in parsed.objective_numbers]
        return [{"indicator": i} for i in parsed.indicator_ids]
    if "parameter_sets" in entry:
        sets = entry["parameter_sets"]
        if not isinstance(sets, list) or not sets or not all(isinstance(s, dict) for s in sets):
            raise PlanError(f"{where}: parameter_sets must be a non-empty list of mappings, found {sets!r}")
        return [dict(s) for s in sets]
    params = entry.get("parameters") or {}
    if not isinstance(params, dict):
        raise PlanError(f"{where}: parameters must be a mapping, found {params!r}")
    return [dict(params)]


def load_plan(plan: str | Path | None = None, *, check_parameters: bool = True) -> list[Run]:
    """Read a run plan and expand it into runs.

    Parameters
    ----------
    plan : str or Path, optional
        YAML file (format in the module docstring); default
        ``notebooks/plan.yaml``. Notebook paths are relative to its folder.
    check_parameters : bool, default True
        Check every run's parameters against its notebook's parameters cell
        (:func:`check_parameters_declared`; imports papermill).

    Returns
    -------
    list of Run
        In plan order; ``for_each`` entries expand in report order
        (objectives 1-5, indicators 1.1-5.3, from the report named by the
        plan's ``parameters.report`` or the default report).

    Raises
    ------
    PlanError
        Unknown keys, a missing notebook, a bad ``for_each``, a bad timeout
        (not a finite number > 0), a bad run name, two runs with the same name
        (ignoring case) or the same notebook and parameters, a parameter the
        notebook does not declare (the message lists the declared ones) or one
        that ``pnt run`` sets itself; the message names the entry.
    FileNotFoundError
        The plan file does not exist.
    """
    import yaml

    path = Path(DEFAULT_PLAN if plan is None else plan).resolve()
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise PlanError(f"{path}: not valid YAML: {exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("runs"), list):
        raise PlanError(f"{path}: a plan is a mapping with a list under 'runs'")
    unknown = set(data) - _PLAN_KEYS
    if unknown:
        raise PlanError(f"{path}: unknown keys {sorted(unknown)}; valid keys: {sorted(_PLAN_KEYS)}")
    common = data.get("parameters") or {}
    if not isinstance(common, dict):
        raise PlanError(f"{path}: parameters must be a mapping, found {common!r}")

    def _with_report(params: dict, where: str) -> dict:
        """``report`` made absolute (relative to the plan's folder) and checked."""
        if not params.get("report"):
            return params
        report = (path.parent / str(params["report"])).resolve()
        if not report.is_file():
            raise PlanError(f"{where}: report {params['report']!r} not found at {report}")
        return {**params, "report": str(report)}

    common = _with_report(common, path.name)
    default_timeout = _check_timeout(data.get("timeout", DEFAULT_TIMEOUT), path.name)
    runs: list[Run] = []
    for number, entry in enumerate(data["runs"], start=1):
        where = f"{path.name}: run {number}"
        if not isinstance(entry, dict) or "notebook" not in entry:
            raise PlanError(f"{where}: each run is a mapping with a 'notebook' key, found {entry!r}")
        unknown = set(entry) - _RUN_KEYS
        if unknown:
            raise PlanError(f"{where}: unknown keys {sorted(unknown)}; valid keys: {sorted(_RUN_KEYS)}")
        notebook = (path.parent / str(entry["notebook"])).resolve()
        if not notebook.is_file():
            raise PlanError(f"{where}: notebook {entry['notebook']!r} not found at {notebook}")
        timeout = _check_timeout(entry.get("timeout", default_timeout), where)
        sets = _expand(entry, where, common.get("report"))
        if "name" in entry and len(sets) > 1:
            raise PlanError(f"{where}: 'name' applies to a single run, but the entry makes {len(sets)}")
        if "name" in entry and (isinstance(entry["name"], bool) or not isinstance(entry["name"], (str, int))):
            raise PlanError(f"{where}: name={entry['name']!r} must be text")
        for params in sets:
            given = sorted(set({**common, **params}) & set(RUNNER_PARAMETERS))
            if given:
                raise PlanError(f"{where}: parameters {given} are set by pnt run itself; remove them from the plan")
            name = str(entry["name"]) if "name" in entry else run_name(notebook.name, params)
            _check_name(name, where)
            runs.append(Run(name, notebook, _with_report({**common, **params}, where), timeout))
    seen: dict[str, Run] = {}
    for number, run in enumerate(runs):
        other = seen.get(run.name.casefold())
        if other is not None:
            same = "" if other.name == run.name else f" and {other.name!r} (names differ only in case)"
            raise PlanError(f"{path.name}: two runs are named {run.name!r}{same}; give one a 'name'")
        seen[run.name.casefold()] = run
        for earlier in runs[:number]:
            if earlier.notebook == run.notebook and earlier.parameters == run.parameters:
                raise PlanError(
                    f"{path.name}: runs {earlier.name!r} and {run.name!r} execute {run.notebook.name} with "
                    f"the same parameters {run.parameters!r}; remove one"
                )
    if check_parameters:
        check_parameters_declared(runs)
    return runs


def _check_timeout(value: object, where: str) -> float:
    """A timeout in seconds: a finite number greater than 0."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value <= 0:
        raise PlanError(f"{where}: timeout={value!r} must be a finite number of seconds greater than 0")
    return float(value)


def _check_name(name: str, where: str) -> None:
    """A run name: a safe file-name stem that does not clash with the runner's files."""
    if not RUN_NAME_PATTERN.fullmatch(name):
        raise PlanError(
            f"{where}: run name {name!r} is not valid; a name starts with a letter or digit and holds only "
            f"letters, digits, '_', '.' and '-' ({RUN_NAME_PATTERN.pattern})"
        )
    if name.casefold() in _RESERVED_NAMES:
        raise PlanError(f"{where}: run name {name!r} is reserved by pnt run (reserved: {sorted(_RESERVED_NAMES)})")


_DECLARED: dict[tuple[Path, str], dict] = {}


def declared_parameters(notebook: str | Path) -> dict:
    """The parameters a notebook declares in its ``parameters`` cell.

    Returns
    -------
    dict
        ``{name: {"name", "inferred_type_name", "default", "help"}}`` as read
        by :func:`papermill.inspect_notebook`, in cell order; cached by the
        notebook's sha256.

    Raises
    ------
    PlanError
        The notebook cannot be read.
    """
    path = Path(notebook).resolve()
    key = (path, _sha256_file(path))
    if key not in _DECLARED:
        import papermill

        try:
            _DECLARED[key] = dict(papermill.inspect_notebook(str(path)))
        except Exception as exc:  # not a notebook, bad JSON, ...
            raise PlanError(f"{path}: cannot read its parameters: {exc}") from exc
    return _DECLARED[key]


def check_parameters_declared(runs: Iterable[Run]) -> None:
    """Check that every run gives only parameters its notebook declares.

    The notebook must also declare the parameters ``pnt run`` passes itself
    (:data:`RUNNER_PARAMETERS`: ``output_dir`` and ``run_name``).

    Raises
    ------
    PlanError
        Naming the run, the undeclared parameters and the declared ones.
    """
    for run in runs:
        declared = declared_parameters(run.notebook)
        listing = ", ".join(declared) or "none"
        missing = [p for p in RUNNER_PARAMETERS if p not in declared]
        if missing:
            raise PlanError(
                f"run {run.name!r}: {run.notebook.name} does not declare {missing}, which pnt run passes to every "
                f"notebook (its parameters cell needs e.g. run_name: str = \"\"); it declares: {listing}"
            )
        unknown = [p for p in run.parameters if p not in declared]
        if unknown:
            raise PlanError(
                f"run {run.name!r}: {run.notebook.name} does not declare the parameters {unknown}; "
                f"its parameters are: {listing}"
            )


# --------------------------------------------------------------------------- keys


def _sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def source_hash() -> str:
    """sha256 over pntlib's own files (``*.py`` and templates), sorted by path."""
    root = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        if path.suffix in {".py", ".j2", ".json", ".html", ".css"}:
            digest.update(path.relative_to(root).as_posix().encode())
            digest.update(b"\0")
            digest.update(path.read_bytes())
    return digest.hexdigest()


def run_key(run: Run, *, src_hash: str | None = None, data_hash: str | None = None) -> dict:
    """What a run depends on: a run whose key is unchanged since its last success is skipped.

    Returns
    -------
    dict
        ``notebook`` (sha256 of the notebook file), ``parameters`` (the
        parameters, JSON), ``data`` (sha256 of the report file), ``pntlib``
        (:func:`source_hash`) and ``key``, the sha256 of the four.
    """
    parts = {
        "notebook": _sha256_file(run.notebook),
        "parameters": json.dumps(run.parameters, sort_keys=True, ensure_ascii=False),
        "data": data_hash or _sha256_file(run.report),
        "pntlib": src_hash or source_hash(),
    }
    parts["key"] = hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()
    return parts


# --------------------------------------------------------------------------- worker


def _init_worker(src_dir: str) -> None:
    """Make the kernels import this pntlib and draw inline figures; leave Ctrl-C to the main process."""
    # Ctrl-C reaches the whole process group; the main process decides what stops
    # (it kills the workers and their kernels), so a worker must not die half-way on its own.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    current = os.environ.get("PYTHONPATH", "")
    parts = [p for p in current.split(os.pathsep) if p and p != src_dir]
    os.environ["PYTHONPATH"] = os.pathsep.join([src_dir, *parts])
    # papermill only records figures drawn by the inline backend: a non-interactive
    # MPLBACKEND (Agg) inherited from the caller would silently drop them.
    os.environ.pop("MPLBACKEND", None)
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")


def _kernel_manager_class():
    """A kernel manager that always starts ipykernel with this interpreter.

    The ``python3`` kernelspec found on the Jupyter path may belong to another
    environment (a user-level ``~/.local/share/jupyter/kernels/python3``); this
    builds the spec from the running interpreter instead, as ipykernel's own
    default spec does.
    """
    from ipykernel.kernelspec import RESOURCES, get_kernel_dict
    from jupyter_client.kernelspec import KernelSpec
    from jupyter_client.manager import AsyncKernelManager

    class EnvironmentKernelManager(AsyncKernelManager):
        @property
        def kernel_spec(self):
            if self._kernel_spec is None:
                # the kernel app's own log (its TCP-transport warning at every start)
                # is kept to errors; output of the notebook's cells is unaffected
                spec = get_kernel_dict(extra_arguments=["--IPKernelApp.log_level=ERROR"])
                self._kernel_spec = KernelSpec(resource_dir=RESOURCES, **spec)
            return self._kernel_spec

    return EnvironmentKernelManager


_EXPORTERS: dict[bool, object] = {}


def _exporter(exclude_input: bool):
    """Cached nbconvert HTML exporter (the lab template, without CDN scripts)."""
    if exclude_input not in _EXPORTERS:
        from nbconvert import HTMLExporter

        _EXPORTERS[exclude_input] = HTMLExporter(
            extra_template_basedirs=[str(_TEMPLATES / "nbconvert")],
            template_name="pnt_lab",
            exclude_input=exclude_input,
            exclude_input_prompt=exclude_input,
            exclude_output_prompt=exclude_input,
            language_code="es",
        )
    return _EXPORTERS[exclude_input]


def _render_html(nb, path: Path, *, exclude_input: bool, title: str, index_href: str, other: str | None) -> None:
    body, _ = _exporter(exclude_input).from_notebook_node(
        nb,
        resources={
            "metadata": {"name": title},
            "pnt_index_href": index_href,
            "pnt_other_href": other,
            "pnt_other_label": "con código" if exclude_input else "sin código",
        },
    )
    path.write_text(body, encoding="utf-8")


def _thumbnail(source: Path, target: Path, *, width: int = 360) -> None:
    from PIL import Image

    target.parent.mkdir(parents=True, exist_ok=True)
    with Image.open(source) as img:
        img.thumbnail((width, width))
        img.save(target, format="PNG", optimize=True)


_INJECTED_TAG = "injected-parameters"
_ERROR_TAG = "papermill-error-cell-tag"


def _tags(cell) -> list:
    return cell.get("metadata", {}).get("tags", [])


def _source_cell_number(cells: Sequence, index: int) -> int:
    """1-based position, in the source notebook, of executed cell ``index``.

    ``cells`` are the executed notebook's cells without papermill's error
    cells; the injected-parameters cell is not in the source and is not counted.
    """
    return 1 + sum(1 for cell in cells[:index] if _INJECTED_TAG not in _tags(cell))


def _error_details(nb_path: Path, exc: BaseException, timeout: float) -> dict:
    """The failing cell and error of a failed run.

    ``cell_index`` and ``execution_count`` refer to the executed notebook (with
    papermill's injected-parameters cell); ``cell_number`` is the failing
    cell's 1-based position in the source notebook, which the index shows.
    """
    import nbformat
    from nbclient.exceptions import CellTimeoutError
    from papermill.exceptions import PapermillExecutionError

    cells = []
    if nb_path.is_file():
        try:
            cells = [c for c in nbformat.read(nb_path, as_version=4).cells if _ERROR_TAG not in _tags(c)]
        except Exception:  # an unreadable partial notebook: no cell to point at
            cells = []
    if isinstance(exc, PapermillExecutionError):
        # papermill counts cells before inserting its error cells: the same list as ``cells``
        return {
            "cell_index": exc.cell_index,
            "cell_number": _source_cell_number(cells, exc.cell_index) if cells else None,
            "execution_count": exc.exec_count,
            "source": exc.source,
            "ename": exc.ename,
            "evalue": exc.evalue,
        }
    details = {"cell_index": None, "cell_number": None, "execution_count": None, "source": None,
               "ename": type(exc).__name__, "evalue": str(exc)}
    if isinstance(exc, CellTimeoutError):
        details["evalue"] = f"el cuaderno no terminó dentro de su tiempo límite de {timeout:g} s"
    # the cell that was running: the last one papermill started
    started = [i for i, cell in enumerate(cells) if cell.get("metadata", {}).get("papermill", {}).get("start_time")]
    if started:
        details.update(cell_index=started[-1], cell_number=_source_cell_number(cells, started[-1]),
                       execution_count=cells[started[-1]].get("execution_count"), source=cells[started[-1]].source)
    return details


def _foreign_files(stage: Path, name: str) -> list[str]:
    """Files in a run's staging folder that are not named after the run.

    A run may write ``<name>.ipynb``, ``<name>.html``, ``<name>.code.html``,
    ``<name>.summary.json``, ``figures/<name>.<ext>``, ``figures/<name>-<part>.<ext>``
    and ``figures/thumbs/<name>.png``; anything else could overwrite another run's files.
    """
    own = {f"{name}.ipynb", f"{name}.html", f"{name}.code.html", f"{name}{SUMMARY_SUFFIX}", f"figures/thumbs/{name}.png"}
    foreign = []
    for path in sorted(p for p in stage.rglob("*") if p.is_file()):
        rel = path.relative_to(stage)
        if rel.as_posix() in own:
            continue
        if len(rel.parts) == 2 and rel.parts[0] == "figures" and (path.stem == name or path.stem.startswith(f"{name}-")):
            continue
        foreign.append(rel.as_posix())
    return foreign


def _execute(run: Run, staging: str, kernel_name: str) -> dict:
    """Execute one run into ``staging`` (in a worker process); never raises."""
    import nbformat
    import papermill as pm

    started = time.time()
    stage = Path(staging)
    nb_path = stage / f"{run.name}.ipynb"
    deadline = time.monotonic() + run.timeout
    result = {"name": run.name, "started": started, "status": "ok", "error": None}
    try:
        pm.execute_notebook(
            str(run.notebook),
            str(nb_path),
            parameters={**run.parameters, "output_dir": str(stage), "run_name": run.name},
            kernel_name=kernel_name,
            language="python",
            cwd=str(run.notebook.parent),
            progress_bar=False,
            log_output=False,
            start_timeout=min(60.0, run.timeout),
            kernel_manager_class=_kernel_manager_class(),
            shutdown_kernel="immediate",  # the notebook is complete: no need to wait for a graceful exit
            # whole-notebook timeout: each cell gets what is left of the budget
            timeout_func=lambda cell: max(1.0, deadline - time.monotonic()),
        )
    except Exception as exc:  # the run failed: record why, keep going
        result["status"] = "failed"
        result["error"] = _error_details(nb_path, exc, run.timeout)
    foreign = _foreign_files(stage, run.name) if result["status"] == "ok" else []
    if foreign:  # publishing them could overwrite another run's files
        result["status"] = "failed"
        result["error"] = {
            "cell_index": None, "cell_number": None, "execution_count": None, "source": None,
            "ename": "OutputError",
            "evalue": f"el cuaderno escribió archivos que no llevan el nombre de la ejecución "
                      f"({run.name}, su parámetro run_name): {', '.join(foreign)}",
        }
    try:
        if nb_path.is_file():
            nb = nbformat.read(nb_path, as_version=4)
            if result["status"] == "ok":
                _render_html(nb, stage / f"{run.name}.html", exclude_input=True, title=run.name,
                             index_href="index.html", other=f"{run.name}.code.html")
                _render_html(nb, stage / f"{run.name}.code.html", exclude_input=False, title=run.name,
                             index_href="index.html", other=f"{run.name}.html")
            else:
                _render_html(nb, stage / f"{run.name}.html", exclude_input=False, title=run.name,
                             index_href="../index.html", other=None)
        summary_path = stage / f"{run.name}{SUMMARY_SUFFIX}"
        if result["status"] == "ok" and summary_path.is_file():
            summary = json.loads(summary_path.read_text(encoding="utf-8"))
            main = summary.get("main_figure")
            if main and (stage / main).is_file() and main.lower().endswith(".png"):
                _thumbnail(stage / main, stage / "figures" / "thumbs" / f"{run.name}.png")
    except Exception as exc:  # rendering failed: the run is not publishable
        if result["status"] == "ok":
            result["status"] = "failed"
            result["error"] = {"cell_index": None, "cell_number": None, "execution_count": None, "source": None,
                               "ename": type(exc).__name__, "evalue": f"no se pudo generar el HTML: {exc}"}
    result["duration"] = time.time() - started
    return result


# --------------------------------------------------------------------------- publishing


def _move_tree(source: Path, target: Path) -> list[str]:
    """Move every file under ``source`` to the same place under ``target``."""
    moved = []
    for path in sorted(p for p in source.rglob("*") if p.is_file()):
        rel = path.relative_to(source)
        dest = target / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        os.replace(path, dest)
        moved.append(rel.as_posix())
    return moved


def _publish(run: Run, result: dict, stage: Path, out: Path, previous: dict | None = None) -> dict:
    """Move a finished run's files into ``out``.

    Returns ``{"files": {relative path: sha256}}`` for a success (files of the
    previous success that it no longer writes, and a stale ``failed/`` copy,
    are removed), ``{"files": [relative paths]}`` under ``failed/`` otherwise.
    """
    if result["status"] == "ok":
        hashes = {path.relative_to(stage).as_posix(): _sha256_file(path)
                  for path in stage.rglob("*") if path.is_file()}
        _move_tree(stage, out)
        for rel in (previous or {}):
            if rel not in hashes and not rel.startswith("failed/"):
                (out / rel).unlink(missing_ok=True)
        for suffix in (".ipynb", ".html"):
            (out / "failed" / f"{run.name}{suffix}").unlink(missing_ok=True)
        return {"files": dict(sorted(hashes.items()))}
    failed = out / "failed"
    files = []
    for suffix in (".ipynb", ".html"):
        path = stage / f"{run.name}{suffix}"
        if path.is_file():
            failed.mkdir(parents=True, exist_ok=True)
            os.replace(path, failed / path.name)
            files.append(f"failed/{path.name}")
    return {"files": files}


def _read_manifest(out: Path) -> dict:
    path = out / MANIFEST_NAME
    if path.is_file():
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("version") == _MANIFEST_VERSION:
                return data
        except (json.JSONDecodeError, AttributeError):
            pass
    return {"version": _MANIFEST_VERSION, "runs": {}}


def _write_atomic(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)


def _write_manifest(out: Path, manifest: dict) -> None:
    _write_atomic(out / MANIFEST_NAME, json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True) + "\n")


def _outputs_unchanged(out: Path, record: dict) -> bool:
    """Whether every file of a run's last success is in ``out`` with the sha256 it was published with."""
    files = (record.get("last_success") or {}).get("files")
    if not isinstance(files, dict) or not files:
        return False
    for rel, digest in files.items():
        path = out / rel
        if not path.is_file() or _sha256_file(path) != digest:
            return False
    return True


def _format_value(item: dict) -> str:
    """A key figure as the index shows it: the report's own token when given
    ("66/P" keeps its provisional mark), then its unit ("%" for percentages)."""
    value = item.get("value")
    raw = item.get("raw")
    if raw:
        text = str(raw)
    elif value is None:
        return "sin dato"
    elif isinstance(value, float):
        text = f"{value:,.2f}".rstrip("0").rstrip(".")
    else:
        text = str(value)
    unit = str(item.get("unit") or "")
    if unit.casefold().startswith("porcentaje"):
        return f"{text} %"
    return f"{text} {unit.lower()}" if unit else text


def write_index(runs: Sequence[Run], out: str | Path, *, manifest: dict | None = None) -> Path:
    """Write ``<out>/index.html`` listing every run of the plan.

    Parameters
    ----------
    runs : sequence of Run
        The plan's runs, in plan order.
    out : str or Path
        The output folder (holding ``manifest.json``).
    manifest : dict, optional
        The manifest; read from ``out`` when not given.

    Returns
    -------
    Path
        The index file. All text (report names, parameters, errors) is
        HTML-escaped by jinja2's autoescaping.
    """
    import jinja2

    out = Path(out)
    manifest = manifest or _read_manifest(out)
    rows = []
    for run in runs:
        record = manifest["runs"].get(run.name, {})
        success = record.get("last_success") or {}
        summary = None
        summary_rel = f"{run.name}{SUMMARY_SUFFIX}"
        if success and (out / summary_rel).is_file():
            try:
                summary = json.loads((out / summary_rel).read_text(encoding="utf-8"))
            except json.JSONDecodeError:
                summary = None
        links = []
        if success:
            for label, rel in (("informe", f"{run.name}.html"), ("con código", f"{run.name}.code.html"),
                               ("notebook", f"{run.name}.ipynb"), ("resumen JSON", summary_rel)):
                if (out / rel).is_file():
                    links.append({"label": label, "href": rel})
        thumb = f"figures/thumbs/{run.name}.png"
        main = (summary or {}).get("main_figure")
        rows.append({
            "name": run.name,
            "notebook": run.notebook.name,
            "parameters": {k: v for k, v in run.parameters.items()},
            "status": record.get("status", "pending"),
            "this_call": record.get("this_call", ""),
            "duration": record.get("duration"),
            "finished": record.get("finished"),
            "error": record.get("error"),
            "failed_html": f"failed/{run.name}.html" if record.get("status") == "failed"
            and (out / "failed" / f"{run.name}.html").is_file() else None,
            "title": (summary or {}).get("title") or run.name,
            "key_figures": [{"label": k.get("label", ""), "value": _format_value(k)}
                            for k in (summary or {}).get("key_figures", [])],
            "thumb": thumb if (out / thumb).is_file() else None,
            "main_figure": main if main and (out / main).is_file() else None,
            "links": links,
            "has_success": bool(success),
        })
    counts = {s: sum(1 for r in rows if r["status"] == s) for s in ("ok", "failed", "pending")}
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(_TEMPLATES)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    html = env.get_template("index.html.j2").render(
        rows=rows,
        counts=counts,
        generated=_dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
    )
    path = out / "index.html"
    _write_atomic(path, html)
    return path


# --------------------------------------------------------------------------- run


def _progress(total: int, quiet: bool):
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    console = Console(stderr=True, quiet=quiet)
    return console, Progress(
        TextColumn("[bold]pnt run[/]"),
        BarColumn(),
        TextColumn("{task.fields[done]} hechos · {task.fields[failed]} fallidos · {task.fields[left]} por hacer"),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    )


class RunInterrupted(KeyboardInterrupt):
    """Ctrl-C stopped ``pnt run``.

    The runs that had finished are published and in the manifest and index;
    the others were killed with their kernels and keep their previous reports.
    Attributes: ``out`` (the output folder), ``finished`` and ``stopped`` (run counts).
    """

    def __init__(self, out: Path, finished: int, stopped: int):
        super().__init__(
            f"interrumpido / interrupted: {finished} ejecuciones publicadas / runs published, "
            f"{stopped} detenidas sin publicar / stopped, not published; índice / index: {out / 'index.html'}"
        )
        self.out, self.finished, self.stopped = out, finished, stopped


@contextlib.contextmanager
def _exclusive(out: Path):
    """Hold ``<out>/.pnt-run.lock`` (an exclusive, non-blocking ``flock``) while writing into ``out``."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: no lock
        yield
        return
    path = out / LOCK_NAME
    with open(path, "a") as handle:  # closing the file releases the lock
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            raise RunLockedError(
                f"another pnt run is writing into {out} (it holds the lock {path}); "
                "wait for it to finish, or give another --out"
            ) from exc
        yield


class _SigintGuard:
    """Ctrl-C handling of the main process while runs execute.

    Inside :meth:`critical` (publishing one run and writing the manifest) a
    SIGINT is held back until the section ends, so a run is published whole or
    not at all; :meth:`ignore` drops further SIGINTs while cleaning up.
    Only active in the main thread, and not when SIGINT was already ignored.
    """

    def __init__(self) -> None:
        self.active = threading.current_thread() is threading.main_thread()
        self.depth = 0
        self.pending = False
        self.previous = None

    def __enter__(self):
        if self.active:
            self.previous = signal.getsignal(signal.SIGINT)
            if self.previous is signal.SIG_IGN:
                self.active = False
            else:
                signal.signal(signal.SIGINT, self._handler)
        return self

    def __exit__(self, *exc) -> None:
        if self.active:
            signal.signal(signal.SIGINT, self.previous)

    def _handler(self, signum, frame) -> None:
        if self.depth:
            self.pending = True
            return
        raise KeyboardInterrupt

    @contextlib.contextmanager
    def critical(self):
        self.depth += 1
        try:
            yield
        finally:
            self.depth -= 1
        if self.pending and not self.depth:
            self.pending = False
            raise KeyboardInterrupt

    def ignore(self) -> None:
        if self.active:
            signal.signal(signal.SIGINT, signal.SIG_IGN)


def _kill_workers(pool: cf.ProcessPoolExecutor) -> None:
    """Kill the pool's worker processes and everything they started (kernels included)."""
    import psutil

    workers = []
    for process in list((getattr(pool, "_processes", None) or {}).values()):
        try:
            workers.append(psutil.Process(process.pid))
        except psutil.Error:
            pass
    for worker in workers:  # stopped first, so that none starts a kernel while the tree is read
        try:
            worker.suspend()
        except psutil.Error:
            pass
    tree = list(workers)
    for worker in workers:
        try:
            tree += worker.children(recursive=True)
        except psutil.Error:
            pass
    for process in reversed(tree):
        try:
            process.kill()
        except psutil.Error:
            pass
    psutil.wait_procs(tree, timeout=10)


def _run_locked(runs: list[Run], selected: list[Run], out: Path, *, jobs: int | None, force: bool,
                quiet: bool) -> dict[str, dict]:
    """The body of :func:`run_plan`, called while holding the output folder's lock."""
    for leftover in out.glob(f"{_STAGING_PREFIX}*"):  # left by a killed call (no other call is running)
        if leftover.is_dir():
            shutil.rmtree(leftover, ignore_errors=True)
    manifest = _read_manifest(out)
    src_hash = source_hash()
    data_hashes: dict[Path, str] = {}
    todo: list[tuple[Run, dict]] = []
    results: dict[str, dict] = {}
    for run in selected:
        if run.report not in data_hashes:
            data_hashes[run.report] = _sha256_file(run.report)
        key = run_key(run, src_hash=src_hash, data_hash=data_hashes[run.report])
        record = manifest["runs"].get(run.name, {})
        unchanged = (record.get("last_success") or {}).get("key") == key["key"]
        if not force and unchanged and record.get("status") == "ok" and _outputs_unchanged(out, record):
            results[run.name] = {"status": "skipped", "duration": None, "error": None}
            record["this_call"] = "skipped"
        else:
            todo.append((run, key))
    # a skipped run's notebook and parameters are those of a success that was checked
    check_parameters_declared(run for run, _ in todo)
    if not todo:
        _write_manifest(out, manifest)
        write_index(runs, out, manifest=manifest)
        return results
    jobs = max(1, int(jobs or os.cpu_count() or 1))
    src_dir = str(Path(__file__).resolve().parents[1])
    console, progress = _progress(len(todo), quiet)
    staging_root = Path(tempfile.mkdtemp(prefix=f"{_STAGING_PREFIX}-", dir=out))  # this call's own
    context = multiprocessing.get_context("forkserver" if sys.platform != "win32" else "spawn")
    pool = None
    interrupted = False
    futures: dict = {}
    try:
        with _SigintGuard() as guard:
            try:
                pool = cf.ProcessPoolExecutor(
                    max_workers=min(jobs, len(todo)), mp_context=context, initializer=_init_worker,
                    initargs=(src_dir,),
                )
                with progress:
                    task = progress.add_task("run", total=len(todo), done=0, failed=0, left=len(todo))
                    for run, key in todo:
                        stage = Path(tempfile.mkdtemp(prefix=f"{run.name}-", dir=staging_root))
                        futures[pool.submit(_execute, run, str(stage), "python3")] = (run, key, stage)
                    done = failed = 0
                    for future in cf.as_completed(futures):
                        run, key, stage = futures[future]
                        try:
                            result = future.result()
                        except Exception as exc:  # the worker itself died
                            result = {"name": run.name, "started": time.time(), "status": "failed",
                                      "duration": None,
                                      "error": {"cell_index": None, "cell_number": None, "execution_count": None,
                                                "source": None, "ename": type(exc).__name__, "evalue": str(exc)}}
                        with guard.critical():  # published whole, or not at all
                            record = manifest["runs"].setdefault(run.name, {})
                            previous = (record.get("last_success") or {}).get("files")
                            published = _publish(run, result, stage, out,
                                                 previous if isinstance(previous, dict) else None)
                            shutil.rmtree(stage, ignore_errors=True)
                            finished = _dt.datetime.now().astimezone().isoformat(timespec="seconds")
                            record.update(
                                notebook=str(run.notebook), parameters=run.parameters, status=result["status"],
                                this_call=result["status"], duration=result.get("duration"), finished=finished,
                                error=result.get("error"),
                            )
                            if result["status"] == "ok":
                                done += 1
                                record["last_success"] = {**key, "finished": finished, "files": published["files"]}
                            else:
                                failed += 1
                            _write_manifest(out, manifest)
                            results[run.name] = result
                        mark = "[green]ok[/]" if result["status"] == "ok" else "[red]FALLÓ[/]"
                        progress.console.print(f"{mark} {run.name} ({result.get('duration') or 0:.1f} s)")
                        progress.update(task, advance=1, done=done, failed=failed, left=len(todo) - done - failed)
            except KeyboardInterrupt:
                interrupted = True
                guard.ignore()  # a second Ctrl-C must not break the clean-up
                if pool is not None:
                    _kill_workers(pool)
                    pool.shutdown(wait=False, cancel_futures=True)
                shutil.rmtree(staging_root, ignore_errors=True)
                stopped = [run for run, _, _ in futures.values() if run.name not in results]
                if not futures:
                    stopped = [run for run, _ in todo]
                for run in stopped:
                    manifest["runs"].setdefault(run.name, {})["this_call"] = "interrupted"
                _write_manifest(out, manifest)
                write_index(runs, out, manifest=manifest)
                raise RunInterrupted(out, finished=len(results) - sum(
                    1 for r in results.values() if r["status"] == "skipped"), stopped=len(stopped)) from None
    finally:
        if pool is not None and not interrupted:
            pool.shutdown(wait=True)
        shutil.rmtree(staging_root, ignore_errors=True)
    _write_manifest(out, manifest)
    write_index(runs, out, manifest=manifest)
    return results


def run_plan(
    plan: str | Path | None = None,
    *,
    out: str | Path | None = None,
    jobs: int | None = None,
    force: bool = False,
    only: Iterable[str] | None = None,
    quiet: bool = False,
) -> pd.DataFrame:
    """Execute a run plan with papermill and write the reports and their index.

    Parameters
    ----------
    plan : str or Path, optional
        Run plan (YAML); default ``notebooks/plan.yaml``.
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
        - ``error`` : string — ``ename: evalue`` of a failed run, else missing.

    Raises
    ------
    PlanError
        The plan is not valid (checked before anything runs; see
        :func:`load_plan`), or ``only`` names no run of it (the message lists
        the valid names).
    RunLockedError
        Another ``pnt run`` is writing into ``out`` (the message names it).
    RunInterrupted
        Ctrl-C (a ``KeyboardInterrupt``): the runs still executing were killed
        with their kernels and nothing of theirs published; the manifest and
        index were rewritten for the runs that finished.
    """
    runs = load_plan(plan, check_parameters=False)
    if only:
        wanted = set(only)
        valid = {r.name for r in runs} | {r.notebook.stem for r in runs}
        unknown = sorted(wanted - valid)
        if unknown:
            raise PlanError(f"--only {', '.join(unknown)}: no such run; valid names: {', '.join(sorted(valid))}")
        selected = [r for r in runs if r.name in wanted or r.notebook.stem in wanted]
    else:
        selected = list(runs)
    out = Path(config.REPORTS_DIR if out is None else out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    with _exclusive(out):
        results = _run_locked(runs, selected, out, jobs=jobs, force=force, quiet=quiet)
    rows = []
    for run in selected:
        res = results[run.name]
        err = res.get("error")
        rows.append({
            "name": run.name,
            "notebook": run.notebook.name,
            "parameters": json.dumps(run.parameters, ensure_ascii=False, sort_keys=True),
            "status": res["status"],
            "duration": res.get("duration"),
            "error": f"{err['ename']}: {err['evalue']}" if err else None,
        })
    frame = pd.DataFrame(rows, columns=["name", "notebook", "parameters", "status", "duration", "error"])
    for col in ("name", "notebook", "parameters", "status", "error"):
        frame[col] = frame[col].astype("string")
    frame["duration"] = pd.array(frame["duration"].tolist(), dtype="Float64")
    return frame
