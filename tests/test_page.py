"""What the pages show: reader tables, the data and alternative text of each chart, the provenance note.

Values are read off the report (line numbers in comments).
"""

from __future__ import annotations

import pandas as pd
import pytest

import pntlib
from pntlib import briefing, chart_data, page, provenance
from pntlib.report.cover import parse_cover
from pntlib.schema import TABLES


def test_cover_gives_title_period_publisher_and_programme(report_text):
    cover = parse_cover(report_text)
    # lines 16-19: "Secretaría de Gobernación", "**AVANCE Y RESULTADOS", "Enero 2023 – Junio 2024**"
    assert (cover.title, cover.period, cover.publisher) == ("Avance y Resultados", "Enero 2023 – Junio 2024",
                                                            "Secretaría de Gobernación")
    # lines 9-14 in capitals; line 1086 writes it in running text
    assert cover.programme == ("Programa Nacional para Prevenir, Sancionar y Erradicar los Delitos en Materia de "
                               "Trata de Personas y para la Protección y Asistencia a las Víctimas de estos Delitos "
                               "2022-2024")


def test_a_report_without_cover_gives_none(report_text):
    cover = parse_cover(report_text.replace("**", ""))
    assert (cover.programme, cover.title, cover.period, cover.publisher) == (None, None, None, None)


def test_source_of_the_published_report_and_of_a_copy(damaged_report):
    src = provenance.source()
    assert src.verified and src.sha256 == "d3896c682457893d4f326b8d69df16790a1944e1ba90954a4ec2bf51aa684ca2"
    assert src.citation.startswith("Secretaría de Gobernación. Avance y Resultados, Enero 2023 – Junio 2024. Programa")
    copy = provenance.source(damaged_report({"Enero 2023 – Junio 2024**": "Enero 2023 – Mayo 2024**"}))
    assert not copy.verified and copy.period == "Enero 2023 – Mayo 2024"


def test_provenance_note_escapes_the_cover_and_links_the_readme(damaged_report):
    note = page.provenance_html()
    assert f'class="{page.SOURCE_CLASS}"' in note and 'href="data/raw/README.md"' in note
    assert "d3896c682457893d4f326b8d69df16790a1944e1ba90954a4ec2bf51aa684ca2" in note
    copy = damaged_report({"Secretaría de Gobernación\n\n**AVANCE": "Secretaría <b>de</b> Gobernación\n\n**AVANCE"})
    note = page.provenance_html(copy)
    assert "Secretaría &lt;b&gt;de&lt;/b&gt; Gobernación" in note and "<b>" not in note
    assert "href=" not in note  # an unverified copy is not linked to the published report's README


def test_reader_cells_of_the_variables_table():
    texts, kinds = page.cells(briefing.indicator_method("3.2")["variables"])
    english = {c.name for _, cols in TABLES.values() for c in cols}
    assert not set(texts.columns) & english
    assert list(texts.columns) == ["Variable", "Nombre", "Año", "Valor impreso", "Valor", "Estado", "Fuente"]
    assert list(kinds.iloc[0]) == ["number", "text", "number", "token", "number", "text", "text"]


def test_reader_cells_show_tokens_dashes_and_si_no():
    texts, _ = page.cells(briefing.indicator_tables("3.2"))
    assert list(texts.columns) == ["Concepto", "Ficha del anexo", "Tabla de resumen", "Estado en el anexo",
                                   "Estado en el resumen", "Coinciden"]
    rows = texts.set_index("Concepto")
    # annex line 703: 2019 N/A; summary line 305: 2019 0.0 -> they do not agree
    assert list(rows.loc["Resultado 2019"]) == ["N/A", "0.0", "no aplica (NA)", "reportado", "No"]
    assert rows.loc["Meta 2024", "Tabla de resumen"] == "—" and rows.loc["Resultado 2021", "Coinciden"] == "Sí"
    # series: 1.1 2020 is NA in the annex (line 451), 0 in the summary: the missing value shows its token
    series = pntlib.load_series()
    own = series[(series["indicator_id"] == "1.1") & (series["year"] == 2020) & (series["measure"] == "result")]
    texts, _ = page.cells(own)
    assert texts["Tabla"].tolist() == ["anexo", "resumen"] and texts["Valor"].tolist() == ["NA", "0"]


def test_reader_table_html_has_no_row_numbers_and_aligns_cells():
    frame = pd.DataFrame({"indicator_id": ["1.1", "<b>x</b>"], "value": [1.5, None]})
    shown = page.table(frame).to_html()
    assert "<b>x</b>" not in shown and "&lt;b&gt;x&lt;/b&gt;" in shown
    assert "row_heading" not in shown and "<NA>" not in shown and "nan" not in shown
    assert "text-align: right" in shown and "text-align: left" in shown
    transposed = page.table(pntlib.progress().loc[["3.2"]], transpose="Medida")
    assert list(transposed.data.columns) == ["Medida", "Indicador 3.2"]
    shown = transposed.data.set_index("Medida")
    assert shown.loc["Trayectoria", "Indicador 3.2"] == "Progreso justo, pero requiere acelerar; sin cambio desde 2021"
    assert shown.loc["Resultado en el año de la Meta", "Indicador 3.2"] == "No alcanzó la Meta 2024 (cifra preliminar)"
    # one measure, one rounding: 5.2's 66.66 / 100 reads 66.7 wherever it is shown
    shown = page.table(pntlib.progress().loc[["5.2"]], transpose="Medida").data.set_index("Medida")
    assert shown.loc["Logro (% de la Meta 2024)", "Indicador 5.2"] == "66.7"


def test_indicator_data_and_alt_text():
    data = chart_data.indicator_data("3.2")
    assert list(data.columns) == ["Indicador", "Concepto", "Año", "Valor impreso", "Valor", "Estado",
                                  "Valor según las variables"]
    # variables 2023 and 2024 (lines 708-709): NIA = 0, TIA = 13 give 0; an Acumulado card read as
    # accumulated: the previous result 66 + 0 = 66 (the audit's relation)
    computed = data[data["Valor según las variables"].notna()]
    assert computed[["Año", "Valor según las variables"]].values.tolist() == [[2023, 66.0], [2024, 66.0]]
    # annex line 703: línea base 0 (2020); results N/A 0 66 66 66 66/P; Meta 100
    assert chart_data.indicator_alt(data, "3.2") == (
        "Indicador 3.2: sin dato (N/A) en 2019; 0 en 2020; 66 de 2021 a 2023; 66 preliminar en 2024; Meta 2024: 100"
    )


def test_other_charts_alt_text_from_their_data():
    alt = chart_data.progress_alt(chart_data.progress_data())
    assert "3.2 66 % preliminar en 2024 (Progreso justo, pero requiere acelerar; sin cambio desde 2021)" in alt
    assert "1.1 150 % (supera la Meta) en 2024 (Meta alcanzada)" in alt  # (20-5)/(15-5) = 150 %
    assert "5.2 66.7 % en 2023" in alt  # 66.66 / 100: one formatter, one decimal
    heat = chart_data.heatmap_data()
    assert len(heat) == 15 * 6  # six result years per card
    assert "3.2: sin dato (N/A) en 2019; 0 % en 2020; 66 % de 2021 a 2024" in chart_data.heatmap_alt(heat)
    found = chart_data.disagreement_data()
    # 1.3, 2019: annex 4 (line 477) against summary 0 (section 3)
    assert "1.3 en 2019, número distinto (anexo 4, resumen 0)" in chart_data.disagreement_alt(found)
    assert chart_data.objective_alt(chart_data.objective_data(3), 3).startswith("Objetivo prioritario 3, 3 gráficas.")
    assert chart_data.runs([(2021, "66"), (2022, "66"), (2024, "66")]) == "66 de 2021 a 2022; 66 en 2024"


def test_figure_writes_png_and_csv_and_shows_alt_and_link(tmp_path, monkeypatch):
    import IPython.display
    import matplotlib.pyplot as plt

    from pntlib import notebook

    shown = []
    monkeypatch.setattr(IPython.display, "display", lambda obj, **kw: shown.append(obj))
    run = notebook.setup("indicator", indicator="3.2", output_dir=str(tmp_path))
    data = chart_data.indicator_data("3.2")
    fig, _ = plt.subplots()
    paths = page.figure(fig, run, data=data, alt='Indicador 3.2: "66" <b>')
    assert paths == [tmp_path / "figures" / "indicator_3.2.png"]
    assert pd.read_csv(tmp_path / "figures" / "indicator_3.2.csv", keep_default_na=False)["Valor impreso"].tolist() \
        == data["Valor impreso"].tolist()
    markup = shown[0].data
    assert 'alt="Indicador 3.2: &quot;66&quot; &lt;b&gt;"' in markup
    assert 'href="figures/indicator_3.2.csv"' in markup and page.DATA_LINK_TEXT in markup
