"""pntlib.notebook: the pages' titles and summaries on reports a later edition could bring.

Kernel-free: these call :func:`pntlib.notebook.setup`, :func:`~pntlib.notebook.page_title`,
:func:`~pntlib.notebook.key_figures` and :func:`~pntlib.notebook.write_summary` as the last
cell of a notebook does. The pages themselves run in tests/test_notebooks.py.
"""

from __future__ import annotations

import json

from pntlib import notebook
from pntlib.labels import STATUS_LABELS

from .conftest import PROJ_ROOT
from .hostile import EVERY_RESULT_ND, with_sixth_objective


def test_an_indicator_with_every_result_nd_has_a_summary_saying_no_data(damaged_report, tmp_path):
    path = damaged_report(edits=EVERY_RESULT_ND)
    run = notebook.setup("indicator", indicator="3.1", report=str(path), output_dir=str(tmp_path))
    summary = json.loads(notebook.write_summary(run, []).read_text(encoding="utf-8"))
    figures = {k["label"]: k for k in summary["key_figures"]}
    # no result holds a number: the latest value is missing, with no year; the verdict is no_data
    assert figures["Último dato"]["value"] is None and "raw" not in figures["Último dato"]  # the index says "sin dato"
    assert figures["Trayectoria"]["value"] == STATUS_LABELS["no_data"] == "Datos insuficientes"
    assert figures["Resultado en el año de la Meta"]["value"] == "Sin dato de 2024"  # Meta 2024: no 2024 value
    assert figures["Meta 2024"]["value"] == 100.0  # annex l.668, Meta 2024 column: 100
    assert not [label for label in figures if "<NA>" in label or "nan" in label]


def test_the_overview_counts_the_report_s_indicators(damaged_report, report_text, tmp_path):
    run = notebook.setup("overview", output_dir=str(tmp_path))
    assert notebook.page_title(run) == "Panorama de los 15 indicadores"  # 5 objectives x 3 annex cards (ll.431-975)
    path = damaged_report(text=with_sixth_objective(report_text))
    run = notebook.setup("overview", report=str(path), output_dir=str(tmp_path))
    assert notebook.page_title(run) == "Panorama de los 18 indicadores"  # 6 objectives x 3 cards
    summary = json.loads(notebook.write_summary(run, []).read_text(encoding="utf-8"))
    assert summary["title"] == "Panorama de los 18 indicadores"
    run = notebook.setup("objective", objective=6, report=str(path), output_dir=str(tmp_path))
    assert notebook.page_title(run) == "Objetivo prioritario 6"


def test_no_page_writes_a_count_of_the_report_as_a_literal():
    """The notebooks' prose and pntlib's titles take every count from the report."""
    for path in sorted((PROJ_ROOT / "notebooks").glob("*.ipynb")):
        text = " ".join("".join(c["source"]) for c in json.loads(path.read_text(encoding="utf-8"))["cells"])
        for literal in ("15 indicadores", "quince", "cinco objetivos", "5 objetivos", "tres indicadores"):
            assert literal not in text.lower(), (path.name, literal)
    assert not [t for t in notebook.TITLES.values() if any(ch.isdigit() for ch in t)]
