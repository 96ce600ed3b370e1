"""How an indicator's series is read: its latest reported value, its expected
direction, whether it has stagnated, and the pace thresholds of the verdicts.

Each rule is one function, used by :mod:`pntlib.progress`, :mod:`pntlib.briefing`,
:mod:`pntlib.plots` and :mod:`pntlib.audit`, so that a page, a chart and a CSV
always agree.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import pandas as pd

from .text import fold

__all__ = [
    "latest_reported",
    "expected_direction",
    "stagnant_since",
    "stagnation",
    "reached",
    "anchors",
    "reported_values",
    "as_float",
    "as_int",
    "DEFAULT_THRESHOLDS",
]

#: Lower bounds of ``pace_ratio`` for each verdict of :func:`pntlib.progress`: the
#: Open SDG / Statistics Canada progress measure's thresholds for quantitative
#: targets (0.95, 0.60, 0). :func:`pntlib.validation.validate_thresholds` checks a
#: caller's own.
DEFAULT_THRESHOLDS = {"on_track": 0.95, "needs_acceleration": 0.60, "limited": 0.0}

_DIRECTIONS = {"ascendente": 1, "descendente": -1}


def latest_reported(results: pd.DataFrame) -> pd.Series | None:
    """The latest result that holds a number.

    Parameters
    ----------
    results : pandas.DataFrame
        Result rows of ONE indicator and one table (columns ``year``, ``value``
        and whatever else; as :func:`pntlib.load_series`), in any order.

    Returns
    -------
    pandas.Series or None
        The row of the latest year whose ``value`` is a number (years printed as
        NA/ND are skipped); ``None`` when no year has a number.
    """
    numbered = results[results["value"].notna()].sort_values("year")
    return None if numbered.empty else numbered.iloc[-1]


def expected_direction(expected_trend: object, baseline: float | None = None,
                       target: float | None = None) -> tuple[int, str | None]:
    """+1 when the indicator should go up, -1 when it should go down.

    Parameters
    ----------
    expected_trend : str or None
        Card field *Tendencia esperada* ("Ascendente", "Descendente"; case,
        accents and final punctuation ignored).
    baseline, target : float, optional
        Línea base and Meta 2024: when the card's trend is neither word, the
        direction is that of ``target - baseline`` (ascending when equal or unknown).

    Returns
    -------
    (int, str or None)
        The sign, and ``None`` when the card states it, else a Spanish note
        saying how it was inferred.
    """
    trend = "" if expected_trend is None or pd.isna(expected_trend) else str(expected_trend).strip()
    for word, sign in _DIRECTIONS.items():
        if fold(trend) == word:
            return sign, None
    known = baseline is not None and target is not None and not pd.isna(baseline) and not pd.isna(target)
    sign = -1 if known and target < baseline else 1
    word = "ascendente" if sign == 1 else "descendente"
    return sign, f"Tendencia esperada «{trend or 'sin dato'}»: se tomó {word} según la meta."


def reached(value: float, target: float | None, direction: int) -> bool:
    """Whether ``value`` is at or beyond ``target`` in the expected ``direction``."""
    return target is not None and not pd.isna(target) and direction * (value - target) >= 0


def stagnant_since(reported: Sequence[tuple[int, float]], *, target_reached: bool) -> int | None:
    """The first year of the final run of equal reported values.

    Parameters
    ----------
    reported : sequence of (year, value)
        The years that hold a number, in year order (NA/ND years left out).
    target_reached : bool
        Whether the latest value reaches the Meta 2024 (a series that holds its
        target has not stagnated).

    Returns
    -------
    int or None
        The year the final run of at least two equal values starts; ``None``
        when the last two values differ, there are fewer than two, or the
        target is reached.
    """
    if len(reported) < 2 or target_reached:
        return None
    last = reported[-1][1]
    start = len(reported) - 1
    while start > 0 and reported[start - 1][1] == last:
        start -= 1
    return reported[start][0] if start < len(reported) - 1 else None


def as_float(value: object) -> float | None:
    """A plain float, or None for any missing value."""
    if value is None or value is pd.NA:
        return None
    out = float(value)
    return None if math.isnan(out) else out


def as_int(value: object) -> int | None:
    """A plain int, or None for any missing value."""
    number_ = as_float(value)
    return None if number_ is None else int(number_)


def anchors(own: pd.DataFrame, card: pd.Series) -> tuple[float | None, int | None, float | None, int | None]:
    """Baseline and target (value, year) of one indicator: from its own series rows
    when the table has them, else from the card (the summary table has no target)."""
    out: list = []
    for measure in ("baseline", "target"):
        rows = own[own["measure"] == measure]
        if len(rows):
            out += [as_float(rows["value"].iloc[0]), as_int(rows["year"].iloc[0])]
        else:
            out += [as_float(card.get(f"{measure}_value")), as_int(card.get(f"{measure}_year"))]
    return tuple(out)  # type: ignore[return-value]


def reported_values(results: pd.DataFrame) -> list[tuple[int, float]]:
    """(year, value) of the result rows that hold a number, in year order."""
    ordered = results.sort_values("year")
    return [(int(y), float(v)) for y, v in zip(ordered["year"], ordered["value"]) if as_float(v) is not None]


def stagnation(reported: list[tuple[int, float]], target: float | None, direction: int) -> int | None:
    """:func:`stagnant_since` of a reported series (:func:`reported_values`) against its target."""
    return stagnant_since(reported, target_reached=bool(reported) and reached(reported[-1][1], target, direction))
