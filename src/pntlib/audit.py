"""The report checked against itself.

The progress report gives each indicator's numbers twice (the section-3 summary
table and the annex card's *SERIE HISTÓRICA*), defines each indicator by a
formula whose variables it also reports (*APLICACIÓN DEL MÉTODO DE CÁLCULO*),
and names each indicator and its unit. :func:`audit` compares all of these and
returns one row per disagreement or doubtful value.

Every check is general: it reads the structure of the tables (which measure,
which year, which card field) and never an indicator id or a line number. The
checks, in the order findings are listed (:data:`CHECKS`):

``summary_name``
    the indicator's name in the summary table differs from the card's *Nombre*
    (compared after folding case, accents, spacing and final punctuation);
``summary_baseline``
    the summary's línea base (value or year) differs from the card's;
``summary_value``
    a result is a number in both tables but a different number (info when one
    is the other rounded, warning when truncated, error otherwise; info when
    only one marks it provisional);
``summary_missing``
    a result is a number in one table and NA/ND (or absent) in the other;
``method_unevaluable``
    the card's formula cannot be evaluated for a year: it names a symbol the
    card does not define, a variable is missing, or it divides by zero;
``method_result``
    the formula evaluated with the variables of a year does not give the
    reported (annex) result of that year (an error), or gives it only when an
    *Acumulado* result is read as the previous result plus the year's increment
    (information: "se reproduce si el resultado se lee como acumulado: 10 + 5 =
    15"); each method finding carries the year's ``relation``
    (:func:`method_relations`);
``method_substitution``
    the printed *Sustitución en método de cálculo* is not the card's formula
    with the variables' values;
``name_unit``
    a name that counts ("Número de ...") with a percentage unit, or a
    "Porcentaje de ..." name whose unit is not a percentage;
``name_condition``
    a threshold in the name ("al menos al 5%") stated differently in a
    variable's name or in the formula's definitions ("al menos al 10%");
``baseline_year_result``
    the result of the baseline year differs from the línea base;
``beyond_target``
    a result beyond the Meta 2024 in the direction of the tendencia esperada;
``percent_range``
    a value of a percentage indicator outside 0-100;
``cumulative_decrease``
    an "Acumulado" indicator whose result goes down from one reported year to
    the next;
``provisional``
    a provisional value (``p/``).

Formulas are parsed with :mod:`ast` and evaluated by walking the tree, allowing
only numbers, the card's symbols, ``+ - * /`` and parentheses; nothing is
passed to :func:`eval`.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from pathlib import Path

import pandas as pd

from . import schema
from .formulas import SYMBOL_RE as _SYMBOL_RE
from .formulas import FormulaError, evaluate_formula, input_symbols
from .formulas import canonical as _canonical
from .formulas import constants as _constants
from .formulas import norm_symbol as _norm_symbol
from .formulas import parse_expression as _parse
from .formulas import split_formula as _split_formula
from .formulas import symbols as _symbols
from .labels import CHECK_LABELS, DISAGREEMENT_LABELS, MEASURE_LABELS, SEVERITY_LABELS, TABLE_LABELS
from .rules import expected_direction
from .tables import ParsedReport, get_report
from .text import fold
from .text import number as _fmt
from .validation import validate_indicator, validate_objective

__all__ = [
    "audit",
    "audit_table",
    "method_relations",
    "summary_disagreements",
    "RELATIONS",
    "CHECKS",
    "CHECK_LABELS",
    "SEVERITY_LABELS",
    "DISAGREEMENT_LABELS",
    "FormulaError",
    "evaluate_formula",
]

#: The checks, in listing order.
CHECKS: list[str] = list(schema.AUDIT_CHECK_ORDER)



# --------------------------------------------------------------------------- text helpers


def _lines_span(lines: list[int]) -> str:
    lines = sorted(set(lines))
    if not lines:
        return ""
    if len(lines) == 1:
        return f"línea {lines[0]}"
    if lines == list(range(lines[0], lines[-1] + 1)):
        return f"líneas {lines[0]}-{lines[-1]}"
    return "líneas " + ", ".join(map(str, lines))


_NUMBER_IN_RAW = re.compile(r"-?\d+(?:\.\d+)?")


def _decimal(raw: str) -> Decimal | None:
    m = _NUMBER_IN_RAW.search(str(raw))
    return Decimal(m.group(0)) if m else None


def _places(number: Decimal) -> int:
    return max(0, -number.as_tuple().exponent)


def _compare_raw(raw_a: str, raw_b: str) -> str:
    """How two printed numbers relate: equal, rounding, truncation or different."""
    a, b = _decimal(raw_a), _decimal(raw_b)
    if a == b:
        return "equal"
    if _places(a) == _places(b):
        return "different"
    fine, coarse = (a, b) if _places(a) > _places(b) else (b, a)
    quantum = Decimal(1).scaleb(-_places(coarse))
    if fine.quantize(quantum, ROUND_HALF_UP) == coarse:
        return "rounding"
    if fine.quantize(quantum, ROUND_DOWN) == coarse:
        return "truncation"
    return "different"


def _compare_computed(computed: float, raw: str) -> str:
    """How a computed value relates to a printed one: equal (up to its rounding), truncation or different."""
    printed = _decimal(raw)
    quantum = Decimal(1).scaleb(-_places(printed))
    exact = Decimal(repr(float(computed)))
    if exact.quantize(quantum, ROUND_HALF_UP) == printed:
        return "equal"
    if exact.quantize(quantum, ROUND_DOWN) == printed:
        return "truncation"
    return "different"


def _text(value: object) -> str:
    """A text cell of the report's tables as a str: "" when it is missing (pd.NA, None)."""
    return "" if value is None or pd.isna(value) else str(value)


def _quoted(value: object) -> str:
    """Report text quoted in a finding: «text», or "vacía" when the report leaves it empty."""
    text = _text(value)
    return f"«{text}»" if text.strip() else "vacía"


def _missing_es(raw: str, status: str) -> str:
    what = {"not_applicable": "no aplica", "not_available": "no disponible"}.get(status, "")
    return f"{raw} ({what})" if what else raw


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


# --------------------------------------------------------------------------- findings


def _finding(
    check: str,
    indicator_id: str,
    severity: str,
    detail: str,
    *,
    year: int | None = None,
    annex_raw: str | None = None,
    summary_raw: str | None = None,
    computed: float | None = None,
    annex_line: int | None = None,
    summary_line: int | None = None,
    relation: str | None = None,
) -> dict:
    return {
        "check": check,
        "indicator_id": indicator_id,
        "year": year,
        "severity": severity,
        "detail": detail,
        "annex_raw": annex_raw,
        "summary_raw": summary_raw,
        "computed": computed,
        "annex_line": annex_line,
        "summary_line": summary_line,
        "relation": relation,
    }


class _Context:
    """The tables the checks read, indexed for them."""

    def __init__(self, parsed: ParsedReport) -> None:
        self.parsed = parsed
        self.indicators = parsed.indicators.set_index("indicator_id", drop=False)
        self.series = parsed.series
        self.variables = parsed.variables
        self.substitutions = parsed.substitutions

    def rows(self, table: str, measure: str) -> pd.DataFrame:
        return self.parsed.rows(table, measure)

    def field_line(self, indicator_id: str, field: str) -> int | None:
        """Line of a card field (a column name of ``indicators``) or of the summary row."""
        return self.parsed.line(indicator_id, field)


# ----------------------------------------------------------------- summary against annex


def _check_summary_name(ctx: _Context) -> list[dict]:
    out = []
    by_name = {fold(_text(r["name"])): i for i, r in ctx.indicators.iterrows()}
    for ind, row in ctx.indicators.iterrows():
        card, summary = row["name"], row["summary_name"]
        if fold(_text(card)) == fold(_text(summary)):
            continue
        other = by_name.get(fold(_text(summary)))
        hint = f"; es el nombre del indicador {other}" if other and other != ind else ""
        out.append(
            _finding(
                "summary_name", ind, "error",
                f"El nombre del indicador en la tabla de resumen ({_quoted(summary)}) no es el de su ficha "
                f"del anexo ({_quoted(card)}){hint}.",
                annex_raw=card, summary_raw=summary,
                annex_line=ctx.field_line(ind, "name"), summary_line=ctx.field_line(ind, "summary_row"),
            )
        )
    return out


def _check_summary_baseline(ctx: _Context) -> list[dict]:
    out = []
    annex = ctx.rows("annex", "baseline").set_index("indicator_id")
    summary = ctx.rows("summary", "baseline").set_index("indicator_id")
    for ind in annex.index.intersection(summary.index):
        a, s = annex.loc[ind], summary.loc[ind]
        problems, severity = [], None
        if a["year"] != s["year"]:
            problems.append(f"el año es {s['year']} en el resumen y {a['year']} en la ficha del anexo")
            severity = "error"
        a_num, s_num = pd.notna(a["value"]), pd.notna(s["value"])
        if a_num and s_num:
            how = _compare_raw(a["raw"], s["raw"])
            if how != "equal":
                what = {"rounding": "solo por redondeo", "truncation": "por truncamiento, no por redondeo",
                        "different": "y no por redondeo"}[how]
                problems.append(f"el valor es {s['raw']} en el resumen y {a['raw']} en la ficha, que difieren {what}")
                level = {"rounding": "info", "truncation": "warning", "different": "error"}[how]
                severity = _worst(severity, level)
        elif a_num != s_num:
            problems.append(
                f"el valor es {_missing_es(s['raw'], s['status'])} en el resumen y "
                f"{_missing_es(a['raw'], a['status'])} en la ficha"
            )
            severity = _worst(severity, "warning")
        if problems:
            out.append(
                _finding(
                    "summary_baseline", ind, severity,
                    "La línea base no coincide: " + "; ".join(problems) + ".",
                    year=int(a["year"]), annex_raw=f"{a['raw']} ({a['year']})", summary_raw=f"{s['raw']} ({s['year']})",
                    annex_line=int(a["source_line"]), summary_line=int(s["source_line"]),
                )
            )
    return out


def _worst(a: str | None, b: str) -> str:
    order = schema.SEVERITY_ORDER
    return b if a is None else order[min(order.index(a), order.index(b))]


def _check_summary_results(ctx: _Context) -> list[dict]:
    out = []
    keys = ["indicator_id", "year"]
    cols = keys + ["raw", "value", "status", "source_line"]
    both = ctx.rows("annex", "result")[cols].merge(
        ctx.rows("summary", "result")[cols], on=keys, how="outer", suffixes=("_a", "_s"), indicator="side"
    )
    for r in both.itertuples(index=False):
        ind, year = r.indicator_id, int(r.year)
        common = dict(year=year)
        if r.side != "both":
            present = "annex" if r.side == "left_only" else "summary"
            absent = "summary" if present == "annex" else "annex"
            raw = r.raw_a if present == "annex" else r.raw_s
            line = r.source_line_a if present == "annex" else r.source_line_s
            out.append(
                _finding(
                    "summary_missing", ind, "warning",
                    f"{TABLE_LABELS[present].capitalize()} da {raw} para {year}, pero {TABLE_LABELS[absent]} "
                    f"no tiene columna de ese año.",
                    **common,
                    annex_raw=raw if present == "annex" else None,
                    summary_raw=raw if present == "summary" else None,
                    annex_line=int(line) if present == "annex" else None,
                    summary_line=int(line) if present == "summary" else None,
                )
            )
            continue
        common.update(annex_raw=r.raw_a, summary_raw=r.raw_s,
                      annex_line=int(r.source_line_a), summary_line=int(r.source_line_s))
        a_num, s_num = pd.notna(r.value_a), pd.notna(r.value_s)
        if a_num and s_num:
            how = _compare_raw(r.raw_a, r.raw_s)
            if how == "equal":
                if (r.status_a == "provisional") != (r.status_s == "provisional"):
                    which = "la ficha del anexo" if r.status_a == "provisional" else "la tabla de resumen"
                    out.append(
                        _finding(
                            "summary_value", ind, "info",
                            f"El resultado {year} es el mismo número en ambas tablas ({r.raw_a} en la ficha, "
                            f"{r.raw_s} en el resumen), pero solo {which} lo marca como cifra preliminar.",
                            **common,
                        )
                    )
                continue
            severity = {"rounding": "info", "truncation": "warning", "different": "error"}[how]
            why = {
                "rounding": "solo por redondeo",
                "truncation": "por truncamiento (el redondeo daría otra cifra)",
                "different": "y la diferencia no es de redondeo",
            }[how]
            out.append(
                _finding(
                    "summary_value", ind, severity,
                    f"El resultado {year} es {r.raw_a} en la ficha del anexo y {r.raw_s} en la tabla de "
                    f"resumen; difieren {why}.",
                    **common,
                )
            )
        elif a_num or s_num:
            number, missing = ("annex", "summary") if a_num else ("summary", "annex")
            num_raw = r.raw_a if a_num else r.raw_s
            miss_raw, miss_status = (r.raw_s, r.status_s) if a_num else (r.raw_a, r.status_a)
            out.append(
                _finding(
                    "summary_missing", ind, "warning",
                    f"El resultado {year} es {_missing_es(miss_raw, miss_status)} en {TABLE_LABELS[missing]}, "
                    f"pero {num_raw} en {TABLE_LABELS[number]}.",
                    **common,
                )
            )
        elif r.status_a != r.status_s:
            out.append(
                _finding(
                    "summary_missing", ind, "info",
                    f"El resultado {year} falta en ambas tablas, pero por motivos distintos: "
                    f"{_missing_es(r.raw_a, r.status_a)} en la ficha del anexo y "
                    f"{_missing_es(r.raw_s, r.status_s)} en la tabla de resumen.",
                    **common,
                )
            )
    return out


# ----------------------------------------------------------------- method of calculation


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
                    item.relation, item.computed_value = "reproduced_as_accumulated", summed
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
          reproduced_as_accumulated, not_reproduced, unevaluable} —
          ``reproduced``: the formula gives the result; ``reproduced_as_accumulated``:
          an *Acumulado* card whose last reported result before that year plus
          the formula gives it (the variables describe the year's increment);
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
        ind, year, reported = m.indicator_id, m.year, m.reported
        rep = dict(
            year=year,
            annex_raw=None if reported is None else reported["raw"],
            annex_line=None if reported is None else int(reported["source_line"]),
            relation=m.relation,
        )
        if m.relation == "unevaluable":
            out.append(
                _finding(
                    "method_unevaluable", ind, "error",
                    f"La fórmula del método de cálculo {_quoted(m.method.formula)} no se puede evaluar para {year}: "
                    f"{m.problem}.",
                    **rep,
                )
            )
        else:
            told = (f"La fórmula {_quoted(m.method.formula)} con las variables de {year} ({m.shown()}; {m.var_lines()}) "
                    f"da {_fmt(m.formula_value)}")
            computed = m.formula_value
            if reported is None:
                out.append(_finding("method_result", ind, "warning",
                                    f"{told}, pero la ficha no da resultado {year}.", computed=computed, **rep))
            elif pd.isna(reported["value"]):
                out.append(
                    _finding(
                        "method_result", ind, "warning",
                        f"{told}, pero el resultado {year} de la ficha es "
                        f"{_missing_es(reported['raw'], reported['status'])}.",
                        computed=computed, **rep,
                    )
                )
            elif m.relation == "reproduced_as_accumulated":
                previous = m.previous
                tail = " (truncado, no redondeado)" if m.truncated else ""
                out.append(
                    _finding(
                        "method_result", ind, "info",
                        f"{told}, y el resultado {year} de la ficha es {reported['raw']}: se reproduce si el "
                        f"resultado se lee como acumulado: {_fmt(previous['value'])} + {_fmt(m.formula_value)} = "
                        f"{_fmt(m.computed_value)} (resultado {int(previous['year'])} más el del año){tail}.",
                        computed=computed, **rep,
                    )
                )
            elif m.relation == "not_reproduced":
                out.append(
                    _finding(
                        "method_result", ind, "error",
                        f"{told}, pero el resultado {year} de la ficha es {reported['raw']}.",
                        computed=computed, **rep,
                    )
                )
            elif m.truncated:
                out.append(
                    _finding(
                        "method_result", ind, "info",
                        f"{told}, pero el resultado {year} de la ficha es {reported['raw']} (truncado, no redondeado).",
                        computed=computed, **rep,
                    )
                )
        if (ind, year) in subs.index:
            sub = subs.loc[(ind, year)]
            found = _check_substitution(m.method, m.values, m.these, _text(sub["text"]))
            if found:
                out.append(
                    _finding(
                        "method_substitution", ind, "warning",
                        f"La sustitución en método de cálculo para {year} ({_quoted(sub['text'])}) {found}.",
                        year=year, annex_raw=sub["text"], annex_line=int(sub["source_line"]),
                        computed=m.formula_value, relation=m.relation,
                    )
                )
    return out


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


# ----------------------------------------------------------------- names and units

_COUNT_NAME = re.compile(r"^(numero|total|cantidad) de\b")
_PERCENT_NAME = re.compile(r"^(porcentaje|tasa porcentual|proporcion porcentual) de\b")
_THRESHOLD = re.compile(r"((?:[^\s%]+\s+){0,3})(\d+(?:[.,]\d+)?)\s*%")


def _is_percent_unit(unit: str) -> bool:
    return "porcentaje" in fold(unit) or fold(unit) in ("%", "por ciento")


def _check_name_unit(ctx: _Context) -> list[dict]:
    out = []
    for ind, row in ctx.indicators.iterrows():
        name, unit = fold(_text(row["name"])), _text(row["unit"])
        if _COUNT_NAME.match(name) and _is_percent_unit(unit):
            detail = f"El nombre {_quoted(row['name'])} cuenta, pero la unidad de medida es {unit}."
        elif _PERCENT_NAME.match(name) and not _is_percent_unit(unit):
            detail = f"El nombre {_quoted(row['name'])} es un porcentaje, pero la unidad de medida es {unit}."
        else:
            continue
        out.append(_finding("name_unit", ind, "warning", detail, annex_raw=unit,
                            annex_line=ctx.field_line(ind, "unit")))
    return out


def _thresholds(text: str) -> dict[str, str]:
    """Percent thresholds in a text: number -> the phrase ("5" -> "al menos al 5%")."""
    found = {}
    for m in _THRESHOLD.finditer(_text(text)):
        number = m.group(2).replace(",", ".")
        found.setdefault(str(Decimal(number).normalize()), (m.group(1) + m.group(2) + "%").strip())
    return found


def _check_name_condition(ctx: _Context) -> list[dict]:
    out = []
    for ind, row in ctx.indicators.iterrows():
        in_name = _thresholds(row["name"])
        if not in_name:
            continue
        said = " y ".join(f"«{p}»" for p in in_name.values())
        variables = ctx.variables[ctx.variables["indicator_id"] == ind]
        places = []
        for number, group in variables.groupby("variable", sort=True):
            places.append((f"la variable {number} ({_quoted(group['name'].iloc[0])})", _text(group["name"].iloc[0]),
                           int(group["source_line"].iloc[0])))
        for line in _text(row["method_variables"]).split("\n"):
            if ":" in line:
                symbol = line.split(":", 1)[0].strip()
                places.append((f"la definición de {symbol} en el método de cálculo", line,
                               ctx.field_line(ind, "method")))
        for where, text, line in places:
            there = _thresholds(text)
            if there and set(there) != set(in_name):
                phrase = " y ".join(f"«{p}»" for p in there.values())
                out.append(
                    _finding(
                        "name_condition", ind, "warning",
                        f"El nombre del indicador dice {said}, pero {where} dice {phrase}.",
                        annex_raw=" / ".join(there.values()), annex_line=line,
                    )
                )
    return out


# ----------------------------------------------------------------- values of one table


def _merged(check: str, severity: str, hits: dict, describe) -> list[dict]:
    """One finding per key from per-table hits {key: {table: row}}; ``describe(key, hits)`` writes the detail."""
    out = []
    for key in sorted(hits, key=lambda k: tuple(str(x) for x in k)):
        tables = hits[key]
        ind, year = key[0], key[-1]
        a, s = tables.get("annex"), tables.get("summary")
        out.append(
            _finding(
                check, ind, severity, describe(key, tables),
                year=None if pd.isna(year) else int(year),
                annex_raw=None if a is None else a["raw"], summary_raw=None if s is None else s["raw"],
                annex_line=None if a is None else int(a["source_line"]),
                summary_line=None if s is None else int(s["source_line"]),
            )
        )
    return out


def _where(tables: dict) -> str:
    names = [TABLE_LABELS[t] for t in ("annex", "summary") if t in tables]
    return " y en ".join(names)


def _check_baseline_year(ctx: _Context) -> list[dict]:
    hits: dict = {}
    for table in ("annex", "summary"):
        results = ctx.rows(table, "result").set_index(["indicator_id", "year"])
        for base in ctx.rows(table, "baseline").itertuples(index=False):
            key = (base.indicator_id, int(base.year))
            if key not in results.index or pd.isna(base.value):
                continue
            res = results.loc[key]
            if pd.notna(res["value"]) and _compare_raw(base.raw, res["raw"]) in ("equal", "rounding"):
                continue
            hits.setdefault(key, {})[table] = {"raw": res["raw"], "source_line": res["source_line"],
                                               "base": base.raw, "status": res["status"]}

    def describe(key, tables):
        parts = [
            f"en {TABLE_LABELS[t]}, línea base {row['base']} frente a resultado "
            f"{_missing_es(row['raw'], row['status'])}"
            for t, row in tables.items()
        ]
        return f"El resultado {key[1]}, año de la línea base, no es el valor de la línea base: " + "; ".join(parts) + "."

    return _merged("baseline_year_result", "warning", hits, describe)


def _check_beyond_target(ctx: _Context) -> list[dict]:
    hits: dict = {}
    for table in ("annex", "summary"):
        for r in ctx.rows(table, "result").itertuples(index=False):
            card = ctx.indicators.loc[r.indicator_id]
            target = card["target_value"]
            direction, inferred = expected_direction(card["expected_trend"])
            if pd.isna(r.value) or pd.isna(target) or inferred:
                continue
            if direction * (r.value - target) > 0:
                hits.setdefault((r.indicator_id, int(r.year)), {})[table] = r._asdict()

    def describe(key, tables):
        card = ctx.indicators.loc[key[0]]
        raw = next(iter(tables.values()))["raw"]
        verb = "supera" if expected_direction(card["expected_trend"])[0] == 1 else "queda por debajo de"
        return (f"El resultado {key[1]} ({raw}) {verb} la Meta {card['target_year']} ({_fmt(card['target_value'])}), "
                f"con tendencia esperada {_text(card['expected_trend']).lower()}, en {_where(tables)}.")

    return _merged("beyond_target", "info", hits, describe)


def _check_percent_range(ctx: _Context) -> list[dict]:
    hits: dict = {}
    percent = {i for i, row in ctx.indicators.iterrows() if _is_percent_unit(_text(row["unit"]))}
    for r in ctx.series.itertuples(index=False):
        if r.indicator_id in percent and pd.notna(r.value) and not 0 <= r.value <= 100:
            hits.setdefault((r.indicator_id, r.measure, int(r.year)), {})[r.table] = r._asdict()

    def describe(key, tables):
        raw = next(iter(tables.values()))["raw"]
        return (f"{MEASURE_LABELS[key[1]].capitalize()} {key[2]} ({raw}) de un indicador en porcentaje está fuera "
                f"de 0-100, en {_where(tables)}.")

    return _merged("percent_range", "warning", hits, describe)


def _check_cumulative(ctx: _Context) -> list[dict]:
    hits: dict = {}
    cumulative = {i for i, row in ctx.indicators.iterrows() if fold(_text(row["accumulation"])) == "acumulado"}
    for table in ("annex", "summary"):
        rows = ctx.rows(table, "result")
        for ind, group in rows[rows["indicator_id"].isin(cumulative)].groupby("indicator_id", sort=True):
            known = group[group["value"].notna()].sort_values("year")
            previous = None
            for r in known.itertuples(index=False):
                if previous is not None and r.value < previous.value:
                    row = r._asdict()
                    row["previous"] = f"{previous.raw} en {previous.year}"
                    hits.setdefault((ind, int(r.year)), {})[table] = row
                previous = r

    def describe(key, tables):
        parts = [f"en {TABLE_LABELS[t]} baja de {row['previous']} a {row['raw']} en {key[1]}" for t, row in tables.items()]
        return "El indicador es acumulado, pero su resultado baja: " + "; ".join(parts) + "."

    return _merged("cumulative_decrease", "warning", hits, describe)


def _check_provisional(ctx: _Context) -> list[dict]:
    hits: dict = {}
    for r in ctx.series[ctx.series["status"] == "provisional"].itertuples(index=False):
        hits.setdefault((r.indicator_id, r.measure, int(r.year)), {})[r.table] = r._asdict()

    def describe(key, tables):
        raws = " / ".join(dict.fromkeys(row["raw"] for row in tables.values()))
        return (f"{MEASURE_LABELS[key[1]].capitalize()} {key[2]} es una cifra preliminar ({raws}) "
                f"en {_where(tables)}.")

    return _merged("provisional", "info", hits, describe)


# ----------------------------------------------------------------- public


_CHECK_FUNCTIONS = (
    _check_summary_name,
    _check_summary_baseline,
    _check_summary_results,
    _check_method,
    _check_name_unit,
    _check_name_condition,
    _check_baseline_year,
    _check_beyond_target,
    _check_percent_range,
    _check_cumulative,
    _check_provisional,
)


def audit_table(parsed: ParsedReport) -> pd.DataFrame:
    """The audit of an already parsed report (see :func:`audit`): every finding."""
    return _audit_table(parsed).copy()


@functools.lru_cache(maxsize=8)
def _audit_table(parsed: ParsedReport) -> pd.DataFrame:
    """:func:`audit_table`, computed once per parsed report (shared: never modify it)."""
    ctx = _Context(parsed)
    rows = [finding for check in _CHECK_FUNCTIONS for finding in check(ctx)]
    objective = ctx.indicators["objective"]
    order = {ind: k for k, ind in enumerate(ctx.indicators.index)}
    for row in rows:
        row["objective"] = int(objective[row["indicator_id"]])
    rows.sort(
        key=lambda r: (
            order[r["indicator_id"]],
            CHECKS.index(r["check"]),
            -1 if r["year"] is None else r["year"],
            r["annex_line"] or 0,
            r["summary_line"] or 0,
            r["detail"],
        )
    )
    return schema.apply("audit", rows)


def audit(
    *, objective: object | None = None, indicator: object | None = None, report: str | Path | None = None
) -> pd.DataFrame:
    """Check the report against itself: one row per finding.

    Compares the section-3 summary tables with the annex cards, evaluates each
    card's *Método de cálculo* with its variables, and checks names, units,
    targets and series (the checks are listed in :mod:`pntlib.audit` and in
    :data:`CHECKS`). Each check works on any report of this format: none is
    keyed to an indicator id or a line.

    Parameters
    ----------
    objective : int or str, optional
        Keep the findings about the indicators of one objective (``3`` or ``"3"``).
    indicator : str, optional
        Keep the findings about one indicator (``"3.2"``).
    report : str or Path, optional
        Report file to read; default the verified copy in ``data/raw/``.

    Returns
    -------
    pandas.DataFrame
        RangeIndex; one row per finding, sorted by indicator (report order),
        check (order of :data:`CHECKS`), year (findings without year first),
        then source lines:

        - ``check`` : ordered category, one of :data:`CHECKS`;
        - ``indicator_id`` : string ("3.2");
        - ``objective`` : Int64 — objetivo prioritario of the indicator;
        - ``year`` : Int64 — year concerned; ``<NA>`` for names and cards;
        - ``severity`` : ordered category {error, warning, info} — ``error``:
          the report contradicts itself (two different numbers, a formula that
          does not give the result or cannot be evaluated); ``warning``: a
          doubtful value or text (number against NA/ND, truncation, name
          against unit); ``info``: worth knowing (rounding, provisional,
          beyond the target);
        - ``detail`` : string — one Spanish sentence quoting the values;
        - ``annex_raw`` : string — the annex text involved, as printed: the
          SERIE HISTÓRICA token (for method checks, the reported result of the
          year), the substitution text, the card's name or unit, or the
          condition phrase of a variable; ``<NA>`` when the annex is not involved;
        - ``summary_raw`` : string — the summary-table token or name involved;
        - ``computed`` : Float64 — the formula evaluated with the year's
          variables (``method_result``, ``method_substitution``), in the
          indicator's unit; ``<NA>`` otherwise;
        - ``annex_line`` : Int64 — 1-based line of the report file holding
          ``annex_raw`` (or the card field concerned);
        - ``summary_line`` : Int64 — line holding ``summary_raw``;
        - ``relation`` : ordered category {reproduced,
          reproduced_as_accumulated, not_reproduced, unevaluable} — for the
          method checks, how the year's annex result relates to the card's
          variables (:func:`method_relations`); ``<NA>`` for the other checks.

    Raises
    ------
    ParameterError
        ``objective`` or ``indicator`` is not one of the report's; the message
        lists the choices.
    ReportNotFoundError, ReportChecksumError, ReportFormatError
        See :func:`pntlib.tables.get_report`.

    Notes
    -----
    Source: section 3 summary tables ("Avances de la Meta para el bienestar y
    Parámetros del Objetivo prioritario N") and section 4 annex cards (fields,
    SERIE HISTÓRICA, APLICACIÓN DEL MÉTODO DE CÁLCULO).
    """
    parsed = get_report(report)
    findings = parsed.derived(audit_table).copy()
    if objective is not None:
        findings = findings[findings["objective"] == validate_objective(objective, report=parsed)]
    if indicator is not None:
        findings = findings[findings["indicator_id"] == validate_indicator(indicator, report=parsed)]
    return findings.reset_index(drop=True)


def summary_disagreements(findings: pd.DataFrame) -> pd.DataFrame:
    """Where the summary table and the annex disagree on a result, by kind.

    Parameters
    ----------
    findings : pandas.DataFrame
        The output of :func:`audit`.

    Returns
    -------
    pandas.DataFrame
        One row per (indicator, year) whose result differs between the two
        tables (checks ``summary_value`` and ``summary_missing``), RangeIndex,
        in the order of ``findings``:

        - ``indicator_id`` : string; ``year`` : Int64;
        - ``kind`` : ordered category {different, missing, truncation,
          rounding} (:data:`DISAGREEMENT_LABELS`): a different number, a
          number against NA/ND or a missing column, a truncated number, a
          rounded number or the same number marked provisional in one table;
        - ``annex_raw``, ``summary_raw`` : string — the two tokens.
    """
    rows = findings[findings["check"].isin(["summary_value", "summary_missing"]) & findings["year"].notna()]
    kind = [
        "missing" if check == "summary_missing"
        else {"error": "different", "warning": "truncation", "info": "rounding"}[severity]
        for check, severity in zip(rows["check"], rows["severity"])
    ]
    out = rows[["indicator_id", "year", "annex_raw", "summary_raw"]].reset_index(drop=True)
    out.insert(2, "kind", pd.Categorical(kind, categories=list(DISAGREEMENT_LABELS), ordered=True))
    return out
