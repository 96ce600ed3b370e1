"""The report's own Índice: each entry's page, the heading it points to, and citations built on it."""

from __future__ import annotations

import pandas as pd
import pytest

from pntlib import config, page, provenance
from pntlib.exceptions import ReportFormatError
from pntlib.report.contents import parse_contents, reference
from pntlib.report.lines import Document, fold

# (label, parent, page, end page, Índice line, heading line), read off the report:
# the Índice is lines 23-53 (page after the tab), each heading is the line of its own quoted.
EXPECTED = [
    ("Marco normativo", None, 4, 5, 25, 67),                          # "1.- Marco normativo" ; next entry p. 6
    ("Resumen ejecutivo", None, 6, 6, 26, 89),                        # "2.- Resumen ejecutivo" ; next entry also p. 6
    ("Contribución del Programa al nuevo modelo de desarrollo planteado en el Plan Nacional de Desarrollo 2019-2024",
     "Resumen ejecutivo", 6, 10, 27, 91),                             # next entry "3.- ..." p. 11
    ("Avances y Resultados", None, 11, 11, 28, 139),                  # next entry (Objetivo prioritario 1) p. 11
    ("Objetivo prioritario 1", "Avances y Resultados", 11, 14, 29, 141),  # next "Factores ... 1" p. 15
    ("Factores que han incidido en los resultados del Objetivo prioritario 1", "Avances y Resultados", 15, 15, 30, 204),
    ("Objetivo prioritario 2", "Avances y Resultados", 16, 18, 31, 212),
    ("Factores que han incidido en los resultados del Objetivo prioritario 2", "Avances y Resultados", 19, 19, 32, 260),
    ("Objetivo prioritario 3", "Avances y Resultados", 20, 23, 33, 266),
    ("Factores que han incidido en los resultados del Objetivo prioritario 3", "Avances y Resultados", 24, 24, 34, 316),
    ("Objetivo prioritario 4", "Avances y Resultados", 25, 27, 35, 322),
    ("Factores que han incidido en los resultados del Objetivo prioritario 4", "Avances y Resultados", 28, 28, 36, 360),
    ("Objetivo prioritario 5", "Avances y Resultados", 29, 33, 37, 370),  # next "4- Anexo ..." p. 34
    ("Anexo", None, 34, 34, 38, 427),                                 # "4- Anexo. Avance de las Metas ..." 34
    ("Objetivo prioritario 1", "Anexo", 34, 39, 39, 429),
    ("Objetivo prioritario 2", "Anexo", 40, 45, 40, 540),             # heading "Objetivo prioritario 2: Establecer ..."
    ("Objetivo prioritario 3", "Anexo", 46, 51, 49, 648),             # entry cut by a page break: lines 41 + 49
    ("Objetivo prioritario 4", "Anexo", 52, 57, 50, 754),
    ("Objetivo prioritario 5", "Anexo", 58, 64, 51, 862),             # next "5.- Glosario" p. 65
    ("Glosario", None, 65, 67, 52, 986),                              # next "6.- Siglas y abreviaturas" p. 68
    ("Siglas y abreviaturas", None, 68, None, 53, 1030),              # the last: its end is not given
]


@pytest.fixture(scope="module")
def parts(report_text):
    return parse_contents(Document.from_text(report_text, config.DEFAULT_REPORT))


def test_every_entry_of_the_indice_with_its_pages_and_heading(parts):
    assert [(p.label, p.parent, p.page, p.end_page, p.contents_line, p.heading_line) for p in parts] == EXPECTED


def test_each_entry_points_at_its_own_heading(parts, report_text):
    lines = report_text.split("\n")
    for p in parts:
        heading = fold(lines[p.heading_line - 1]).replace(":", ".").replace(".-", ".")
        title = fold(p.title)
        # the heading starts as the entry does ("OBJETIVO PRIORITARIO 3. FORTALECER LA ATENCION")
        assert heading[:20].rstrip(". ") == title.replace(".-", ".")[:20].rstrip(". "), (p.title, heading)
    # the cut entry is joined across the page header ("...interseccionalidad," + "por medio de ...")
    cut = parts[16]
    assert "interseccionalidad, por medio de la creación" in cut.title and cut.title.endswith("en la materia")
    assert "GOBERNACIÓN" not in cut.title


def test_page_ranges_are_written_as_the_indice_gives_them(parts):
    assert [p.pages for p in parts[14:]] == ["pp. 34–39", "pp. 40–45", "pp. 46–51", "pp. 52–57", "pp. 58–64",
                                             "pp. 65–67", "desde p. 68"]
    assert parts[5].pages == "p. 15"


def test_a_line_is_cited_by_the_part_it_follows(parts):
    # annex line 703: the SERIE HISTÓRICA row of card 3.2, in the annex's Objetivo prioritario 3 (from line 648)
    assert reference(parts, 703) == "Anexo, Objetivo prioritario 3, pp. 46–51; línea 703 del texto"
    assert provenance.where(703) == reference(parts, 703)
    # line 648 is the heading itself; 647 is still Objetivo prioritario 2's part
    assert reference(parts, 648).startswith("Anexo, Objetivo prioritario 3,")
    assert reference(parts, 647).startswith("Anexo, Objetivo prioritario 2, pp. 40–45")
    # line 428 is between the annex heading (427) and its first part (429)
    assert reference(parts, 428) == "Anexo, p. 34; línea 428 del texto"
    assert reference(parts, 1100) == "Siglas y abreviaturas, desde p. 68; línea 1100 del texto"
    assert reference(parts, 3) == "línea 3 del texto"  # the cover: before every heading


def test_an_indicator_page_says_where_its_values_are():
    # card 3.2's heading "ELEMENTOS DEL PARÁMETRO" is line 687; its summary row (section 3) line 305
    assert page.places(indicator="3.2") == [
        "Ficha del anexo: Anexo, Objetivo prioritario 3, pp. 46–51; línea 687 del texto",
        "Fila de la tabla de resumen: Avances y Resultados, Objetivo prioritario 3, pp. 20–23; línea 305 del texto",
    ]
    note = page.provenance_html(indicator="3.2")
    assert "pp. 46–51" in note and "Cómo citar:" in note
    # objective 3: summary rows 3.1-3.3 at lines 301, 305, 306 (section 3's part from p. 20);
    # cards ("ELEMENTOS DE LA META DE BIENESTAR" / "... DEL PARÁMETRO") at 652, 687, 722 (annex part from p. 46)
    assert page.places(objective=3) == [
        "Tabla de resumen: Avances y Resultados, Objetivo prioritario 3, pp. 20–23 (líneas 301, 305 y 306 del texto)",
        "Fichas del anexo: Anexo, Objetivo prioritario 3, pp. 46–51 (líneas 652, 687 y 722 del texto)",
    ]


def test_an_indice_entry_without_its_heading_is_an_error(damaged_report):
    # section 3's heading "Factores que han incidido ... Objetivo prioritario 3" (line 316) reworded:
    # its Índice entry (line 34) points at nothing
    path = damaged_report(edits=[(316, None, "Factores que han incidido", "Factores que incidieron")])
    with pytest.raises(ReportFormatError) as err:
        provenance.contents(path)
    assert err.value.line == 34 and "has no heading in section 3" in str(err.value)


def test_pages_that_go_back_are_an_error(damaged_report):
    path = damaged_report(edits=[(50, 1, "52", "45")])  # annex Objetivo prioritario 4 "from p. 45", after 46
    with pytest.raises(ReportFormatError) as err:
        provenance.contents(path)
    assert err.value.line == 50 and "must not go back" in str(err.value)


def test_the_suggested_citation():
    from datetime import date

    from pntlib import __version__

    text = provenance.suggested_citation(day=date(2026, 12, 4))
    # cover lines 7-19: publisher, programme (as line 93 writes it), title and period; no date of publication
    assert text == (
        "Secretaría de Gobernación. (s. f.). Programa Nacional para Prevenir, Sancionar y Erradicar los Delitos "
        "en Materia de Trata de Personas y para la Protección y Asistencia a las Víctimas de estos Delitos "
        "2022-2024. Avance y Resultados, Enero 2023 – Junio 2024 [Informe; texto del PDF, sha256 "
        "d3896c682457893d4f326b8d69df16790a1944e1ba90954a4ec2bf51aa684ca2]. "
        f"Procesado con pntlib {__version__}, 4 de diciembre de 2026."
    )
    assert "<em>Programa Nacional" in provenance.suggested_citation_html()
    assert provenance.suggested_citation().endswith(f"Procesado con pntlib {__version__}.")  # no date: no day given


def test_audit_rows_say_where_their_values_are():
    from pntlib import audit, briefing

    # card 4.2's SERIE HISTÓRICA is line 804 (annex, Objetivo prioritario 4 from p. 52 to 57),
    # its summary row line 353 (section 3, Objetivo prioritario 4 from p. 25 to 27); variable 1 line 812
    shown = briefing.with_places(audit(indicator="4.2")[["indicator_id", "annex_line", "summary_line"]])
    assert list(shown.columns) == ["indicator_id", "Ficha del anexo (en el informe)", "Tabla de resumen (en el informe)"]
    assert shown.iloc[0, 1:].tolist() == ["Anexo, Objetivo prioritario 4, pp. 52–57; línea 804 del texto",
                                          "Avances y Resultados, Objetivo prioritario 4, pp. 25–27; línea 353 del texto"]
    assert shown.iloc[3, 1] == "Anexo, Objetivo prioritario 4, pp. 52–57; línea 812 del texto"
    assert shown.iloc[3, 2] is pd.NA  # no summary value: stays missing


@pytest.mark.parametrize(("edit", "expected"), [
    # l.40's page "40" made "cuarenta": the entry was joined to the next and objective 3 vanished
    (lambda ls: ls.__setitem__(39, ls[39].rsplit("\t", 1)[0] + "\tcuarenta"),
     r"line 40: the Índice entry 'Objetivo prioritario 2\. Establecer .* has no page number"),
    # l.40 (the annex's objective 2) deleted: objective 2's lines were cited as objective 1's pages
    (lambda ls: ls.__delitem__(39),
     r"the Índice lists Objetivo prioritario 3 in section 4 after Objetivo prioritario 1: expected Objetivo prioritario 2"),
    # l.49, the end of objective 3's entry and its page 46, blanked: objective 4's pages were cited for 3
    (lambda ls: ls.__setitem__(48, ""), r"line 41: the Índice entry 'Objetivo prioritario 3\. .* has no page number"),
])
def test_a_damaged_indice_is_an_error_naming_its_line(damaged_report, report_text, edit, expected):
    from pntlib import ReportFormatError, provenance

    lines = report_text.split("\n")
    edit(lines)
    path = damaged_report(text="\n".join(lines))
    with pytest.raises(ReportFormatError, match=expected):
        provenance.where(703, report=path)
