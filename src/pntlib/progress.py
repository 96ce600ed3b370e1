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

Outcome and trajectory
----------------------
Two questions, two columns. ``outcome`` answers the first question about a
programme that ended with its target year: was the Meta reached? It is judged
on the value reported for the Meta's own year (``target_year``), nothing else:
``achieved`` (at or beyond ``T`` in the expected direction), ``not_achieved``,
or ``no_data`` (that year is NA/ND, absent, after ``as_of``, or the Meta has
no value); ``outcome_preliminary`` says that value is preliminary (p/).
``status`` is the trajectory: the latest reported value, possibly of an
earlier year, judged on the straight path below; every surface that shows it
says the year it rests on when that is before the target year, and that the
series is flat when ``stagnant_since`` is set
(:func:`pntlib.evidence.trajectory_text`).

A card that contradicts itself (:func:`pntlib.audit.card_contradictions`: a
Meta on the wrong side of the línea base for the tendencia esperada, or a
línea base year after every reported result) gets no trajectory: ``status`` is
``no_data``, the straight-path figures are missing and ``method_note`` names
the contradiction; ``outcome`` still compares the value with the Meta.

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

``progress(method="opensdg")`` judges instead with the Open SDG measure on
compound annual growth rates, as sdg-build implements it (see
:mod:`pntlib.methods`); :func:`compare_methods` puts both side by side.

Every verdict carries its evidence: whether the card's own variables
(*APLICACIÓN DEL MÉTODO DE CÁLCULO*) give the value judged
(:func:`pntlib.audit.method_relations`), what they give, whether the section-3
summary table prints the same value, and since when the value is unchanged.

Values are compared, never summed: a cumulative ("Acumulado") indicator already
prints the running total each year, and a periodic ("Periódico") one measures
each year on its own, so in both cases the latest value is the one judged.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from pathlib import Path

import pandas as pd

from . import schema
from .audit import card_contradictions, method_relations
from .docstrings import shared
from .labels import STATUS_LABELS
from .methods import METHODS, Point, linear, opensdg
from .rules import anchors, as_float, as_int, expected_direction, latest_reported, reached, reported_values, stagnation
from .tables import ParsedReport, get_report
from .text import fold
from .trends import trends_table
from .validation import DEFAULT_THRESHOLDS, validate_as_of, validate_choice, validate_thresholds

__all__ = [
    "progress",
    "objective_summary",
    "trajectory_text",
    "progress_from_frames",
    "summary_from_progress",
    "progress_table",
    "methods_table",
    "compare_methods",
    "DEFAULT_THRESHOLDS",
    "STATUS_ORDER",
    "OUTCOME_ORDER",
    "STATUS_LABELS",
]

#: Verdicts, best first (the ``status`` column's categories).
STATUS_ORDER = list(schema.PROGRESS_STATUS_ORDER)

#: Outcomes at the target year (the ``outcome`` column's categories).
OUTCOME_ORDER = list(schema.OUTCOME_ORDER)

TABLE_CHOICES = tuple(schema.TABLE_ORDER)

_ACCUMULATION_NOTES = {
    "acumulado": "Indicador acumulado: cada valor ya incluye los años previos; se compara el último, sin sumar.",
    "periodico": "Indicador periódico: cada valor mide solo su año; se compara el último, sin sumar años.",
}


# --------------------------------------------------------------------------- helpers


def _years_word(years: list[int]) -> str:
    if len(years) == 1:
        return f"de {years[0]}"
    return "de " + ", ".join(str(y) for y in years[:-1]) + f" y {years[-1]}"


def _missing_anchors(own: pd.DataFrame, base: float | None, base_year: int | None,
                     target: float | None, target_year: int | None) -> list[str]:
    """Notes naming a línea base or Meta without a number, with the token the table prints (NA, ND)."""
    notes = []
    for measure, value, year, label in (("baseline", base, base_year, "La línea base"),
                                        ("target", target, target_year, "La Meta")):
        if value is None:
            rows = own[own["measure"] == measure]
            when = f" ({year})" if measure == "baseline" and year is not None else f" {year or ''}".rstrip()
            printed = f"se imprime {rows['raw'].iloc[0]} (sin valor)" if len(rows) else "no tiene valor"
            notes.append(f"{label}{when} {printed}.")
    return notes


# --------------------------------------------------------------------------- core


def trajectory_text(row: pd.Series) -> str:
    """The trajectory verdict of one row of :func:`pntlib.progress`, saying what it rests on.

    Every surface that shows ``status`` shows this text (also the first
    sentence of ``method_note``); :mod:`pntlib.evidence` re-exports it.

    Parameters
    ----------
    row : pandas.Series or dict
        A row of :func:`pntlib.progress` (``status``, ``latest_year``,
        ``target_year``, ``stagnant_since``; ``outcome`` when present).

    Returns
    -------
    str
        :data:`pntlib.labels.STATUS_LABELS` of ``status``; when the latest
        reported value is of a year before the target year, ", con datos hasta
        2023; sin dato 2024" (the target year's value missing, or left out by
        ``as_of``); when the series is flat (``stagnant_since``), "; sin cambio
        desde 2021". E.g. "Progreso sustancial / en camino, con datos hasta
        2023; sin dato 2024; sin cambio desde 2022".
    """
    status = str(row["status"])
    text = STATUS_LABELS[status]
    latest, target_year = row.get("latest_year"), row.get("target_year")
    if status != "no_data" and not pd.isna(latest) and not pd.isna(target_year) and int(latest) < int(target_year):
        text += f", con datos hasta {int(latest)}; sin dato {int(target_year)}"
    since = row.get("stagnant_since")
    if not pd.isna(since):
        text += f"; sin cambio desde {int(since)}"
    return text



def progress_from_frames(
    series: pd.DataFrame,
    indicators: pd.DataFrame,
    *,
    relations: pd.DataFrame | None = None,
    other: pd.DataFrame | None = None,
    as_of: int | None = None,
    thresholds: Mapping[str, float] | Sequence[float] | None = None,
    target_from_card: bool = False,
    method: str = "linear",
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
    relations : pandas.DataFrame, optional
        :func:`pntlib.audit.method_relations` (columns ``indicator_id``,
        ``year``, ``relation``, ``computed_value``): the evidence of each
        verdict; without it every verdict has ``evidence`` ``no_variables``.
    other : pandas.DataFrame, optional
        The other table's rows (same columns as ``series``), for
        ``tables_agree``; without it ``tables_agree`` is missing.
    as_of : int, optional
        Ignore results after this year. It is not validated here.
    thresholds : mapping or sequence of 3 floats, optional
        See :func:`progress`.
    target_from_card : bool, default False
        Say in ``method_note`` that the target and trend come from the card
        (used for the section-3 summary table, which has no target).
    method : {"linear", "opensdg"}, default "linear"
        See :func:`progress`. Not validated here.

    Returns
    -------
    pandas.DataFrame
        The columns of :func:`progress`.
    """
    limits = validate_thresholds(thresholds)
    empty = pd.DataFrame(columns=["indicator_id", "year", "relation", "computed_value"])
    relations = empty if relations is None else relations
    rows = [
        _progress_row(str(indicator_id), card, series[series["indicator_id"] == indicator_id],
                      relations[relations["indicator_id"] == indicator_id], other=other, as_of=as_of,
                      limits=limits, target_from_card=target_from_card, method=method)
        for indicator_id, card in indicators.iterrows()
    ]
    return schema.apply("progress", rows)


def _progress_row(indicator_id: str, card: pd.Series, own: pd.DataFrame, relations: pd.DataFrame, *,
                  other: pd.DataFrame | None, as_of: int | None, limits: Mapping[str, float],
                  target_from_card: bool, method: str) -> dict[str, object]:
    """One row of the progress table: ``own`` the indicator's rows of the series table,
    ``relations`` its rows of :func:`pntlib.audit.method_relations`."""
    results = own[own["measure"] == "result"].sort_values("year")
    if as_of is not None:
        results = results[results["year"] <= as_of]
    base, base_year, target, target_year = anchors(own, card)
    direction, trend_note = expected_direction(card.get("expected_trend"), base, target)
    last = latest_reported(results)
    notes = _context_notes(as_of, target_from_card, trend_note)
    notes += _missing_anchors(own, base, base_year, target, target_year)
    latest, latest_year, latest_status, latest_notes = _latest(results, last, as_of)
    notes += latest_notes
    point = Point(base, base_year, target, target_year, latest, latest_year, direction)
    figures, status, judge_notes = _judge(point, limits, method, card, own)
    notes.extend(judge_notes)
    outcome, outcome_preliminary = _outcome(results, target, target_year, direction)
    accumulation = card.get("accumulation")
    accumulation = None if accumulation is None or accumulation is pd.NA else str(accumulation)
    notes += _method_notes(point, figures, method, accumulation)
    stagnant = stagnation(reported_values(results), target, direction)
    notes.insert(0, trajectory_text({"status": status, "latest_year": latest_year, "target_year": target_year,
                                     "stagnant_since": stagnant}) + ".")
    return {
        "indicator_id": indicator_id,
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
        "outcome": outcome,
        "outcome_preliminary": outcome_preliminary,
        "status": status,
        "method_note": " ".join(notes),
        **_evidence(relations, latest_year),
        "tables_agree": None if other is None else _tables_agree(other, indicator_id, last),
        "stagnant_since": stagnant,
    }


def _context_notes(as_of: int | None, target_from_card: bool, trend_note: str | None) -> list[str]:
    """The ``method_note`` sentences on what the verdict is read from: the cut-off year, the card's Meta, the trend."""
    notes = []
    if as_of is not None:
        notes.append(f"Juicio con datos hasta {as_of}.")
    if target_from_card:
        notes.append("Meta 2024 y tendencia esperada tomadas de la ficha del anexo (la tabla resumen no tiene meta).")
    if trend_note:
        notes.append(trend_note)
    return notes


def _latest(results: pd.DataFrame, last: pd.Series | None,
            as_of: int | None) -> tuple[float | None, int | None, str | None, list[str]]:
    """``latest_value``, ``latest_year``, ``latest_status`` of the last reported result
    (``last``, or None) and the ``method_note`` sentences on it (later gaps, preliminary, none)."""
    if last is None:
        upto = f" hasta {as_of}" if as_of is not None else ""
        tokens = sorted(set(results["raw"].astype(str)))
        shown = f" (solo {' / '.join(tokens)})" if tokens else ""
        return None, None, None, [f"Sin valores reportados{upto}{shown}: no puede juzgarse el avance."]
    notes = []
    latest, latest_year, latest_status = as_float(last["value"]), as_int(last["year"]), str(last["status"])
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
    return latest, latest_year, latest_status, notes


def _judge(point: Point, limits: Mapping[str, float], method: str, card: pd.Series,
           own: pd.DataFrame) -> tuple[dict[str, object], str, list[str]]:
    """The figures, ``status`` and notes of the trajectory by ``method``; none on a card that contradicts itself."""
    figures, status, judge_notes = linear(point, limits)
    if method == "opensdg":
        figures["pace_ratio"], status, judge_notes = opensdg(point, limits)
    every_year = own[own["measure"] == "result"]  # whatever as_of: a contradiction is the card's
    contradictions = card_contradictions(card.get("expected_trend"), point.base, point.base_year, point.target,
                                         point.target_year, [y for y, _ in reported_values(every_year)])
    if contradictions:  # no trajectory on a card that contradicts itself; the outcome still holds
        figures.update(distance_covered_pct=None, expected_pct=None, pace_ratio=None)
        status = "no_data"
        judge_notes = [sentence for _, sentence in contradictions] + ["No puede juzgarse la trayectoria."]
    return figures, status, judge_notes


def _method_notes(point: Point, figures: dict[str, object], method: str, accumulation: str | None) -> list[str]:
    """The ``method_note`` sentences on how the figures are read: línea base 0, descending trend, accumulation."""
    notes = []
    if (method == "linear" and point.latest is not None and point.base == 0 and point.target is not None
            and point.target != point.base):
        notes.append("Línea base 0: el avance se mide como distancia lineal, sin tasas de crecimiento.")
    if point.direction == -1 and figures["achievement_pct"] is not None:
        notes.append("Tendencia descendente: el logro es Meta 2024 / valor.")
    if accumulation and fold(accumulation) in _ACCUMULATION_NOTES:
        notes.append(_ACCUMULATION_NOTES[fold(accumulation)])
    return notes


#: The evidence of a verdict, from the relation of the year it rests on.
_EVIDENCE = {"reproduced": "reproduced", "reproduced_as_accumulated": "reproduced_as_accumulated",
             "unchanged_as_accumulated": "unchanged_as_accumulated",
             "not_reproduced": "not_reproduced", "unevaluable": "unverifiable"}


def _outcome(results: pd.DataFrame, target: float | None, target_year: int | None,
             direction: int) -> tuple[str, bool | None]:
    """``outcome`` and ``outcome_preliminary``: the value reported for the Meta's own year against the Meta."""
    at = results[results["year"] == target_year] if target_year is not None else results.iloc[0:0]
    value = as_float(at["value"].iloc[0]) if len(at) else None
    if value is None or target is None:
        return "no_data", None
    preliminary = str(at["status"].iloc[0]) == "provisional"
    return ("achieved" if reached(value, target, direction) else "not_achieved"), preliminary


def _evidence(relations: pd.DataFrame, year: int | None) -> dict[str, object]:
    """``evidence`` and ``computed_value`` of the value of ``year`` (one indicator's relations)."""
    if year is None:
        return {"evidence": None, "computed_value": None}
    mine = relations[relations["year"] == year]
    if mine.empty:
        return {"evidence": "no_variables", "computed_value": None}
    return {"evidence": _EVIDENCE[str(mine["relation"].iloc[0])],
            "computed_value": as_float(mine["computed_value"].iloc[0])}


def _tables_agree(other: pd.DataFrame, indicator_id: str, last: pd.Series | None) -> bool | None:
    """Whether the other table prints the same number for the year of ``last``."""
    if last is None:
        return None
    same = other[(other["indicator_id"] == indicator_id) & (other["measure"] == "result")
                 & (other["year"] == last["year"])]
    return bool(len(same)) and as_float(same["value"].iloc[0]) == as_float(last["value"])


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
        for outcome in OUTCOME_ORDER:
            row[f"n_outcome_{outcome}"] = int((own["outcome"] == outcome).sum())
        for status in STATUS_ORDER:
            row[f"n_{status}"] = int((own["status"] == status).sum())
        covered = [as_float(v) for v in own["distance_covered_pct"]]
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
    method: str = "linear",
) -> pd.DataFrame:
    """:func:`progress` of an already parsed report, with a RangeIndex (``indicator_id`` a column).

    Arguments are not validated here (see :func:`progress`). Computed once per
    parsed report and arguments: every chart, table and sentence of a page
    shares the same verdicts.
    """
    limits = tuple(validate_thresholds(thresholds).items())
    return _progress_table(parsed, as_of, table, limits, method).copy()


@functools.lru_cache(maxsize=32)
def _progress_table(parsed: ParsedReport, as_of: int | None, table: str,
                    thresholds: tuple[tuple[str, float], ...], method: str) -> pd.DataFrame:
    other = "summary" if table == "annex" else "annex"
    return progress_from_frames(
        parsed.rows(table), parsed.cards, relations=method_relations(parsed), other=parsed.rows(other),
        as_of=as_of, thresholds=dict(thresholds), target_from_card=(table == "summary"), method=method,
    )


def methods_table(parsed: ParsedReport) -> pd.DataFrame:
    """:func:`compare_methods` of an already parsed report (``progress_methods.csv``)."""
    rows = []
    for method in METHODS:
        judged = progress_table(parsed, method=method)
        rows += [{"indicator_id": i, "method": method, "status": s, "progress_value": v}
                 for i, s, v in zip(judged["indicator_id"], judged["status"], judged["pace_ratio"])]
    rows.sort(key=lambda r: parsed.indicator_ids.index(r["indicator_id"]))  # stable: linear, then opensdg
    return schema.apply("progress_methods", rows)


@shared
def progress(
    *,
    as_of: int | None = None,
    table: str = "annex",
    thresholds: Mapping[str, float] | Sequence[float] | None = None,
    method: str = "linear",
    report: str | Path | None = None,
) -> pd.DataFrame:
    """Each indicator's latest value judged against its Meta 2024, with the evidence for it.

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
    method : {"linear", "opensdg"}, default "linear"
        ``linear``: the straight path above. ``opensdg``: the Open SDG /
        Statistics Canada measure as implemented in open-sdg/sdg-build
        ``sdg/ProgressMeasure.py`` (the ratio of the observed compound annual
        growth rate, línea base to latest value, to the one required, línea
        base to Meta 2024; a línea base or target of 0 replaced by 0.001;
        target achieved checked first; without a number for the Meta, the
        observed rate alone against fixed growth thresholds); see
        :func:`pntlib.methods.opensdg`. The method changes ``status``,
        ``pace_ratio`` and ``method_note``; the other figures stay those of
        the straight path.
    {report}

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
        - ``pace_ratio`` : Float64 — observed over required progress: distance
          covered / expected (``linear``; missing when expected is 0), or
          observed / required compound annual growth rate (``opensdg``;
          without a target the observed rate signed by the expected direction;
          missing when the target is reached or the rate cannot be computed);
        - ``outcome`` : ordered category {achieved, not_achieved, no_data} —
          the value reported for ``target_year`` (up to ``as_of``) against the
          Meta in the expected direction; ``no_data`` when that year has no
          number (NA/ND, absent) or the Meta has none. Labels:
          :data:`pntlib.labels.OUTCOME_LABELS`;
        - ``outcome_preliminary`` : boolean — that value is preliminary (p/);
          missing when ``outcome`` is ``no_data``;
        - ``status`` : ordered category {achieved, on_track,
          needs_acceleration, limited, deterioration, no_data} — the
          trajectory verdict on ``latest_value`` (labels
          :data:`pntlib.labels.STATUS_LABELS`, the UN progress chart's
          categories); ``no_data`` also for a card that contradicts itself
          (:func:`pntlib.audit.card_contradictions`), whose straight-path
          figures are then missing;
        - ``method_note`` : string — Spanish sentence(s) saying how the row
          was judged (NA/ND years skipped, provisional values, target beyond,
          cumulative or periodic, ...);
        - ``evidence`` : ordered category {reproduced,
          reproduced_as_accumulated, unchanged_as_accumulated, not_reproduced,
          unverifiable, no_variables} — whether the card's own variables (*APLICACIÓN DEL
          MÉTODO DE CÁLCULO*) give the value judged, ``latest_value`` of
          ``latest_year`` (the annex result's relation of
          :func:`pntlib.audit.method_relations`; ``unverifiable``: the formula
          cannot be evaluated; ``no_variables``: the card gives no variables
          for that year; ``unchanged_as_accumulated``: an *Acumulado* card
          whose variables add exactly 0 to the previous result, weak evidence,
          :data:`pntlib.evidence.WEAK_EVIDENCE`); missing without a latest
          value. When ``latest_year`` is ``target_year`` (always, in this
          report, when ``outcome`` is not ``no_data``) it is also the
          evidence of the outcome;
        - ``computed_value`` : Float64 — what the variables give for that
          year, read as the relation says (the previous result plus the
          formula when reproduced as accumulated); missing when unverifiable;
        - ``tables_agree`` : boolean — the other table (the section-3 summary
          table when judging the annex) prints the same number for that year;
        - ``stagnant_since`` : Int64 — the first year of the final run of two
          or more equal reported values while the target is not reached
          (:func:`pntlib.rules.stagnant_since`); missing otherwise.

        All values are in the indicator's ``unit`` unless said to be percent.

    Raises
    ------
    ParameterError
        ``as_of``, ``table``, ``thresholds`` or ``method`` is not valid; the
        message lists the valid choices.
    {report_errors}
    """
    parsed = get_report(report)
    table = validate_choice("table", table, TABLE_CHOICES)
    as_of = validate_as_of(as_of, parsed.result_years)
    validate_thresholds(thresholds)
    method = validate_choice("method", method, METHODS)
    if thresholds is None:  # the usual call: computed once per parsed report
        return parsed.derived(_default_progress, as_of, table, method).set_index("indicator_id")
    return progress_table(parsed, as_of=as_of, table=table, thresholds=thresholds,
                          method=method).set_index("indicator_id")


def _default_progress(parsed: ParsedReport, as_of: int | None, table: str, method: str) -> pd.DataFrame:
    return progress_table(parsed, as_of=as_of, table=table, method=method)


@shared
def compare_methods(*, report: str | Path | None = None) -> pd.DataFrame:
    """Each indicator judged by both methods of :func:`progress`, side by side.

    Parameters
    ----------
    {report}

    Returns
    -------
    pandas.DataFrame
        RangeIndex; two rows per indicator (report order), ``linear`` then
        ``opensdg`` (annex table, every year, default thresholds); written by
        ``pnt extract`` as ``progress_methods.csv``:

        - ``indicator_id`` : string;
        - ``method`` : ordered category {linear, opensdg} — see :mod:`pntlib.methods`;
        - ``status`` : ordered category — the verdict, as in :func:`progress`;
        - ``progress_value`` : Float64 — the method's ratio of observed to
          required progress (``pace_ratio`` of :func:`progress`).

    Raises
    ------
    {report_errors}
    """
    return methods_table(get_report(report))


@shared
def objective_summary(*, report: str | Path | None = None) -> pd.DataFrame:
    """Per objective: indicators per verdict and mean distance covered.

    Built on :func:`progress` with its defaults (annex table, every year,
    default thresholds).

    Parameters
    ----------
    {report}

    Returns
    -------
    pandas.DataFrame
        One row per objective (1-5), RangeIndex:

        - ``objective`` : Int64; ``title`` : string (section-3 heading);
        - ``n_indicators`` : Int64;
        - ``n_outcome_achieved``, ``n_outcome_not_achieved``,
          ``n_outcome_no_data`` : Int64 — counts of the ``outcome`` of
          :func:`progress`;
        - ``n_achieved``, ``n_on_track``, ``n_needs_acceleration``,
          ``n_limited``, ``n_deterioration``, ``n_no_data`` : Int64 — counts
          of the ``status`` of :func:`progress`;
        - ``mean_distance_covered_pct`` : Float64 — mean of
          ``distance_covered_pct`` where defined, percent, not capped (an
          indicator beyond its target counts above 100).

    Raises
    ------
    {report_errors}
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
        "progress_methods": methods_table,
    }
