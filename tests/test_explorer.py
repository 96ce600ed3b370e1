"""pntlib.explorer: its controls drive every view, in the pages' words, against the report's values.

Values are read off the report (tests/facts.py: indicator 4.2 is annex line 804 and
summary line 353; 5.3 is annex line 955 and summary line 413); verdicts are derived by
hand in the comments, following docs/methodology.md.
"""

from __future__ import annotations

import importlib
import re
import subprocess
import sys

import pandas as pd
import pytest

import pntlib
from pntlib import page
from pntlib.labels import EXPLORER_LABELS, METHOD_LABELS, STATUS_LABELS, TABLE_LABELS

from .conftest import MARKUP, MARKUP_EDITS, PROJ_ROOT, damage
from .facts import ANNEX, SUMMARY

explorer_module = importlib.import_module("pntlib.explorer")  # `pntlib.explorer` is the function


def _text(html: str) -> str:
    """What a reader reads in an HTML fragment (tags dropped, entities kept, spaces collapsed)."""
    html = re.sub(r"<style.*?</style>", " ", html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def _cells(html: str) -> list[list[str]]:
    """The rows of the (first) table in an HTML fragment, as cell texts."""
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [[_text(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S)]
            for row in re.findall(r"<tr>(.*?)</tr>", body, flags=re.S)]


@pytest.fixture(scope="module")
def ex():
    return pntlib.explorer()


def test_controls_and_their_choices(ex):
    indicators = pntlib.load_indicators()
    assert ex.objective.value == 1 and ex.indicator.value == "1.1"
    assert [v for _, v in ex.objective.options] == [1, 2, 3, 4, 5]
    assert [v for _, v in ex.method.options] == ["linear", "opensdg"]
    assert [label for label, _ in ex.method.options] == [METHOD_LABELS["linear"], METHOD_LABELS["opensdg"]]
    assert [v for _, v in ex.table.options] == ["annex", "summary"]
    assert (ex.as_of.min, ex.as_of.max, ex.as_of.value) == (2019, 2024, 2024)  # the Resultado columns
    ex.objective.value = 4
    # the indicator's choices follow the objective: objective 4's three cards, the first chosen
    assert [v for _, v in ex.indicator.options] == list(indicators.index[indicators["objective"] == 4])
    assert [v for _, v in ex.indicator.options] == ["4.1", "4.2", "4.3"]
    assert ex.indicator.value == "4.1"
    assert 'data-indicator="4.1"' in ex.verdict.value


def test_indicator_4_2_as_of_and_method_back_and_forth(ex):
    annex, summary = ANNEX["4.2"], SUMMARY["4.2"]
    ex.objective.value = 4
    ex.indicator.value = "4.2"
    name = " ".join(str(pntlib.load_indicators().loc["4.2", "name"]).split())
    # every year, straight path: línea base 0 (2021), latest 0 (2024), Meta 50 -> covered
    # (0 - 0) / (50 - 0) = 0 % of the way, 100 % expected by 2024 -> pace 0 -> limited
    assert (annex.baseline, annex.result(2024), annex.target) == ("0", "0", "50")
    text = _text(ex.verdict.value)
    assert f"Indicador 4.2: {name}" in text
    # outcome: 0 in 2024 (the Meta's year) against 50 -> not achieved; flat 0 since 2021 (2021-2024)
    assert "No alcanzó la Meta 2024 — 0 % en 2024, frente a una Meta 2024 de 50 %" in text
    assert f"Trayectoria: {STATUS_LABELS['limited']}; sin cambio desde 2021" in text
    # Open SDG: base 0 -> 0.001 and latest 0: growth rate -100 % -> deterioration
    assert f"Con el método {METHOD_LABELS['opensdg']}: {STATUS_LABELS['deterioration']}." in text
    assert EXPLORER_LABELS["selection"] not in text  # the default view is the page's box alone
    _check_tables(ex, annex, summary)

    # as_of 2021: the latest value is 2021's, the línea base year: no year after it -> no_data
    assert annex.result(2021) == "0" and annex.baseline_year == 2021
    ex.as_of.value = 2021
    text = _text(ex.verdict.value)
    assert (f"{EXPLORER_LABELS['selection']} ({METHOD_LABELS['linear']}, datos hasta 2021, "
            f"{TABLE_LABELS['annex']}): Sin dato de 2024 · trayectoria: {STATUS_LABELS['no_data']} — 0 % en 2021, "
            "frente a una Meta 2024 de 50 %.") in text  # as of 2021 the 2024 value is not yet known
    # ... and the page's box still follows, with its own verdict on every year
    assert f"Trayectoria: {STATUS_LABELS['limited']}" in text
    assert _cells(ex.methods.value)[0][:2] == [METHOD_LABELS["linear"], STATUS_LABELS["no_data"]]
    _check_tables(ex, annex, summary)

    ex.method.value = "opensdg"
    assert 'data-method="opensdg"' in ex.verdict.value
    text = _text(ex.verdict.value)
    assert (f"{EXPLORER_LABELS['selection']} ({METHOD_LABELS['opensdg']}, datos hasta 2021, "
            f"{TABLE_LABELS['annex']}): Sin dato de 2024 · trayectoria: {STATUS_LABELS['no_data']}") in text
    rows = _cells(ex.methods.value)
    assert [r[:2] for r in rows] == [[METHOD_LABELS["linear"], STATUS_LABELS["no_data"]],
                                     [METHOD_LABELS["opensdg"], STATUS_LABELS["no_data"]]]
    _check_tables(ex, annex, summary)

    ex.method.value = "linear"
    text = _text(ex.verdict.value)
    assert (f"({METHOD_LABELS['linear']}, datos hasta 2021, {TABLE_LABELS['annex']}): Sin dato de 2024 · "
            f"trayectoria: {STATUS_LABELS['no_data']}") in text

    # the summary table, every year: its 2024 is ND, so 2023's 0.0 is judged -> limited again
    assert summary.result(2024) == "ND" and summary.result(2023) == "0.0"
    ex.as_of.value = 2024
    ex.table.value = "summary"
    text = _text(ex.verdict.value)
    # the summary prints 0.0 for 2019 to 2023 (l.353): flat since 2019; no 2024 value -> outcome no data
    assert (f"({METHOD_LABELS['linear']}, datos hasta 2024, {TABLE_LABELS['summary']}): Sin dato de 2024 · "
            f"trayectoria: {STATUS_LABELS['limited']}, con datos hasta 2023; sin dato 2024; sin cambio desde 2019 "
            "— 0 % en 2023") in text
    ex.table.value = "annex"
    assert EXPLORER_LABELS["selection"] not in _text(ex.verdict.value)


def _check_tables(ex, annex, summary) -> None:
    rows = {r[0]: r[1:] for r in _cells(ex.tables.value)}
    # concepto: anexo, línea, resumen, línea, estado anexo, estado resumen, coinciden
    assert rows["Línea base (2021)"][:4] == [annex.baseline, str(annex.line), summary.baseline, str(summary.line)]
    assert rows["Línea base (2021)"][-1] == "Sí"  # 0 and 0.0: the same number
    assert rows["Resultado 2019"][:4] == [annex.result(2019), str(annex.line), summary.result(2019), str(summary.line)]
    assert rows["Resultado 2019"][-1] == "No"  # N/A against 0.0
    assert rows["Resultado 2024"][:4] == ["0", "804", "ND", "353"]
    assert rows["Resultado 2024"][-1] == "No"
    assert rows["Meta 2024"][:4] == [annex.target, str(annex.line), "—", "—"]  # the summary prints no Meta


def test_5_3_the_methods_disagree():
    annex = ANNEX["5.3"]
    ex = pntlib.explorer(indicator="5.3")
    assert ex.objective.value == 5
    assert (annex.baseline, annex.result(2022), annex.result(2023), annex.result(2024), annex.target) == (
        "0", "33", "33", "N/D", "100")
    # straight path: latest 33 (2023; 2024 is N/D), covered 33 / 100 = 33 %, expected
    # (2023 - 2021) / (2024 - 2021) = 66.7 % -> pace 0.495 < 0.60 -> limited
    text = _text(ex.verdict.value)
    assert "Sin dato de 2024 — para 2024 el informe imprime N/D, frente a una Meta 2024 de 100 %." in text
    # 33 in 2022 and 2023: flat since 2022
    assert (f"Trayectoria: {STATUS_LABELS['limited']}, con datos hasta 2023; sin dato 2024; sin cambio desde 2022 "
            "— 33 % en 2023") in text
    # Open SDG: base 0 -> 0.001; observed growth (33 / 0.001)^(1/2) - 1 = 180.7, required
    # (100 / 0.001)^(1/3) - 1 = 45.4: ratio 3.98 >= 0.95 -> on_track
    assert f"Con el método {METHOD_LABELS['opensdg']}: {STATUS_LABELS['on_track']}." in text
    rows = _cells(ex.methods.value)
    assert [r[:2] for r in rows] == [[METHOD_LABELS["linear"], STATUS_LABELS["limited"]],
                                     [METHOD_LABELS["opensdg"], STATUS_LABELS["on_track"]]]
    assert rows[0][5] == "0.5" and rows[1][5] == "3.98"  # 0.495 and 180.66 / 45.42, rounded
    ex.method.value = "opensdg"
    text = _text(ex.verdict.value)
    assert (f"({METHOD_LABELS['opensdg']}, datos hasta 2024, {TABLE_LABELS['annex']}): Sin dato de 2024 · "
            f"trayectoria: {STATUS_LABELS['on_track']}, con datos hasta 2023; sin dato 2024; sin cambio desde 2022 "
            "— 33 % en 2023") in text
    ex.method.value = "linear"
    assert f"Trayectoria: {STATUS_LABELS['limited']}" in _text(ex.verdict.value)
    assert EXPLORER_LABELS["selection"] not in _text(ex.verdict.value)


def test_frames_against_the_report():
    frame = explorer_module.tables_frame("4.2")
    assert list(frame.columns) == ["anexo", "annex_line", "resumen", "summary_line", "estado_anexo",
                                   "estado_resumen", "coinciden"]
    assert frame.loc["Resultado 2022", ["anexo", "annex_line", "resumen", "summary_line"]].tolist() == [
        ANNEX["4.2"].result(2022), "804", SUMMARY["4.2"].result(2022), "353"]
    methods = explorer_module.methods_frame("5.3")
    assert methods["method"].tolist() == ["linear", "opensdg"]
    assert methods["status"].astype(str).tolist() == ["limited", "on_track"]
    assert methods["latest_value"].tolist() == [33.0, 33.0]


def test_findings_and_chart_follow_the_indicator(ex):
    ex.objective.value = 1
    ex.indicator.value = "1.1"
    findings = pntlib.audit(indicator="1.1")
    assert f"encontró {len(findings)} hallazgos" in _text(ex.findings.value)
    assert len(_cells(ex.findings.value)) == len(findings)
    title = ex.figure.axes[0].get_title("left") + ex.figure.axes[0].get_title()
    assert title.startswith("1.1 ")
    ex.as_of.value = 2022
    assert "(datos hasta 2022)" in ex.figure.axes[0].get_title("left") + ex.figure.axes[0].get_title()
    ex.as_of.value = 2024


def test_static_snapshot_and_text_forms():
    ex = pntlib.explorer(indicator="5.3")
    bundle = ex._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    html = bundle["text/html"]
    assert "<script" not in html and "http://" not in html and "https://" not in html
    assert EXPLORER_LABELS["interactive"] in _text(html)
    assert ex.verdict.value in html and ex.tables.value in html and ex.findings.value in html
    assert re.search(r'<img src="data:image/png;base64,[A-Za-z0-9+/=]{1000,}" alt="[^"]+"', html)
    assert bundle["text/plain"] == repr(ex)
    assert repr(ex).splitlines() == [
        f"pntlib explorer: indicator 5.3 ({pntlib.load_indicators().loc['5.3', 'name']}), method linear, "
        "as_of 2024, table annex",
        f"verdict: Sin dato de 2024 · trayectoria: {STATUS_LABELS['limited']}, con datos hasta 2023; sin dato 2024; "
        "sin cambio desde 2022",
    ]


def test_report_text_stays_text(report_text, write_report):
    path = write_report(damage(report_text, MARKUP_EDITS))
    ex = pntlib.explorer(report=path)
    for html in (ex.verdict.value, ex.methods.value, ex.tables.value, ex.findings.value):
        assert "<script>" not in html and "<b>x</b>" not in html
    assert "&lt;script&gt;" in ex.verdict.value  # indicator 1.1's Nombre, shown as typed
    assert MARKUP in ex.indicator.options[0][0] and MARKUP in ex.objective.options[0][0]  # option labels are text


def test_bad_arguments_raise_parameter_errors():
    with pytest.raises(pntlib.ParameterError, match="9.9"):
        pntlib.explorer(indicator="9.9")
    with pytest.raises(pntlib.ParameterError, match="method"):
        explorer_module.verdict_markdown("4.2", method="cagr")
    with pytest.raises(pntlib.ParameterError, match="as_of"):
        explorer_module.verdict_markdown("4.2", as_of=2030)


def test_text_forms_in_a_terminal():
    """page.table and the charts print readable text in plain Python (no `<... at 0x...>`)."""
    code = (
        "import pntlib\nfrom pntlib import briefing, page\n"
        "print(repr(page.table(briefing.indicator_tables('4.2'))))\n"
        "print(repr(pntlib.plot_indicator('4.2')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=PROJ_ROOT, env={"MPLBACKEND": "Agg", "PATH": "/usr/bin:/bin"}).stdout
    assert " at 0x" not in out and "<Figure" not in out
    lines = out.splitlines()
    assert lines[0].split() == ["Concepto", "Ficha", "del", "anexo", "Tabla", "de", "resumen", "Estado", "en", "el",
                                "anexo", "Estado", "en", "el", "resumen", "Coinciden"]
    # the línea base row: 0 (annex l.804) and 0.0 (summary l.353), the same number
    assert lines[1].split() == ["Línea", "base", "(2021)", "0", "0.0", "reportado", "reportado", "Sí"]
    assert lines[-2].startswith("  4.2 Instancias integrantes de la CI")
    assert lines[-3] == "pntlib chart, 7 x 4.6 in, 1 panel"
    # a missing value prints as the report's token, numbers as the pages write them
    styled = page.table(pd.DataFrame({"indicator_id": ["1.1", "1.2"], "value": [pd.NA, 2.5], "raw": ["ND", "2.5"]}))
    assert [line.split() for line in repr(styled).splitlines()] == [
        ["Indicador", "Valor", "Valor", "impreso"], ["1.1", "ND", "ND"], ["1.2", "2.5", "2.5"]]
    assert str(styled) == repr(styled)


def test_explorer_is_callable_after_importing_its_module():
    code = "import pntlib.explorer\nimport pntlib\nprint(type(pntlib.explorer(indicator='2.1')).__name__)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=PROJ_ROOT,
                         env={"MPLBACKEND": "Agg", "PATH": "/usr/bin:/bin"}).stdout
    assert out.strip() == "Explorer"


@pytest.mark.kernel
def test_the_explore_pages_show_the_snapshot_without_network_scripts(executed_collection):
    """pnt run's explore pages: the explorer's default view as static HTML, no widget script, nothing fetched."""
    for name in ("explore.html", "explore.code.html"):
        html = (executed_collection / name).read_text(encoding="utf-8")
        assert re.findall(r"<script[^>]*\bsrc=[\"']?(?:https?:)?//", html) == [], name
        assert "unpkg.com" not in html and "jsdelivr" not in html and "cdnjs" not in html, name
        assert "application/vnd.jupyter.widget-view+json" not in html, name
        assert html.count('class="pnt-explorer-snapshot"') == 1, name
        snapshot = html.split('class="pnt-explorer-snapshot"', 1)[1]
        assert EXPLORER_LABELS["interactive"] in _text(snapshot)
        # the default view: the first indicator, 1.1, with the box of its page
        assert 'data-indicator="1.1"' in snapshot and 'data-method="linear"' in snapshot
        assert f"Trayectoria: {STATUS_LABELS[str(pntlib.progress().loc['1.1', 'status'])]}" in _text(snapshot)
        assert re.search(r'<img [^>]*alt="Indicador 1.1: [^"]+"[^>]* src="data:image/png;base64,', snapshot)
