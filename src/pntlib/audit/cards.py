"""Cards that contradict themselves (``target_against_trend``, ``baseline_after_results``).

:func:`card_contradictions` is the one rule, used by the audit's two checks and by
:func:`pntlib.progress`, which judges no trajectory on such a card.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from ..rules import as_float, as_int, expected_direction
from ..text import number as _fmt
from .context import _Context
from .findings import _finding, _text


def card_contradictions(expected_trend: object, baseline: float | None, baseline_year: int | None,
                        target: float | None, target_year: int | None,
                        reported_years: Iterable[int]) -> list[tuple[str, str]]:
    """Where a card contradicts itself, each with its Spanish sentence.

    Parameters
    ----------
    expected_trend : str or None
        Card field *Tendencia esperada*; only "Ascendente" and "Descendente"
        (:func:`pntlib.rules.expected_direction`) state a side.
    baseline, baseline_year, target, target_year : float or int, or None
        Línea base and Meta 2024 (SERIE HISTÓRICA), in the indicator's unit.
    reported_years : iterable of int
        The years whose result is a number (NA/ND years left out), every year
        of the table whatever ``as_of``.

    Returns
    -------
    list of (str, str)
        ``(check, sentence)`` in the order of :data:`pntlib.audit.CHECKS`:

        - ``target_against_trend`` — the Meta lies strictly on the wrong side
          of the línea base for the stated trend (below it for "Ascendente",
          above it for "Descendente"); a Meta equal to the línea base is not a
          contradiction (:func:`pntlib.progress` judges whether it is held);
        - ``baseline_after_results`` — the línea base year is later than every
          reported result. Results of years before the línea base are common in
          the report (indicator 1.2 prints results for 2019 and 2020, with a
          línea base of 2021) and are history, not a contradiction; a línea base
          after the last result leaves no result to measure from it.

        Empty when the card is consistent (or the values needed are missing).
    """
    found: list[tuple[str, str]] = []
    direction, inferred = expected_direction(expected_trend)
    base, goal = as_float(baseline), as_float(target)
    if inferred is None and base is not None and goal is not None and direction * (goal - base) < 0:
        side = "por debajo" if direction == 1 else "por encima"
        meta = "la Meta" if as_int(target_year) is None else f"la Meta {as_int(target_year)}"
        found.append((
            "target_against_trend",
            f"La ficha se contradice: con tendencia esperada {_text(expected_trend).strip().lower()}, {meta} "
            f"({_fmt(goal)}) queda {side} de la línea base ({_fmt(base)}).",
        ))
    years = [int(y) for y in reported_years]
    base_year = as_int(baseline_year)
    if base_year is not None and years and base_year > max(years):
        found.append((
            "baseline_after_results",
            f"La ficha se contradice: la línea base es de {base_year}, posterior a todos los resultados "
            f"que reporta (el último, de {max(years)}).",
        ))
    return found


def _contradictions(ctx: _Context) -> dict[str, list[tuple[str, str]]]:
    """Each indicator's :func:`card_contradictions`, from its annex card (SERIE HISTÓRICA)."""
    results = ctx.rows("annex", "result")
    out = {}
    for ind, card in ctx.indicators.iterrows():
        own = results[(results["indicator_id"] == ind) & results["value"].notna()]
        out[ind] = card_contradictions(card["expected_trend"], card["baseline_value"], card["baseline_year"],
                                       card["target_value"], card["target_year"], own["year"])
    return out


def _anchor(ctx: _Context, indicator_id: str, measure: str) -> pd.Series | None:
    rows = ctx.rows("annex", measure)
    own = rows[rows["indicator_id"] == indicator_id]
    return None if own.empty else own.iloc[0]


def _check(ctx: _Context, check: str, measure: str) -> list[dict]:
    out = []
    for ind, found in _contradictions(ctx).items():
        for name, sentence in found:
            if name != check:
                continue
            anchor = _anchor(ctx, ind, measure)
            out.append(_finding(
                check, ind, "error", sentence,
                year=None if anchor is None else int(anchor["year"]),
                annex_raw=None if anchor is None else f"{anchor['raw']} ({int(anchor['year'])})",
                annex_line=None if anchor is None else int(anchor["source_line"]),
            ))
    return out


def _check_target_against_trend(ctx: _Context) -> list[dict]:
    return _check(ctx, "target_against_trend", "target")


def _check_baseline_after_results(ctx: _Context) -> list[dict]:
    return _check(ctx, "baseline_after_results", "baseline")
