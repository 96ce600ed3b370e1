"""Why a run failed, read from its executed notebook: the failing cell and error, a notebook cut
short (``sys.exit``, a cell that never ran, no summary), files not named after the run."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ..outputs import SUMMARY_SUFFIX
from .render import INJECTED_TAG as _INJECTED_TAG
from .results import ErrorDetails

__all__ = ["ERROR_TAG", "error_details", "foreign_files", "incomplete", "source_cell_number", "tags"]

#: The tag of the cells papermill inserts to mark an error.
ERROR_TAG = "papermill-error-cell-tag"
_ERROR_TAG = ERROR_TAG


def tags(cell) -> list:
    return cell.get("metadata", {}).get("tags", [])


def source_cell_number(cells: Sequence, index: int) -> int:
    """1-based position, in the source notebook, of executed cell ``index``.

    ``cells`` are the executed notebook's cells without papermill's error
    cells; the injected-parameters cell is not in the source and is not counted.
    """
    return 1 + sum(1 for cell in cells[:index] if _INJECTED_TAG not in tags(cell))


def error_details(nb_path: Path, exc: BaseException, timeout: float) -> ErrorDetails:
    """The failing cell and error of a failed run."""
    import nbformat
    from nbclient.exceptions import CellTimeoutError
    from papermill.exceptions import PapermillExecutionError

    cells = []
    if nb_path.is_file():
        try:
            cells = [c for c in nbformat.read(nb_path, as_version=4).cells if _ERROR_TAG not in tags(c)]
        except Exception:  # an unreadable partial notebook: no cell to point at
            cells = []
    if isinstance(exc, PapermillExecutionError):
        # papermill counts cells before inserting its error cells: the same list as ``cells``
        return ErrorDetails(
            exc.ename, exc.evalue, cell_index=exc.cell_index,
            cell_number=source_cell_number(cells, exc.cell_index) if cells else None,
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
                        cell_number=source_cell_number(cells, started[-1]),
                        execution_count=cell.get("execution_count"), source=cell.source)


def foreign_files(stage: Path, name: str) -> list[str]:
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


def incomplete(name: str, nb_path: Path, stage: Path, nb=None) -> ErrorDetails | None:
    """Why a notebook papermill reports as executed did not run to its end, if it did not.

    papermill accepts ``sys.exit(0)`` (or ``sys.exit()``) as a success and skips
    the cells after it; a run succeeds only when every code cell ran and the
    notebook wrote its summary.
    """
    import nbformat

    try:
        nb = nbformat.read(nb_path, as_version=4) if nb is None else nb
        cells = [c for c in nb.cells if _ERROR_TAG not in tags(c)]
    except Exception as exc:  # cut short (a full disk), not a notebook
        return ErrorDetails("IncompleteRun", f"el cuaderno ejecutado no se puede leer: {exc}")
    for index, cell in enumerate(cells):
        if cell.cell_type != "code" or not cell.source.strip():
            continue
        number = source_cell_number(cells, index)
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
