"""Checks of the método de cálculo (``method_unevaluable``, ``method_result``,
``method_substitution``) and :func:`method_relations`, how each (indicator, year)
annex result relates to the card's own variables.

Formulas are parsed with :mod:`ast` and evaluated by walking the tree
(:mod:`pntlib.formulas`); nothing is passed to :func:`eval`.
"""

from __future__ import annotations

import functools
from collections import Counter
from dataclasses import dataclass

import pandas as pd

from .. import schema
from ..formulas import SYMBOL_RE as _SYMBOL_RE
from ..formulas import FormulaError, evaluate_formula, input_symbols
from ..formulas import canonical as _canonical
from ..formulas import constants as _constants
from ..formulas import norm_symbol as _norm_symbol
from ..formulas import parse_expression as _parse
from ..formulas import split_formula as _split_formula
from ..formulas import symbols as _symbols
from ..tables import ParsedReport
from ..text import fold
from ..text import number as _fmt
from .context import _Context
from .findings import _compare_computed, _finding, _lines_span, _missing_es, _quoted, _text


@dataclass
class _Method:
    """A card's formula and which variable each of its symbols stands for."""

    formula: str
    lhs: str | None
    rhs: str
    definitions: list[str]  # defined symbols, normalised, card order
    inputs: dict[str, int]  # symbol -> variable number
    problem: str | None  # why it cannot be evaluated for any year

    @classmethod
    def from_card(cls, method: str | None, method_variables: str | None, n_variables: int) -> "_Method":
        formula = _text(method).strip()
        lhs, rhs = _split_formula(formula)
        printed = [line.split(":", 1)[0].strip() for line in _text(method_variables).split("\n") if ":" in line]
        definitions = [_norm_symbol(d) for d in printed]
        inputs_order = [_norm_symbol(d) for d in input_symbols(formula, _text(method_variables))]
        inputs = {sym: k + 1 for k, sym in enumerate(inputs_order) if k < n_variables}
        problem = None
        if not rhs:
            problem = "la ficha no da fórmula"
        else:
            try:
                _parse(rhs)
            except FormulaError as exc:
                problem = str(exc)
        if problem is None:
            undefined = [s for s in _symbols(rhs) if s not in definitions]
            unmapped = [s for s in _symbols(rhs) if s in definitions and s not in inputs]
            if undefined:
                problem = (
                    f"usa {', '.join(undefined)}, que la ficha no define"
                    + (f" (define {', '.join(printed)})" if printed else " (no define ningún símbolo)")
                )
            elif unmapped:
                problem = (
                    f"usa {', '.join(unmapped)}, que no corresponde a ninguna de las "
                    f"{n_variables} variables con valor"
                )
        return cls(formula, lhs, rhs, definitions, inputs, problem)


@dataclass
class _YearMethod:
    """The card's formula applied to the variables of one year, and how it relates to the result."""

    indicator_id: str
    year: int
    method: _Method
    these: pd.DataFrame  # the year's variables, indexed by variable number
    values: dict[str, float]  # symbol -> value, the variables that hold a number
    reported: pd.Series | None  # the annex result of the year
    previous: pd.Series | None  # the last annex result with a number before the year
    relation: str  # one of RELATIONS
    formula_value: float | None = None  # the formula with the year's variables
    computed_value: float | None = None  # read as the relation says (previous + formula when accumulated)
    problem: str | None = None  # why the formula cannot be evaluated (Spanish)
    truncated: bool = False  # the printed result is the computed value truncated, not rounded

    def shown(self) -> str:
        return ", ".join(f"{s} = {_fmt(self.values[s])}" for s in _symbols(self.method.rhs) if s in self.values)

    def var_lines(self) -> str:
        used = [k for s, k in self.method.inputs.items() if s in _symbols(self.method.rhs)]
        return _lines_span([int(self.these.loc[k, "source_line"]) for k in used]) if used else ""


#: How a year's result relates to the card's own variables (the audit's ``relation`` column).
RELATIONS = list(schema.RELATION_ORDER)


def _reproduces(computed: float, reported: pd.Series | None) -> str | None:
    """"equal" or "truncation" when ``computed`` gives the printed result, else None."""
    if reported is None or pd.isna(reported["value"]):
        return None
    how = _compare_computed(computed, reported["raw"])
    return how if how in ("equal", "truncation") else None


def _year_methods(ctx: _Context):
    """Every (indicator, year) the card gives variables for, with its relation (annex results)."""
    results = ctx.rows("annex", "result")
    for ind, card in ctx.indicators.iterrows():
        variables = ctx.variables[ctx.variables["indicator_id"] == ind]
        numbers = sorted(int(v) for v in variables["variable"].unique())
        method = _Method.from_card(card["method"], card["method_variables"], len(numbers))
        own = results[results["indicator_id"] == ind].sort_values("year")
        accumulated = fold(_text(card["accumulation"])) == "acumulado"
        for year in sorted(int(y) for y in variables["year"].unique()):
            these = variables[variables["year"] == year].set_index("variable")
            at_year = own[own["year"] == year]
            reported = at_year.iloc[0] if len(at_year) else None
            before = own[(own["year"] < year) & own["value"].notna()]
            previous = before.iloc[-1] if len(before) else None
            symbols = _symbols(method.rhs) if method.problem is None else []
            values = {sym: float(these.loc[k, "value"]) for sym, k in method.inputs.items()
                      if method.problem is None and pd.notna(these.loc[k, "value"])}
            item = _YearMethod(ind, year, method, these, values, reported, previous, "unevaluable",
                               problem=method.problem)
            if item.problem is None:
                missing = [f"{sym} (variable {k}, {these.loc[k, 'raw']})" for sym, k in method.inputs.items()
                           if sym in symbols and sym not in values]
                if missing:
                    item.problem = f"falta el valor de {', '.join(missing)}"
                else:
                    try:
                        item.formula_value = evaluate_formula(method.rhs, values)
                    except ZeroDivisionError:
                        item.problem = f"divide entre cero ({item.shown()}; {item.var_lines()})"
                    except FormulaError as exc:  # e.g. a result too large for a float
                        item.problem = str(exc)
            if item.formula_value is not None:
                direct = _reproduces(item.formula_value, reported)
                summed = None if previous is None else float(previous["value"]) + item.formula_value
                if direct:
                    item.relation, item.computed_value = "reproduced", item.formula_value
                    item.truncated = direct == "truncation"
                elif accumulated and summed is not None and _reproduces(summed, reported):
                    # an increment of exactly 0 carries the previous result over: nothing in the
                    # variables supports the printed value (weak evidence, not a reproduction)
                    carried = item.formula_value == 0
                    item.relation = "unchanged_as_accumulated" if carried else "reproduced_as_accumulated"
                    item.computed_value = summed
                    item.truncated = _reproduces(summed, reported) == "truncation"
                else:
                    item.relation, item.computed_value = "not_reproduced", item.formula_value
            yield item


def method_relations(parsed: ParsedReport) -> pd.DataFrame:
    """How each year's annex result relates to the card's own variables.

    For every indicator and every year the card's *APLICACIÓN DEL MÉTODO DE
    CÁLCULO* gives variables for, the formula of *Método de cálculo* is
    evaluated with them and compared with the annex result of that year
    (*SERIE HISTÓRICA*), up to the printed decimals (a truncated print counts).

    Parameters
    ----------
    parsed : ParsedReport
        See :func:`pntlib.tables.get_report`.

    Returns
    -------
    pandas.DataFrame
        RangeIndex, one row per (indicator, year), report order then year:

        - ``indicator_id`` : string; ``year`` : Int64;
        - ``relation`` : ordered category {reproduced,
          reproduced_as_accumulated, unchanged_as_accumulated, not_reproduced,
          unevaluable} — ``reproduced``: the formula gives the result;
          ``reproduced_as_accumulated``: an *Acumulado* card whose last reported
          result before that year plus the formula, a non-zero increment, gives
          it (the variables describe the year's increment);
          ``unchanged_as_accumulated``: the same, but the formula gives an
          increment of exactly 0, so the previous result is only carried over
          and the variables support nothing of the printed value (weak evidence);
          ``not_reproduced``: neither (also when the result is NA/ND or absent);
          ``unevaluable``: a symbol the card does not define, a variable
          printed as NA/ND, or a division by zero;
        - ``formula_value`` : Float64 — the formula with the year's variables;
        - ``computed_value`` : Float64 — the result the variables give, read
          as ``relation`` says (previous result + formula when accumulated);
        - ``previous_year`` : Int64, ``previous_value`` : Float64 — the last
          annex result with a number before ``year`` (missing when none);
        - ``reported_raw`` : string — the annex result of ``year`` as printed.
    """
    return _method_relations(parsed).copy()


@functools.lru_cache(maxsize=8)
def _method_relations(parsed: ParsedReport) -> pd.DataFrame:
    """:func:`method_relations`, computed once per parsed report (shared: never modify it)."""
    rows = [
        {
            "indicator_id": m.indicator_id, "year": m.year, "relation": m.relation,
            "formula_value": m.formula_value, "computed_value": m.computed_value,
            "previous_year": None if m.previous is None else int(m.previous["year"]),
            "previous_value": None if m.previous is None else float(m.previous["value"]),
            "reported_raw": None if m.reported is None else m.reported["raw"],
        }
        for m in _year_methods(_Context(parsed))
    ]
    frame = pd.DataFrame(rows, columns=["indicator_id", "year", "relation", "formula_value", "computed_value",
                                        "previous_year", "previous_value", "reported_raw"])
    frame["relation"] = pd.Categorical(frame["relation"], categories=RELATIONS, ordered=True)
    return frame.astype({"indicator_id": "string", "year": "Int64", "formula_value": "Float64",
                         "computed_value": "Float64", "previous_year": "Int64", "previous_value": "Float64",
                         "reported_raw": "string"})


def _check_method(ctx: _Context) -> list[dict]:
    out = []
    subs = ctx.substitutions.set_index(["indicator_id", "year"])
    for m in _year_methods(ctx):
        finding = _method_finding(m)
        if finding is not None:
            out.append(finding)
        if (m.indicator_id, m.year) in subs.index:
            finding = _substitution_finding(m, subs.loc[(m.indicator_id, m.year)])
            if finding is not None:
                out.append(finding)
    return out


def _method_finding(m: _YearMethod) -> dict | None:
    """The ``method_unevaluable`` or ``method_result`` finding of one year, None when the formula gives the
    printed result as printed."""
    ind, year, reported = m.indicator_id, m.year, m.reported
    rep = dict(
        year=year,
        annex_raw=None if reported is None else reported["raw"],
        annex_line=None if reported is None else int(reported["source_line"]),
        relation=m.relation,
    )
    if m.relation == "unevaluable":
        return _finding(
            "method_unevaluable", ind, "error",
            f"La fórmula del método de cálculo {_quoted(m.method.formula)} no se puede evaluar para {year}: "
            f"{m.problem}.",
            **rep,
        )
    told = (f"La fórmula {_quoted(m.method.formula)} con las variables de {year} ({m.shown()}; {m.var_lines()}) "
            f"da {_fmt(m.formula_value)}")
    computed = m.formula_value
    if reported is None:
        return _finding("method_result", ind, "warning",
                        f"{told}, pero la ficha no da resultado {year}.", computed=computed, **rep)
    if pd.isna(reported["value"]):
        return _finding(
            "method_result", ind, "warning",
            f"{told}, pero el resultado {year} de la ficha es "
            f"{_missing_es(reported['raw'], reported['status'])}.",
            computed=computed, **rep,
        )
    if m.relation in ("reproduced_as_accumulated", "unchanged_as_accumulated"):
        return _accumulated_finding(m, told, rep)
    if m.relation == "not_reproduced":
        return _finding(
            "method_result", ind, "error",
            f"{told}, pero el resultado {year} de la ficha es {reported['raw']}.",
            computed=computed, **rep,
        )
    if m.truncated:
        return _finding(
            "method_result", ind, "info",
            f"{told}, pero el resultado {year} de la ficha es {reported['raw']} (truncado, no redondeado).",
            computed=computed, **rep,
        )
    return None


def _accumulated_finding(m: _YearMethod, told: str, rep: dict) -> dict:
    """The ``method_result`` finding of a year reproduced only as accumulated (``m.relation``
    ``reproduced_as_accumulated`` or ``unchanged_as_accumulated``); ``told`` what the formula gives."""
    previous, reported = m.previous, m.reported
    if m.relation == "reproduced_as_accumulated":
        tail = " (truncado, no redondeado)" if m.truncated else ""
        return _finding(
            "method_result", m.indicator_id, "info",
            f"{told}, y el resultado {m.year} de la ficha es {reported['raw']}: se reproduce si el "
            f"resultado se lee como acumulado: {_fmt(previous['value'])} + {_fmt(m.formula_value)} = "
            f"{_fmt(m.computed_value)} (resultado {int(previous['year'])} más el del año){tail}.",
            computed=m.formula_value, **rep,
        )
    return _finding(
        "method_result", m.indicator_id, "warning",
        f"{told}, y el resultado {m.year} de la ficha es {reported['raw']}: solo se reproduce "
        f"arrastrando el resultado {int(previous['year'])}, {_fmt(previous['value'])} + 0 = "
        f"{_fmt(m.computed_value)}; un incremento de 0 no respalda el valor impreso.",
        computed=m.formula_value, **rep,
    )


def _substitution_finding(m: _YearMethod, sub: pd.Series) -> dict | None:
    """The ``method_substitution`` finding of one year's printed substitution ``sub``, None when it is right."""
    found = _check_substitution(m.method, m.values, m.these, _text(sub["text"]))
    if not found:
        return None
    return _finding(
        "method_substitution", m.indicator_id, "warning",
        f"La sustitución en método de cálculo para {m.year} ({_quoted(sub['text'])}) {found}.",
        year=m.year, annex_raw=sub["text"], annex_line=int(sub["source_line"]),
        computed=m.formula_value, relation=m.relation,
    )


def _check_substitution(method: _Method, values: dict[str, float], these: pd.DataFrame, text: str) -> str | None:
    """Why the substitution text is not the formula with the variables' values (None if it is)."""
    _, rhs = _split_formula(text)
    try:
        _parse(rhs)
    except FormulaError:
        return "no es una expresión aritmética que se pueda comparar"
    if _symbols(rhs):
        return f"deja símbolos sin sustituir ({', '.join(_symbols(rhs))})"
    symbols = _symbols(method.rhs) if method.problem is None else []
    if method.problem is None and all(s in values for s in symbols):
        if _canonical(rhs, {}) != _canonical(method.rhs, values):
            expected = _SYMBOL_RE.sub(lambda m: _fmt(values[_norm_symbol(m.group(0))]), method.rhs)
            return f"no es la fórmula de la ficha con los valores de las variables, que sería «{expected}»"
        return None
    # The formula cannot be used: compare the numbers with the variables' values.
    numbers = Counter(_constants(rhs))
    try:
        numbers -= Counter(_constants(method.rhs))
    except FormulaError:
        pass
    var_values = {float(v) for v in these["value"].dropna()}
    stray = sorted(n for n in numbers if n not in var_values)
    unused = sorted(v for v in var_values if v not in numbers)
    if stray or unused:
        parts = []
        if stray:
            parts.append("usa " + ", ".join(map(_fmt, stray)) + ", que no es valor de ninguna variable")
        if unused:
            parts.append("no usa " + ", ".join(map(_fmt, unused)) + ", valor de una variable")
        return " y ".join(parts)
    return None
