"""Formulas of the *Método de cálculo*: splitting, symbols, comparing a substitution.

Facts read off data/raw/ (card lines in comments); the evaluator's arithmetic is
also covered by tests/test_audit.py::test_formula_evaluation_is_arithmetic_only.
"""

from __future__ import annotations

import pytest

import pntlib
from pntlib.formulas import (
    FormulaError,
    canonical,
    constants,
    defined_symbols,
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
