"""Damaged copies of the real report: each raises ReportFormatError naming the
indicator (where there is one) and the line; a changed value changes only that value."""

from __future__ import annotations

import re

import pandas as pd
import pytest

import pntlib
from pntlib.exceptions import ReportChecksumError, ReportFormatError
from pntlib import config
from pntlib.report import parse_report

from .conftest import damage


def _lines(text: str) -> list[str]:
    return text.split("\n")


def _index(lines: list[str], pattern: str, start: int = 0) -> int:
    rx = re.compile(pattern)
    return next(i for i in range(start, len(lines)) if rx.search(lines[i]))


def test_card_removed(report_text):
    lines = _lines(report_text)
    # Card 2.2: from its id line ("2.2" alone, line 578) to the line before "2.3" (line 613).
    start = _index(lines, r"^2\.2$", _index(lines, r"^4- Anexo"))
    end = _index(lines, r"^2\.3$", start)
    damaged = "\n".join(lines[:start] + lines[end:])
    with pytest.raises(ReportFormatError) as err:
        parse_report(damaged)
    assert err.value.indicator == "2.2"
    assert err.value.line == 246  # its summary-table row
    assert "no card in the annex" in str(err.value)


def test_summary_row_removed(report_text):
    lines = _lines(report_text)
    row = _index(lines, r"^Parámetro 1\.3\t")  # line 194
    damaged = "\n".join(lines[:row] + lines[row + 1 :])
    with pytest.raises(ReportFormatError) as err:
        parse_report(damaged)
    assert err.value.indicator == "1.3"
    assert err.value.line == 505 - 1  # the card's header line, one line up after the removal
    assert "no row in the section-3 summary table" in str(err.value)


@pytest.mark.parametrize(
    "table, pattern, old, new, line, indicator, what",
    [
        ("annex", r"^0\tN/A\t0\t86\t86\t86\tN/D\t100$", "N/D", "n.d.", 668, "3.1", "Resultado 2024 (SERIE HISTÓRICA)"),
        ("summary", r"^Parámetro 3\.2\t", "66/P", "66*", 305, "3.2", "Resultado 2024 (summary table)"),
        ("variables", r"^2\.- Total de autoridades obligadas", "\t7\t", "\tsiete\t", 638, "2.3", "variable 2, 2023"),
    ],
)
def test_unknown_token(report_text, table, pattern, old, new, line, indicator, what):
    lines = _lines(report_text)
    i = _index(lines, pattern, _index(lines, r"^4- Anexo") if table != "summary" else 0)
    lines[i] = lines[i].replace(old, new, 1)
    with pytest.raises(ReportFormatError) as err:
        parse_report("\n".join(lines))
    assert (err.value.line, err.value.indicator) == (line, indicator)
    msg = str(err.value)
    assert what in msg and repr(new.strip()) in msg and "N/D" in msg  # names what was expected


def test_a_number_too_long_is_named_as_such(report_text):
    lines = _lines(report_text)
    i = _index(lines, r"^Parámetro 3\.2\t")  # line 305
    lines[i] = lines[i].replace("66/P", "6" * 400 + "/P", 1)
    with pytest.raises(ReportFormatError) as err:
        parse_report("\n".join(lines))
    msg = str(err.value)
    assert (err.value.line, err.value.indicator) == (305, "3.2")
    assert "402 characters long, more than the 30 a number may have" in msg
    assert len(msg.splitlines()[0]) < 300  # the value is shortened, not repeated whole


@pytest.mark.parametrize("old, new", [("bienestar 1.1", "bienestar 1,1"), ("bienestar 1.1", "bienestar1.1"),
                                      ("Meta para el bienestar 1.1", "Meta del bienestar 1.1")])
def test_a_damaged_first_row_label_is_named_not_the_table_title(report_text, old, new):
    # Found by the break-it pass: the error pointed at the table's title (line 185) and said
    # the table "has no rows", although the damage is in the label of its first row.
    lines = _lines(report_text)
    i = _index(lines, r"^Meta para el bienestar 1\.1\t")  # line 188
    lines[i] = lines[i].replace(old, new, 1)
    with pytest.raises(ReportFormatError) as err:
        parse_report("\n".join(lines))
    assert err.value.line == 188 and err.value.excerpt.startswith(lines[i][:20])
    assert "expected a row such as 'Meta para el bienestar 1.1" in str(err.value)
    assert "after the header at line 187" in str(err.value)


@pytest.mark.parametrize(
    "cut_at, line, indicator, expected",
    [
        (300, 300, None, "section 4 not found"),  # cut inside section 3
        (470, 470, "1.2", "missing the field"),  # cut inside card 1.2's fields
        (800, 800, "4.2", "'Observaciones'"),  # cut after 4.2's Método de cálculo
        (801, 801, "4.2", "SERIE HISTÓRICA"),  # cut after 4.2's Observaciones
        (952, 952, "5.3", "SERIE HISTÓRICA"),  # last card cut short
    ],
)
def test_file_cut_short(report_text, cut_at, line, indicator, expected):
    damaged = "\n".join(_lines(report_text)[:cut_at])
    with pytest.raises(ReportFormatError) as err:
        parse_report(damaged)
    assert expected in str(err.value)
    assert err.value.indicator == indicator
    assert err.value.line is not None and err.value.line <= line


def test_missing_card_field(report_text):
    lines = _lines(report_text)
    i = _index(lines, r"^Tendencia esperada\t", _index(lines, r"^Nombre\t3\.2 "))
    damaged = "\n".join(lines[:i] + lines[i + 1 :])  # card 3.2 loses Tendencia esperada and its pair
    with pytest.raises(ReportFormatError, match="Tendencia esperada") as err:
        parse_report(damaged)
    assert err.value.indicator == "3.2"


def test_duplicate_summary_row(report_text):
    lines = _lines(report_text)
    i = _index(lines, r"^Parámetro 4\.3\t")  # line 357
    damaged = "\n".join(lines[: i + 1] + [lines[i]] + lines[i + 1 :])
    with pytest.raises(ReportFormatError, match="second summary-table row") as err:
        parse_report(damaged)
    assert (err.value.indicator, err.value.line) == ("4.3", 358)


def test_values_row_with_a_missing_cell(report_text):
    lines = _lines(report_text)
    i = _index(lines, r"^0\tN/A\tN/A\t25\t50\t75\t100\t100$")  # 4.3, line 841
    lines[i] = "0\tN/A\tN/A\t25\t50\t75\t100"
    with pytest.raises(ReportFormatError, match="expected 8 SERIE HISTÓRICA values") as err:
        parse_report("\n".join(lines))
    assert (err.value.indicator, err.value.line) == ("4.3", 841)


def test_a_changed_value_changes_exactly_that_value(damaged_report):
    path = damaged_report(edits=[(841, 5, "75", "74.5")])  # 4.3, line 841: 2023 = 75
    before = pntlib.load_series()
    after = pntlib.load_series(report=path)
    changed = (before != after).any(axis=1)
    assert changed.sum() == 1
    row = after[changed].iloc[0]
    assert (row.indicator_id, row.table, row.measure, row.year, row.raw, row.value) == (
        "4.3", "annex", "result", 2023, "74.5", 74.5,
    )
    pd.testing.assert_frame_equal(before[~changed], after[~changed])
    # Every other table is untouched.
    pd.testing.assert_frame_equal(pntlib.load_indicators(), pntlib.load_indicators(report=path))


def test_error_message_names_line_and_excerpt(report_text):
    damaged = damage(report_text, {"0\tN/A\t0\t66\t66\t66\t66/P\t100": "0\tN/A\t0\t66\t66\t66\t66/Q\t100"})
    with pytest.raises(ReportFormatError) as err:
        parse_report(damaged, path="copy.txt")
    text = str(err.value)
    assert text.startswith("copy.txt:line 703: indicator 3.2: unknown value '66/Q'")
    assert "found: '0 | N/A | 0 | 66 | 66 | 66 | 66/Q | 100'" in text


def test_default_report_checksum_is_verified(tmp_path, monkeypatch):
    copy = tmp_path / config.REPORT_FILENAME
    data = config.DEFAULT_REPORT.read_bytes()
    copy.write_bytes(data.replace(b"77/P", b"78/P", 1))
    sums = tmp_path / "SHA256SUMS"
    sums.write_text(config.CHECKSUM_FILE.read_text())
    monkeypatch.setattr(config, "DEFAULT_REPORT", copy)
    monkeypatch.setattr(config, "CHECKSUM_FILE", sums)
    from pntlib.report import read_report

    with pytest.raises(ReportChecksumError, match="has been altered"):
        read_report()
    # The same altered file passed explicitly is read without the check.
    parsed = read_report(copy)
    assert any(o.token.raw == "78/P" for o in parsed.observations)


def test_not_utf8(tmp_path):
    from pntlib.report import read_report

    path = tmp_path / "latin1.txt"
    path.write_bytes("Línea\n".encode("latin-1"))
    with pytest.raises(ReportFormatError, match="not UTF-8") as info:
        read_report(path)
    # The message names the byte, its column and the fix, not only a file offset.
    assert "byte 0xED at column 2" in str(info.value)
    assert info.value.line == 1 and "save it as UTF-8" in str(info.value)


def test_utf16_report_is_named_as_utf16(tmp_path, report_text):
    from pntlib.report import read_report

    path = tmp_path / "utf16.txt"
    path.write_bytes(report_text.encode("utf-16"))
    with pytest.raises(ReportFormatError, match="UTF-16 text") as info:
        read_report(path)
    assert "iconv -f UTF-16 -t UTF-8" in str(info.value)


def test_a_file_too_large_is_refused_before_it_is_read(tmp_path):
    # Found by the break-it pass: read_report read any file whole into memory, whatever its size.
    from pntlib.report import read_report
    from pntlib.report.read import MAX_REPORT_BYTES

    path = tmp_path / "huge.txt"
    with path.open("wb") as fh:
        fh.truncate(MAX_REPORT_BYTES + 1)  # sparse: no disk space used
    with pytest.raises(ReportFormatError, match="a report is at most 33,554,432 bytes") as err:
        read_report(path)
    assert err.value.path == str(path)


# --------------------------------------------------------------------------- found by trying to break it
# Each damage below used to parse "successfully" into wrong or incomplete data.


def _without(lines: list[str], i: int) -> str:
    return "\n".join(lines[:i] + lines[i + 1 :])


def test_deleted_variable_row_is_an_error(report_text):
    lines = _lines(report_text)
    i = _index(lines, r"^2\.- Número de espacios de participación programados")  # line 496, card 1.2
    with pytest.raises(ReportFormatError, match=r"defines 2 input variable\(s\) \(NEC, NEP\) but the card gives values for 1") as err:
        parse_report(_without(lines, i))
    assert err.value.indicator == "1.2"


def test_text_after_the_substitutions_is_not_dropped(report_text):
    lines = _lines(report_text)
    i = _index(lines, r"^2\.- Número de espacios de participación programados")  # line 496
    moved = lines[:i] + lines[i + 1 : i + 3] + [lines[i]] + lines[i + 3 :]  # below the Sustitución rows
    with pytest.raises(ReportFormatError, match="unexpected text after the card's method") as err:
        parse_report("\n".join(moved))
    assert (err.value.indicator, err.value.line) == ("1.2", 498)


def test_indicator_row_outside_a_summary_table(report_text):
    lines = _lines(report_text)
    nota = _index(lines, r"^Nota:$")  # line 196, after objective 1's table
    row = lines[_index(lines, r"^Meta para el bienestar 1\.1\t")].replace("\t20", "\t99")
    with pytest.raises(ReportFormatError, match="outside any summary table") as err:
        parse_report("\n".join(lines[: nota + 1] + [row] + lines[nota + 1 :]))
    assert err.value.line == 197


def test_a_second_copy_of_the_sections(report_text):
    lines = _lines(report_text)
    s3 = _index(lines, r"^3\.- Avances y Resultados$") - 6  # from its banner
    s5 = _index(lines, r"^5\.- Glosario$") - 6
    with pytest.raises(ReportFormatError, match="section 3 appears twice"):
        parse_report("\n".join(lines[:s5] + lines[s3:s5] + lines[s5:]))


def test_numbered_paragraph_is_not_a_section_heading(report_text):
    lines = _lines(report_text)
    i = _index(lines, r"^Con la finalidad de segmentar")  # line 153, in section 3
    damaged = "\n".join(lines[:i] + ["1.- Se realizaron cuatro bloques."] + lines[i:])
    before, after = parse_report(report_text), parse_report(damaged)
    assert [(o.indicator_id, o.token.raw) for o in after.observations] == [
        (o.indicator_id, o.token.raw) for o in before.observations
    ]


def test_empty_required_field(report_text):
    damaged = damage(report_text, edits=[(440, 1, "Estratégico", "")])  # card 1.1, line 440
    with pytest.raises(ReportFormatError, match="'Tipo' is empty") as err:
        parse_report(damaged)
    assert (err.value.indicator, err.value.line) == ("1.1", 440)


def test_unknown_line_among_card_fields(report_text):
    lines = _lines(report_text)
    i = _index(lines, r"^Unidad de medida\tRecomendaciones")  # line 441
    with pytest.raises(ReportFormatError, match="expected a card field label") as err:
        parse_report("\n".join(lines[: i + 1] + ["Frecuencia\tAnual"] + lines[i + 1 :]))
    assert err.value.line == 442


@pytest.mark.parametrize(
    "old, new, expected",
    [
        ("Resultado 2021\tResultado 2022", "Resultado 2021\tResultado 2021", "must be consecutive"),
        ("Resultado 2023\tResultado 2024\tMeta 2024", "Resultado 2023\tResultado 2042\tMeta 2024", "must be consecutive"),
        ("Resultado 2024\tMeta 2024", "Resultado 2024\tMeta 2024\tMeta 2025", "a second Meta column"),
    ],
)
def test_series_header_years(report_text, old, new, expected):
    annex = report_text.index("\n4- Anexo. Avance de las Metas para el bienestar y Parámetros\n")
    damaged = report_text[:annex] + report_text[annex:].replace(old, new, 1)
    with pytest.raises(ReportFormatError, match=expected) as err:
        parse_report(damaged)
    assert (err.value.indicator, err.value.line) == ("1.1", 450)


def test_summary_table_with_other_years_than_the_annex(report_text):
    lines = _lines(report_text)
    for i in range(len(lines)):
        if lines[i].startswith("Indicador\t") and "Resultado 2024" in lines[i]:
            lines[i] = lines[i].replace("\tResultado 2024", "")
    for i in range(len(lines)):
        if re.match(r"^(Meta para el bienestar|Parámetro) \d\.\d", lines[i]):
            lines[i] = lines[i].rsplit("\t", 1)[0]
    with pytest.raises(ReportFormatError, match="every table must cover the same years") as err:
        parse_report("\n".join(lines))
    assert err.value.line == 450 and err.value.indicator == "1.1"


def test_objectives_must_be_numbered_in_order(report_text):
    lines = _lines(report_text)
    # Objective 3 removed from section 3 (lines 266-321) and from the annex (648-753).
    a, b = _index(lines, r"^Objetivo prioritario 3\.- "), _index(lines, r"^Objetivo prioritario 4\.- ")
    c = _index(lines, r"^Objetivo prioritario 3: ")
    d = _index(lines, r"^Objetivo prioritario 4\.- ", c)
    with pytest.raises(ReportFormatError, match="found objective 4 where objective 3 was expected") as err:
        parse_report("\n".join(lines[:a] + lines[b:c] + lines[d:]))
    assert err.value.line == 322 - (b - a)


def test_a_number_is_not_a_name_continuation(report_text):
    lines = _lines(report_text)
    i = _index(lines, r"^Parámetro 2\.3\t")  # line 247
    with pytest.raises(ReportFormatError):
        parse_report("\n".join(lines[: i + 1] + ["\t66.67"] + lines[i + 1 :]))


def test_ids_are_kept_as_printed(report_text):
    damaged = damage(report_text, {"Nombre\t2.2 Porcentaje": "Nombre\t2.02 Porcentaje"})
    with pytest.raises(ReportFormatError) as err:
        parse_report(damaged)
    assert "2.02" in str(err.value)


def test_card_heading_must_match_its_name(report_text):
    lines = _lines(report_text)
    i = _index(lines, r"^1\.3$", _index(lines, r"^4- Anexo"))  # line 502
    lines[i] = "1.7"
    with pytest.raises(ReportFormatError, match="headed '1.7' but its Nombre says '1.3'") as err:
        parse_report("\n".join(lines))
    assert err.value.line == 502


def test_substitution_for_a_year_without_variables(report_text):
    lines = _lines(report_text)
    i = _index(lines, r"^Sustitución en método de cálculo para 2024\tNRR=5")  # line 458
    with pytest.raises(ReportFormatError, match="a substitution for 2022"):
        parse_report("\n".join(lines[: i + 1] + ["Sustitución en método de cálculo para 2022\tNRR=5"] + lines[i + 1 :]))


def test_values_row_among_the_notes(report_text):
    lines = _lines(report_text)
    i = _index(lines, r"^Nota sobre la Línea base", _index(lines, r"^Nombre\t2\.1 "))  # line 563
    with pytest.raises(ReportFormatError, match="a row of values among the notes") as err:
        parse_report("\n".join(lines[: i + 1] + [lines[i - 1]] + lines[i + 1 :]))
    assert err.value.indicator == "2.1"


@pytest.mark.parametrize("raw", ["٥", "５", "9" * 400])
def test_only_ascii_numbers_of_sane_length(report_text, raw):
    damaged = damage(report_text, edits=[(451, 6, "20", raw)])  # annex 1.1, Resultado 2024
    with pytest.raises(ReportFormatError, match="unknown value|more than the 30 a number may have"):
        parse_report(damaged)


def test_cache_notices_a_same_size_edit_with_the_same_mtime(report_text, damaged_report):
    import os

    path = damaged_report()  # an intact copy, then edited in place
    first = pntlib.load_series(report=path)
    st = path.stat()
    path.write_text(damage(report_text, edits=[(451, 6, "20", "21")]), encoding="utf-8")  # annex 1.1, 2024
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    second = pntlib.load_series(report=path)
    assert not first.equals(second)
    assert "21" in set(second["raw"])


# --------------------------------------------------------------------------- a report cut short


def _cut_in_the_last_substitution(report_text: str) -> str:
    """The report up to the middle of 5.3's 2024 substitution (line 966): 'DPVT %=((0-0)'."""
    lines = _lines(report_text)
    i = _index(lines, r"^Sustitución en método de cálculo para 2024\tDPVT")
    assert i + 1 == 966
    return "\n".join(lines[:i] + [lines[i][: lines[i].index("(0-0)") + len("(0-0)")]])


@pytest.mark.parametrize(
    "cut, line, indicator, listed",
    [
        (_cut_in_the_last_substitution, 966, "5.3", "sections 5 ('Glosario'), 6 ('Siglas y abreviaturas')"),
        (lambda t: "\n".join(_lines(t)[:972]), 972, "5.3", "sections 5 ('Glosario'), 6"),  # after the p/ legend
        (lambda t: "\n".join(_lines(t)[:1000]), 1000, None, "section 6 ('Siglas y abreviaturas')"),  # in the Glosario
    ],
    ids=["in 5.3's 2024 substitution", "after the last legend", "in the Glosario"],
)
def test_a_report_cut_short_is_refused_naming_where_it_ends(report_text, cut, line, indicator, listed):
    with pytest.raises(ReportFormatError) as err:
        parse_report(cut(report_text))
    assert (err.value.line, err.value.indicator) == (line, indicator)
    msg = str(err.value)
    assert f"the report ends at line {line}" in msg and listed in msg and "cut short" in msg
    assert "table of contents (line 5" in msg  # the Índice's entries, lines 52-53


def test_a_report_cut_after_its_last_heading_is_refused(report_text):
    lines = _lines(report_text)
    i = _index(lines, r"^6\.- Siglas y abreviaturas$", 100)  # line 1030
    with pytest.raises(ReportFormatError, match=r"right after the heading of its last section, 6") as err:
        parse_report("\n".join(lines[: i + 1]))
    assert err.value.line == 1030


def test_every_section_of_the_table_of_contents_is_required(report_text):
    lines = _lines(report_text)
    i = _index(lines, r"^2\.- Resumen ejecutivo$", 60)  # line 89: heading of section 2
    lines[i] = "Resumen ejecutivo"
    with pytest.raises(ReportFormatError, match=r"section 2 \('Resumen ejecutivo'\), listed in the table of contents, has no heading") as err:
        parse_report("\n".join(lines))
    assert err.value.line == 26  # its entry in the Índice


def test_a_report_without_its_table_of_contents_is_refused(report_text):
    with pytest.raises(ReportFormatError, match="no table of contents"):
        parse_report(report_text.replace("\nÍndice\n", "\n\n", 1))


# --------------------------------------------------------------------------- control characters


@pytest.mark.parametrize("char", ["\x00", "\x07", "\x0b", "\x0c", "\x1b", "\x7f", "\x85"])
@pytest.mark.parametrize(
    "anchor, line",
    [
        ("Nombre\t3.2 Porcentaje", 688),  # an annex card's name
        ("Objetivo prioritario 1. Promover la reforma", 141),  # a section-3 heading
        ("TdP: Trata de personas.", 1110),  # the last section, which the parser does not read
    ],
)
def test_control_characters_are_refused_naming_the_line(report_text, char, anchor, line):
    assert anchor in report_text
    damaged = report_text.replace(anchor, anchor[:-3] + char + anchor[-3:], 1)
    with pytest.raises(ReportFormatError, match=f"control character U\\+{ord(char):04X} at column") as err:
        parse_report(damaged)
    assert err.value.line == line


def test_line_endings_and_tabs_are_not_control_characters(report_text):
    crlf = parse_report(report_text.replace("\n", "\r\n"))
    assert [(o.indicator_id, o.token.raw, o.source_line) for o in crlf.observations] == [
        (o.indicator_id, o.token.raw, o.source_line) for o in parse_report(report_text).observations
    ]
    with pytest.raises(ReportFormatError) as err:
        parse_report(report_text.replace("\n", "\r\n").replace("TdP: Trata", "TdP:\x00Trata", 1))
    assert err.value.line == 1110


def test_a_control_character_writes_nothing(report_text, write_report, tmp_path):
    from pntlib.extract import extract

    path = write_report(report_text.replace("77/P", "77/P\x00", 1))
    with pytest.raises(ReportFormatError, match="control character U\\+0000") as err:
        extract(report=path, out=tmp_path / "out")
    assert err.value.line == 306
    assert not (tmp_path / "out").exists()


# --------------------------------------------------------------------------- Unicode normal forms


def test_a_report_in_nfd_reads_as_the_published_one(damaged_report, report_text):
    """The whole report in NFD ("Parámetro" as "Para" + U+0301 + "metro") is canonically equal to the
    published one: the same tables, every text in NFC, the same cover, the same line numbers."""
    import unicodedata

    from pntlib.provenance import source
    from pntlib.tables import get_report

    nfd = unicodedata.normalize("NFD", report_text)
    assert nfd != report_text and nfd.count("\n") == report_text.count("\n")
    path = damaged_report(text=nfd)
    original, read = get_report(), get_report(path)
    for name, frame in original.tables().items():
        pd.testing.assert_frame_equal(read.tables()[name], frame, obj=name)
    assert read.series["source_line"].tolist() == original.series["source_line"].tolist()
    assert source(path).citation == source().citation
    # a damage in NFD is reported at the line it is on (l.668: 3.1's SERIE HISTÓRICA), as in NFC
    damaged = damage(nfd, edits=[(668, 6, "N/D", "n.d.")])
    with pytest.raises(ReportFormatError) as err:
        parse_report(damaged)
    assert (err.value.line, err.value.indicator) == (668, "3.1")


# --------------------------------------------------------------------------- long text in an error

LONG = "x" * 40000


@pytest.mark.parametrize(("edit", "line", "says"), [
    ((438, 0, "Definición", LONG), 438, "expected a card field label ("),  # 1.1's card
    ((188, 2, "5 (2019)", LONG), 188, "expected the baseline as 'value (year)', found 'xxx"),  # summary row 1.1
    ((450, 7, "Meta 2024", LONG), 450, "unexpected column 'xxx"),  # 1.1's SERIE HISTÓRICA header
    ((451, 3, "NA", LONG), 451, "unknown value 'xxx"),  # 1.1's Resultado 2020
])
def test_an_error_quotes_a_line_s_worth_of_a_long_cell_with_its_length(report_text, edit, line, says):
    from pntlib.exceptions import QUOTE_CHARS

    with pytest.raises(ReportFormatError) as err:
        parse_report(damage(report_text, edits=[edit]))
    message = str(err.value)
    assert err.value.line == line and says in message
    assert len(message) < 1000, message[:300]  # not the 40,000 characters of the cell
    assert "x" * (QUOTE_CHARS + 1) not in message and "x" * 50 in message
    assert re.search(r"'… \(40,\d{3} characters\)$", message)  # the line (the cell and the rest) and its length
