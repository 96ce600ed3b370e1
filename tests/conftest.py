"""Shared fixtures: paths resolved from this file, the real report, damaged copies of it,
and the one executed notebook collection the notebook and browser tests read.

Hand-read facts of the report live in :mod:`tests.facts`.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterable, Mapping
from pathlib import Path

import matplotlib
import pytest
import yaml

matplotlib.use("Agg")  # tests only: charts render off-screen; src/ never chooses a backend

TESTS_DIR = Path(__file__).resolve().parent
PROJ_ROOT = TESTS_DIR.parent
RAW_REPORT = PROJ_ROOT / "data" / "raw" / "pntdp-2022-2024_avance-y-resultados_2023-01_2024-06.txt"
SHARED_REPORT = PROJ_ROOT.parent / "shared" / "data" / RAW_REPORT.name
NB_DIR = TESTS_DIR / "data" / "notebooks"  # small notebooks the runner tests execute

def is_kernel(process) -> bool:
    """Whether a process (psutil) is a notebook kernel: forked by pnt run's kernel server
    (its command line is then the server's), or an ipykernel started as a program."""
    import psutil

    try:
        parent = process.parent()
        return "ipykernel" in " ".join(process.cmdline()) or (
            parent is not None and "pntlib/run/kernel_server.py" in " ".join(parent.cmdline()))
    except psutil.Error:
        return False


# tests/data holds inputs of the tests (slow.ipynb sleeps for a minute), not tests.
collect_ignore = ["data"]


# --------------------------------------------------------------------------- the report and damaged copies


@pytest.fixture(scope="session")
def report_text() -> str:
    return RAW_REPORT.read_text(encoding="utf-8")


def damage(
    text: str,
    replace: Mapping[str, str] | None = None,
    *,
    edits: Iterable[tuple[int, int | None, str, str]] = (),
) -> str:
    """``text`` (the report) with edits applied, each checked to hit exactly one place.

    Parameters
    ----------
    text : str
        The report text to damage.
    replace : mapping of str to str, optional
        ``{old: new}``: ``old`` must occur exactly once in ``text`` and becomes ``new``.
    edits : iterable of (line, cell, old, new)
        Edits anchored to 1-based ``line`` of ``text``: the ``cell``-th tab-separated cell
        (from 0) must read ``old`` once stripped and becomes ``new``; with ``cell=None``
        the substring ``old`` must occur once in that line and becomes ``new``. Line edits
        are applied first and never change the number of lines.

    Raises
    ------
    AssertionError
        When an ``old`` is not found exactly once: the report changed and the test would
        silently stop testing what it says.
    """
    lines = text.split("\n")
    for line, cell, old, new in edits:
        current = lines[line - 1]
        if cell is None:
            assert current.count(old) == 1, f"line {line}: {old!r} occurs {current.count(old)} times in {current!r}"
            lines[line - 1] = current.replace(old, new)
        else:
            cells = current.split("\t")
            assert cells[cell].strip() == old, f"line {line}, cell {cell} reads {cells[cell]!r}, not {old!r}"
            cells[cell] = new
            lines[line - 1] = "\t".join(cells)
    text = "\n".join(lines)
    for old, new in (replace or {}).items():
        assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in the report, not once"
        text = text.replace(old, new)
    return text


@pytest.fixture()
def damaged_report(tmp_path, report_text):
    """Write a damaged copy of the real report under ``tmp_path`` and return its path.

    ``damaged_report(replace={old: new}, edits=[(line, cell, old, new)], text=None,
    name=None)``: the edits are those of :func:`damage`, applied to the real report
    (or to ``text``, a report already built by the test). Each call writes a new file
    (``report_1.txt``, ``report_2.txt`` ... unless ``name`` is given).
    """
    count = itertools.count(1)

    def _damaged(replace: Mapping[str, str] | None = None, *, edits=(), text: str | None = None,
                 name: str | None = None) -> Path:
        path = tmp_path / (name or f"report_{next(count)}.txt")
        path.write_text(damage(report_text if text is None else text, replace, edits=edits), encoding="utf-8")
        return path

    return _damaged


@pytest.fixture()
def write_report(damaged_report):
    """Deprecated: use ``damaged_report(text=...)``; kept while other branches merge."""

    def _write(text: str, name: str = "report.txt") -> Path:
        return damaged_report(text=text, name=name)

    return _write


# --------------------------------------------------------------------------- the executed collection

# Markup put into report text (indicator 1.1's Nombre, objective 1's title in section 3,
# strategy 1.1's title): every page must show it as text.
MARKUP = '<b>x</b><script>window.pwned = 1</script><img src="nowhere.png">'
MARKUP_EDITS = {
    "Nombre\t1.1 ": f"Nombre\t1.1 {MARKUP} ",
    "\nObjetivo prioritario 1. Promover la reforma": f"\nObjetivo prioritario 1. Promover la reforma {MARKUP}",
    "\nEstrategia prioritaria 1.1.- Promover": f"\nEstrategia prioritaria 1.1.- Promover {MARKUP}",
}
# Runs of the collection on the markup copy: run name -> (notebook, parameters).
MARKUP_RUNS = {
    "markup_overview": ("overview.ipynb", {}),
    "markup_indicator_1.1": ("indicator.ipynb", {"indicator": "1.1"}),
    "markup_objective_1": ("objective.ipynb", {"objective": 1}),
    "markup_data_quality": ("data_quality.ipynb", {}),
}
FAILING_RUN = "broken"  # tests/data/notebooks/tiny.ipynb told to fail


@pytest.fixture(scope="session")
def executed_collection(tmp_path_factory) -> Path:
    """One ``pnt run`` for the whole session: its output folder (index, pages, notebooks).

    The runs are those of notebooks/plan.yaml on the real report (every notebook, with
    the names the plan gives them: overview, objective_1 ... indicator_5.3), plus
    :data:`MARKUP_RUNS` on a copy of the report with :data:`MARKUP` in its text, plus
    :data:`FAILING_RUN`, which fails on purpose. Tests using it are marked ``kernel``.
    """
    from pntlib import cli

    root = tmp_path_factory.mktemp("collection")
    report = root / "report-markup.txt"
    report.write_text(damage(RAW_REPORT.read_text(encoding="utf-8"), MARKUP_EDITS), encoding="utf-8")
    notebooks = PROJ_ROOT / "notebooks"
    plan = yaml.safe_load((notebooks / "plan.yaml").read_text(encoding="utf-8"))
    for run in plan["runs"]:
        run["notebook"] = str(notebooks / run["notebook"])
    for name, (notebook, parameters) in MARKUP_RUNS.items():
        plan["runs"].append({"notebook": str(notebooks / notebook), "name": name,
                             "parameters": {**parameters, "report": str(report)}})
    # tiny.ipynb does not declare `report`: the report goes only to the notebooks that read one
    plan["runs"].append({"notebook": str(NB_DIR / "tiny.ipynb"), "name": FAILING_RUN, "parameters": {"fail": True}})
    plan_path = root / "plan.yaml"
    plan_path.write_text(yaml.safe_dump(plan, allow_unicode=True, sort_keys=False), encoding="utf-8")
    out = root / "reports"
    assert cli.main(["run", "--plan", str(plan_path), "--out", str(out), "--quiet"]) == 1  # FAILING_RUN fails
    runs = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["runs"]
    failed = {name: run.get("error") for name, run in runs.items() if run["status"] != "ok" and name != FAILING_RUN}
    assert not failed, f"runs of the executed collection failed: {failed}"
    return out
