"""Formulas of the *Método de cálculo*: splitting, symbols, comparing a substitution.

Facts read off data/raw/ (card lines in comments); the evaluator's arithmetic is
also covered by tests/test_audit.py::test_formula_evaluation_is_arithmetic_only.
"""

from __future__ import annotations

import pandas as pd
import pytest

import pntlib
from pntlib.formulas import (
    MAX_NESTING,
    MAX_OPERATORS,
    FormulaError,
    canonical,
    constants,
    defined_symbols,
    evaluate_formula,
    input_symbols,
    norm_symbol,
    split_formula,
    split_method,
    symbols,
)


@pytest.fixture(scope="module")
def cards():
    return pntlib.load_indicators()


def test_split_method_without_markup():
    formula, defs = split_method("NPS: Número de participaciones.")
    assert (formula, defs) == ("NPS", "NPS: Número de participaciones.")
    formula, defs = split_method("$A\\% = (B/C) * 100$ <p>B: uno.</p> <p>C: dos.</p>")
    assert formula == "A% = (B/C) * 100" and defs == "B: uno.\nC: dos."


@pytest.mark.parametrize(
    "indicator, inputs",
    [
        ("1.1", ["NRR"]),  # line 444: the indicator is its one variable
        ("1.2", ["NEC", "NEP"]),  # line 478: PEPC% = (NEC/NEP) * 100 defines NEC, NEP, PEPC%
        ("4.1", ["NACC", "TAP"]),  # line 769: defines NACC (the formula says NAAC), TAP, PAAC%
        ("5.3", ["DPVTI", "DPVT0"]),  # line 951: the result DPVT% is not an input
    ],
)
def test_input_symbols_of_real_cards(cards, indicator, inputs):
    assert input_symbols(cards.at[indicator, "method"], cards.at[indicator, "method_variables"]) == inputs


def test_symbols_and_their_normal_form(cards):
    lhs, rhs = split_formula(cards.at["4.1", "method"])
    assert (lhs, rhs) == ("PAAC%", "(NAAC / TAP) * 100")
    assert symbols(rhs) == ["NAAC", "TAP"]
    assert split_formula("NRR") == (None, "NRR")
    assert norm_symbol("DPVT %") == "DPVT"
    assert defined_symbols(cards.at["5.3", "method_variables"]) == ["DPVTI", "DPVT0", "DPVT%"]
    # The left-hand side is recognised however it is spaced or cased.
    assert input_symbols("pepc % = (NEC/NEP)", "NEC: a\nNEP: b\nPEPC%: c") == ["NEC", "NEP"]


def test_a_substitution_compared_with_the_formula():
    # Card 3.2: IA%=(NIA/TIA)*100 (line 696), variables 0 and 13 (lines 708-709),
    # printed substitution "IA%=(0/13)*100" (line 710).
    subs = pntlib.load_substitutions()
    text = subs[(subs.indicator_id == "3.2") & (subs.year == 2023)]["text"].iloc[0]
    _, printed = split_formula(text)
    _, formula = split_formula(pntlib.load_indicators().at["3.2", "method"])
    assert canonical(printed, {}) == canonical(formula, {"NIA": 0.0, "TIA": 13.0})
    assert canonical(printed, {}) != canonical(formula, {"NIA": 13.0, "TIA": 0.0})
    assert constants(printed) == [100.0, 0.0, 13.0]
    with pytest.raises(FormulaError):
        constants("(0/13")


# --------------------------------------------------------------------------- bounded, whatever the text


@pytest.mark.parametrize(
    "expression, why",
    [
        ("+".join(["1"] * 1_000), "demasiadas operaciones"),
        ("+".join(["1"] * 100_000), "demasiado larga"),
        ("(" * 60 + "NIA" + ")" * 60, "anida demasiados paréntesis"),
        ("-" * 1_000 + "1", "demasiadas operaciones"),
        ("9" * 400 + "/NIA", "número demasiado grande"),
    ],
)
def test_oversized_expressions_are_refused_not_recursed(expression, why):
    for use in (lambda: evaluate_formula(expression, {"NIA": 1.0}), lambda: canonical(expression, {"NIA": 1.0}),
                lambda: constants(expression)):
        with pytest.raises(FormulaError, match=why) as err:
            use()
        assert len(str(err.value)) < 250  # the message quotes the start of the expression only


def test_largest_accepted_expression_evaluates():
    chain = "+".join(["NIA"] * (MAX_OPERATORS + 1))  # MAX_OPERATORS operators
    assert evaluate_formula(chain, {"NIA": 2.0}) == 2.0 * (MAX_OPERATORS + 1)
    nested = "(" * MAX_NESTING + "NIA" + ")" * MAX_NESTING
    assert evaluate_formula(nested, {"NIA": 3.0}) == 3.0
    with pytest.raises(FormulaError, match="demasiado grande"):  # overflow is not a number
        evaluate_formula("*".join(["NIA"] * 20), {"NIA": 1e30})


def _with_3_2(report_text: str, formula: str, substitution_2023: str) -> str:
    """Card 3.2 with another formula (line 696) and 2023 substitution (line 710)."""
    text = report_text.replace("$IA\\%=(NIA/TIA)*100$", f"$IA\\%={formula}$", 1)
    old = "Sustitución en método de cálculo para 2023\t$IA\\%=(0/13)*100$"
    assert old in text
    return text.replace(old, f"Sustitución en método de cálculo para 2023\tIA%={substitution_2023}", 1)


@pytest.mark.parametrize(
    "formula, substitution",
    [
        ("(" + "+".join(["NIA"] * 1_000) + ")/TIA*100", "(" + "+".join(["0"] * 1_000) + ")/13*100"),
        ("(" * 300 + "NIA/TIA" + ")" * 300 + "*100", "(" * 300 + "0/13" + ")" * 300 + "*100"),
    ],
    ids=["1000 terms", "300 parentheses"],
)
def test_extract_gives_findings_for_huge_formulas(report_text, write_report, tmp_path, formula, substitution):
    from pntlib.extract import extract

    path = write_report(_with_3_2(report_text, formula, substitution))
    extract(report=path, out=tmp_path / "out")
    findings = pd.read_csv(tmp_path / "out" / "audit.csv", keep_default_na=False, dtype=str)
    mine = findings[findings.indicator_id == "3.2"]
    unevaluable = mine[mine.check == "method_unevaluable"]
    assert sorted(unevaluable.year) == ["2023", "2024"]
    assert unevaluable.detail.str.contains("para evaluarla").all()
    assert "2023" in set(mine[mine.check == "method_substitution"].year)
    # The text itself is kept verbatim in the tables.
    subs = pd.read_csv(tmp_path / "out" / "substitutions.csv", keep_default_na=False, dtype=str)
    assert subs[(subs.indicator_id == "3.2") & (subs.year == "2023")].text.iloc[0] == "IA%=" + substitution


def test_a_formula_that_overflows_is_a_finding(report_text, write_report):
    # Card 3.2 (lines 696, 708): NIA = 10^29 multiplied 12 times is beyond any float.
    text = _with_3_2(report_text, "(" + "*".join(["NIA"] * 12) + ")/TIA*100", "(0/13)*100")
    big = "1" + "0" * 29
    old = "atribuciones aplican los Instrumentos de atención\t\t\t0\t0\t"
    assert old in text
    path = write_report(text.replace(old, f"atribuciones aplican los Instrumentos de atención\t\t\t{big}\t{big}\t", 1))
    findings = pntlib.audit(report=path)
    mine = findings[(findings.indicator_id == "3.2") & (findings.check == "method_unevaluable")]
    assert list(mine.year) == [2023, 2024]
    assert mine.detail.str.contains("demasiado grande").all()
