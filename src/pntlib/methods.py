"""The two ways :func:`pntlib.progress` judges a value against its Meta 2024.

``linear``
    The straight path from the línea base to the Meta 2024 (pntlib's default):
    the share of the way covered by the latest value over the share a straight
    path would have covered by its year. It works with a línea base of 0.
``opensdg``
    The Open SDG progress measure for a quantitative target, developed from
    Statistics Canada's method for the Canadian SDG data hub, as implemented in
    open-sdg/sdg-build ``sdg/ProgressMeasure.py`` (``SeriesProgress.methodology_2``,
    ``growth_calculation``, ``is_target_achieved``, ``get_progress_status``): the
    ratio of the observed compound annual growth rate (línea base to latest
    value) to the one required (línea base to Meta 2024),
    ``sign * direction * CAGR_observed / |CAGR_required|`` with
    ``CAGR = (value / base) ** (1 / years) - 1``; a línea base or a target of 0
    is replaced by 0.001 as sdg-build does; the target achieved is checked
    first. sdg-build takes the base from the data (its configured base year);
    here it is the report's línea base, as for the straight path.

Both map the ratio onto the same verdicts with the same thresholds (0.95, 0.60
and 0: sdg-build's ``get_progress_thresholds`` for quantitative targets):
``on_track`` (sdg-build's substantial_progress), ``needs_acceleration``
(moderate_progress), ``limited`` (limited_progress), ``deterioration``; a
reached target is ``achieved`` (target_achieved) and no ratio is ``no_data``
(not_available).
"""

from __future__ import annotations

from dataclasses import dataclass

from .rules import reached
from .text import number, percent

__all__ = ["Point", "linear", "opensdg", "status_from_ratio", "METHODS", "ZERO_REPLACEMENT"]

#: The methods, in the order of :data:`pntlib.schema.METHOD_ORDER`.
METHODS = ("linear", "opensdg")

#: What sdg-build puts in place of a línea base or a target of 0 (a CAGR divides by the base).
ZERO_REPLACEMENT = 0.001


@dataclass(frozen=True)
class Point:
    """One indicator's value judged, with its línea base and Meta 2024.

    Attributes
    ----------
    base, base_year, target, target_year : float or int, or None
        Línea base and Meta 2024 (value, year), in the indicator's unit.
    latest, latest_year : float or int, or None
        The value judged (the latest reported, see :func:`pntlib.rules.latest_reported`).
    direction : {1, -1}
        :func:`pntlib.rules.expected_direction`.
    """

    base: float | None
    base_year: int | None
    target: float | None
    target_year: int | None
    latest: float | None
    latest_year: int | None
    direction: int


def status_from_ratio(ratio: float, thresholds: dict[str, float]) -> str:
    """The verdict of a ratio of observed to required progress (target not reached)."""
    if ratio >= thresholds["on_track"]:
        return "on_track"
    if ratio >= thresholds["needs_acceleration"]:
        return "needs_acceleration"
    if ratio >= thresholds["limited"]:
        return "limited"
    return "deterioration"


def linear(p: Point, thresholds: dict[str, float]) -> tuple[dict[str, float | None], str, list[str]]:
    """The straight-path figures and verdict of one indicator; notes explain unusual cases.

    Parameters
    ----------
    p : Point
        What is judged.
    thresholds : dict
        Lower bounds of the pace ratio (:data:`pntlib.validation.DEFAULT_THRESHOLDS`).

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
    if p.latest is None:
        return figures, "no_data", notes
    if p.target is not None:
        if p.direction == 1 and p.target != 0:
            figures["achievement_pct"] = p.latest / p.target * 100
        elif p.direction == -1 and p.latest != 0:
            figures["achievement_pct"] = p.target / p.latest * 100
    if p.base is None or p.target is None or p.base_year is None or p.target_year is None:
        notes.append("Falta la línea base o la Meta 2024: no puede medirse el avance.")
        return figures, "no_data", notes
    achieved = reached(p.latest, p.target, p.direction)
    if p.target == p.base:
        notes.append(
            "La Meta 2024 es igual a la línea base: no hay distancia que recorrer; "
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
            notes.append(f"El último valor ({number(p.latest)}) supera la Meta 2024 ({number(p.target)}).")
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
        f"{percent(figures['expected_pct'])} esperado = {pace:.2f}."
    )
    return figures, status, notes




def _cagr(value: float, base: float, years: int) -> float:
    """sdg-build ``growth_calculation``: compound annual growth rate from ``base`` to ``value``."""
    return (value / base) ** (1 / years) - 1


def opensdg(p: Point, thresholds: dict[str, float]) -> tuple[float | None, str, list[str]]:
    """The Open SDG (sdg-build) verdict of one indicator for a quantitative target.

    Parameters
    ----------
    As :func:`linear`.

    Returns
    -------
    (float or None, str, list of str)
        The ratio ``sign * direction * CAGR_observed / |CAGR_required|``
        (None when it cannot be computed), the status, Spanish notes.
    """
    notes: list[str] = []
    if p.latest is None:
        return None, "no_data", notes
    if p.base is None or p.target is None or p.base_year is None or p.target_year is None:
        notes.append("Falta la línea base o la Meta 2024: no puede medirse el avance.")
        return None, "no_data", notes
    if reached(p.latest, p.target, p.direction):  # sdg-build checks the target first
        return None, "achieved", notes
    if p.latest_year - p.base_year < 1:
        notes.append(
            f"El último valor reportado ({p.latest_year}) no es posterior a la línea base "
            f"({p.base_year}): no puede medirse el crecimiento."
        )
        return None, "no_data", notes
    used_base, used_target = p.base, p.target
    if p.base == 0:
        used_base = ZERO_REPLACEMENT
        notes.append(f"Línea p.base 0: Open SDG la reemplaza por {ZERO_REPLACEMENT}, como sdg-build.")
    if p.target == 0:
        used_target = ZERO_REPLACEMENT
        notes.append(f"Meta 0: Open SDG la reemplaza por {ZERO_REPLACEMENT}, como sdg-build.")
    if (used_base > 0 and (p.latest < 0 or used_target < 0)) or (used_base < 0 and (p.latest > 0 or used_target > 0)):
        notes.append("La línea base y el valor o la meta tienen signos distintos: no hay tasa de crecimiento.")
        return None, "no_data", notes
    required = _cagr(used_target, used_base, p.target_year - p.base_year)
    if required == 0:
        notes.append("La Meta 2024 es igual a la línea base: la tasa requerida es 0.")
        return None, "no_data", notes
    observed = _cagr(p.latest, used_base, p.latest_year - p.base_year)
    sign = -1 if used_base < 0 else 1
    ratio = sign * p.direction * observed / abs(required)
    status = status_from_ratio(ratio, thresholds)
    notes.append(
        f"Open SDG: crecimiento anual compuesto observado {number(observed * 100)} % "
        f"({p.base_year}-{p.latest_year}) / requerido {number(required * 100)} % "
        f"({p.base_year}-{p.target_year}) = {ratio:.2f}."
    )
    return ratio, status, notes
