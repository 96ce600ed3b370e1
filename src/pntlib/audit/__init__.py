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
    15"; a warning when that increment is exactly 0, "66 + 0 = 66": the
    previous result is carried over and nothing supports the printed value);
    each method finding carries the year's ``relation`` (:func:`method_relations`);
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
``target_against_trend``
    the card contradicts itself: its Meta 2024 lies on the wrong side of its
    línea base for its tendencia esperada (an ascending card whose Meta is
    below the línea base; an error);
``baseline_after_results``
    the card contradicts itself: its línea base year is later than every
    result it reports, so no result can be measured from it (an error);
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

The package: this module holds the public functions and the order of the
checks; :mod:`.summary`, :mod:`.method`, :mod:`.names` and :mod:`.values` the
checks; :mod:`.findings` the finding record and the shared Spanish wording;
:mod:`.context` the tables the checks read; :mod:`.cards` the cards that
contradict themselves (shared with :mod:`pntlib.progress`).
"""

from __future__ import annotations

import functools
from pathlib import Path

import pandas as pd

from .. import schema
from ..docstrings import shared
from ..formulas import FormulaError, evaluate_formula
from ..labels import CHECK_LABELS, DISAGREEMENT_LABELS, SEVERITY_LABELS
from ..tables import ParsedReport, get_report
from ..validation import validate_scope
from .cards import _check_baseline_after_results, _check_target_against_trend, card_contradictions
from .context import _Context
from .method import RELATIONS, _check_method, method_relations
from .names import _check_name_condition, _check_name_unit
from .summary import _check_summary_baseline, _check_summary_name, _check_summary_results
from .values import _check_baseline_year, _check_beyond_target, _check_cumulative, _check_percent_range, _check_provisional

__all__ = [
    "audit",
    "audit_table",
    "method_relations",
    "card_contradictions",
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


_CHECK_FUNCTIONS = (
    _check_summary_name,
    _check_summary_baseline,
    _check_summary_results,
    _check_method,
    _check_name_unit,
    _check_name_condition,
    _check_baseline_year,
    _check_beyond_target,
    _check_target_against_trend,
    _check_baseline_after_results,
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


@shared
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
    {report}

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
          reproduced_as_accumulated, unchanged_as_accumulated, not_reproduced,
          unevaluable} — for the
          method checks, how the year's annex result relates to the card's
          variables (:func:`method_relations`); ``<NA>`` for the other checks.

    Raises
    ------
    ParameterError
        ``objective`` or ``indicator`` is not one of the report's, or
        ``indicator`` is not one of ``objective``'s (the result would be empty);
        the message lists the choices.
    {report_errors}

    Notes
    -----
    Source: section 3 summary tables ("Avances de la Meta para el bienestar y
    Parámetros del Objetivo prioritario N") and section 4 annex cards (fields,
    SERIE HISTÓRICA, APLICACIÓN DEL MÉTODO DE CÁLCULO).
    """
    parsed = get_report(report)
    findings = parsed.derived(audit_table).copy()
    objective, indicator = validate_scope(objective, indicator, parsed)
    if objective is not None:
        findings = findings[findings["objective"] == objective]
    if indicator is not None:
        findings = findings[findings["indicator_id"] == indicator]
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
