"""Tables and sentences for the notebooks, against values read off the report."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from pntlib import ParameterError, briefing, outputs

from .hostile import MISSING_VALUES, markdown_text


def test_status_table_latest_reported_value():
    table = briefing.status_table()
    assert list(table.index) == [f"{o}.{i}" for o in range(1, 6) for i in range(1, 4)]
    # annex 3.2 (line 703): ... 66 66 66/P 100 -> latest 2024 "66/P", provisional
    row = table.loc["3.2"]
    assert (row["latest_year"], row["latest_raw"], row["latest_value"]) == (2024, "66/P", 66.0)
    assert row["latest_status"] == "preliminar" and row["result_2024"] == "66/P" and row["target_value"] == 100.0
    # annex 5.3 (line 955): 0 33 33 N/D, Meta 100 -> latest 33 in 2023, 2024 shows N/D
    row = table.loc["5.3"]
    assert (row["latest_year"], row["latest_raw"], row["result_2024"]) == (2023, "33", "N/D")
    # annex 1.1 (line 451): 2024 = 20, Meta 2024 = 15
    assert (table.loc["1.1", "latest_value"], table.loc["1.1", "target_value"]) == (20.0, 15.0)
    assert str(table.loc["1.1", "status"]) == "achieved"


def test_findings_rules_on_synthetic_frames():
    progress_table = pd.DataFrame({
        "indicator_id": ["9.1", "9.2", "9.3"], "status": ["achieved", "limited", "on_track"],
        "latest_value": [12.0, 5.0, 40.0], "latest_year": [2024, 2024, 2023], "target_value": [10.0, 50.0, 80.0],
        "target_year": [2024, 2024, 2024], "unit": ["Porcentaje"] * 3, "distance_covered_pct": [120.0, 10.0, 50.0],
    })
    rows = [  # indicator, year, raw, value, status
        ("9.1", 2023, "8", 8.0, "normal"), ("9.1", 2024, "12", 12.0, "normal"),
        ("9.2", 2022, "5", 5.0, "normal"), ("9.2", 2023, "5", 5.0, "normal"), ("9.2", 2024, "5/P", 5.0, "provisional"),
        ("9.3", 2022, "20", 20.0, "normal"), ("9.3", 2023, "40", 40.0, "normal"), ("9.3", 2024, "ND", None, "not_available"),
    ]
    series = pd.DataFrame(rows, columns=["indicator_id", "year", "raw", "value", "status"]).assign(
        table="annex", measure="result"
    )
    found = briefing.findings_from_frames(progress_table, series)
    assert list(zip(found["indicator_id"], found["finding"])) == [
        ("9.1", "met_target"), ("9.2", "provisional"), ("9.2", "stagnated"), ("9.3", "missing_target_year"),
    ]
    assert "reporta 5 desde 2022" in found["sentence"].iloc[2]
    assert found["sentence"].iloc[3].endswith("(el informe dice ND); su último dato es 40 (2023).")


def test_objective_narrative_and_markdown_escape(damaged_report):
    text, made = markdown_text(briefing.objective_narrative(4))
    # annex 4.1 and 4.3 reach 100 = Meta; 4.2 is 0 from 2021 to 2024 against a Meta of 50
    # outcomes first: 4.1 and 4.3 print 100 for 2024 (Meta 100); 4.2 prints 0 (Meta 50); none with solid evidence
    # (4.1's formula names NAAC, undefined; 4.3: 0/13*100 = 0 vs 100); 4.2 flat at 0 since 2021
    assert text.startswith("Alcanzaron su Meta 2024 según el informe: 4.1, 4.3 (con evidencia sólida: ninguno). "
                           "No la alcanzaron: 4.2. Sin dato de 2024: ninguno. Trayectoria con el último dato: "
                           "4.1: Meta alcanzada; 4.2: Progreso limitado o nulo; sin cambio desde 2021; "
                           "4.3: Meta alcanzada.")
    path = damaged_report({
        "Estrategia prioritaria 1.1.- ": "Estrategia prioritaria 1.1.- <i>x</i> ![b](http://127.0.0.1:8765/b.png) ",
        "\nObjetivo prioritario 1. Promover la reforma": "\nObjetivo prioritario 1. [x](javascript:alert(1)) $x^2$ Promover la reforma",
    })
    text, made = markdown_text(briefing.objective_markdown(1, report=path))
    assert made == set()  # no link, image, italics or math: the titles as written
    assert "<i>x</i> ![b](http://127.0.0.1:8765/b.png) Promover" in text
    assert "[x](javascript:alert(1)) $x^2$ Promover" in text
    with pytest.raises(ParameterError, match="choose one of: 1, 2, 3, 4, 5"):
        briefing.objective_markdown(6)


def test_indicator_card_tables_and_method():
    card = briefing.indicator_card(3.2)  # the float papermill makes of -p indicator 3.2
    assert card.loc["Unidad de medida", "valor"] == "Porcentaje"
    assert card.loc["Tipo de indicador", "valor"] == "Parámetro"
    tables = briefing.indicator_tables("2.3")
    # annex 2.3 (line 629): N/A 0 N/D 100 100 100; the summary table prints 0.0 for 2021
    assert tables.loc["Resultado 2021", "anexo"] == "N/D"
    assert tables.loc["Resultado 2021", "coinciden"] == False  # noqa: E712 (nullable boolean)
    assert tables.loc["Resultado 2022", "coinciden"] == True  # noqa: E712
    assert pd.isna(tables.loc["Meta 2024", "resumen"])
    method = briefing.indicator_method("1.1")
    assert method["formula"] == "NRR"


def test_outputs_summary_keeps_missing_values_missing(tmp_path):
    assert outputs.run_name("indicator.ipynb", {"indicator": "3.2"}) == "indicator_3.2"
    assert outputs.run_name("x", {"a": "b c/d"}) == "x_b-c-d"
    (tmp_path / "figures").mkdir()
    path = outputs.write_summary(tmp_path, "n", title="t", figures=[tmp_path / "figures" / "a.png"],
                                 key_figures=[{"label": "v", "value": pd.NA, "raw": "ND"}, {"label": "w", "value": 1.5}])
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["main_figure"] == "figures/a.png"
    assert data["key_figures"] == [{"label": "v", "value": None, "raw": "ND"}, {"label": "w", "value": 1.5}]


def test_audit_findings_of_one_indicator():
    # Card 4.2 (line 804): N/A N/A 0 0 0 0; summary (line 353): 0.0 0.0 0.0 0.0 0.0 ND;
    # name (line 792) "al menos al 5%", variable 1 (line 812) "al menos al 10%".
    # Índice: annex Objetivo prioritario 4 from p. 52, Objetivo prioritario 5 from p. 58 (lines 50-51);
    # section 3's Objetivo prioritario 4 from p. 25, its "Factores ..." from p. 28 (lines 35-36).
    table = briefing.audit_findings(indicator="4.2")
    annex = "Anexo, Objetivo prioritario 4, pp. 52–57; línea {} del texto"
    summary = "Avances y Resultados, Objetivo prioritario 4, pp. 25–27; línea 353 del texto"
    assert table[["Indicador", "Año", "Gravedad", "En el informe"]].astype(object).values.tolist() == [
        ["4.2", 2019, "advertencia", f"{annex.format(804)} · {summary}"],
        ["4.2", 2020, "advertencia", f"{annex.format(804)} · {summary}"],
        ["4.2", 2024, "advertencia", f"{annex.format(804)} · {summary}"],
        ["4.2", pd.NA, "advertencia", annex.format(812)],
    ]
    assert "al menos al 10%" in table["Detalle"].iloc[3]
    assert briefing.audit_sentence(table) == (
        "La auditoría del informe consigo mismo encontró 4 hallazgos (4 advertencias); "
        "revíselos antes de interpretar las gráficas."
    )


def test_audit_findings_of_one_objective_and_bad_arguments():
    table = briefing.audit_findings(objective=4)
    assert set(table["Indicador"]) == {"4.1", "4.2", "4.3"}
    with pytest.raises(ParameterError):
        briefing.audit_findings()
    with pytest.raises(ParameterError):
        briefing.audit_findings(indicator="9.9")
    assert briefing.audit_sentence(table.iloc[0:0]).startswith("La auditoría no encontró")


def test_for_readers_spanish_headings_and_values():
    table = briefing.for_readers(briefing.status_table(), drop=("latest_value",))
    assert table.index.name == "Indicador"
    assert "Último valor" not in table.columns and "Último dato" not in table.columns
    row = table.loc["3.2"]  # annex line 703: 2024 = 66/P, Meta 2024 = 100
    assert (row["Último dato (impreso)"], row["Meta 2024"]) == ("66/P", 100.0)
    # 66 since 2021; the outcome: 66/P < 100, preliminary
    assert row["Trayectoria"] == "Progreso justo, pero requiere acelerar; sin cambio desde 2021"
    assert row["Resultado en el año de la Meta"] == "No alcanzó la Meta 2024 (cifra preliminar)"
    # 5.2 judged on 2023 (2024 N/D, l.919): the trajectory says so
    assert table.loc["5.2", "Trayectoria"] == ("Progreso sustancial / en camino, con datos hasta 2023; sin dato 2024; "
                                               "sin cambio desde 2022")
    assert row["Tipo de indicador"] == "Parámetro"
    assert table.loc["5.3", "Resultado 2024 (impreso)"] == "N/D"  # line 955: still shown as missing


def test_a_baseline_or_target_printed_nd_or_na_in_tables_and_sentences(damaged_report):
    from pntlib import evidence

    # 3.1's línea base 2020 printed ND (annex l.668), 3.2's Meta 2024 printed NA (annex l.703)
    path = damaged_report(edits=[*MISSING_VALUES["baseline"], (703, 7, "100", "NA")])
    box, made = markdown_text(evidence.indicator_box("3.1", report=path))
    assert made == set() and "Trayectoria: Datos insuficientes; sin cambio desde 2021 — La línea base (2020)" in box
    assert "La línea base (2020) se imprime ND (sin valor)." in box
    assert "frente a una Meta 2024 sin valor." in markdown_text(evidence.indicator_box("3.2", report=path))[0]
    text = markdown_text(briefing.objective_narrative(3, report=path))[0]
    # annex 3.2: 66 in 2021-2023, 66/P in 2024
    assert "El indicador 3.2 se estancó: reporta 66 desde 2021 (último dato 2024), y su Meta 2024 no tiene valor." in text
    tables = briefing.indicator_tables("3.1", report=path)
    assert tables.loc["Línea base (2020)", "anexo"] == "ND" and tables.loc["Línea base (2020)", "coinciden"] == False  # noqa: E712
    status = briefing.status_table(report=path)
    assert pd.isna(status.loc["3.2", "target_value"]) and status.loc["3.2", "status"] == "no_data"
    assert briefing.for_readers(status).loc["3.2", "Meta 2024"] is pd.NA
