"""The parser against the real report: every number of both indicator tables and every
card field, read off data/raw/ by hand (tests/facts.py; line numbers of the raw file in
comments)."""

from __future__ import annotations

import pandas as pd
import pytest

import pntlib
from pntlib.report import parse_token

from .facts import ANNEX, CARDS, SPECIAL, SUMMARY, YEARS

def _expected(raw: str):
    if raw in SPECIAL:
        return (raw, *SPECIAL[raw])
    return (raw, float(raw), "normal", "A")


def _expected_series() -> list[tuple]:
    rows = []
    for ind, (line, base_year, base, results, target) in ANNEX.items():
        rows.append((ind, "annex", "baseline", base_year, *_expected(base), line))
        for year, raw in zip(YEARS, results.split()):
            rows.append((ind, "annex", "result", year, *_expected(raw), line))
        rows.append((ind, "annex", "target", 2024, *_expected(target), line))
        sline, sbase, syear, sresults = SUMMARY[ind]
        rows.append((ind, "summary", "baseline", syear, *_expected(sbase), sline))
        for year, raw in zip(YEARS, sresults.split()):
            rows.append((ind, "summary", "result", year, *_expected(raw), sline))
    return rows


def test_every_number_of_both_tables():
    got = pntlib.load_series()
    expected = _expected_series()
    assert len(got) == len(expected) == 15 * (8 + 7)
    got_rows = [
        (
            r.indicator_id, r.table, r.measure, int(r.year), r.raw,
            None if pd.isna(r.value) else float(r.value), r.status, r.obs_status, int(r.source_line),
        )
        for r in got.itertuples()
    ]
    assert got_rows == expected


def test_series_dtypes_and_categories():
    s = pntlib.load_series()
    assert list(s.columns) == [
        "indicator_id", "objective", "table", "measure", "year", "raw", "value", "status", "obs_status", "source_line",
    ]
    assert (s["objective"] == s["indicator_id"].str.split(".").str[0].astype(int)).all()
    assert str(s["value"].dtype) == "Float64"
    assert str(s["year"].dtype) == "Int64"
    assert s["status"].cat.ordered
    assert list(s["status"].cat.categories) == ["normal", "provisional", "not_applicable", "not_available"]
    assert list(s["measure"].cat.categories) == ["baseline", "result", "target"]
    # ND stays missing, with its status: never filled.
    nd = s[s["raw"].isin(["ND", "N/D"])]
    assert len(nd) == 8 and nd["value"].isna().all() and (nd["status"] == "not_available").all()


def test_load_series_filters_one_table():
    assert set(pntlib.load_series(table="summary")["table"]) == {"summary"}
    with pytest.raises(ValueError, match="annex"):
        pntlib.load_series(table="cards")


def test_card_fields_of_every_indicator():
    ind = pntlib.load_indicators()
    assert list(ind.index) == list(CARDS)
    got = {
        i: (r.disaggregation, r.type, r.accumulation, r.unit, r.availability, r.expected_trend)
        for i, r in ind.iterrows()
    }
    assert got == CARDS
    assert set(ind["periodicity"]) == {"Anual"}
    assert set(ind["dimension"]) == {"Eficacia"}
    assert set(ind["collection_period"]) == {"Enero-Diciembre"}
    assert list(ind["kind"]) == ["meta_bienestar", "parametro", "parametro"] * 5
    assert list(ind["objective"]) == [1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4, 5, 5, 5]


def test_indicator_baseline_and_target_come_from_the_annex():
    ind = pntlib.load_indicators()
    for i, (line, base_year, base, _, target) in ANNEX.items():
        assert ind.at[i, "baseline_value"] == float(base)
        assert ind.at[i, "baseline_year"] == base_year
        assert ind.at[i, "target_value"] == float(target)
        assert ind.at[i, "target_year"] == 2024


def test_names_card_and_summary_differ_where_the_report_does():
    ind = pntlib.load_indicators()
    # Line 907 (card) vs line 413 (summary): the summary repeats 5.2's name for 5.3.
    assert ind.at["5.3", "name"] == (
        "Incremento porcentual anual en la detección de posibles víctimas de TdP reportadas por los conformantes de la CI"
    )
    assert ind.at["5.3", "summary_name"] == ind.at["5.2", "summary_name"]
    # Line 189 + 193: the summary name is split across a page, inside the word "participación".
    assert ind.at["1.2", "summary_name"] == (
        "Número de espacios de participación celebrados en el marco de la Comisión Intersecretarial "
        "relacionados con la reforma al marco normativo en materia de TdP a nivel federal"
    )
    # Line 247 + 251: split between two words.
    assert ind.at["2.3", "summary_name"].endswith("por parte las autoridades competentes")
    # Line 352: objective 4's table has id and name in one cell.
    assert ind.at["4.1", "summary_name"] == (
        "Avance en la actualización del contenido temático del Programa Nacional de Capacitación"
    )
    # Line 436: the card's trailing full stop is not part of the name.
    assert ind.at["1.1", "name"] == (
        "Recomendaciones de reformas efectuadas al marco normativo en los aspectos identificados"
    )
    # Line 794: quotes around the definition are an extraction artefact.
    assert ind.at["4.2", "definition"].startswith("Mide el porcentaje de Instancias")


def test_method_formula_and_definitions():
    ind = pntlib.load_indicators()
    assert ind.at["1.2", "method"] == "PEPC% = (NEC/NEP) * 100"  # line 478
    assert ind.at["1.2", "method_variables"].split("\n")[0].startswith("NEC: Número de espacios")
    assert ind.at["1.1", "method"] == "NRR"  # line 444: the indicator is the variable
    assert ind.at["4.1", "method"] == "PAAC% = (NAAC / TAP) * 100"  # line 769 defines NACC, not NAAC
    assert [d.split(":")[0] for d in ind.at["4.1", "method_variables"].split("\n")] == ["NACC", "TAP", "PAAC%"]
    # Line 590: three definitions inside one <p>.
    assert [d.split(":")[0] for d in ind.at["2.2", "method_variables"].split("\n")] == ["NMCEF", "TMCE", "MCEF%"]
    assert [d.split(":")[0] for d in ind.at["5.3", "method_variables"].split("\n")] == ["DPVTI", "DPVT0", "DPVT%"]


def test_notes_split_across_pages_and_columns():
    ind = pntlib.load_indicators()
    # Lines 520 + 524: both notes wrap onto the next page.
    assert ind.at["1.3", "baseline_note"].endswith("Esto comenzó a realizarse a partir de 2019.")
    assert ind.at["1.3", "target_note"] == (
        "Dado que se espera concluir con los espacios de participación para 2023, en 2024 ya no se celebrarían más espacios."
    )
    assert ind.at["2.1", "target_note"] == "NA"  # line 564
    assert pd.isna(ind.at["5.2", "baseline_note"]) and pd.isna(ind.at["5.2", "target_note"])  # line 923: empty
    assert pd.isna(ind.at["3.1", "baseline_note"])  # line 670: only the Meta column is filled
    assert "<p>" not in ind.at["1.2", "baseline_note"]  # line 492
    assert pd.isna(ind.at["3.3", "observations"])  # line 732: empty field


def test_variables_and_substitutions():
    v = pntlib.load_variables()
    # Lines 495-496: 2 and 6 spaces, both years.
    got = v[v.indicator_id == "1.2"][["variable", "year", "raw", "value"]].values.tolist()
    assert got == [[1, 2023, "2", 2.0], [1, 2024, "2", 2.0], [2, 2023, "6", 6.0], [2, 2024, "6", 6.0]]
    assert v[v.indicator_id == "1.2"]["source"].tolist() == ["Segob"] * 4
    # Line 709: 13 institutions; 812: the variable says 10% where the name says 5%.
    assert v[(v.indicator_id == "3.2") & (v.variable == 2)]["value"].tolist() == [13.0, 13.0]
    assert "al menos al 10%" in v[(v.indicator_id == "4.2") & (v.variable == 1)]["name"].iloc[0]
    assert len(v) == (1 + 2 + 1 + 2 * 12) * 2  # 1.1 and 1.3 have one variable, the rest two
    s = pntlib.load_substitutions()
    assert len(s) == 30
    row = s[(s.indicator_id == "3.2") & (s.year == 2023)].iloc[0]
    assert (row.text, row.source_line) == ("IA%=(0/13)*100", 710)  # "$IA\%=(0/13)*100$"
    assert s[(s.indicator_id == "5.3") & (s.year == 2024)]["text"].iloc[0] == "DPVT %=((0-0)/0)*100"


def test_objectives_and_strategies():
    o = pntlib.load_objectives()
    assert list(o["objective"]) == [1, 2, 3, 4, 5]
    assert o["title"].iloc[0] == "Promover la reforma del marco normativo en materia de trata de personas a nivel federal"
    st = pntlib.load_strategies()
    # Lines 167-394: 2 + 2 + 3 + 2 + 3 headings ("3.2-", "3.3 " and "4.1 " variants included).
    assert list(st["strategy_id"]) == ["1.1", "1.2", "2.1", "2.2", "3.1", "3.2", "3.3", "4.1", "4.2", "5.1", "5.2", "5.3"]
    assert st.set_index("strategy_id").at["3.2", "title"].startswith("Diseñar instrumentos especializados para la reintegración")


@pytest.mark.parametrize(
    "raw, value, status",
    [
        ("16.67", 16.67, "normal"),
        ("0.0", 0.0, "normal"),
        ("66/P", 66.0, "provisional"),
        ("NA", None, "not_applicable"),
        ("N/A", None, "not_applicable"),
        ("ND", None, "not_available"),
        ("N/D", None, "not_available"),
    ],
)
def test_tokens(raw, value, status):
    tok = parse_token(raw)
    assert (tok.raw, tok.value, tok.status) == (raw, value, status)


@pytest.mark.parametrize("raw", ["", "n.d.", "1,5", "abc", "66/X", "--", "5 (2019)"])
def test_unknown_tokens_are_not_guessed(raw):
    assert parse_token(raw) is None

