"""The executed notebook and summary as published: the same bytes whatever the staging folder or the
report's private copy (:mod:`pntlib.run.snapshot`) the run used."""

from __future__ import annotations

import json
from pathlib import Path

from ..outputs import SUMMARY_SUFFIX
from .diagnosis import ERROR_TAG as _ERROR_TAG
from .diagnosis import tags
from .kernels import KERNEL_NAME
from .render import INJECTED_TAG as _INJECTED_TAG

__all__ = ["private_paths", "published_parameters", "summary_without_copy", "tidy", "without_stage"]


def published_parameters(run) -> dict:
    """The parameters as the published notebook shows them (``output_dir`` ``""``, see :func:`tidy`)."""
    return {**run.parameters, "output_dir": "", "run_name": run.name}


def without_stage(output, paths: dict[str, str]) -> None:
    """A cell output's text with the staging folder replaced by the output folder (and the
    report's copy by the report), as ``paths`` (``{private path: published path}``) says."""

    def swap(text: str) -> str:
        for private, public in paths.items():
            text = text.replace(private, public)
        return text

    if "text" in output:
        output["text"] = swap(output["text"])
    for mime, value in output.get("data", {}).items():
        if mime.startswith("text/") and isinstance(value, str):
            output["data"][mime] = swap(value)
    if isinstance(output.get("evalue"), str):
        output["evalue"] = swap(output["evalue"])
    if "traceback" in output:
        output["traceback"] = [swap(line) for line in output["traceback"]]


def private_paths(run, stage: Path, out: str, report: str | None) -> dict[str, str]:
    """``{private path: published path}``: the staging folder is the output folder, the report's copy the report."""
    paths = {str(stage): out}
    if report:
        paths[report] = str(run.report)
    return paths


def summary_without_copy(run, stage: Path, report: str | None) -> None:
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


def tidy(run, nb_path: Path, parameters: dict, paths: dict[str, str], nb=None):
    """The executed notebook as published: the same bytes whatever the staging folder.

    Its injected-parameters cell (and papermill's error cells) get fixed ids;
    ``output_dir`` is given as ``""`` (the folder it ran in is deleted: run
    again by hand, the notebook writes to ``reports-manual/``); text outputs
    that name the staging folder name the output folder, where its files are
    (and those naming the report's copy name the report: ``paths``).
    Tidies ``nb`` (the executed notebook, else read from ``nb_path``), writes it, and returns it.
    """
    import nbformat
    from papermill.translators import translate_parameters

    nb = nbformat.read(nb_path, as_version=4) if nb is None else nb
    errors = 0
    for cell in nb.cells:
        if _INJECTED_TAG in tags(cell):
            cell.id = _INJECTED_TAG
            cell.source = translate_parameters(KERNEL_NAME, "python", parameters, "Parameters")
        elif _ERROR_TAG in tags(cell):
            errors += 1
            cell.id = f"papermill-error-{errors}"
        for output in cell.get("outputs", []):
            without_stage(output, paths)
    papermill = nb.metadata.setdefault("papermill", {})
    papermill.update(parameters=parameters, input_path=str(run.notebook), output_path=nb_path.name)
    nbformat.write(nb, nb_path)
    return nb
