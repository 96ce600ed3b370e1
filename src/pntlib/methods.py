"""The two ways :func:`pntlib.progress` judges a value against its Meta.

``linear``
    The straight path from the línea base to the Meta (pntlib's default): the
    share of the way covered by the latest value over the share a straight path
    would have covered by its year. It works with a línea base of 0.
``opensdg``
    The Open SDG progress measure (Statistics Canada's method for the Canadian
    SDG data hub, "Progress Measurement Methodology for the Sustainable
    Development Goals", docs/progress-methodology.md of open-sdg/open-sdg), as
    implemented in open-sdg/sdg-build ``sdg/ProgressMeasure.py`` at commit
    ``139fede74ba534d2ed8b9eee4cd878b41f54cb67`` (:data:`SDG_BUILD_VERSION`;
    the ``SeriesProgress`` version: ``is_target_achieved``,
    ``calculate_progress_value``, ``methodology_1``, ``methodology_2``,
    ``growth_calculation``, ``get_progress_thresholds``,
    ``get_progress_status``). See :func:`opensdg`.

Both map a ratio onto the same verdicts with the same thresholds (0.95, 0.60
and 0: sdg-build's ``get_progress_thresholds`` for quantitative targets):
``on_track`` (sdg-build's substantial_progress), ``needs_acceleration``
(moderate_progress), ``limited`` (limited_progress), ``deterioration``; a
reached target is ``achieved`` (target_achieved) and no ratio is ``no_data``
(not_available) — :data:`SDG_BUILD_STATUSES`.

``tests/data/opensdg_cases.csv`` holds what sdg-build's code gives on the
datasets of its own test folder and on the edge cases of the methodology;
``tests/test_methods_opensdg.py`` runs :func:`opensdg` over every row.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from .rules import reached
from .text import number, percent

__all__ = [
    "Point",
    "linear",
    "opensdg",
    "status_from_ratio",
    "limit_coefficient",
    "METHODS",
    "ZERO_REPLACEMENT",
    "NO_TARGET_THRESHOLDS",
    "LIMIT_EXPONENT",
    "SDG_BUILD_STATUSES",
    "SDG_BUILD_VERSION",
]

#: The methods, in the order of :data:`pntlib.schema.METHOD_ORDER`.
METHODS = ("linear", "opensdg")

#: The sdg-build file whose results :func:`opensdg` reproduces.
SDG_BUILD_VERSION = "open-sdg/sdg-build sdg/ProgressMeasure.py @ 139fede74ba534d2ed8b9eee4cd878b41f54cb67"

#: What sdg-build puts in place of a línea base or a target of 0 (a CAGR divides by the base).
ZERO_REPLACEMENT = 0.001

#: Lower bounds of the observed compound annual growth rate (signed by the expected
#: direction) without a quantitative target: sdg-build's ``get_progress_thresholds``
#: for method 1 (1.5 %, 0.5 %, 0 %).
NO_TARGET_THRESHOLDS = {"on_track": 0.015, "needs_acceleration": 0.005, "limited": 0.0}

#: The exponent ``a`` of the scaling factor near a natural limit (sdg-build, methodology: 4.44).
LIMIT_EXPONENT = 4.44

#: sdg-build's status names and pntlib's.
SDG_BUILD_STATUSES = {
    "target_achieved": "achieved",
    "substantial_progress": "on_track",
    "moderate_progress": "needs_acceleration",
    "limited_progress": "limited",
    "deterioration": "deterioration",
    "not_available": "no_data",
}


@dataclass(frozen=True)
class Point:
    """One indicator's value judged, with its línea base and Meta.

    Attributes
    ----------
    base, base_year : float and int, or None
        Línea base (value, year), in the indicator's unit.
    target, target_year : float and int, or None
        The Meta (value, year); ``target`` None means no quantitative target.
    latest, latest_year : float and int, or None
        The value judged (the latest reported, see :func:`pntlib.rules.latest_reported`).
    direction : {1, -1}
        :func:`pntlib.rules.expected_direction`.
    limit : float, optional
        A natural limit of the indicator (Open SDG, no quantitative target
        only: it scales the growth thresholds, see :func:`limit_coefficient`).
        The report states none, so :func:`pntlib.progress` never sets it.
    """

    base: float | None
    base_year: int | None
    target: float | None
    target_year: int | None
    latest: float | None
    latest_year: int | None
    direction: int
    limit: float | None = None


def _meta(year: int | None) -> str:
    """"Meta 2026": the target named with its own year (or "Meta" when it has none)."""
    return "Meta" if year is None else f"Meta {year}"


def status_from_ratio(ratio: float, thresholds: dict[str, float]) -> str:
    """The verdict of a ratio of observed to required progress (target not reached).

    ``>=`` at each lower bound, as sdg-build's ``get_progress_status``; a NaN
    ratio matches no bound and is ``no_data`` there too.
    """
    if ratio >= thresholds["on_track"]:
        return "on_track"
    if ratio >= thresholds["needs_acceleration"]:
        return "needs_acceleration"
    if ratio >= thresholds["limited"]:
        return "limited"
    if ratio < thresholds["limited"]:
        return "deterioration"
    return "no_data"


def linear(p: Point, thresholds: dict[str, float]) -> tuple[dict[str, float | None], str, list[str]]:
    """The straight-path figures and verdict of one indicator; notes explain unusual cases.

    Parameters
    ----------
    p : Point
        What is judged.
    thresholds : dict
        Lower bounds of the pace ratio (:data:`pntlib.rules.DEFAULT_THRESHOLDS`).

    Returns
    -------
    (dict, str, list of str)
        ``achievement_pct``, ``distance_covered_pct``, ``expected_pct``,
        ``pace_ratio`` (None where undefined); the status; Spanish notes.
    """
    figures: dict[str, float | None] = dict.fromkeys(
        ("achievement_pct", "distance_covered_pct", "expected_pct", "pace_ratio")
    )
    notes: list[str] = []
    meta = _meta(p.target_year)
    if p.latest is None:
        return figures, "no_data", notes
    if p.target is not None:
        if p.direction == 1 and p.target != 0:
            figures["achievement_pct"] = p.latest / p.target * 100
        elif p.direction == -1 and p.latest != 0:
            figures["achievement_pct"] = p.target / p.latest * 100
    if p.base is None or p.target is None or p.base_year is None or p.target_year is None:
        notes.append(f"Falta la línea base o la {meta}: no puede medirse el avance.")
        return figures, "no_data", notes
    achieved = reached(p.latest, p.target, p.direction)
    if p.target == p.base:
        notes.append(
            f"La {meta} es igual a la línea base: no hay distancia que recorrer; "
            "se juzga si el valor se mantiene en la meta."
        )
        return figures, ("achieved" if achieved else "deterioration"), notes
    figures["distance_covered_pct"] = (p.latest - p.base) / (p.target - p.base) * 100
    if p.target_year != p.base_year:
        share = (p.latest_year - p.base_year) / (p.target_year - p.base_year) * 100
        figures["expected_pct"] = min(max(share, 0.0), 100.0)
    if figures["expected_pct"]:
        figures["pace_ratio"] = figures["distance_covered_pct"] / figures["expected_pct"]
    if achieved:
        if p.direction * (p.latest - p.target) > 0:
            notes.append(f"El último valor ({number(p.latest)}) supera la {meta} ({number(p.target)}).")
        return figures, "achieved", notes
    pace = figures["pace_ratio"]
    if pace is None:
        notes.append(
            f"El último valor reportado ({p.latest_year}) no es posterior a la línea base "
            f"({p.base_year}): no puede medirse el ritmo."
        )
        return figures, "no_data", notes
    status = status_from_ratio(pace, thresholds)
    notes.append(
        f"Ritmo: {percent(figures['distance_covered_pct'])} recorrido / "
        f"{percent(figures['expected_pct'])} esperado = {number(pace)}."
    )
    return figures, status, notes


# --------------------------------------------------------------------------- Open SDG


def _cagr(value: float, base: float, years: int) -> float:
    """sdg-build ``growth_calculation``: compound annual growth rate from ``base`` to ``value``."""
    return (value / base) ** (1 / years) - 1


def _signs_differ(a: float, b: float) -> bool:
    """One of the two is positive and the other negative (0 is neither, as in sdg-build)."""
    return (a > 0 and b < 0) or (a < 0 and b > 0)


def limit_coefficient(base: float, limit: float | None, direction: int) -> float:
    """The factor C (0-1) that scales the no-target growth thresholds near a natural limit.

    sdg-build ``get_progress_thresholds`` (method 1) and the methodology's
    scaling factor, on absolute values, with ``a`` = :data:`LIMIT_EXPONENT`:
    ``1`` when ``|base| >= 2 |limit|``; ``1 - (|base| / |limit|) ** a`` when
    ``|base| <= |limit|``; ``1 - ((2 |limit| - |base|) / |limit|) ** a`` between.

    Parameters
    ----------
    base : float
        The línea base as the data gives it (sdg-build scales before it replaces a
        base of 0).
    limit : float or None
        The natural limit; None gives 1.
    direction : {1, -1}
        The expected direction.

    Returns
    -------
    float
        The factor. 1 also when the limit lies against the expected direction
        (a maximum for a descending indicator, ``base < limit``; a minimum for an
        ascending one, ``base > limit``): the methodology considers "only a limit
        that affects progress in the desired direction", where sdg-build scales
        anyway (and warns that results may be unexpected).
    """
    if limit is None or (direction == -1 and base < limit) or (direction == 1 and base > limit):
        return 1.0
    base, limit = abs(base), abs(limit)
    if base >= 2 * limit:
        return 1.0
    if base <= limit:
        return 1 - (base / limit) ** LIMIT_EXPONENT
    return 1 - ((2 * limit - base) / limit) ** LIMIT_EXPONENT


def opensdg(p: Point, thresholds: dict[str, float]) -> tuple[float | None, str, list[str]]:
    """The Open SDG (sdg-build) progress value and verdict of one indicator.

    Follows open-sdg/sdg-build ``sdg/ProgressMeasure.py`` at commit
    ``139fede74ba534d2ed8b9eee4cd878b41f54cb67`` (``SeriesProgress``), in its order:

    1. A Meta of 0 becomes :data:`ZERO_REPLACEMENT` (0.001) before anything
       else, so a descending value of 0.0005 has achieved it.
    2. ``achieved`` when the latest value is at or beyond the (replaced) Meta in
       the expected direction (``is_target_achieved``), even with a single point.
    3. ``no_data`` when the latest value's year is not after the línea base's.
    4. A línea base of 0 becomes 0.001; ``no_data`` when the línea base and the
       latest value have opposite signs.
    5. Without a quantitative target (``target`` None, e.g. a Meta printed ND):
       the value is ``sign * direction * CAGR`` (``methodology_1``;
       ``sign`` -1 for a negative línea base), judged against
       :data:`NO_TARGET_THRESHOLDS` times :func:`limit_coefficient`.
    6. With a target: ``ratio = sign * direction * CAGR_observed / |CAGR_required|``
       (``methodology_2``), ``CAGR = (value / base) ** (1 / years) - 1``
       (``growth_calculation``), judged against ``thresholds``.

    The línea base is the report's, not a value looked up in the data (sdg-build
    takes its configured base year, or the next year with data).

    Where the published methodology and sdg-build's code disagree, this follows
    the methodology (``tests/data/opensdg_cases.csv`` marks each such case):

    - a línea base and a Meta of opposite signs (also a negative línea base
      with a Meta of 0, replaced by +0.001): ``no_data``. The methodology's model
      "is valid only when all values are positive or all values are negative";
      sdg-build checks only the línea base and the latest value and divides by
      the absolute value of a complex power (a ratio, or NaN);
    - a Meta year not after the línea base year: no required growth rate, so
      ``no_data`` (``achieved`` when reached). sdg-build raises
      ``ZeroDivisionError`` for equal years (or, when the base year was moved to
      the next year with data, divides by ``1 / 0 = inf`` years), and computes a
      rate over negative years for a Meta year before the línea base;
    - a required rate of 0 (Meta equal to the línea base, after the
      replacements): the same verdict as sdg-build's ``±inf`` ratio
      (``deterioration`` when moving away), but no number (None, not ``-inf``);
    - a latest value before the línea base year: ``no_data`` (sdg-build
      raises ``ValueError``, finding no value at or after its base year);
    - a natural limit against the expected direction is not considered (see
      :func:`limit_coefficient`).

    As in sdg-build, only the línea base, the latest value and the Meta are
    checked for a change of sign; values in between do not enter the measure.

    Parameters
    ----------
    p : Point
        What is judged; ``p.target`` None means no quantitative target.
    thresholds : dict
        Lower bounds of the ratio with a target (:data:`pntlib.rules.DEFAULT_THRESHOLDS`);
        without a target :data:`NO_TARGET_THRESHOLDS` apply.

    Returns
    -------
    (float or None, str, list of str)
        The progress value (the ratio with a target, the signed observed CAGR
        without one; None when the target is achieved or no number is
        defined), the status (a key of :data:`pntlib.labels.STATUS_LABELS`),
        Spanish notes. Never raises for a degenerate case.
    """
    notes: list[str] = []
    if p.latest is None:
        return None, "no_data", notes
    if p.base is None or p.base_year is None or p.latest_year is None:
        notes.append("Falta la línea base: no puede medirse el crecimiento.")
        return None, "no_data", notes
    if p.latest_year < p.base_year:
        notes.append(
            f"El último valor reportado ({p.latest_year}) es anterior a la línea base ({p.base_year}): "
            "Open SDG mide el crecimiento desde la línea base; no puede medirse."
        )
        return None, "no_data", notes
    zero = number(ZERO_REPLACEMENT, decimals=3)
    meta = _meta(p.target_year)
    target = p.target
    if target == 0:
        target = ZERO_REPLACEMENT
        notes.append(f"{meta} de 0: Open SDG la reemplaza por {zero}, como sdg-build.")
    if target is not None and reached(p.latest, target, p.direction):  # is_target_achieved, first
        return None, "achieved", notes
    if p.latest_year == p.base_year:
        notes.append(
            f"El último valor reportado ({p.latest_year}) no es posterior a la línea base "
            f"({p.base_year}): no puede medirse el crecimiento."
        )
        return None, "no_data", notes
    base = p.base
    if base == 0:
        base = ZERO_REPLACEMENT
        notes.append(f"Línea base 0: Open SDG la reemplaza por {zero}, como sdg-build.")
    if _signs_differ(base, p.latest):
        notes.append(
            f"La línea base ({number(p.base)}) y el último valor ({number(p.latest)}) tienen signos "
            "distintos: no hay tasa de crecimiento."
        )
        return None, "no_data", notes
    sign = -1 if base < 0 else 1
    observed = _cagr(p.latest, base, p.latest_year - p.base_year)
    span = f"{p.base_year}-{p.latest_year}"
    if target is None:
        return _no_target(p, sign * p.direction * observed, span, notes)
    if p.target_year is None or p.target_year <= p.base_year:
        when = "no tiene año" if p.target_year is None else (
            f"es de {p.target_year}, no posterior a la línea base ({p.base_year})")
        notes.append(f"La Meta {when}: no hay tasa de crecimiento requerida.")
        return None, "no_data", notes
    if _signs_differ(base, target):
        notes.append(
            f"La línea base ({number(p.base)}) y la {meta} ({number(target, decimals=3)}) tienen signos "
            "distintos: no hay tasa de crecimiento requerida."
        )
        return None, "no_data", notes
    required = _cagr(target, base, p.target_year - p.base_year)
    if required == 0:
        value = sign * p.direction * observed  # sdg-build: value / 0 = ±inf (NaN for 0)
        status = "deterioration" if value < 0 else "on_track" if value > 0 else "no_data"
        away = " se aleja de la meta" if status == "deterioration" else ""
        notes.append(
            f"La {meta} es igual a la línea base: la tasa requerida es 0 y la observada "
            f"({number(observed * 100)} %, {span}){away}; el cociente no es un número."
        )
        return None, status, notes
    ratio = sign * p.direction * observed / abs(required)
    status = status_from_ratio(ratio, thresholds)
    notes.append(
        f"Open SDG: crecimiento anual compuesto observado {number(observed * 100)} % ({span}) / "
        f"requerido {number(required * 100)} % ({p.base_year}-{p.target_year}) = {number(ratio)}."
    )
    return (None if math.isnan(ratio) else ratio), status, notes


def _no_target(p: Point, value: float, span: str, notes: list[str]) -> tuple[float | None, str, list[str]]:
    """sdg-build ``methodology_1``: the signed observed CAGR against the fixed growth thresholds."""
    coefficient = limit_coefficient(p.base, p.limit, p.direction)
    limits = {key: bound * coefficient for key, bound in NO_TARGET_THRESHOLDS.items()}
    status = status_from_ratio(value, limits)
    bounds = ", ".join(f"{number(limits[k] * 100, decimals=4)} %" for k in ("on_track", "needs_acceleration"))
    scaled = "" if p.limit is None else f" (límite natural {number(p.limit)}: factor {number(coefficient, decimals=4)})"
    notes.append(
        f"Sin meta cuantitativa: Open SDG juzga el crecimiento anual compuesto observado en la dirección "
        f"esperada, {number(value * 100)} % ({span}), contra umbrales anuales de {bounds} y 0 %{scaled}."
    )
    return (None if math.isnan(value) else value), status, notes
