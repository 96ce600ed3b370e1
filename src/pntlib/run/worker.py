"""One run, executed in a worker process: a :class:`~pntlib.run.plan.Run` in, a :class:`RunResult` out.

:func:`execute` runs the notebook with papermill into the run's staging
folder (its own kernel: the ipykernel of this interpreter), renders the
executed notebook to HTML twice (for readers, without code; and with code),
makes the thumbnail of the main chart, and never raises: a failure is a
``RunResult`` with ``status="failed"`` and its :class:`ErrorDetails`.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from ..outputs import SUMMARY_SUFFIX
from .kernels import KernelClient, kernel_manager_class, set_client

__all__ = ["ErrorDetails", "RunResult", "execute", "init_worker", "matplotlib_config_dir", "read_notebook",
           "skip_unused_imports", "KERNEL_NAME", "MATPLOTLIBRC"]

_TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
_INJECTED_TAG = "injected-parameters"
_ERROR_TAG = "papermill-error-cell-tag"
#: Name papermill is given for the kernel; :func:`pntlib.run.kernels.kernel_manager_class` always starts this interpreter's.
KERNEL_NAME = "python3"


@dataclass(frozen=True)
class ErrorDetails:
    """Why a run failed.

    ``cell_index`` and ``execution_count`` refer to the executed notebook (with
    papermill's injected-parameters cell); ``cell_number`` is the failing
    cell's 1-based position in the source notebook, which the index shows;
    ``source`` is that cell's code. All four are ``None`` when no cell is to blame.
    """

    ename: str
    evalue: str
    cell_index: int | None = None
    cell_number: int | None = None
    execution_count: int | None = None
    source: str | None = None

    def as_dict(self) -> dict:
        """The details as stored in the manifest."""
        return asdict(self)

    def __str__(self) -> str:
        return f"{self.ename}: {self.evalue}"


@dataclass(frozen=True)
class RunResult:
    """The outcome of one run: ``status`` ``ok`` or ``failed`` (``skipped`` when
    not executed), ``started`` (epoch seconds), ``duration`` (seconds) and ``error``."""

    name: str
    status: str
    started: float | None = None
    duration: float | None = None
    error: ErrorDetails | None = None

    @classmethod
    def failure(cls, name: str, started: float, error: ErrorDetails) -> RunResult:
        return cls(name, "failed", started, time.time() - started, error)


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
    import nbformat
    import papermill  # noqa: F401

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("#"), nbformat.v4.new_code_cell("1")])
    nb.metadata["language_info"] = {"name": "python", "pygments_lexer": "ipython3"}
    for exclude_input, drop_injected in ((True, True), (False, True), (False, False)):
        _html(nb, exclude_input=exclude_input, title="", index_href="", other=None, drop_injected=drop_injected)


def read_notebook(path: Path):
    """A notebook as ``pnt run`` executes it: a missing kernelspec or language is the project's Python kernel.

    ``pnt run`` always starts this interpreter's ipykernel, whatever kernelspec
    name the notebook gives; a notebook without one (or without its language)
    is treated the same way.
    """
    from papermill.iorw import load_notebook_node

    nb = load_notebook_node(str(path))
    spec = nb.metadata.get("kernelspec") or {}
    nb.metadata["kernelspec"] = {"display_name": "Python 3 (ipykernel)", "language": "python", **spec,
                                 "name": spec.get("name") or KERNEL_NAME}
    nb.metadata["kernelspec"]["language"] = nb.metadata["kernelspec"].get("language") or "python"
    return nb


# --------------------------------------------------------------------------- rendering

_EXPORTERS: dict[tuple[bool, bool], object] = {}


def _exporter(exclude_input: bool, drop_injected: bool = False):
    """Cached nbconvert HTML exporter (the lab template, without CDN scripts).

    With ``drop_injected``, papermill's injected-parameters cell (it holds the
    staging folder, not something a reader can use) is left out of the page.
    """
    key = (exclude_input, drop_injected)
    if key not in _EXPORTERS:
        from nbconvert import HTMLExporter
        from traitlets.config import Config

        config = Config()
        if drop_injected:
            config.TagRemovePreprocessor.enabled = True
            config.TagRemovePreprocessor.remove_cell_tags = {_INJECTED_TAG}
        _EXPORTERS[key] = HTMLExporter(
            config=config,
            extra_template_basedirs=[str(_TEMPLATES / "nbconvert")],
            template_name="pnt_lab",
            exclude_input=exclude_input,
            exclude_input_prompt=exclude_input,
            exclude_output_prompt=exclude_input,
            language_code="es",
        )
    return _EXPORTERS[key]


def _render_html(nb, path: Path, *, exclude_input: bool, title: str, index_href: str, other: str | None,
                 drop_injected: bool = True) -> None:
    path.write_text(_html(nb, exclude_input=exclude_input, title=title, index_href=index_href, other=other,
                          drop_injected=drop_injected), encoding="utf-8")


def _html(nb, *, exclude_input: bool, title: str, index_href: str, other: str | None,
          drop_injected: bool = True) -> str:
    body, _ = _exporter(exclude_input, drop_injected).from_notebook_node(
        nb,
        resources={
            "metadata": {"name": title},
            "pnt_index_href": index_href,
            "pnt_other_href": other,
            "pnt_other_label": "con código" if exclude_input else "sin código",
        },
    )
    return body


def _thumbnail(source: Path, target: Path, *, width: int = 720) -> None:
    """A thumbnail ``width`` pixels wide (shown at half that on the index: sharp on high-density screens)."""
    from PIL import Image

    target.parent.mkdir(parents=True, exist_ok=True)
    with Image.open(source) as img:
        img.thumbnail((width, width * 2))
        img.save(target, format="PNG", optimize=True)


def shows_code(nb) -> bool:
    """Whether a notebook's page for readers keeps its code: notebook metadata ``pntlib.show_code``
    (set by notebooks whose subject is the code, such as ``explore.ipynb``)."""
    return bool(nb.get("metadata", {}).get("pntlib", {}).get("show_code", False))


def _render(name: str, stage: Path, ok: bool, nb=None) -> None:
    """The run's pages (both for a success, the one with code for a failure) and thumbnail.

    ``nb``: the executed notebook, when at hand (else read from the staging folder). Each
    page's title (the browser tab's) is the title of the run's summary, else the run name.
    """
    import nbformat

    nb_path = stage / f"{name}.ipynb"
    summary_path = stage / f"{name}{SUMMARY_SUFFIX}"
    summary = json.loads(summary_path.read_text(encoding="utf-8")) if summary_path.is_file() else {}
    title = str(summary.get("title") or name)
    if nb is None and nb_path.is_file():
        nb = nbformat.read(nb_path, as_version=4)
    if nb is not None:
        if ok:
            code = shows_code(nb)  # the page for readers is then the page with code
            _render_html(nb, stage / f"{name}.html", exclude_input=not code, title=title,
                         index_href="index.html", other=None if code else f"{name}.code.html")
            _render_html(nb, stage / f"{name}.code.html", exclude_input=False, title=f"{title} (con código)",
                         index_href="index.html", other=f"{name}.html")
        else:
            _render_html(nb, stage / f"{name}.html", exclude_input=False, title=title,
                         index_href="../index.html", other=None, drop_injected=False)
    if ok and summary:
        main = summary.get("main_figure")
        if main and (stage / main).is_file() and main.lower().endswith(".png"):
            _thumbnail(stage / main, stage / "figures" / "thumbs" / f"{name}.png")


# --------------------------------------------------------------------------- failures


def _tags(cell) -> list:
    return cell.get("metadata", {}).get("tags", [])


def _source_cell_number(cells: Sequence, index: int) -> int:
    """1-based position, in the source notebook, of executed cell ``index``.

    ``cells`` are the executed notebook's cells without papermill's error
    cells; the injected-parameters cell is not in the source and is not counted.
    """
    return 1 + sum(1 for cell in cells[:index] if _INJECTED_TAG not in _tags(cell))


def _error_details(nb_path: Path, exc: BaseException, timeout: float) -> ErrorDetails:
    """The failing cell and error of a failed run."""
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
        return ErrorDetails(
            exc.ename, exc.evalue, cell_index=exc.cell_index,
            cell_number=_source_cell_number(cells, exc.cell_index) if cells else None,
            execution_count=exc.exec_count, source=exc.source,
        )
    evalue = str(exc)
    if isinstance(exc, CellTimeoutError):
        evalue = f"el cuaderno no terminó dentro de su tiempo límite de {timeout:g} s"
    # the cell that was running: the last one papermill started
    started = [i for i, cell in enumerate(cells) if cell.get("metadata", {}).get("papermill", {}).get("start_time")]
    if not started:
        return ErrorDetails(type(exc).__name__, evalue)
    cell = cells[started[-1]]
    return ErrorDetails(type(exc).__name__, evalue, cell_index=started[-1],
                        cell_number=_source_cell_number(cells, started[-1]),
                        execution_count=cell.get("execution_count"), source=cell.source)


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


# --------------------------------------------------------------------------- one run


def _published_parameters(run) -> dict:
    """The parameters as the published notebook shows them (``output_dir`` ``""``, see :func:`_tidy`)."""
    return {**run.parameters, "output_dir": "", "run_name": run.name}





def _papermill(run, nb_path: Path, stage: Path, report: str | None = None):
    """Execute the notebook into ``nb_path`` and return it; raises what papermill raises.

    ``report``: the copy of the report the notebook reads instead of ``run``'s (:mod:`pntlib.run.snapshot`).
    """
    import papermill as pm

    from .engine import engine_name

    deadline = time.monotonic() + run.timeout
    given = {"report": report} if report else {}
    return pm.execute_notebook(
        str(run.notebook),
        str(nb_path),
        parameters={**run.parameters, **given, "output_dir": str(stage), "run_name": run.name},
        kernel_name=KERNEL_NAME,
        language="python",
        cwd=str(run.notebook.parent),
        progress_bar=False,
        log_output=False,
        start_timeout=int(min(60.0, run.timeout)),  # nbclient's startup_timeout is whole seconds
        kernel_manager_class=kernel_manager_class(),
        engine_name=engine_name(),
        request_save_on_cell_execute=False,  # written once, at the end (or where it stopped: the engine)
        partial_path=str(nb_path),
        shutdown_kernel="immediate",  # the notebook is complete: no need to wait for a graceful exit
        # whole-notebook timeout: each cell gets what is left of the budget
        timeout_func=lambda cell: max(1.0, deadline - time.monotonic()),
    )


def _incomplete(name: str, nb_path: Path, stage: Path, nb=None) -> ErrorDetails | None:
    """Why a notebook papermill reports as executed did not run to its end, if it did not.

    papermill accepts ``sys.exit(0)`` (or ``sys.exit()``) as a success and skips
    the cells after it; a run succeeds only when every code cell ran and the
    notebook wrote its summary.
    """
    import nbformat

    try:
        nb = nbformat.read(nb_path, as_version=4) if nb is None else nb
        cells = [c for c in nb.cells if _ERROR_TAG not in _tags(c)]
    except Exception as exc:  # cut short (a full disk), not a notebook
        return ErrorDetails("IncompleteRun", f"el cuaderno ejecutado no se puede leer: {exc}")
    for index, cell in enumerate(cells):
        if cell.cell_type != "code" or not cell.source.strip():
            continue
        number = _source_cell_number(cells, index)
        where = {"cell_index": index, "cell_number": number, "execution_count": cell.get("execution_count"),
                 "source": cell.source}
        if any(o.get("output_type") == "error" and o.get("ename") == "SystemExit" for o in cell.get("outputs", [])):
            return ErrorDetails("SystemExit", f"el cuaderno se detuvo con sys.exit en la celda {number}; las celdas "
                                              "siguientes no se ejecutaron", **where)
        if cell.get("execution_count") is None:
            return ErrorDetails("IncompleteRun", f"la celda {number} del cuaderno no se ejecutó", **where)
    if not (stage / f"{name}{SUMMARY_SUFFIX}").is_file():
        return ErrorDetails("OutputError", f"el cuaderno no escribió su resumen {name}{SUMMARY_SUFFIX} "
                                           "(pntlib.outputs.write_summary con output_dir y run_name)")
    return None


def _without_stage(output, paths: dict[str, str]) -> None:
    """A cell output's text with the staging folder replaced by the output folder (and the
    report's copy by the report), as ``paths`` (``{private path: published path}``) says."""

    def tidy(text: str) -> str:
        for private, public in paths.items():
            text = text.replace(private, public)
        return text

    if "text" in output:
        output["text"] = tidy(output["text"])
    for mime, value in output.get("data", {}).items():
        if mime.startswith("text/") and isinstance(value, str):
            output["data"][mime] = tidy(value)
    if "traceback" in output:
        output["traceback"] = [tidy(line) for line in output["traceback"]]


def _private_paths(run, stage: Path, out: str, report: str | None) -> dict[str, str]:
    """``{private path: published path}``: the staging folder is the output folder, the report's copy the report."""
    paths = {str(stage): out}
    if report:
        paths[report] = str(run.report)
    return paths


def _summary_without_copy(run, stage: Path, report: str | None) -> None:
    """The run's summary naming the report as the plan gave it, not the copy the notebook read."""
    path = stage / f"{run.name}{SUMMARY_SUFFIX}"
    if not report or not path.is_file():
        return
    summary = json.loads(path.read_text(encoding="utf-8"))
    parameters = summary.get("parameters")
    if isinstance(parameters, dict) and parameters.get("report") == report:
        parameters["report"] = run.parameters.get("report", "")
    text = json.dumps(summary, ensure_ascii=False, indent=2).replace(
        json.dumps(report)[1:-1], json.dumps(str(run.report))[1:-1])
    path.write_text(text, encoding="utf-8")  # as pntlib.outputs.write_summary writes it


def _tidy(run, nb_path: Path, parameters: dict, paths: dict[str, str], nb=None):
    """The executed notebook as published: the same bytes whatever the staging folder.

    Its injected-parameters cell (and papermill's error cells) get fixed ids;
    ``output_dir`` is given as ``""`` (the folder it ran in is deleted: run
    again by hand, the notebook writes to ``reports/manual/``); text outputs
    that name the staging folder name the output folder, where its files are
    (and those naming the report's copy name the report: ``paths``).
    Tidies ``nb`` (the executed notebook, else read from ``nb_path``), writes it, and returns it.
    """
    import nbformat
    from papermill.translators import translate_parameters

    nb = nbformat.read(nb_path, as_version=4) if nb is None else nb
    errors = 0
    for cell in nb.cells:
        if _INJECTED_TAG in _tags(cell):
            cell.id = _INJECTED_TAG
            cell.source = translate_parameters(KERNEL_NAME, "python", parameters, "Parameters")
        elif _ERROR_TAG in _tags(cell):
            errors += 1
            cell.id = f"papermill-error-{errors}"
        for output in cell.get("outputs", []):
            _without_stage(output, paths)
    papermill = nb.metadata.setdefault("papermill", {})
    papermill.update(parameters=parameters, input_path=str(run.notebook), output_path=nb_path.name)
    nbformat.write(nb, nb_path)
    return nb


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
        nb = _papermill(run, nb_path, stage, report)
    except Exception as exc:  # the run failed: record why, keep going
        return _failed(run, stage, out, started, _error_details(nb_path, exc, run.timeout), report)
    foreign = _foreign_files(stage, run.name)
    if foreign:  # publishing them could overwrite another run's files
        return _failed(run, stage, out, started, ErrorDetails(
            "OutputError",
            f"el cuaderno escribió archivos que no llevan el nombre de la ejecución "
            f"({run.name}, su parámetro run_name): {', '.join(foreign)}",
        ), report)
    incomplete = _incomplete(run.name, nb_path, stage, nb)
    if incomplete is not None:
        return _failed(run, stage, out, started, incomplete, report)
    try:
        _summary_without_copy(run, stage, report)
        nb = _tidy(run, nb_path, _published_parameters(run), _private_paths(run, stage, out, report), nb=nb)
        _render(run.name, stage, ok=True, nb=nb)
    except Exception as exc:  # rendering failed: the run is not publishable
        return RunResult.failure(run.name, started,
                                 ErrorDetails(type(exc).__name__, f"no se pudo generar el HTML: {exc}"))
    return RunResult(run.name, "ok", started, time.time() - started)


def _failed(run, stage: Path, out: str, started: float, error: ErrorDetails, report: str | None = None) -> RunResult:
    """A failed run, with the page of its failed notebook rendered when it can be."""
    try:
        _tidy(run, stage / f"{run.name}.ipynb", _published_parameters(run), _private_paths(run, stage, out, report))
        _render(run.name, stage, ok=False)
    except Exception:  # the failure is reported either way
        pass
    return RunResult.failure(run.name, started, error)
