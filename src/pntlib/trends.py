"""Year by year: each result, its change, and its gap to the straight path to the Meta 2024.

Built on the same rules as :mod:`pntlib.progress` (:mod:`pntlib.rules`: the
baseline and target, the expected direction, stagnation).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from . import schema
from .docstrings import shared
from .rules import anchors, as_float, expected_direction, reported_values, stagnation
from .tables import ParsedReport, get_report
from .validation import validate_choice

__all__ = ["trends", "trends_from_frames", "trends_table"]


def trends_from_frames(series: pd.DataFrame, indicators: pd.DataFrame) -> pd.DataFrame:
    """The trends table computed from a series table and an indicators table.

    The engine behind :func:`trends`; inputs as in :func:`progress_from_frames`.

    Returns
    -------
    pandas.DataFrame
        The columns of :func:`trends`.
    """
    rows = []
    for indicator_id, card in indicators.iterrows():
        own = series[series["indicator_id"] == indicator_id]
        results = own[own["measure"] == "result"].sort_values("year")
        base, base_year, target, target_year = anchors(own, card)
        direction, _ = expected_direction(card.get("expected_trend"), base, target)

        reported = reported_values(results)
        first_year = reported[0][0] if reported else None
        last_year = reported[-1][0] if reported else None
        observed = agrees = None
        since = stagnation(reported, target, direction)
        if len(reported) >= 2:
            delta = reported[-1][1] - reported[0][1]
            observed = "Ascendente" if delta > 0 else "Descendente" if delta < 0 else "Sin cambio"
            agrees = observed == ("Ascendente" if direction == 1 else "Descendente")
        previous: float | None = None
        for _, row in results.iterrows():
            year, value = int(row["year"]), as_float(row["value"])
            change = None
            if value is not None:
                change = None if previous is None else value - previous
                previous = value
            expected = None
            if (
                base is not None
                and target is not None
                and base_year is not None
                and target_year is not None
                and target_year != base_year
                and year >= base_year
            ):
                expected = base + (target - base) * (year - base_year) / (target_year - base_year)
            gap = None if value is None or expected is None else value - expected
            rows.append(
                {
                    "indicator_id": str(indicator_id),
                    "objective": card.get("objective"),
                    "year": year,
                    "raw": row["raw"],
                    "value": value,
                    "status": row["status"],
                    "change": change,
                    "expected_value": expected,
                    "gap_to_expected": gap,
                    "first_reported_year": first_year,
                    "last_reported_year": last_year,
                    "n_reported_years": len(reported),
                    "stagnation": since is not None,
                    "stagnant_since": since,
                    "expected_trend": card.get("expected_trend"),
                    "observed_trend": observed,
                    "trend_agrees": agrees,
                }
            )
    return schema.apply("trends", rows)


def trends_table(parsed: ParsedReport, *, table: str = "annex") -> pd.DataFrame:
    """:func:`trends` of an already parsed report."""
    return trends_from_frames(parsed.rows(table), parsed.cards)


@shared
def trends(*, table: str = "annex", report: str | Path | None = None) -> pd.DataFrame:
    """Year by year: each result, its change, and its gap to the straight path.

    Parameters
    ----------
    table : {"annex", "summary"}, default "annex"
        The annex cards' SERIE HISTÓRICA (section 4) or the section-3 summary
        tables (whose target comes from the annex card: they have none).
    {report}

    Returns
    -------
    pandas.DataFrame
        One row per indicator and result year (2019-2024), RangeIndex, in
        report order then year:

        - ``indicator_id`` : string; ``objective`` : Int64; ``year`` : Int64;
        - ``raw`` : string — the token as printed; ``value`` : Float64
          (missing for NA/ND); ``status`` : ordered category (as in
          :func:`pntlib.load_series`);
        - ``change`` : Float64 — value minus the previous reported year's
          value (missing for the first reported year and NA/ND years);
        - ``expected_value`` : Float64 — the straight path from
          (baseline_year, baseline_value) to (target_year, target_value) at
          ``year`` (missing before the baseline year);
        - ``gap_to_expected`` : Float64 — value - expected_value;
        - per indicator, repeated on its rows: ``first_reported_year``,
          ``last_reported_year``, ``n_reported_years`` : Int64;
          ``stagnation`` : boolean — the last two or more reported values are
          equal while the target is not reached; ``stagnant_since`` : Int64 —
          first year of that run; ``expected_trend`` : string;
          ``observed_trend`` : string {Ascendente, Descendente, Sin cambio} —
          last reported value against the first; ``trend_agrees`` : boolean.

        Values are in the indicator's unit.

    Raises
    ------
    ParameterError
        ``table`` is not "annex" or "summary".
    {report_errors}
    """
    parsed = get_report(report)
    return trends_table(parsed, table=validate_choice("table", table, schema.TABLE_ORDER))
