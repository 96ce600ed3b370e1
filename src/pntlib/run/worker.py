"""One run, executed in a worker process: a :class:`~pntlib.run.plan.Run` in, a :class:`RunResult` out.

:func:`execute` runs the notebook with papermill into the run's staging
folder (:mod:`pntlib.run.engine`), checks it ran to its end
(:mod:`pntlib.run.diagnosis`), tidies it as published
(:mod:`pntlib.run.published`) and renders its pages and thumbnail
(:mod:`pntlib.run.render`); it never raises: a failure is a ``RunResult``
with ``status="failed"`` and its :class:`ErrorDetails`. :func:`init_worker`
prepares a worker process.
"""

from __future__ import annotations

import os
import signal
import sys
import time
from pathlib import Path

from .diagnosis import error_details, foreign_files, incomplete
from .kernels import KERNEL_NAME, KernelClient, set_client
from .published import private_paths, published_parameters, summary_without_copy, tidy
from .render import render_pages
from .results import ErrorDetails, RunResult

__all__ = ["ErrorDetails", "RunResult", "execute", "init_worker", "matplotlib_config_dir",
           "skip_unused_imports", "KERNEL_NAME", "MATPLOTLIBRC"]


#: The matplotlib settings of every kernel ``pnt run`` starts (the notebooks' own rc
#: calls still apply): text shaped as in the C locale, whatever the locale, so that
#: figures do not change with LANG (libraqm picks ligatures by language).
MATPLOTLIBRC = "text.language: en\n"


def matplotlib_config_dir(scratch: Path) -> Path:
    """A writable ``MPLCONFIGDIR`` for the kernels, holding :data:`MATPLOTLIBRC`.

    pnt's own cache folder, as platformdirs names it for the system
    (``$XDG_CACHE_HOME/pntlib/matplotlib``, else ``~/.cache/pntlib/matplotlib``
    on Linux; ``~/Library/Caches/pntlib/matplotlib`` on macOS; the local
    application data folder on Windows), so the font cache is built once; when
    it cannot be written (``HOME`` read-only), a folder inside ``scratch`` (the
    call's staging folder). matplotlib then never warns about a temporary cache
    folder inside a notebook's output.
    """
    from platformdirs import user_cache_path

    from ..files import write_atomic

    try:
        cache = user_cache_path("pntlib", appauthor=False) / "matplotlib"
    except (RuntimeError, KeyError):  # no home folder
        cache = None
    for folder in (cache, scratch / "matplotlib"):
        if folder is None:
            continue
        try:
            folder.mkdir(parents=True, exist_ok=True)
            rc = folder / "matplotlibrc"
            if not rc.is_file() or rc.read_text(encoding="utf-8") != MATPLOTLIBRC:
                write_atomic(rc, MATPLOTLIBRC)
        except OSError:
            continue
        if os.access(folder, os.W_OK):
            return folder
    return scratch


def init_worker(env: dict, kernels: str | None = None) -> None:
    """Prepare a worker process: its environment, its kernel server, papermill and the HTML exporters.

    Parameters
    ----------
    env : dict
        The worker's environment, and its kernels' (:func:`pntlib.run.kernels.kernel_environment`).
    kernels : str, optional
        Address of the call's kernel server (:class:`pntlib.run.kernels.KernelServer`);
        without it each kernel is launched as a new process.
    """
    # Ctrl-C (and a terminal's hang-up) reaches the whole process group; the main process decides
    # what stops (it kills the workers and their kernels), so a worker must not die half-way on its own.
    for name in ("SIGINT", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), signal.SIG_IGN)
    os.environ.clear()
    os.environ.update(env)
    from .kernel_server import become_subreaper

    become_subreaper()  # what its kernels start and leave comes back to it (and is killed after each run)
    set_client(KernelClient(kernels) if kernels else None)
    _warm_up()


def skip_unused_imports() -> None:
    """Keep jsonschema (imported by nbformat) from importing ``rfc3987_syntax``.

    jsonschema imports it, when installed, for its ``iri`` format checker, and
    building its grammar takes about 1.8 s of CPU; nbformat validates notebooks
    without format checkers, so nothing of pnt run uses it. Call before
    importing nbformat or papermill (it has no effect once jsonschema is imported).
    """
    sys.modules.setdefault("rfc3987_syntax", None)  # None: "import rfc3987_syntax" raises ImportError


def _warm_up() -> None:
    """Import papermill and compile the exporters' templates (what the first run would otherwise pay)."""
    skip_unused_imports()
    import papermill  # noqa: F401  # imported now, not during the first run

    from .render import warm_up

    warm_up()


def execute(run, staging: str, out: str, report: str | None = None) -> RunResult:
    """Execute one run into the folder ``staging`` (in a worker process); never raises.

    Parameters
    ----------
    run : pntlib.run.Run
    staging : str
        An empty folder of the run's own; on success it holds every file the
        run publishes, named after it.
    out : str
        The output folder its files are published into: where the executed
        notebook's text outputs say the staging folder, they say this.
    report : str, optional
        The copy of the report the notebook is given instead of the file
        (:mod:`pntlib.run.snapshot`); the published notebook, its outputs and its
        summary name the report as the run gives it.

    Returns
    -------
    RunResult
    """
    started = time.time()
    stage = Path(staging)
    nb_path = stage / f"{run.name}.ipynb"
    try:
        from .engine import run_papermill

        nb = run_papermill(run, nb_path, stage, report)
    except Exception as exc:  # the run failed: record why, keep going
        return _failed(run, stage, out, started, error_details(nb_path, exc, run.timeout), report)
    foreign = foreign_files(stage, run.name)
    if foreign:  # publishing them could overwrite another run's files
        return _failed(run, stage, out, started, ErrorDetails(
            "OutputError",
            f"el cuaderno escribió archivos que no llevan el nombre de la ejecución "
            f"({run.name}, su parámetro run_name): {', '.join(foreign)}",
        ), report)
    unfinished = incomplete(run.name, nb_path, stage, nb)
    if unfinished is not None:
        return _failed(run, stage, out, started, unfinished, report)
    try:
        summary_without_copy(run, stage, report)
        nb = tidy(run, nb_path, published_parameters(run), private_paths(run, stage, out, report), nb=nb)
        render_pages(run.name, stage, ok=True, nb=nb)
    except Exception as exc:  # rendering failed: the run is not publishable
        return RunResult.failure(run.name, started,
                                 ErrorDetails(type(exc).__name__, f"no se pudo generar el HTML: {exc}"))
    return RunResult(run.name, "ok", started, time.time() - started)


def _failed(run, stage: Path, out: str, started: float, error: ErrorDetails, report: str | None = None) -> RunResult:
    """A failed run, with the page of its failed notebook rendered when it can be; its error names
    the output folder and the report, not the staging folder or the report's private copy."""
    paths = private_paths(run, stage, out, report)
    try:
        tidy(run, stage / f"{run.name}.ipynb", published_parameters(run), paths)
        render_pages(run.name, stage, ok=False)
    except Exception:  # the failure is reported either way
        pass
    return RunResult.failure(run.name, started, _published_error(error, paths))


def _published_error(error: ErrorDetails, paths: dict[str, str]) -> ErrorDetails:
    """``error`` with the private paths of ``paths`` replaced by the published ones."""
    from dataclasses import replace

    def clean(text: str | None) -> str | None:
        for private, public in paths.items():
            text = text.replace(private, public) if text else text
        return text

    return replace(error, evalue=clean(error.evalue), source=clean(error.source))
