"""Tests of pntlib.audit: each check on edited copies of the report, and the
complete list of findings on the real report, verified by reading it.

Synthetic reports are the real text with single cells or words changed
(``audit_of``, through the ``damaged_report`` fixture), so each case differs from
the verified report by exactly the edit that should (or should not) trigger a check. Line numbers below are
1-based lines of data/raw/pntdp-2022-2024_avance-y-resultados_2023-01_2024-06.txt;
cells are tab-separated and counted from 0.
"""

from __future__ import annotations

import pandas as pd
import pytest

import pntlib
import pntlib.briefing
from pntlib import ParameterError, audit, schema
from pntlib.audit import CHECKS
from pntlib.formulas import FormulaError, evaluate_formula
from pntlib.extract import DERIVED_TABLES
from pntlib.tables import get_report

from .conftest import RAW_REPORT
from .hostile import MISSING_VALUES

COLUMNS = ["check", "indicator_id", "year", "severity", "annex_raw", "summary_raw", "computed",
           "annex_line", "summary_line"]


# --------------------------------------------------------------------------- synthetic reports


@pytest.fixture()
def audit_of(damaged_report):
    """Audit a copy of the report with line edits ``(line, cell, old, new)`` (see conftest.damage)."""

    def _run(*edits: tuple) -> pd.DataFrame:
        return audit(report=damaged_report(edits=edits))

    return _run


def found(findings: pd.DataFrame, check: str, indicator: str, year: int | None = None) -> pd.DataFrame:
    rows = findings[(findings["check"] == check) & (findings["indicator_id"] == indicator)]
    if year is not None:
        rows = rows[rows["year"] == year]
    return rows


@pytest.fixture(scope="module")
def real() -> pd.DataFrame:
    return audit()


# --------------------------------------------------------------------------- the real report

# (check, indicator, year, severity, annex_raw, summary_raw, computed, annex_line, summary_line)
# The lines and tokens of both tables' rows are in tests/facts.py (SUMMARY, ANNEX).
EXPECTED = [
    # 1.1 annex l.451 "5 | 5 | NA | NA | 10 | 15 | 20 | 15"; summary l.188 "5 (2019) | 5 | 0 | 0 | 10 | 15 | 20"
    ("summary_missing", "1.1", 2020, "warning", "NA", "0", None, 451, 188),
    ("summary_missing", "1.1", 2021, "warning", "NA", "0", None, 451, 188),
    # formula "NRR" (l.444), variable NRR = 5 in 2023 and 2024 (l.456): 5 != 15, 5 != 20
    # Acumulado: 10 (2022) + 5 = 15 and 15 + 5 = 20: reproduced as accumulated, not an error
    ("method_result", "1.1", 2023, "info", "15", None, 5.0, 451, None),
    ("method_result", "1.1", 2024, "info", "20", None, 5.0, 451, None),
    # Meta 2024 = 15 (l.451, last cell), tendencia Ascendente (l.443); 2024 = 20 in both tables
    ("beyond_target", "1.1", 2024, "info", "20", "20", None, 451, 188),
    # Acumulado (l.440); summary goes 5 (2019) -> 0 (2020)
    ("cumulative_decrease", "1.1", 2020, "warning", None, "0", None, None, 188),
    # 1.2 baseline 33.33 (2021) in the annex (l.489-490), 33.3 (2021) in the summary (l.189): 33.33 -> 33.3 rounds
    ("summary_baseline", "1.2", 2021, "info", "33.33 (2021)", "33.3 (2021)", None, 490, 189),
    # PEPC% = (NEC/NEP) * 100 (l.478), NEC = 2, NEP = 6 (l.495-496): 2/6*100 = 33.33 vs 83.35 and 100
    ("method_result", "1.2", 2023, "error", "83.35", None, 33.3333, 490, None),
    ("method_result", "1.2", 2024, "error", "100", None, 33.3333, 490, None),
    # name "Número de espacios ..." (l.470), unit Porcentaje (l.475)
    ("name_unit", "1.2", None, "warning", "Porcentaje", None, None, 475, None),
    # baseline 33.33 / 33.3 (2021) but Resultado 2021 = 50.01 in both tables
    ("baseline_year_result", "1.2", 2021, "warning", "50.01", "50.01", None, 490, 189),
    # 1.3 annex l.518 "4 | 4 | NA | 4 | 8 | 12 | 16 | 16"; summary l.194 "4 (2021) | 0 | 0 | 4 | 8 | 12 | 16"
    ("summary_value", "1.3", 2019, "error", "4", "0", None, 518, 194),
    ("summary_missing", "1.3", 2020, "warning", "NA", "0", None, 518, 194),
    # formula "NPS" (l.514), NPS = 4 (l.530): 4 vs 12 and 16
    # Acumulado: 8 (2022) + 4 = 12, 12 + 4 = 16: reproduced as accumulated
    ("method_result", "1.3", 2023, "info", "12", None, 4.0, 518, None),
    ("method_result", "1.3", 2024, "info", "16", None, 4.0, 518, None),
    # 2.1 annex l.562 "66.67 | 66.67 | 66.67 | 100 | 100 | 100 | 100 | 100"; summary l.245 2021 = 66.67
    ("summary_value", "2.1", 2021, "error", "100", "66.67", None, 562, 245),
    # MCE% = (NMCE / TMCP) * 100 (l.555), 2 and 3 (l.567-568): 66.67 vs 100
    ("method_result", "2.1", 2023, "error", "100", None, 66.6667, 562, None),
    ("method_result", "2.1", 2024, "error", "100", None, 66.6667, 562, None),
    # baseline 66.67 (2021) vs annex Resultado 2021 = 100 (summary has 66.67: consistent there)
    ("baseline_year_result", "2.1", 2021, "warning", "100", None, None, 562, None),
    # 2.2 annex l.594 "0 | N/A | N/A | 100 | 100 | 100 | 100 | 100"; summary l.246 "0.0 (2021) | 0.0 | 0.0 | 100 ..."
    ("summary_missing", "2.2", 2019, "warning", "N/A", "0.0", None, 594, 246),
    ("summary_missing", "2.2", 2020, "warning", "N/A", "0.0", None, 594, 246),
    # MCEF% = (NMCEF / TMCE) * 100 (l.590), 0 and 3 (l.602-603): 0 vs 100
    # Acumulado: 100 (2022) + 0 = 100, 100 + 0 = 100: an increment of 0 only carries 100 over
    # (unchanged as accumulated): a warning, nothing in the variables supports 100
    ("method_result", "2.2", 2023, "warning", "100", None, 0.0, 594, None),
    ("method_result", "2.2", 2024, "warning", "100", None, 0.0, 594, None),
    # baseline 0 (2021) vs Resultado 2021 = 100 in both tables
    ("baseline_year_result", "2.2", 2021, "warning", "100", "100", None, 594, 246),
    # 2.3 annex l.629 "0 | N/A | 0 | N/D | 100 | 100 | 100 | 100"; summary l.247 "0.0 (2020) | 0.0 | 0.0 | 0.0 | 100 ..."
    ("summary_missing", "2.3", 2019, "warning", "N/A", "0.0", None, 629, 247),
    ("summary_missing", "2.3", 2021, "warning", "N/D", "0.0", None, 629, 247),
    # ARAR% = (NAR/TAO) * 100 (l.625), 0 and 7 (l.637-638): 0 vs 100
    ("method_result", "2.3", 2023, "error", "100", None, 0.0, 629, None),
    ("method_result", "2.3", 2024, "error", "100", None, 0.0, 629, None),
    # 3.1 annex l.668 "0 | N/A | 0 | 86 | 86 | 86 | N/D | 100"; summary l.301 2019 = 0.0
    ("summary_missing", "3.1", 2019, "warning", "N/A", "0.0", None, 668, 301),
    # PAO% = (NAOR/TAO) * 100 (l.661), 0 and 7 (l.673-674): 0 vs 86; 0 vs N/D
    ("method_result", "3.1", 2023, "error", "86", None, 0.0, 668, None),
    ("method_result", "3.1", 2024, "warning", "N/D", None, 0.0, 668, None),
    # 3.2 annex l.703 "0 | N/A | 0 | 66 | 66 | 66 | 66/P | 100"; summary l.305 2019 = 0.0, 2024 = 66/P
    ("summary_missing", "3.2", 2019, "warning", "N/A", "0.0", None, 703, 305),
    # IA%=(NIA/TIA)*100 (l.696), 0 and 13 (l.708-709): 0 vs 66, 66/P
    # Acumulado: 66 (2022) + 0 = 66, 66 + 0 = 66 (66/P): increment 0, unchanged as accumulated
    ("method_result", "3.2", 2023, "warning", "66", None, 0.0, 703, None),
    ("method_result", "3.2", 2024, "warning", "66/P", None, 0.0, 703, None),
    ("provisional", "3.2", 2024, "info", "66/P", "66/P", None, 703, 305),
    # 3.3 annex l.735 "0 | N/A | N/A | 0 | 77 | 77 | 77/P | 100"; summary l.306 "0.0 (2020) | 0.0 | 0.0 | 0.0 | 77 | 77 | 77/P"
    ("summary_missing", "3.3", 2019, "warning", "N/A", "0.0", None, 735, 306),
    ("summary_missing", "3.3", 2020, "warning", "N/A", "0.0", None, 735, 306),
    # PIFP% = (NIP/TIA) * 100 (l.731), 0 and 13 (l.743-744): 0 vs 77, 77/P
    ("method_result", "3.3", 2023, "error", "77", None, 0.0, 735, None),
    ("method_result", "3.3", 2024, "error", "77/P", None, 0.0, 735, None),
    # baseline 0 (2020, l.734) vs annex Resultado 2020 = N/A
    ("baseline_year_result", "3.3", 2020, "warning", "N/A", None, None, 735, None),
    ("provisional", "3.3", 2024, "info", "77/P", "77/P", None, 735, 306),
    # 4.1 annex l.776 "0 | N/A | N/A | 66.66 | 100 | 100 | 100 | 100"; summary l.352 "0.0 (2021) | 0.0 | 0.0 | 66.66 ..."
    ("summary_missing", "4.1", 2019, "warning", "N/A", "0.0", None, 776, 352),
    ("summary_missing", "4.1", 2020, "warning", "N/A", "0.0", None, 776, 352),
    # PAAC% = (NAAC / TAP) * 100 but the card defines NACC, TAP, PAAC% (l.769)
    ("method_unevaluable", "4.1", 2023, "error", "100", None, None, 776, None),
    ("method_unevaluable", "4.1", 2024, "error", "100", None, None, 776, None),
    # baseline 0 (2021) vs Resultado 2021 = 66.66 in both tables
    ("baseline_year_result", "4.1", 2021, "warning", "66.66", "66.66", None, 776, 352),
    # 4.2 annex l.804 "0 | N/A | N/A | 0 | 0 | 0 | 0 | 50"; summary l.353 "0.0 (2021) | 0.0 | 0.0 | 0.0 | 0.0 | 0.0 | ND"
    ("summary_missing", "4.2", 2019, "warning", "N/A", "0.0", None, 804, 353),
    ("summary_missing", "4.2", 2020, "warning", "N/A", "0.0", None, 804, 353),
    ("summary_missing", "4.2", 2024, "warning", "0", "ND", None, 804, 353),
    # name "al menos al 5%" (l.792) vs variable 1 "al menos al 10%" (l.812); (PII% = 0/13*100 = 0 = reported)
    ("name_condition", "4.2", None, "warning", "al menos al 10%", None, None, 812, None),
    # 4.3 annex l.841 "0 | N/A | N/A | 25 | 50 | 75 | 100 | 100"; summary l.357 "0.0 (2021) | 0.0 | 0.0 | 25 ..."
    ("summary_missing", "4.3", 2019, "warning", "N/A", "0.0", None, 841, 357),
    ("summary_missing", "4.3", 2020, "warning", "N/A", "0.0", None, 841, 357),
    # PIIAD% = (NIIAD/TII) * 100 (l.837), 0 and 13 (l.849-850): 0 vs 75 and 100
    ("method_result", "4.3", 2023, "error", "75", None, 0.0, 841, None),
    ("method_result", "4.3", 2024, "error", "100", None, 0.0, 841, None),
    ("baseline_year_result", "4.3", 2021, "warning", "25", "25", None, 841, 357),
    # 5.1 annex l.884 "0 | N/A | N/A | 0 | 33 | 66 | 100 | 100"; summary l.407 "... | 0.0 | 33.33 | 66.66 | 100"
    # 33.33 rounds to 33; 66.66 rounds to 67, truncates to 66
    ("summary_value", "5.1", 2022, "info", "33", "33.33", None, 884, 407),
    ("summary_value", "5.1", 2023, "warning", "66", "66.66", None, 884, 407),
    ("summary_missing", "5.1", 2019, "warning", "N/A", "0.0", None, 884, 407),
    ("summary_missing", "5.1", 2020, "warning", "N/A", "0.0", None, 884, 407),
    # PAE% = (NAER/TAE) * 100 (l.877), 0 and 3 (l.889-890): 0 vs 66 and 100
    ("method_result", "5.1", 2023, "error", "66", None, 0.0, 884, None),
    ("method_result", "5.1", 2024, "error", "100", None, 0.0, 884, None),
    # 5.2 annex l.919 "0 | N/A | N/A | 33.33 | 66.66 | 66.66 | N/D | 100"; summary l.408 2019-2020 = 0.0
    ("summary_missing", "5.2", 2019, "warning", "N/A", "0.0", None, 919, 408),
    ("summary_missing", "5.2", 2020, "warning", "N/A", "0.0", None, 919, 408),
    # NAIE%=(NAIR/NAIP)*100 (l.915), 0 and 1 (l.926-927): 0 vs 66.66; 0 vs N/D
    # Acumulado: 66.66 (2022) + 0 = 66.66: increment 0, unchanged as accumulated; 2024 is N/D
    ("method_result", "5.2", 2023, "warning", "66.66", None, 0.0, 919, None),
    ("method_result", "5.2", 2024, "warning", "N/D", None, 0.0, 919, None),
    # name "Número de acciones ..." (l.907), unit Porcentaje (l.912)
    ("name_unit", "5.2", None, "warning", "Porcentaje", None, None, 912, None),
    ("baseline_year_result", "5.2", 2021, "warning", "33.33", "33.33", None, 919, 408),
    # 5.3 card name "Incremento porcentual anual ..." (l.943); summary l.413 repeats 5.2's name
    ("summary_name", "5.3", None, "error",
     "Incremento porcentual anual en la detección de posibles víctimas de TdP reportadas por los conformantes de la CI",
     "Número de acciones de inclusión del tema de TdP bajo la perspectiva de derechos humanos realizados en el sector educativo",
     None, 943, 413),
    # annex l.955 "0 | N/A | N/A | 0 | 33 | 33 | N/D | 100"; summary l.413 2019-2020 = 0.0
    ("summary_missing", "5.3", 2019, "warning", "N/A", "0.0", None, 955, 413),
    ("summary_missing", "5.3", 2020, "warning", "N/A", "0.0", None, 955, 413),
    # DPVT% = (DPVTI / DPVT0) * 100 (l.951) with DPVT0 = 0 (l.964): division by zero
    ("method_unevaluable", "5.3", 2023, "error", "33", None, None, 955, None),
    ("method_unevaluable", "5.3", 2024, "error", "N/D", None, None, 955, None),
    # substitution "DPVT %=((0-0)/0)*100" (l.965-966) is not (DPVTI / DPVT0) * 100 = (0 / 0) * 100
    ("method_substitution", "5.3", 2023, "warning", "DPVT %=((0-0)/0)*100", None, None, 965, None),
    ("method_substitution", "5.3", 2024, "warning", "DPVT %=((0-0)/0)*100", None, None, 966, None),
]


def test_real_report_findings_are_exactly_these(real):
    expected = schema.apply("audit", [dict(zip(COLUMNS, row)) for row in EXPECTED])[COLUMNS]
    actual = real[COLUMNS].copy()
    actual["computed"] = actual["computed"].round(4)
    pd.testing.assert_frame_equal(actual, expected)


def test_real_report_counts_by_check_and_severity(real):
    counts = real.groupby(["check", "severity"], observed=True).size()
    assert counts[("summary_missing", "warning")] == 24
    assert counts[("method_result", "error")] == 13
    assert counts[("method_result", "info")] == 4  # reproduced as accumulated (non-zero increment): 1.1, 1.3 (x2)
    # 3.1 and 5.2 2024: variables give 0, result N/D; unchanged as accumulated (increment 0):
    # 2.2 (x2), 3.2 (x2), 5.2 2023
    assert counts[("method_result", "warning")] == 7
    assert len(real) == len(EXPECTED) == 74
    assert set(real["check"]) - {"percent_range"} <= set(CHECKS)
    assert not (real["check"] == "percent_range").any()  # every percentage is within 0-100


def test_real_report_details_quote_the_values(real):
    detail = dict(zip(zip(real["check"], real["indicator_id"], real["year"].astype(object)), real["detail"]))
    assert detail[("method_result", "1.2", 2023)] == (
        "La fórmula «PEPC% = (NEC/NEP) * 100» con las variables de 2023 (NEC = 2, NEP = 6; "
        "líneas 495-496) da 33.33, pero el resultado 2023 de la ficha es 83.35."
    )
    assert detail[("method_unevaluable", "4.1", 2023)] == (
        "La fórmula del método de cálculo «PAAC% = (NAAC / TAP) * 100» no se puede evaluar para 2023: "
        "usa NAAC, que la ficha no define (define NACC, TAP, PAAC%)."
    )
    assert "divide entre cero (DPVTI = 0, DPVT0 = 0; líneas 963-964)" in detail[("method_unevaluable", "5.3", 2024)]
    assert detail[("summary_value", "5.1", 2022)].endswith("difieren solo por redondeo.")
    assert "truncamiento" in detail[("summary_value", "5.1", 2023)]
    name = real[(real["check"] == "summary_name")]["detail"].iloc[0]
    assert name.endswith("es el nombre del indicador 5.2.")
    assert "«al menos al 5%»" in real[real["check"] == "name_condition"]["detail"].iloc[0]


def test_table_is_typed_sorted_and_registered_for_extract(real):
    assert list(real.columns) == [c.name for c in schema.columns("audit")]
    assert list(real["severity"].cat.categories) == ["error", "warning", "info"]
    assert real["severity"].cat.ordered
    order = {ind: k for k, ind in enumerate(get_report().indicator_ids)}
    keys = list(zip(real["indicator_id"].map(order), real["check"].cat.codes))
    assert keys == sorted(keys)
    assert (real["objective"] == real["indicator_id"].str.split(".").str[0].astype(int)).all()
    derived = DERIVED_TABLES["audit"](get_report())
    pd.testing.assert_frame_equal(derived, real)


def test_same_findings_when_the_report_is_named(real, tmp_path):
    copy = tmp_path / "copy.txt"
    copy.write_bytes(RAW_REPORT.read_bytes())
    pd.testing.assert_frame_equal(audit(report=copy), real)


# --------------------------------------------------------------------------- safe formulas


def test_formula_evaluation_is_arithmetic_only():
    assert evaluate_formula("(NEC/NEP) * 100", {"NEC": 2, "NEP": 8}) == 25.0
    assert evaluate_formula("-(A - B) + 3", {"A": 1, "B": 4}) == 6.0
    assert evaluate_formula("X%*2", {"X": 1.5}) == 3.0
    with pytest.raises(ZeroDivisionError):
        evaluate_formula("(A/B)*100", {"A": 0, "B": 0})
    with pytest.raises(FormulaError, match="sin valor para NAAC"):
        evaluate_formula("NAAC / TAP", {"TAP": 2})
    for hostile in ("__import__('os').system('true')", "A.real", "2 ** 10", "[1][0]", "A if B else 1", "1; 2"):
        with pytest.raises(FormulaError):
            evaluate_formula(hostile, {"A": 1, "B": 1})


# --------------------------------------------------------------------------- each check: triggers / does not


def test_summary_name(audit_of):
    f = audit_of((188, 1, "Recomendaciones de reformas efectuadas al marco normativo en los aspectos identificados",
                  "Recomendaciones de reformas propuestas al marco normativo en los aspectos identificados"),
                 (413, None, "Número de acciones de inclusión del tema de TdP bajo la perspectiva de derechos humanos realizados en el sector educativo",
                  "INCREMENTO PORCENTUAL ANUAL EN LA DETECCION de posibles víctimas de TdP reportadas por los conformantes de la CI."))
    assert found(f, "summary_name", "1.1")["severity"].tolist() == ["error"]
    # case, accents and a final full stop are not a different name
    assert found(f, "summary_name", "5.3").empty


def test_summary_baseline(audit_of):
    f = audit_of((194, 2, "4 (2021)", "4 (2020)"), (189, 2, "33.3 (2021)", "33.33 (2021)"))
    row = found(f, "summary_baseline", "1.3")
    assert row["severity"].tolist() == ["error"] and "el año es 2020 en el resumen y 2021" in row["detail"].iloc[0]
    assert found(f, "summary_baseline", "1.2").empty


def test_summary_value(audit_of):
    f = audit_of((357, 7, "75", "70"),                       # 4.3 2023: 75 (annex) vs 70 -> error
                 (841, 4, "50", "49.6"),                     # 4.3 2022: 49.6 (annex) vs 50 -> rounding
                 (194, 3, "0", "4"))                         # 1.3 2019: now 4 in both tables
    assert found(f, "summary_value", "4.3", 2023)["severity"].tolist() == ["error"]
    assert found(f, "summary_value", "4.3", 2022)["severity"].tolist() == ["info"]
    assert found(f, "summary_value", "1.3").empty


def test_summary_value_provisional_in_one_table_only(audit_of):
    f = audit_of((305, 8, "66/P", "66"))
    row = found(f, "summary_value", "3.2", 2024)
    assert row["severity"].tolist() == ["info"] and "preliminar" in row["detail"].iloc[0]


def test_summary_missing(audit_of):
    f = audit_of((357, 6, "50", "ND"), (353, 7, "ND", "0.0"))
    row = found(f, "summary_missing", "4.3", 2022)
    assert row[["annex_raw", "summary_raw"]].values.tolist() == [["50", "ND"]]
    assert found(f, "summary_missing", "4.2", 2024).empty


def test_method_unevaluable(audit_of):
    f = audit_of((603, 1, "3", "0"),                         # 2.2 TMCE 2023 = 0: division by zero
                 (769, None, "(NAAC / TAP)", "(NACC / TAP)"),  # 4.1 formula now names NACC, defined
                 (964, 1, "0", "3"), (964, 2, "0", "3"))     # 5.3 DPVT0 = 3: no longer 0/0
    row = found(f, "method_unevaluable", "2.2", 2023)
    assert "divide entre cero (NMCEF = 0, TMCE = 0" in row["detail"].iloc[0]
    assert found(f, "method_unevaluable", "2.2", 2024).empty
    assert found(f, "method_unevaluable", "4.1").empty
    # 4.1 evaluates now: (0 / 2) * 100 = 0 against the reported 100
    assert found(f, "method_result", "4.1")["computed"].tolist() == [0.0, 0.0]
    assert found(f, "method_unevaluable", "5.3").empty


def test_method_result(audit_of):
    f = audit_of((804, 5, "0", "5"),                         # 4.2 2023: 0/13*100 = 0 but reported 5
                 (567, 3, "2", "3"))                         # 2.1 2023: 3/3*100 = 100 = reported
    row = found(f, "method_result", "4.2", 2023)
    assert row[["severity", "annex_raw"]].values.tolist() == [["error", "5"]]
    assert row["computed"].tolist() == [0.0]
    assert found(f, "method_result", "2.1", 2023).empty
    assert not found(f, "method_result", "2.1", 2024).empty  # 2024 still 2/3


def test_method_result_truncation_is_info(audit_of):
    f = audit_of((562, 5, "100", "66.66"))                   # 2.1 2023: 2/3*100 = 66.666...
    assert found(f, "method_result", "2.1", 2023)["severity"].tolist() == ["info"]


def test_numbers_of_thirty_digits_are_compared_not_crashed_on(audit_of):
    # Found by the break-it pass: 1.1's 2022 result (an accumulated indicator) with 30 digits
    # made the rounding comparison raise decimal.InvalidOperation, so `pnt extract` printed a
    # traceback; the report accepts numbers of up to 30 digits.
    big = "9" * 30
    f = audit_of((451, 4, "10", big))
    row = found(f, "summary_value", "1.1", 2022)
    assert row[["severity", "annex_raw", "summary_raw"]].values.tolist() == [["error", big, "10"]]
    from pntlib.audit.findings import _compare_computed, _compare_raw

    assert _compare_raw(big + ".4", big) == "rounding"
    assert _compare_computed(float(big), big) == "different"  # the float is 1e30, not 999...9
    assert _compare_computed(float("inf"), "5") == "different"


def test_method_substitution(audit_of):
    f = audit_of((569, 3, "MCE=(2/3)*100", "MCE=(2/4)*100"),   # 2.1 2023: 4 is not TMCP = 3
                 (783, 1, "PAAC%= (0/2)*100", "PAAC%= (0/5)*100"),  # 4.1 (formula unevaluable): 5 is no variable
                 (965, 1, "DPVT %=((0-0)/0)*100", "DPVT %=(0/0)*100"))  # 5.3 2023 now the card's formula
    row = found(f, "method_substitution", "2.1", 2023)
    assert "que sería «(2 / 3) * 100»" in row["detail"].iloc[0]
    assert "usa 5, que no es valor de ninguna variable" in found(f, "method_substitution", "4.1", 2023)["detail"].iloc[0]
    assert found(f, "method_substitution", "4.1", 2024).empty
    assert found(f, "method_substitution", "5.3", 2023).empty
    assert not found(f, "method_substitution", "5.3", 2024).empty


def test_name_unit(audit_of):
    f = audit_of((552, 1, "Porcentaje", "Mecanismos"),       # 2.1 "Porcentaje de ..." counted in Mecanismos
                 (475, 1, "Porcentaje", "Espacios"))         # 1.2 "Número de ..." now counted in Espacios
    assert found(f, "name_unit", "2.1")["annex_raw"].tolist() == ["Mecanismos"]
    assert found(f, "name_unit", "1.2").empty


def test_name_condition(audit_of):
    f = audit_of((812, None, "al menos al 10%", "al menos al 5%"))
    assert found(f, "name_condition", "4.2").empty
    f = audit_of((792, None, "al menos al 5%", "al menos al 15%"))
    # the name says 15%: the definitions of NII and PII% in Método de cálculo (l.800) say 5%,
    # variable 1 (l.812) says 10%
    assert found(f, "name_condition", "4.2")["annex_line"].tolist() == [800, 800, 812]


def test_baseline_year_result(audit_of):
    f = audit_of((451, 1, "5", "6"),                         # 1.1: baseline 5 (2019), Resultado 2019 = 6
                 (562, 3, "100", "66.67"))                   # 2.1: Resultado 2021 = baseline 66.67
    row = found(f, "baseline_year_result", "1.1", 2019)
    assert row[["annex_raw", "summary_raw"]].values.tolist() == [["6", pd.NA]]
    assert found(f, "baseline_year_result", "2.1").empty


def test_beyond_target(audit_of):
    f = audit_of((804, 6, "0", "60"),                        # 4.2 2024 = 60 > Meta 2024 = 50
                 (451, 7, "15", "20"))                       # 1.1 Meta 2024 = 20 = result 2024
    assert found(f, "beyond_target", "4.2", 2024)["annex_raw"].tolist() == ["60"]
    assert found(f, "beyond_target", "1.1").empty


def test_percent_range(audit_of):
    f = audit_of((841, 6, "100", "120"),                     # 4.3 (Porcentaje) 2024 = 120
                 (451, 6, "20", "120"))                      # 1.1 counts Recomendaciones: 120 is fine
    assert found(f, "percent_range", "4.3", 2024)["severity"].tolist() == ["warning"]
    assert found(f, "percent_range", "1.1").empty


def test_cumulative_decrease(audit_of):
    f = audit_of((841, 5, "75", "40"),                       # 4.3 (Acumulado): 50 (2022) -> 40 (2023)
                 (629, 5, "100", "50"),                      # 2.3 is Periódico: a fall is allowed
                 (188, 4, "0", "5"), (188, 5, "0", "5"))     # 1.1 summary: 5, 5, 5, 10 ...
    row = found(f, "cumulative_decrease", "4.3", 2023)
    assert "baja de 50 en 2022 a 40 en 2023" in row["detail"].iloc[0]
    assert found(f, "cumulative_decrease", "2.3").empty
    assert found(f, "cumulative_decrease", "1.1").empty


def test_provisional(audit_of):
    f = audit_of((841, 6, "100", "100/P"), (703, 6, "66/P", "66"), (305, 8, "66/P", "66"))
    assert found(f, "provisional", "4.3", 2024)[["annex_raw", "summary_raw"]].values.tolist() == [["100/P", pd.NA]]
    assert found(f, "provisional", "3.2").empty


def test_summary_disagreements_classify_the_summary_checks(real):
    from pntlib import summary_disagreements

    grid = summary_disagreements(real)
    kinds = dict(zip(zip(grid["indicator_id"], grid["year"]), grid["kind"]))
    assert len(grid) == 4 + 24  # summary_value + summary_missing rows of EXPECTED
    assert kinds[("1.3", 2019)] == "different"   # 4 vs 0 (l.518, l.194)
    assert kinds[("5.1", 2022)] == "rounding"    # 33 vs 33.33 (l.884, l.407)
    assert kinds[("5.1", 2023)] == "truncation"  # 66 vs 66.66
    assert kinds[("4.2", 2024)] == "missing"     # 0 vs ND (l.804, l.353)


@pytest.mark.kernel
def test_data_quality_notebook_runs(tmp_path, monkeypatch):
    papermill = pytest.importorskip("papermill")
    root = RAW_REPORT.parents[2]
    monkeypatch.setenv("PYTHONPATH", str(root / "src"))  # the kernel imports this checkout's pntlib
    papermill.execute_notebook(
        str(root / "notebooks" / "data_quality.ipynb"), str(tmp_path / "dq.ipynb"),
        parameters={"output_dir": str(tmp_path)}, cwd=str(root / "notebooks"), progress_bar=False,
    )
    assert (tmp_path / "figures" / "data_quality-discrepancias.png").stat().st_size > 0


@pytest.mark.kernel
def test_data_quality_notebook_rejects_a_missing_report(tmp_path, monkeypatch):
    papermill = pytest.importorskip("papermill")
    root = RAW_REPORT.parents[2]
    monkeypatch.setenv("PYTHONPATH", str(root / "src"))
    with pytest.raises(papermill.PapermillExecutionError, match="ReportNotFoundError"):
        papermill.execute_notebook(
            str(root / "notebooks" / "data_quality.ipynb"), str(tmp_path / "dq.ipynb"),
            parameters={"report": str(tmp_path / "nope.txt"), "output_dir": str(tmp_path)},
            cwd=str(root / "notebooks"), progress_bar=False,
        )


def test_audit_of_one_objective_or_indicator(real):
    # the same rows as filtering the whole audit; 3 and "3" are the same objective
    three = audit(objective=3)
    pd.testing.assert_frame_equal(three, real[real["objective"] == 3].reset_index(drop=True))
    pd.testing.assert_frame_equal(audit(objective="3"), three)
    one = audit(indicator="3.2")
    pd.testing.assert_frame_equal(one, real[real["indicator_id"] == "3.2"].reset_index(drop=True))
    with pytest.raises(ParameterError, match="indicator='9.9'"):
        audit(indicator="9.9")


# --------------------------------------------------------------------------- relation of each (indicator, year)

# The real report, read by hand: formula with the year's variables against the annex result
# (SERIE HISTÓRICA); for an Acumulado card, the previous reported result plus the formula.
EXPECTED_RELATIONS = {
    ("1.1", 2023): "reproduced_as_accumulated",  # NRR = 5 (l.456); 10 (2022) + 5 = 15 = 2023 (l.451)
    ("1.1", 2024): "reproduced_as_accumulated",  # 15 + 5 = 20 = 2024
    ("1.2", 2023): "not_reproduced",  # 2/6*100 = 33.33; 66.68 + 33.33 = 100.01; printed 83.35 (l.490)
    ("1.2", 2024): "not_reproduced",  # 33.33; 83.35 + 33.33 = 116.68; printed 100
    ("1.3", 2023): "reproduced_as_accumulated",  # NPS = 4 (l.530); 8 + 4 = 12 (l.518)
    ("1.3", 2024): "reproduced_as_accumulated",  # 12 + 4 = 16
    ("2.1", 2023): "not_reproduced",  # 2/3*100 = 66.67; 100 + 66.67 = 166.67; printed 100 (l.562)
    ("2.1", 2024): "not_reproduced",
    ("2.2", 2023): "unchanged_as_accumulated",  # 0/3*100 = 0; 100 (2022) + 0 = 100 (l.594): increment 0
    ("2.2", 2024): "unchanged_as_accumulated",  # 100 + 0 = 100
    ("2.3", 2023): "not_reproduced",  # Periódico: 0/7*100 = 0; printed 100 (l.629)
    ("2.3", 2024): "not_reproduced",
    ("3.1", 2023): "not_reproduced",  # Periódico: 0/7*100 = 0; printed 86 (l.668)
    ("3.1", 2024): "not_reproduced",  # 0; printed N/D
    ("3.2", 2023): "unchanged_as_accumulated",  # 0/13*100 = 0; 66 (2022) + 0 = 66 (l.703): increment 0
    ("3.2", 2024): "unchanged_as_accumulated",  # 66 + 0 = 66 = 66/P
    ("3.3", 2023): "not_reproduced",  # Periódico: 0/13*100 = 0; printed 77 (l.735)
    ("3.3", 2024): "not_reproduced",  # 0; printed 77/P
    ("4.1", 2023): "unevaluable",  # formula names NAAC, the card defines NACC (l.769)
    ("4.1", 2024): "unevaluable",
    ("4.2", 2023): "reproduced",  # 0/13*100 = 0 = 0 (l.804)
    ("4.2", 2024): "reproduced",
    ("4.3", 2023): "not_reproduced",  # 0/13*100 = 0; 50 (2022) + 0 = 50; printed 75 (l.841)
    ("4.3", 2024): "not_reproduced",  # 75 + 0 = 75; printed 100
    ("5.1", 2023): "not_reproduced",  # 0/3*100 = 0; 33 + 0 = 33; printed 66 (l.884)
    ("5.1", 2024): "not_reproduced",  # 66 + 0 = 66; printed 100
    ("5.2", 2023): "unchanged_as_accumulated",  # 0/1*100 = 0; 66.66 (2022) + 0 = 66.66 (l.919): increment 0
    ("5.2", 2024): "not_reproduced",  # 0; printed N/D
    ("5.3", 2023): "unevaluable",  # DPVTI = 0, DPVT0 = 0: 0/0 (l.963-964)
    ("5.3", 2024): "unevaluable",
}


def test_real_relations_by_hand(real):
    from pntlib.audit import method_relations

    rel = method_relations(get_report())
    assert dict(zip(zip(rel["indicator_id"], rel["year"]), rel["relation"])) == EXPECTED_RELATIONS
    computed = dict(zip(zip(rel["indicator_id"], rel["year"]), rel["computed_value"]))
    assert computed[("1.1", 2023)] == 15.0 and computed[("1.1", 2024)] == 20.0  # 10 + 5, 15 + 5
    assert computed[("1.2", 2024)] == pytest.approx(100 / 3)  # the formula alone: 2/6*100
    assert pd.isna(computed[("5.3", 2023)])
    # the audit carries the relation on its method rows, and says so in Spanish
    methods = real[real["check"].isin(["method_result", "method_unevaluable"])]
    assert all(EXPECTED_RELATIONS[(i, y)] == r for i, y, r in zip(methods["indicator_id"], methods["year"], methods["relation"]))
    assert real.loc[~real["check"].astype(str).str.startswith("method"), "relation"].isna().all()
    row = found(real, "method_result", "1.1", 2023)
    assert "se reproduce si el resultado se lee como acumulado: 10 + 5 = 15" in row["detail"].iloc[0]
    assert row["severity"].tolist() == ["info"]


def test_each_relation_on_synthetic_cards(damaged_report):
    from pntlib.audit import method_relations

    path = damaged_report(edits=[
        (440, 3, "Acumulado", "Periódico"),  # 1.1 periodic: 5 alone is not 15, and no accumulation is read
        (451, 6, "20", "21"),                # (and 2024 = 21)
        (456, 2, "5", "ND"),                 # 1.1 NRR 2023 = ND: unevaluable
        (567, 3, "2", "3"),                  # 2.1 2023: 3/3*100 = 100 = printed 100: reproduced
        (530, 2, "4", "5"),                  # 1.3 2024: 12 + 5 = 17, printed 16: not reproduced
    ])
    rel = method_relations(get_report(path))
    got = dict(zip(zip(rel["indicator_id"], rel["year"]), rel["relation"]))
    assert got[("1.1", 2023)] == "unevaluable"  # variable printed ND
    assert got[("1.1", 2024)] == "not_reproduced"  # Periódico: NRR = 5, printed 21
    assert got[("2.1", 2023)] == "reproduced"
    assert got[("1.3", 2023)] == "reproduced_as_accumulated"  # 8 + 4 = 12 still
    assert got[("1.3", 2024)] == "not_reproduced"  # 12 + 5 = 17 != 16, and 5 != 16
    findings = audit(report=path)
    assert "falta el valor de NRR (variable 1, ND)" in found(findings, "method_unevaluable", "1.1", 2023)["detail"].iloc[0]
    assert found(findings, "method_result", "2.1", 2023).empty


def test_each_evidence_value_on_synthetic_cards(damaged_report):
    import pntlib

    path = damaged_report(edits=[
        (567, 4, "2", "3"),                  # 2.1 2024: NMCE = 3, TMCP = 3: 3/3*100 = 100 = printed 100
        (456, 3, "5", "ND"),                 # 1.1 2024: NRR printed ND: the formula cannot be evaluated
        (804, 5, "0", "ND"), (804, 6, "0", "ND"),  # 4.2: 2023 and 2024 ND: judged on 2022, no variables
    ])
    table = pntlib.progress(report=path)
    assert table.loc["2.1", "evidence"] == "reproduced" and table.loc["2.1", "computed_value"] == 100.0
    assert table.loc["1.1", "evidence"] == "unverifiable" and pd.isna(table.loc["1.1", "computed_value"])
    assert table.loc["4.2", "latest_year"] == 2022 and table.loc["4.2", "evidence"] == "no_variables"
    assert table.loc["1.3", "evidence"] == "reproduced_as_accumulated"  # unedited: 12 + 4 = 16
    assert table.loc["1.2", "evidence"] == "not_reproduced"  # unedited: 2/6*100 = 33.33 vs 100


def test_audit_and_progress_are_computed_once_per_report_and_returned_as_copies():
    """Computed once per parsed report (pnt run's kernels inherit them); changing a returned table changes nothing else."""
    from pntlib import progress
    from pntlib.tables import get_report

    first = audit()
    first.loc[0, "detail"] = "cambiado"
    assert audit().loc[0, "detail"] != "cambiado"
    verdicts = progress()
    verdicts["status"] = verdicts["status"].cat.codes
    assert progress()["status"].dtype.name == "category"
    assert len(get_report().__dict__["_derived"]) >= 2  # the audit and the progress table, kept


# --------------------------------------------------------------------------- empty text and missing values


def test_empty_text_and_missing_values_never_crash_the_audit(damaged_report, report_text):
    method = report_text.split("\n")[443].split("\t")[1].strip()  # 1.1, l.444: "NRR: Número de ..."
    path = damaged_report(edits=[
        (444, 1, method, "$NRR$"),  # the formula alone: no definitions (method_variables missing)
        (457, 1, "NRR=5", ""),  # Sustitución en método de cálculo para 2023, empty (missing)
        *MISSING_VALUES["all"], *MISSING_VALUES["variable"][1:],  # 3.1: no number in its annex row or variables
    ])
    findings = audit(report=path)
    assert not findings["detail"].str.contains("<NA>|«»|None|nan").any()
    details = found(findings, "method_unevaluable", "1.1", 2023)["detail"].tolist()
    assert details == ["La fórmula del método de cálculo «NRR» no se puede evaluar para 2023: usa NRR, que la "
                       "ficha no define (no define ningún símbolo)."]
    assert found(findings, "method_substitution", "1.1", 2023)["detail"].tolist() == [
        "La sustitución en método de cálculo para 2023 (vacía) no es una expresión aritmética que se pueda comparar."]
    # the other pages' computations read the same tables
    pntlib.progress(report=path)
    pntlib.briefing.audit_findings(objective=1, report=path)


def test_a_zero_increment_is_unchanged_not_reproduced(damaged_report):
    from pntlib.audit import method_relations

    # 1.3 (Acumulado) 2024: NPS = 0 (l.530) and Resultado 2024 = 12 (l.518): 12 (2023) + 0 = 12
    path = damaged_report(edits=[(530, 2, "4", "0"), (518, 6, "16", "12")])
    rel = method_relations(get_report(path))
    got = dict(zip(zip(rel["indicator_id"], rel["year"]), rel["relation"]))
    assert got[("1.3", 2023)] == "reproduced_as_accumulated"  # 8 + 4 = 12: a non-zero increment reproduces
    assert got[("1.3", 2024)] == "unchanged_as_accumulated"  # 12 + 0 = 12: only carried over
    row = found(audit(report=path), "method_result", "1.3", 2024)
    assert row["severity"].tolist() == ["warning"]
    assert "arrastrando el resultado 2023, 12 + 0 = 12" in row["detail"].iloc[0]
    assert row["relation"].tolist() == ["unchanged_as_accumulated"]
    import pntlib

    table = pntlib.progress(report=path)
    assert table.loc["1.3", "evidence"] == "unchanged_as_accumulated"  # weak evidence for 12 < 16
    assert table.loc["1.3", "outcome"] == "not_achieved"


def test_a_target_on_the_wrong_side_of_the_baseline(damaged_report):
    import pntlib

    # 1.3: Ascendente (l.513), línea base 4, Meta 2024 2 (l.518, last cell): below the línea base
    path = damaged_report(edits=[(518, 7, "16", "2")])
    row = found(audit(report=path), "target_against_trend", "1.3", 2024)
    assert row["severity"].tolist() == ["error"]
    assert row["detail"].iloc[0] == ("La ficha se contradice: con tendencia esperada ascendente, la Meta 2024 (2) "
                                     "queda por debajo de la línea base (4).")
    assert row["annex_raw"].tolist() == ["2 (2024)"] and row["annex_line"].tolist() == [518]
    table = pntlib.progress(report=path)
    # no trajectory (distance (16-4)/(2-4)*100 = -600 would be nonsense); the outcome still compares 16 with 2
    assert table.loc["1.3", "status"] == "no_data"
    assert pd.isna(table.loc["1.3", "distance_covered_pct"]) and pd.isna(table.loc["1.3", "pace_ratio"])
    assert table.loc["1.3", "outcome"] == "achieved"  # 16 >= 2
    assert "queda por debajo de la línea base (4)" in table.loc["1.3", "method_note"]
    # Descendente (l.513): the Meta 16 lies above the línea base 4
    path = damaged_report(edits=[(513, 1, "Ascendente", "Descendente")])
    row = found(audit(report=path), "target_against_trend", "1.3", 2024)
    assert "con tendencia esperada descendente, la Meta 2024 (16) queda por encima de la línea base (4)" in row["detail"].iloc[0]
    assert pntlib.progress(report=path).loc["1.3", "status"] == "no_data"
    assert audit()["check"].isin(["target_against_trend", "baseline_after_results"]).sum() == 0  # the real report


def test_a_baseline_year_after_every_result(damaged_report):
    import pntlib

    # 4.2 SERIE HISTÓRICA header (l.803): "Valor de la línea base 2030"; its last result is 2024
    path = damaged_report(edits=[(803, 0, "Valor de la línea base 2021", "Valor de la línea base 2030")])
    row = found(audit(report=path), "baseline_after_results", "4.2", 2030)
    assert row["severity"].tolist() == ["error"]
    assert row["detail"].iloc[0] == ("La ficha se contradice: la línea base es de 2030, posterior a todos los "
                                     "resultados que reporta (el último, de 2024).")
    table = pntlib.progress(report=path)
    # before: expected (2024-2030)/(2024-2030) = 100 % and "limited"; now no trajectory, outcome 0 < 50
    assert table.loc["4.2", "status"] == "no_data" and pd.isna(table.loc["4.2", "expected_pct"])
    assert table.loc["4.2", "outcome"] == "not_achieved"
