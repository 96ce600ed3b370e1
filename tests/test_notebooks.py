"""The whole notebook collection runs: every run of notebooks/plan.yaml, executed by `pnt run`.

The session's executed collection (``executed_collection`` in conftest.py) runs the
plan on the real report: every notebook with papermill (overview, data_quality,
explore, the 5 objectives, the 15 indicators) in parallel; the assertions read the
executed notebooks and their summaries. The same call also holds the browser tests'
runs on a hostile copy of the report (markup, links, `$`, NA/ND values; named ``markup_*``)
and one that fails.
"""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest

from pntlib import run as runner

from .conftest import FAILING_RUN, MARKUP_RUNS, PROJ_ROOT
from .hostile import markdown_text


@pytest.fixture(scope="module")
def collection(executed_collection) -> Path:
    return executed_collection


def _outputs_text(path: Path) -> str:
    nb = nbformat.read(path, as_version=4)
    parts = []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream":
                parts.append(output["text"])
            for mime in ("text/plain", "text/markdown", "text/html"):
                if mime in output.get("data", {}):  # Markdown as a reader sees it
                    data = output["data"][mime]
                    parts.append(markdown_text(data)[0] if mime == "text/markdown" else data)
    return "\n".join(parts)


def test_every_notebook_of_the_plan_ran(collection):
    names = [r.name for r in runner.load_plan(PROJ_ROOT / "notebooks" / "plan.yaml")]
    assert len(names) == 1 + 1 + 1 + 5 + 15
    manifest = json.loads((collection / "manifest.json").read_text(encoding="utf-8"))
    statuses = {name: run["status"] for name, run in manifest["runs"].items()}
    assert statuses == {**dict.fromkeys([*names, *MARKUP_RUNS], "ok"), FAILING_RUN: "failed"}
    for name in names:
        assert (collection / f"{name}.ipynb").is_file()
        summary = json.loads((collection / f"{name}.summary.json").read_text(encoding="utf-8"))
        assert summary["name"] == name
        assert (collection / summary["main_figure"]).is_file()


def test_sources_are_committed_without_outputs():
    for path in sorted((PROJ_ROOT / "notebooks").glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        tagged = [c for c in nb.cells if "parameters" in c.get("metadata", {}).get("tags", [])]
        assert len(tagged) == 1, path.name
        for cell in nb.cells:
            if cell.cell_type == "code":
                assert cell.outputs == [] and cell.execution_count is None, path.name


def test_figures_are_inline_and_saved(collection):
    nb = nbformat.read(collection / "overview.ipynb", as_version=4)
    shown = [o["data"]["text/html"] for c in nb.cells for o in c.get("outputs", []) if "text/html" in o.get("data", {})]
    figures = [h for h in shown if '<figure class="pnt-figure"' in h]
    assert len(figures) == 2 + 5  # progress overview, heatmap, one chart per objective
    assert all('src="data:image/png;base64,' in h and 'alt="' in h for h in figures)
    for part in ("avance", "mapa", *(f"objetivo-{o}" for o in range(1, 6))):
        assert (collection / "figures" / f"overview-{part}.png").is_file()
        assert (collection / "figures" / f"overview-{part}.csv").is_file()
    # the objective page draws each indicator once: the three-panel figure only
    nb = nbformat.read(collection / "objective_3.ipynb", as_version=4)
    shown = [o["data"]["text/html"] for c in nb.cells for o in c.get("outputs", []) if "text/html" in o.get("data", {})]
    assert sum('<figure class="pnt-figure"' in h for h in shown) == 1


def test_overview_status_table(collection):
    text = _outputs_text(collection / "overview.ipynb")
    # indicator 3.2's latest result is the provisional 66/P of 2024 (annex, line 703)
    assert "66/P" in text and "preliminar" in text
    # 3.1 prints N/D for 2024; its latest reported value is 86 (2023)
    assert "N/D" in text
    # outcomes first, counted from the data (test_progress.EXPECTED_OUTCOME)
    assert "9 de 15 alcanzaron su Meta 2024 según el informe, 2 con evidencia sólida" in text
    assert "Progreso sustancial / en camino, con datos hasta 2023; sin dato 2024; sin cambio desde 2021" in text


def test_objective_narrative_from_the_data(collection):
    text = _outputs_text(collection / "objective_3.ipynb")
    # annex 3.1: 2021-2023 = 86, 86, 86 and 2024 = N/D
    assert "El indicador 3.1 no tiene resultado para 2024 (el informe dice N/D); su último dato es 86 (2023)." in text
    assert "El indicador 3.1 se estancó: reporta 86 desde 2021" in text
    text = _outputs_text(collection / "objective_1.ipynb")
    # annex 1.1: result 2024 = 20 against a Meta 2024 of 15: 20 / 15 = 133.3 %; the narrative leads with outcomes
    assert ("El indicador 1.1 alcanzó su Meta 2024: 20 recomendaciones en 2024, frente a una meta de 15 recomendaciones; "
            "logro: 133.3 % de la Meta 2024 (supera la Meta).") in text
    assert "Alcanzaron su Meta 2024 según el informe: 1.1, 1.2, 1.3 (con evidencia sólida: 1.1, 1.3)." in text


def test_indicator_summary_key_figures(collection):
    summary = json.loads((collection / "indicator_4.2.summary.json").read_text(encoding="utf-8"))
    figures = {k["label"]: k["value"] for k in summary["key_figures"]}
    # annex 4.2: results 2021-2024 all 0, Meta 2024 = 50
    assert figures["Último dato (2024)"] == 0.0 and figures["Meta 2024"] == 50.0
    summary = json.loads((collection / "indicator_5.2.summary.json").read_text(encoding="utf-8"))
    figures = {k["label"]: k["value"] for k in summary["key_figures"]}
    assert figures["Último dato (2023)"] == 66.66  # 2024 is N/D: the latest number is 2023's


def test_indicator_and_objective_notebooks_mention_their_audit_findings(collection):
    # Card 4.2 (line 792) says "al menos al 5%", its variable 1 (line 812) "al menos al 10%".
    text = _outputs_text(collection / "indicator_4.2.ipynb")
    assert "La auditoría del informe consigo mismo encontró 4 hallazgos (4 advertencias)" in text
    assert "al menos al 10%" in text
    # Objective 5: 5.3's summary-table row (line 413) repeats 5.2's name.
    text = _outputs_text(collection / "objective_5.ipynb")
    assert "La auditoría del informe consigo mismo encontró" in text
    assert "es el nombre del indicador 5.2" in text


def test_pages_of_a_report_with_values_printed_nd_or_na(collection):
    # the hostile copy (conftest.MISSING_EDITS): 3.1's línea base 2020 ND (annex l.668), 3.2's Meta 2024 NA (l.703)
    text = _outputs_text(collection / "markup_indicator_3.1.ipynb")
    assert "Trayectoria: Datos insuficientes" in text and "La línea base (2020) se imprime ND (sin valor)." in text
    text = _outputs_text(collection / "markup_objective_3.ipynb")
    assert "El indicador 3.2 se estancó: reporta 66 desde 2021 (último dato 2024), y su Meta 2024 no tiene valor." in text
    summary = json.loads((collection / "markup_indicator_3.1.summary.json").read_text(encoding="utf-8"))
    # 86 in 2021, 2022 and 2023 (l.668): flat since 2021; 2024 N/D
    figures = {k["label"]: k["value"] for k in summary["key_figures"]}
    assert figures["Trayectoria"] == "Datos insuficientes; sin cambio desde 2021"
    assert figures["Resultado en el año de la Meta"] == "Sin dato de 2024"


@pytest.mark.kernel
def test_pages_of_reports_a_later_edition_could_bring(tmp_path, report_text):
    """One `pnt run`: the overview of a report with a sixth objective, and the page of an indicator
    whose every result is ND (tests/hostile.py). Each page, its <title> and its index card count
    and say what the report says."""
    import html as html_lib
    import re

    import yaml

    from pntlib import cli

    from .conftest import damage
    from .hostile import EVERY_RESULT_ND, with_sixth_objective

    six, nd = tmp_path / "six.txt", tmp_path / "nd.txt"
    six.write_text(with_sixth_objective(report_text), encoding="utf-8")
    nd.write_text(damage(report_text, edits=EVERY_RESULT_ND), encoding="utf-8")
    notebooks = PROJ_ROOT / "notebooks"
    plan = {"runs": [
        {"notebook": str(notebooks / "overview.ipynb"), "name": "six", "parameters": {"report": str(six)}},
        {"notebook": str(notebooks / "indicator.ipynb"), "name": "nd",
         "parameters": {"indicator": "3.1", "report": str(nd)}},
    ]}
    (tmp_path / "plan.yaml").write_text(yaml.safe_dump(plan, allow_unicode=True), encoding="utf-8")
    out = tmp_path / "reports"
    assert cli.main(["run", "--plan", str(tmp_path / "plan.yaml"), "--out", str(out), "--quiet"]) == 0
    # six objectives x 3 indicators = 18: the page's heading, its <title> and its index card
    page = (out / "six.html").read_text(encoding="utf-8")
    assert "<title>Panorama de los 18 indicadores</title>" in page
    assert "Panorama de los 18 indicadores" in _outputs_text(out / "six.ipynb")
    assert "15 indicadores" not in page and "Objetivo prioritario 6" in _outputs_text(out / "six.ipynb")
    index = html_lib.unescape((out / "index.html").read_text(encoding="utf-8"))
    assert re.search(r'<a href="six.html">Panorama de los 18 indicadores</a>', index)
    # 3.1 with every result ND (annex l.668, summary l.301): the page and its card say there is no data
    text = _outputs_text(out / "nd.ipynb")
    assert "Datos insuficientes" in text
    assert "Sin valores reportados (solo ND): no puede juzgarse el avance." in text
    card = index[index.index('id="run-nd"'):]
    assert "<span>Último dato</span> <strong>sin dato</strong>" in card
    assert "<span>Trayectoria</span> <strong>Datos insuficientes</strong>" in card
