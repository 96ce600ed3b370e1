"""Progress towards the Meta 2024: how far each indicator has come, and at what pace.

Method
------
For each indicator the report gives a línea base ``B`` (year ``y0``), a Meta 2024
``T`` (year ``yT``) and yearly results. The latest *reported* result ``L`` (year
``yL``; years printed as NA/ND are skipped and the skip is said in the row's
``method_note``) is judged on a straight path from ``(y0, B)`` to ``(yT, T)``:

* ``distance_covered_pct = (L - B) / (T - B) * 100`` — the share of the way
  covered; it works with ``B = 0`` (growth-rate methods such as CAGR divide by
  ``B`` and fail there) and for both directions, since a descending target has
  ``T - B < 0``;
* ``expected_pct = (yL - y0) / (yT - y0) * 100`` — the share a straight path
  would have covered by ``yL`` (clipped to 0-100);
* ``pace_ratio = distance_covered_pct / expected_pct``;
* ``achievement_pct = L / T * 100`` (``T / L * 100`` for a descending trend).

The status follows the Open SDG progress measure (developed from Statistics
Canada's method for the Canadian SDG data hub; implementation
``sdg/ProgressMeasure.py`` of github.com/open-sdg/sdg-build, quantitative
targets: thresholds 0.95, 0.60 and 0 on the ratio of observed to required
progress, the target checked first). Open SDG takes that ratio on compound
annual growth rates; here it is taken on the straight path above, so that a
baseline of 0 — common in this report — is judged rather than replaced by
0.001:

* ``achieved`` — ``L`` is at or beyond ``T`` in the expected direction;
* ``on_track`` — ``pace_ratio >= 0.95``;
* ``needs_acceleration`` — ``0.60 <= pace_ratio < 0.95``;
* ``limited`` — ``0 <= pace_ratio < 0.60``;
* ``deterioration`` — ``pace_ratio < 0`` (moving away from the target), or a
  target equal to the baseline that the latest value falls short of;
* ``no_data`` — no reported value, no baseline or target, or no reported
  year after the baseline year (the pace cannot be measured).

Values are compared, never summed: a cumulative ("Acumulado") indicator already
prints the running total each year, and a periodic ("Periódico") one measures
each year on its own, so in both cases the latest value is the one judged.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from pathlib import Path

import pandas as pd

from . import schema
from .labels import STATUS_LABELS
from .rules import expected_direction, latest_reported, reached, stagnant_since
from .tables import ParsedReport, get_report
from .text import fold, number
from .validation import DEFAULT_THRESHOLDS, validate_as_of, validate_choice, validate_thresholds

__all__ = [
    "progress",
    "trends",
    "objective_summary",
    "progress_from_frames",
    "trends_from_frames",
    "summary_from_progress",
    "progress_table",
    "trends_table",
    "DEFAULT_THRESHOLDS",
    "STATUS_ORDER",
    "STATUS_LABELS",
]

#: Verdicts, best first (the ``status`` column's categories).
STATUS_ORDER = list(schema.PROGRESS_STATUS_ORDER)

TABLE_CHOICES = tuple(schema.TABLE_ORDER)

_ACCUMULATION_NOTES = {
    "acumulado": "Indicador acumulado: cada valor ya incluye los años previos; se compara el último, sin sumar.",
    "periodico": "Indicador periódico: cada valor mide solo su año; se compara el último, sin sumar años.",
}


# --------------------------------------------------------------------------- helpers


def _num(value: object) -> float | None:
    """A plain float, or None for any missing value."""
    if value is None or value is pd.NA:
        return None
    out = float(value)
    return None if math.isnan(out) else out


def _int(value: object) -> int | None:
    number_ = _num(value)
    return None if number_ is None else int(number_)


def _anchors(own: pd.DataFrame, card: pd.Series) -> tuple[float | None, int | None, float | None, int | None]:
    """Baseline and target (value, year) of one indicator: from its own series rows
    when the table has them, else from the card (the summary table has no target)."""
    out: list = []
    for measure in ("baseline", "target"):
        rows = own[own["measure"] == measure]
        if len(rows):
            out += [_num(rows["value"].iloc[0]), _int(rows["year"].iloc[0])]
        else:
            out += [_num(card.get(f"{measure}_value")), _int(card.get(f"{measure}_year"))]
    return tuple(out)  # type: ignore[return-value]


def _reported(results: pd.DataFrame) -> list[tuple[int, float]]:
    """(year, value) of the result rows that hold a number, in year order."""
    ordered = results.sort_values("year")
    return [(int(y), float(v)) for y, v in zip(ordered["year"], ordered["value"]) if _num(v) is not None]


def _stagnant_since(reported: list[tuple[int, float]], target: float | None, direction: int) -> int | None:
    """:func:`pntlib.rules.stagnant_since` of a reported series against its target."""
    return stagnant_since(reported, target_reached=bool(reported) and reached(reported[-1][1], target, direction))


def _years_word(years: list[int]) -> str:
    if len(years) == 1:
        return f"de {years[0]}"
    return "de " + ", ".join(str(y) for y in years[:-1]) + f" y {years[-1]}"


# --------------------------------------------------------------------------- core


def _judge(
    *,
    base: float | None,
    base_year: int | None,
    target: float | None,
    target_year: int | None,
    latest: float | None,
    latest_year: int | None,
    direction: int,
    thresholds: dict[str, float],
) -> tuple[dict[str, float | None], str, list[str]]:
    """The figures and verdict of one indicator; notes explain unusual cases."""
    figures: dict[str, float | None] = dict.fromkeys(
        ("achievement_pct", "distance_covered_pct", "expected_pct", "pace_ratio")
    )
    notes: list[str] = []
    if latest is None:
        return figures, "no_data", notes
    if target is not None:
        if direction == 1 and target != 0:
            figures["achievement_pct"] = latest / target * 100
        elif direction == -1 and latest != 0:
            figures["achievement_pct"] = target / latest * 100
    if base is None or target is None or base_year is None or target_year is None:
        notes.append("Falta la línea base o la Meta 2024: no puede medirse el avance.")
        return figures, "no_data", notes
    achieved = reached(latest, target, direction)
    if target == base:
        notes.append(
            "La Meta 2024 es igual a la línea base: no hay distancia que recorrer; "
            "se juzga si el valor se mantiene en la meta."
        )
        return figures, ("achieved" if achieved else "deterioration"), notes
    figures["distance_covered_pct"] = (latest - base) / (target - base) * 100
    if target_year != base_year:
        share = (latest_year - base_year) / (target_year - base_year) * 100
        figures["expected_pct"] = min(max(share, 0.0), 100.0)
    if figures["expected_pct"]:
        figures["pace_ratio"] = figures["distance_covered_pct"] / figures["expected_pct"]
    if achieved:
        if direction * (latest - target) > 0:
            notes.append(f"El último valor ({number(latest)}) supera la Meta 2024 ({number(target)}).")
        return figures, "achieved", notes
    pace = figures["pace_ratio"]
    if pace is None:
        notes.append(
            f"El último valor reportado ({latest_year}) no es posterior a la línea base "
            f"({base_year}): no puede medirse el ritmo."
        )
        return figures, "no_data", notes
    if pace >= thresholds["on_track"]:
        status = "on_track"
    elif pace >= thresholds["needs_acceleration"]:
        status = "needs_acceleration"
    elif pace >= thresholds["limited"]:
        status = "limited"
    else:
        status = "deterioration"
    notes.append(
        f"Ritmo: {figures['distance_covered_pct']:.1f} % recorrido / "
        f"{figures['expected_pct']:.1f} % esperado = {pace:.2f}."
    )
    return figures, status, notes


def progress_from_frames(
    series: pd.DataFrame,
    indicators: pd.DataFrame,
    *,
    as_of: int | None = None,
    thresholds: Mapping[str, float] | Sequence[float] | None = None,
    target_from_card: bool = False,
) -> pd.DataFrame:
    """The progress table computed from a series table and an indicators table.

    The engine behind :func:`progress`, usable on small hand-built frames.

    Parameters
    ----------
    series : pandas.DataFrame
        Long table of ONE report table, with columns ``indicator_id``,
        ``measure`` ({baseline, result, target}), ``year``, ``raw``, ``value``
        (missing for NA/ND) and ``status`` (as :func:`pntlib.load_series`).
    indicators : pandas.DataFrame
        Indexed by ``indicator_id``, with columns ``objective``, ``kind``,
        ``unit``, ``expected_trend``, ``accumulation``, ``target_value``,
        ``target_year``; ``baseline_value`` and ``baseline_year`` are used
        when ``series`` has no baseline row. Rows give the output order.
    as_of : int, optional
        Ignore results after this year. It is not validated here.
    thresholds : mapping or sequence of 3 floats, optional
        See :func:`progress`.
    target_from_card : bool, default False
        Say in ``method_note`` that the target and trend come from the card
        (used for the section-3 summary table, which has no target).

    Returns
    -------
    pandas.DataFrame
        The columns of :func:`progress`.
    """
    limits = validate_thresholds(thresholds)
    rows = []
    for indicator_id, card in indicators.iterrows():
        own = series[series["indicator_id"] == indicator_id]
        results = own[own["measure"] == "result"].sort_values("year")
        if as_of is not None:
            results = results[results["year"] <= as_of]
        base, base_year, target, target_year = _anchors(own, card)
        direction, trend_note = expected_direction(card.get("expected_trend"), base, target)
        last = latest_reported(results)
        notes: list[str] = []
        if as_of is not None:
            notes.append(f"Juicio con datos hasta {as_of}.")
        if target_from_card:
            notes.append("Meta 2024 y tendencia esperada tomadas de la ficha del anexo (la tabla resumen no tiene meta).")
        if trend_note:
            notes.append(trend_note)
        latest = latest_year = latest_status = None
        if last is not None:
            latest, latest_year, latest_status = _num(last["value"]), _int(last["year"]), str(last["status"])
            after = results[results["year"] > latest_year]
            if len(after):
                tokens = sorted(set(after["raw"].astype(str)))
                years = [int(y) for y in after["year"]]
                verb = "es" if len(years) == 1 else "son"
                notes.append(
                    f"El valor {_years_word(years)} {verb} {' / '.join(tokens)}; "
                    f"se usó el de {latest_year}, último año reportado."
                )
            if latest_status == "provisional":
                notes.append(f"El valor de {latest_year} es preliminar ({last['raw']}).")
        else:
            upto = f" hasta {as_of}" if as_of is not None else ""
            tokens = sorted(set(results["raw"].astype(str)))
            shown = f" (solo {' / '.join(tokens)})" if tokens else ""
            notes.append(f"Sin valores reportados{upto}{shown}: no puede juzgarse el avance.")

        figures, status, judge_notes = _judge(
            base=base,
            base_year=base_year,
            target=target,
            target_year=target_year,
            latest=latest,
            latest_year=latest_year,
            direction=direction,
            thresholds=limits,
        )
        notes.extend(judge_notes)
        if latest is not None and base == 0 and target is not None and target != base:
            notes.append("Línea base 0: el avance se mide como distancia lineal, sin tasas de crecimiento.")
        if direction == -1 and figures["achievement_pct"] is not None:
            notes.append("Tendencia descendente: el logro es Meta 2024 / valor.")
        accumulation = card.get("accumulation")
        accumulation = None if accumulation is None or accumulation is pd.NA else str(accumulation)
        if accumulation and fold(accumulation) in _ACCUMULATION_NOTES:
            notes.append(_ACCUMULATION_NOTES[fold(accumulation)])
        notes.insert(0, f"{STATUS_LABELS[status]}.")
        rows.append(
            {
                "indicator_id": str(indicator_id),
                "objective": card.get("objective"),
                "kind": card.get("kind"),
                "unit": card.get("unit"),
                "expected_trend": card.get("expected_trend"),
                "accumulation": accumulation,
                "baseline_value": base,
                "baseline_year": base_year,
                "latest_year": latest_year,
                "latest_value": latest,
                "latest_status": latest_status,
                "target_value": target,
                "target_year": target_year,
                **figures,
                "status": status,
                "method_note": " ".join(notes),
            }
        )
    return schema.apply("progress", rows)


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
        base, base_year, target, target_year = _anchors(own, card)
        direction, _ = expected_direction(card.get("expected_trend"), base, target)

        reported = _reported(results)
        first_year = reported[0][0] if reported else None
        last_year = reported[-1][0] if reported else None
        observed = agrees = None
        since = _stagnant_since(reported, target, direction)
        if len(reported) >= 2:
            delta = reported[-1][1] - reported[0][1]
            observed = "Ascendente" if delta > 0 else "Descendente" if delta < 0 else "Sin cambio"
            agrees = observed == ("Ascendente" if direction == 1 else "Descendente")
        previous: float | None = None
        for _, row in results.iterrows():
            year, value = int(row["year"]), _num(row["value"])
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


def summary_from_progress(progress_table: pd.DataFrame, objectives: pd.DataFrame) -> pd.DataFrame:
    """Count the verdicts of a progress table per objective.

    Parameters
    ----------
    progress_table : pandas.DataFrame
        As returned by :func:`progress`.
    objectives : pandas.DataFrame
        Columns ``objective`` and ``title`` (as :func:`pntlib.load_objectives`).

    Returns
    -------
    pandas.DataFrame
        The columns of :func:`objective_summary`.
    """
    rows = []
    for _, obj in objectives.iterrows():
        own = progress_table[progress_table["objective"] == obj["objective"]]
        row = {"objective": obj["objective"], "title": obj["title"], "n_indicators": len(own)}
        for status in STATUS_ORDER:
            row[f"n_{status}"] = int((own["status"] == status).sum())
        covered = [_num(v) for v in own["distance_covered_pct"]]
        covered = [v for v in covered if v is not None]
        row["mean_distance_covered_pct"] = sum(covered) / len(covered) if covered else None
        rows.append(row)
    return schema.apply("objective_summary", rows)


# --------------------------------------------------------------------------- public


def progress_table(
    parsed: ParsedReport,
    *,
    as_of: int | None = None,
    table: str = "annex",
    thresholds: Mapping[str, float] | Sequence[float] | None = None,
) -> pd.DataFrame:
    """:func:`progress` of an already parsed report, with a RangeIndex (``indicator_id`` a column).

    Arguments are not validated here (see :func:`progress`).
    """
    return progress_from_frames(
        parsed.rows(table), parsed.cards, as_of=as_of, thresholds=thresholds, target_from_card=(table == "summary")
    )


def trends_table(parsed: ParsedReport, *, table: str = "annex") -> pd.DataFrame:
    """:func:`trends` of an already parsed report."""
    return trends_from_frames(parsed.rows(table), parsed.cards)


def progress(
    *,
    as_of: int | None = None,
    table: str = "annex",
    thresholds: Mapping[str, float] | Sequence[float] | None = None,
    report: str | Path | None = None,
) -> pd.DataFrame:
    """Each indicator's latest value judged against its Meta 2024.

    The method (straight path from the línea base to the Meta 2024, pace
    ratio, verdicts) is described in the module docstring of
    :mod:`pntlib.progress`. Default thresholds are those of the Open SDG
    progress measure for quantitative targets (0.95, 0.60, 0), developed from
    Statistics Canada's progress method (open-sdg/sdg-build,
    ``sdg/ProgressMeasure.py``, ``get_progress_thresholds``).

    Parameters
    ----------
    as_of : int, optional
        Judge with the results up to this year only (one of the years of the
        report's results, 2019-2024), to see how the verdict evolved. Default:
        every year.
    table : {"annex", "summary"}, default "annex"
        Which of the report's tables to judge: the annex cards' SERIE HISTÓRICA
        (section 4), or the section-3 summary tables. The summary tables have
        no target: target and expected trend then come from the annex card,
        and ``method_note`` says so.
    thresholds : mapping or sequence of 3 floats, optional
        Lower bounds of ``pace_ratio`` for ``on_track``,
        ``needs_acceleration`` and ``limited`` (keys of those names, or three
        numbers in that order); default :data:`DEFAULT_THRESHOLDS`.
    report : str or Path, optional
        Report file; default the verified copy in ``data/raw/``.

    Returns
    -------
    pandas.DataFrame
        One row per indicator, indexed by ``indicator_id`` (string, as
        :func:`pntlib.load_indicators`), in report order (``progress.csv``
        has ``indicator_id`` as its first column):

        - ``objective`` : Int64;
          ``kind`` : ordered category {meta_bienestar, parametro};
        - ``unit``, ``expected_trend``, ``accumulation`` : string — card fields
          *Unidad de medida*, *Tendencia esperada*, *Acumulado o periódico*
          (values are compared, never summed);
        - ``baseline_value`` : Float64, ``baseline_year`` : Int64 — the
          línea base of ``table``;
        - ``latest_year`` : Int64, ``latest_value`` : Float64 — the latest
          year up to ``as_of`` with a number (NA/ND years are skipped);
          ``latest_status`` : ordered category {normal, provisional, ...};
        - ``target_value`` : Float64, ``target_year`` : Int64 — Meta 2024 of
          the annex card;
        - ``achievement_pct`` : Float64 — latest / target * 100 (inverse for a
          descending trend), percent;
        - ``distance_covered_pct`` : Float64 — share of baseline -> target
          covered, percent (above 100 beyond the target; missing when target
          equals baseline);
        - ``expected_pct`` : Float64 — share a straight path would have
          covered by ``latest_year``, percent (0-100);
        - ``pace_ratio`` : Float64 — distance covered / expected (missing when
          expected is 0);
        - ``status`` : ordered category {achieved, on_track,
          needs_acceleration, limited, deterioration, no_data};
        - ``method_note`` : string — Spanish sentence(s) saying how the row
          was judged (NA/ND years skipped, provisional values, target beyond,
          cumulative or periodic, ...).

        All values are in the indicator's ``unit`` unless said to be percent.

    Raises
    ------
    ParameterError
        ``as_of``, ``table`` or ``thresholds`` is not valid; the message lists
        the valid choices.
    ReportNotFoundError, ReportChecksumError, ReportFormatError
        See :func:`pntlib.tables.get_report`.
    """
    parsed = get_report(report)
    table = validate_choice("table", table, TABLE_CHOICES)
    as_of = validate_as_of(as_of, report=parsed)
    validate_thresholds(thresholds)
    if thresholds is None:  # the usual call: computed once per parsed report
        return parsed.derived(_default_progress, as_of, table).set_index("indicator_id")
    return progress_table(parsed, as_of=as_of, table=table, thresholds=thresholds).set_index("indicator_id")


def _default_progress(parsed: ParsedReport, as_of: int | None, table: str) -> pd.DataFrame:
    return progress_table(parsed, as_of=as_of, table=table)


def trends(*, table: str = "annex", report: str | Path | None = None) -> pd.DataFrame:
    """Year by year: each result, its change, and its gap to the straight path.

    Parameters
    ----------
    table : {"annex", "summary"}, default "annex"
        The annex cards' SERIE HISTÓRICA (section 4) or the section-3 summary
        tables (whose target comes from the annex card: they have none).
    report : str or Path, optional
        Report file; default the verified copy in ``data/raw/``.

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
    ReportChecksumError, ReportFormatError
        See :func:`pntlib.report.read_report`.
    """
    parsed = get_report(report)
    return trends_table(parsed, table=validate_choice("table", table, TABLE_CHOICES))


def objective_summary(*, report: str | Path | None = None) -> pd.DataFrame:
    """Per objective: indicators per verdict and mean distance covered.

    Built on :func:`progress` with its defaults (annex table, every year,
    default thresholds).

    Parameters
    ----------
    report : str or Path, optional
        Report file; default the verified copy in ``data/raw/``.

    Returns
    -------
    pandas.DataFrame
        One row per objective (1-5), RangeIndex:

        - ``objective`` : Int64; ``title`` : string (section-3 heading);
        - ``n_indicators`` : Int64;
        - ``n_achieved``, ``n_on_track``, ``n_needs_acceleration``,
          ``n_limited``, ``n_deterioration``, ``n_no_data`` : Int64 — counts
          of the ``status`` of :func:`progress`;
        - ``mean_distance_covered_pct`` : Float64 — mean of
          ``distance_covered_pct`` where defined, percent, not capped (an
          indicator beyond its target counts above 100).

    Raises
    ------
    ReportChecksumError, ReportFormatError
        See :func:`pntlib.report.read_report`.
    """
    parsed = get_report(report)
    return summary_from_progress(progress_table(parsed), parsed.objectives)


def derived_tables() -> dict:
    """The builders :data:`pntlib.extract.DERIVED_TABLES` registers for ``pnt extract``.

    Each takes a :class:`~pntlib.tables.ParsedReport` and returns the table of
    :func:`progress` (with ``indicator_id`` as a column, as in ``progress.csv``),
    :func:`trends` or :func:`objective_summary` with their defaults (annex
    table, every year, default thresholds).
    """
    return {
        "progress": progress_table,
        "trends": trends_table,
        "objective_summary": lambda parsed: summary_from_progress(progress_table(parsed), parsed.objectives),
    }
