"""Charts of the indicators and their progress towards the Meta 2024.

Every function returns the :class:`matplotlib.figure.Figure` it drew; chart
text is in Spanish. One colourblind-safe palette, :data:`STATUS_COLORS` (Okabe
& Ito, "Color Universal Design", 2008), colours the progress verdicts of
:func:`pntlib.progress.progress` in every chart. Values printed as NA or ND in
the report are drawn as gaps labelled with their token; provisional values as
hollow markers. :func:`save_figure` writes PNG/SVG files that are byte-identical
for identical input.

The backend is left to the caller (inline in notebooks, Agg in tests).
"""

from __future__ import annotations

import functools
import reprlib
import textwrap
from collections.abc import Callable, Iterable
from pathlib import Path

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from .docstrings import shared
from .exceptions import OutputError, ParameterError, quote
from .files import describe_os_error
from .audit import method_relations
from .evidence import is_weak, outcome_text, trajectory_text
from .labels import DISAGREEMENT_LABELS, PERCENT_LABELS, STATUS_LABELS
from .progress import progress_table
from .rules import as_float, as_int, expected_direction
from .tables import ParsedReport, get_report
from .text import is_percent, number, percent, plot_literal
from .validation import validate_as_of, validate_indicator, validate_objective

__all__ = [
    "plot_indicator",
    "plot_objective",
    "plot_progress_overview",
    "plot_status_heatmap",
    "plot_disagreements",
    "save_figure",
    "STATUS_COLORS",
    "DISAGREEMENT_COLORS",
]

#: Colour of each progress verdict (Okabe-Ito colourblind-safe palette), used by
#: every chart.
STATUS_COLORS = {
    "achieved": "#009E73",  # bluish green
    "on_track": "#0072B2",  # blue
    "needs_acceleration": "#E69F00",  # orange
    "limited": "#CC79A7",  # reddish purple
    "deterioration": "#D55E00",  # vermillion
    "no_data": "#999999",  # grey
}

#: Text colour readable on each status colour.
_STATUS_TEXT = {"achieved": "#FFFFFF", "on_track": "#FFFFFF", "needs_acceleration": "#000000",
                "limited": "#000000", "deterioration": "#FFFFFF", "no_data": "#000000"}
_INK = "#222222"  # results
_PATH = "#666666"  # straight path baseline -> target
_GAP = "#E8E8E8"  # band behind a year printed as NA/ND
_COMPUTED = "#56B4E9"  # sky blue (Okabe-Ito): what the card's variables give
_COMPUTED_LABEL = "Valor según las variables de la ficha"
_WEAK_LABEL = "Evidencia débil: las variables de la ficha no respaldan el valor"
SAVE_FORMATS = ("png", "svg")
_DPI = 150


class Chart(Figure):
    """The matplotlib Figure the ``plot_*`` functions return, with a readable text form.

    In a terminal (plain Python or IPython) a chart prints its title and panels
    instead of ``<Figure size 700x460 with 1 Axes>``; notebooks show the image
    as for any Figure.
    """

    def __repr__(self) -> str:
        titles = [t for t in (self.get_suptitle(), *(ax.get_title(loc) for ax in self.axes
                                                      for loc in ("left", "center", "right"))) if t]
        width, height = self.get_size_inches()
        lines = [f"pntlib chart, {width:.3g} x {height:.3g} in, {len(self.axes)} panel{'s' if len(self.axes) != 1 else ''}"]
        lines += ["  " + " ".join(t.replace("\\$", "$").split()) for t in titles]
        lines.append("  save it with pntlib.save_figure(fig, path) (PNG and SVG); show it with fig.show() or in a notebook")
        return "\n".join(lines)

    __str__ = __repr__


def _literal_text(plot: Callable[..., Figure]) -> Callable[..., Figure]:
    """Draw with ``text.usetex`` off: the charts' text is never handed to LaTeX (report
    text reaches the artists through :func:`pntlib.text.plot_literal`, never as mathtext)."""

    @functools.wraps(plot)
    def wrapper(*args, **kwargs) -> Figure:
        with mpl.rc_context({"text.usetex": False}):
            return plot(*args, **kwargs)

    return wrapper


def _wrap(text: str, width: int) -> str:
    """Text wrapped at ``width`` characters, literal for matplotlib (:func:`pntlib.text.plot_literal`)."""
    return plot_literal("\n".join(textwrap.wrap(str(text), width=width, break_long_words=False)))


def _unit_label(unit: str) -> str:
    return "Porcentaje (%)" if is_percent(unit) else plot_literal(unit)


def _anchor_missing(parsed: ParsedReport, indicator_id: str, measure: str) -> str:
    """A línea base or Meta without a number, as the annex prints it: "ND, sin valor"."""
    rows = parsed.rows("annex", measure)
    own = rows[rows["indicator_id"] == indicator_id]
    return f"{plot_literal(own['raw'].iloc[0])}, sin valor" if len(own) else "sin valor"


def _indicator_data(parsed: ParsedReport, indicator_id: str, judged: pd.DataFrame,
                    as_of: int | None) -> tuple[pd.Series, pd.DataFrame, pd.Series]:
    card = parsed.cards.loc[indicator_id]
    annex = parsed.rows("annex", "result")
    results = annex[annex["indicator_id"] == indicator_id].sort_values("year")
    if as_of is not None:
        results = results[results["year"] <= as_of]
    return card, results, judged.loc[indicator_id]


def _year_range(parsed: ParsedReport, *anchors: int | None) -> tuple[int, int]:
    """First and last year on the x axis: every result year of the report's annex
    tables (the same for every indicator, whatever ``as_of``), the baseline and the target
    years (``None`` when unknown)."""
    years = [*parsed.result_years, *(y for y in anchors if y is not None)]
    return min(years), max(years)


def _draw_indicator(ax, parsed: ParsedReport, indicator_id: str, judged: pd.DataFrame, relations: pd.DataFrame,
                    *, as_of: int | None, title_width: int, legend: bool) -> None:
    """Draw one indicator on ``ax``; ``judged`` is the progress table (indexed by id) of the figure,
    ``relations`` :func:`pntlib.audit.method_relations`."""
    card, results, row = _indicator_data(parsed, indicator_id, judged, as_of)
    computed = _computed_differing(relations, indicator_id, results)
    years = results["year"].astype(int).to_numpy()
    values = results["value"].astype("float64").to_numpy(na_value=np.nan)
    # a línea base or Meta printed as NA/ND is missing: no diamond, line or path, a label instead
    base, base_year = as_float(row["baseline_value"]), as_int(row["baseline_year"])
    target, target_year = as_float(row["target_value"]), as_int(row["target_year"])
    missing = [(gid, label, measure) for gid, label, measure, value in (
        ("baseline-missing", f"Línea base {base_year or ''}", "baseline", base),
        ("target-missing", f"Meta {target_year or ''}", "target", target)) if value is None]
    finite = values[~np.isnan(values)]
    known = [v for v in (base, target) if v is not None] + [*finite, *computed.values()]
    lo, hi = min([0.0, *known]), max([0.0, *known])
    span = (hi - lo) or 1.0
    ax.set_ylim(lo - 0.16 * span, hi + (0.14 + 0.12 * len(missing)) * span)  # room for their labels
    first, last = _year_range(parsed, base_year, target_year)
    ax.set_xlim(first - 0.6, last + 0.9)
    _draw_gaps(ax, years, values, results["raw"].astype(str))
    _draw_anchors(ax, row, first)
    for k, (gid, label, measure) in enumerate(missing):  # labelled gaps: the anchors the report does not give
        ax.text(0.01, 0.98 - 0.08 * k, f"{label}: {_anchor_missing(parsed, indicator_id, measure)}",
                transform=ax.transAxes, ha="left", va="top", fontsize=8, color="#444444", gid=gid,
                bbox={"fc": _GAP, "ec": "none", "pad": 1.5})
    _draw_results(ax, years, values, results["status"].astype(str).to_numpy(), computed)
    _draw_latest(ax, row, results, last)
    _style_axes(ax, first, last, unit=card["unit"])
    title = _wrap(f"{indicator_id} {card['name']}", title_width)
    if as_of is not None:
        title += f"\n(datos hasta {as_of})"
    ax.set_title(title, fontsize=9.5, loc="left")
    if legend:
        ax.legend(handles=_legend_handles(), loc="upper center", bbox_to_anchor=(0.5, -0.16),
                  ncol=3, fontsize=8, frameon=False)


def _draw_gaps(ax, years: np.ndarray, values: np.ndarray, raws: pd.Series) -> None:
    """A light band and the report's token (``raws``) where a year has no number."""
    gap_transform = mpl.transforms.blended_transform_factory(ax.transData, ax.transAxes)
    for year, value, raw in zip(years, values, raws):
        if np.isnan(value):
            ax.axvspan(year - 0.3, year + 0.3, color=_GAP, zorder=0, gid=f"gap-{year}")
            ax.text(year, 0.04, plot_literal(raw), transform=gap_transform, ha="center", va="bottom",
                    fontsize=8.5, color="#444444", gid=f"gap-label-{year}")


def _draw_anchors(ax, row: pd.Series, first: int) -> None:
    """The línea base (diamond), the Meta (line and label) and the linear path between them, those the
    report gives (``row`` of the progress table; ``first`` the first year on the x axis)."""
    base, base_year = as_float(row["baseline_value"]), as_int(row["baseline_year"])
    target, target_year = as_float(row["target_value"]), as_int(row["target_year"])
    if base is not None and target is not None:
        ax.plot([base_year, target_year], [base, target], ls="--", lw=1.2, color=_PATH, zorder=1,
                gid="path", label="Trayectoria lineal a la meta")
    if target is not None:
        ax.axhline(target, color="#000000", lw=1.3, zorder=1, gid="target", label=f"Meta {target_year}")
        ax.text(first - 0.5, target, f"Meta {target_year}: {number(target)}", ha="left", va="bottom",
                fontsize=8, color="#000000", gid="target-label")
    if base is not None:
        ax.plot([base_year], [base], marker="D", ms=9, ls="none", color=_PATH, mec="#000000", zorder=2,
                gid="baseline", label="Línea base")


def _draw_results(ax, years: np.ndarray, values: np.ndarray, status: np.ndarray,
                  computed: dict[int, float]) -> None:
    """The results (line, dots; preliminary ones hollow) and, where it differs, what the card's variables give."""
    # the line breaks at NaN, so NA/ND years stay visible gaps
    ax.plot(years, values, color=_INK, lw=1.8, zorder=3, gid="results-line")
    normal = status == "normal"
    prov = status == "provisional"
    ax.plot(years[normal], values[normal], ls="none", marker="o", ms=7, color=_INK, zorder=4,
            gid="results-normal", label="Resultado")
    ax.plot(years[prov], values[prov], ls="none", marker="o", ms=7, mfc="white", mec=_INK, mew=1.8,
            zorder=4, gid="results-provisional", label="Resultado preliminar")
    for year, value in computed.items():  # what the card's own variables give, where it differs
        ax.plot([year], [value], ls="none", marker="X", ms=8, color=_COMPUTED, mec="#000000", mew=0.6,
                zorder=4, gid=f"computed-{year}", label=_COMPUTED_LABEL)
        ax.plot([year, year], [value, values[list(years).index(year)]] if year in years else [value, value],
                ls=":", lw=1, color=_COMPUTED, zorder=2, gid=f"computed-link-{year}")


def _draw_latest(ax, row: pd.Series, results: pd.DataFrame, last: int) -> None:
    """The box by the latest value, in the colour of the verdict; without one, the trajectory's sentence
    (``last`` the last year on the x axis)."""
    color = STATUS_COLORS[str(row["status"])]
    if not pd.isna(row["latest_value"]):
        ly, lv = int(row["latest_year"]), float(row["latest_value"])
        raw = plot_literal(results.loc[results["year"] == ly, "raw"].iloc[0])
        left = ly >= last - 1  # near the right edge: the box goes left of the point, inside the axes
        # the box sits in the half of the plot away from the latest value, at its edge, with a thin
        # line to the point: beside the point it covered the years before it (the same height)
        low, high = ax.get_ylim()
        upper = (lv - low) / (high - low) > 0.5 if high > low else False
        ax.annotate(
            _latest_text(raw, ly, row),
            xy=(ly, lv), xytext=(ly - 0.12 if left else ly + 0.12, 0.03 if upper else 0.97),
            textcoords=("data", "axes fraction"), ha="right" if left else "left", va="bottom" if upper else "top",
            fontsize=8, zorder=5, gid="latest",
            bbox={"boxstyle": "round,pad=0.3", "fc": "white", "ec": color, "lw": 1.6},
            arrowprops={"arrowstyle": "-", "color": color, "lw": 0.9, "shrinkA": 0, "shrinkB": 5},
        )
    else:
        ax.text(0.5, 0.5, _wrap(trajectory_text(row), 40), transform=ax.transAxes, ha="center", va="center",
                color=color, fontsize=11, gid="latest")


def _style_axes(ax, first: int, last: int, *, unit: str) -> None:
    """Ticks every year from ``first`` to ``last``, the axis labels, a light grid, no top or right spine."""
    ax.set_xticks(range(first, last + 1))
    ax.set_ylabel(_unit_label(unit))
    ax.set_xlabel("Año")
    ax.grid(axis="y", color="#DDDDDD", lw=0.6)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def _latest_text(raw: str, year: int, row: pd.Series) -> str:
    """The box at the latest value: the value, the outcome at the target year, the trajectory, weak evidence."""
    lines = [f"{raw} ({year})", _wrap(outcome_text(row), 28), _wrap("Trayectoria: " + trajectory_text(row), 28)]
    if is_weak(row["evidence"]):
        lines.append("evidencia débil")
    return "\n".join(lines)


def _computed_differing(relations: pd.DataFrame, indicator_id: str, results: pd.DataFrame) -> dict[int, float]:
    """Year -> the value the card's variables give, for the years shown where it differs from the printed one."""
    own = relations[(relations["indicator_id"] == indicator_id) & relations["computed_value"].notna()]
    printed = dict(zip(results["year"].astype(int), results["value"]))
    return {int(y): float(v) for y, v in zip(own["year"], own["computed_value"])
            if int(y) in printed and (pd.isna(printed[int(y)]) or float(printed[int(y)]) != float(v))}


def _legend_handles() -> list:
    return [
        Line2D([], [], color=_INK, marker="o", ms=7, lw=1.8, label="Resultado"),
        Line2D([], [], color=_INK, marker="o", ms=7, mfc="white", mew=1.8, ls="none", label="Resultado preliminar (P)"),
        Line2D([], [], color=_PATH, marker="D", ms=8, mec="#000000", ls="none", label="Línea base"),
        Line2D([], [], color="#000000", lw=1.3, label="Meta 2024"),
        Line2D([], [], color=_PATH, lw=1.2, ls="--", label="Trayectoria lineal a la meta"),
        Patch(color=_GAP, label="Sin dato (NA / ND)"),
        Line2D([], [], color=_COMPUTED, marker="X", ms=8, mec="#000000", ls="none", label=_COMPUTED_LABEL),
    ]


@_literal_text
@shared
def plot_indicator(indicator_id: str, *, ax=None, as_of: int | None = None, report: str | Path | None = None) -> Figure:
    """One indicator's results against its línea base and Meta 2024.

    Draws the results of the annex SERIE HISTÓRICA (section 4) with markers
    (hollow when provisional), years printed as NA/ND as shaded gaps labelled
    with their token, the Meta 2024 as a horizontal line, the línea base as a
    diamond, the straight path from línea base to Meta 2024 dashed, and the
    latest reported value annotated with the outcome at the target year and
    the trajectory (:func:`pntlib.evidence.outcome_text`,
    :func:`pntlib.evidence.trajectory_text`; boxed in the colour of
    :data:`STATUS_COLORS`, "evidencia débil" when weak), and, where the card's own variables give another
    value than the printed one (:func:`pntlib.audit.method_relations`), that
    value as a sky-blue cross labelled "Valor según las variables de la ficha".

    Parameters
    ----------
    indicator_id : str
        Indicator id as in the report ("3.2").
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; default a new figure of 7 x 4.6 inches.
    as_of : int, optional
        Draw and judge only the results up to this year (see
        :func:`pntlib.progress`).
    {report}

    Returns
    -------
    matplotlib.figure.Figure
        The figure holding ``ax``. Artists carry ``gid`` values for inspection:
        ``results-line``, ``results-normal``, ``results-provisional``,
        ``baseline``, ``target``, ``path``, ``latest``, ``gap-YEAR``,
        ``gap-label-YEAR``, ``computed-YEAR``.

    Raises
    ------
    UnknownIndicatorError
        (a :class:`ParameterError`) ``indicator_id`` is not in the report; the
        message lists the ids.
    ParameterError
        ``as_of`` is not one of the report's years.
    {report_errors}
    """
    parsed = get_report(report)
    indicator_id = validate_indicator(indicator_id, parsed.indicator_ids)
    as_of = validate_as_of(as_of, parsed.result_years)
    judged = progress_table(parsed, as_of=as_of).set_index("indicator_id")
    if ax is None:
        fig, ax = plt.subplots(figsize=(7, 4.6), layout="constrained", FigureClass=Chart)
    _draw_indicator(ax, parsed, indicator_id, judged, method_relations(parsed), as_of=as_of, title_width=70,
                    legend=True)
    return ax.figure


@_literal_text
@shared
def plot_objective(objective: int, *, report: str | Path | None = None) -> Figure:
    """The indicators of one objective as small multiples.

    One panel per indicator (as :func:`plot_indicator`), the figure titled with
    the objective's number and title (section-3 heading), one shared legend.

    Parameters
    ----------
    objective : int or str
        Objective number (1-5; ``3`` and ``"3"`` mean the same).
    {report}

    Returns
    -------
    matplotlib.figure.Figure
        One axes per indicator of the objective, in report order.

    Raises
    ------
    ParameterError
        ``objective`` is not one of the report's objectives; the message lists them.
    {report_errors}
    """
    parsed = get_report(report)
    objective = validate_objective(objective, parsed.objective_numbers)
    objectives = parsed.objectives
    indicators = parsed.indicators
    ids = [str(i) for i in indicators.loc[indicators["objective"] == objective, "indicator_id"]]
    judged = progress_table(parsed).set_index("indicator_id")
    relations = method_relations(parsed)
    fig, axes = plt.subplots(1, len(ids), figsize=(5.2 * len(ids), 5.6), layout="constrained", squeeze=False,
                             FigureClass=Chart)
    for ax, indicator_id in zip(axes[0], ids):
        _draw_indicator(ax, parsed, indicator_id, judged, relations, as_of=None, title_width=48, legend=False)
    title = objectives.loc[objectives["objective"] == objective, "title"].iloc[0]
    fig.suptitle(_wrap(f"Objetivo prioritario {objective}. {title}", 120), fontsize=12, x=0.01, ha="left")
    fig.legend(handles=_legend_handles(), loc="outside lower center", ncol=4, fontsize=8.5, frameon=False)
    return fig


def _status_legend(statuses: Iterable[str]) -> list:
    return [Patch(color=STATUS_COLORS[s], label=STATUS_LABELS[s]) for s in statuses]


@_literal_text
@shared
def plot_progress_overview(*, report: str | Path | None = None) -> Figure:
    """One bar per indicator: the share of the way to the Meta 2024 covered.

    Bars show ``distance_covered_pct`` of :func:`pntlib.progress` (annex,
    every year; the axis is named by :data:`pntlib.labels.PERCENT_LABELS`, the
    labels written by :func:`pntlib.text.percent`, "(supera la Meta)" above
    100 %), coloured by trajectory verdict (:data:`STATUS_COLORS`), grouped by
    objective, with a line at 100 % (the Meta 2024) and a tick at the share a
    straight path would have covered by the latest reported year. A verdict
    whose evidence is weak (the card's variables do not reproduce the value,
    its formula cannot be evaluated, or they add 0 to the previous result:
    :data:`pntlib.evidence.WEAK_EVIDENCE`) has a hatched bar and "evidencia
    débil" in its label. Indicator names (card field *Nombre*) are wrapped.

    Parameters
    ----------
    {report}

    Returns
    -------
    matplotlib.figure.Figure
        One axes; bars carry ``gid="bar-<indicator_id>"``.

    Raises
    ------
    {report_errors}
    """
    parsed = get_report(report)
    table = progress_table(parsed)
    names = parsed.cards["name"]
    objectives = parsed.objectives
    positions, labels, y = [], [], 0.0
    headers = []
    for objective in objectives["objective"]:
        own = table[table["objective"] == objective]
        if not len(own):
            continue
        y += 0.5  # gap between objectives
        headers.append((y, int(objective)))
        y += 0.6
        for indicator_id in own["indicator_id"]:
            label = _wrap(f"{indicator_id}  {names[indicator_id]}", 58)
            lines = label.count("\n") + 1
            step = max(1.0, 0.36 * lines + 0.3)  # room for the wrapped name
            positions.append(y + step / 2)
            labels.append(label)
            y += step
    fig_height = 1.4 + 0.42 * y
    fig, ax = plt.subplots(figsize=(11, fig_height), layout="constrained", FigureClass=Chart)
    covered = table["distance_covered_pct"].astype("float64").to_numpy(na_value=np.nan)
    top = max(110.0, np.nanmax(covered) if np.isfinite(covered).any() else 0.0) * 1.12
    for pos, (_, row), value in zip(positions, table.iterrows(), covered):
        status = str(row["status"])
        if np.isnan(value):
            text = STATUS_LABELS[status] if status == "no_data" else "meta = línea base"
            ax.text(1, pos, text, va="center", ha="left", fontsize=8.5, color="#444444",
                    gid=f"bar-label-{row['indicator_id']}")
            continue
        weak = is_weak(row["evidence"])
        ax.barh(pos, value, height=0.7, color=STATUS_COLORS[status], gid=f"bar-{row['indicator_id']}",
                hatch="///" if weak else None, edgecolor="#FFFFFF" if weak else None, lw=0)
        # a dot at the bar's end keeps the verdict colour visible when the bar is 0
        ax.plot([value], [pos], ls="none", marker="o", ms=7, color=STATUS_COLORS[status], mec="#000000",
                mew=0.6, zorder=3, gid=f"bar-end-{row['indicator_id']}")
        note = " (P)" if str(row["latest_status"]) == "provisional" else ""
        over = " (supera la Meta)" if value > 100 else ""
        weak_note = " · evidencia débil" if weak else ""
        ax.text(max(value, 0) + 2.5, pos, f"{percent(value)}{over}{note} · {int(row['latest_year'])}{weak_note}",
                va="center",
                ha="left", fontsize=8.5, gid=f"bar-label-{row['indicator_id']}",
                bbox={"fc": "white", "ec": "none", "pad": 1, "alpha": 0.85})
        if not pd.isna(row["expected_pct"]) and row["expected_pct"] < 100:
            ax.plot([row["expected_pct"]] * 2, [pos - 0.42, pos + 0.42], color="#000000", lw=1.6,
                    gid=f"expected-{row['indicator_id']}")
    for pos, objective in headers:
        ax.text(0, pos, f"Objetivo prioritario {objective}", transform=ax.get_yaxis_transform(),
                ha="right", va="center", fontsize=9.5, fontweight="bold", gid=f"objective-{objective}")
    ax.axvline(100, color="#000000", lw=1.2, ls="-", gid="target")
    ax.text(100, -0.45, "Meta 2024 (100 %)", ha="center", va="bottom", fontsize=8.5,
            bbox={"fc": "white", "ec": "none", "pad": 1})
    ax.set_yticks(positions, labels, fontsize=8.5)
    ax.set_ylim(y + 0.2, -0.8)
    ax.set_xlim(0, top)
    ax.set_xlabel(PERCENT_LABELS["distance_covered_pct"])
    ax.grid(axis="x", color="#DDDDDD", lw=0.6)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    handles = _status_legend(s for s in STATUS_COLORS if (table["status"] == s).any())
    handles.append(Line2D([], [], color="#000000", lw=1.6, label="Esperado a la fecha (trayectoria lineal)"))
    if any(is_weak(e) for e in table["evidence"]):
        handles.append(Patch(facecolor="#BBBBBB", hatch="///", edgecolor="#FFFFFF", label=_WEAK_LABEL))
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.06), ncol=2, fontsize=8.5, frameon=False)
    ax.set_title("Trayectoria hacia la Meta 2024 por indicador: camino recorrido con el último dato",
                 fontsize=12, loc="left")
    return fig


@_literal_text
@shared
def plot_status_heatmap(*, report: str | Path | None = None) -> Figure:
    """Indicators by year, coloured by the share of the Meta 2024 reached.

    Each cell is the result of the annex SERIE HISTÓRICA divided by the Meta
    2024 (inverse for a descending trend), in percent (the measure of
    achievement, :data:`pntlib.labels.PERCENT_LABELS` ``achievement_pct``), coloured on the
    colourblind-safe sequential map *cividis* (0-100 %, above 100 shown as
    100), and shows the report's own token ("N/D", "66/P"); cells without a
    number are hatched. A column on the right gives each indicator's trajectory verdict (with
    "datos hasta 2023" when it rests on a year before the target year) in
    the colours of :data:`STATUS_COLORS`, hatched when its evidence is weak
    (:data:`pntlib.evidence.WEAK_EVIDENCE`).

    Parameters
    ----------
    {report}

    Returns
    -------
    matplotlib.figure.Figure
        Two axes: the heatmap (its texts are the tokens) and the verdict column.

    Raises
    ------
    {report_errors}
    """
    parsed = get_report(report)
    indicators = parsed.cards
    results = parsed.rows("annex", "result")
    judged = progress_table(parsed).set_index("indicator_id")
    verdicts = judged["status"].astype(str)
    ids = list(indicators.index)
    years = sorted({int(y) for y in results["year"]})
    share = pd.DataFrame(np.nan, index=ids, columns=years)
    tokens = pd.DataFrame("", index=ids, columns=years)
    for _, row in results.iterrows():
        card = indicators.loc[row["indicator_id"]]
        tokens.loc[row["indicator_id"], int(row["year"])] = plot_literal(row["raw"])
        value, target = row["value"], card["target_value"]
        if pd.isna(value) or pd.isna(target):
            continue
        if expected_direction(card["expected_trend"], card["baseline_value"], target)[0] == -1:
            share.loc[row["indicator_id"], int(row["year"])] = np.nan if value == 0 else target / value * 100
        else:
            share.loc[row["indicator_id"], int(row["year"])] = np.nan if target == 0 else value / target * 100
    labels = [_wrap(f"{i}  {indicators.loc[i, 'name']}", 60) for i in ids]
    heights = [1 + 0.25 * max(0, label.count("\n") - 1) for label in labels]
    fig = plt.figure(figsize=(12, 1.6 + 0.5 * sum(heights)), layout="constrained", FigureClass=Chart)
    grid = fig.add_gridspec(1, 2, width_ratios=[len(years), 2.6])
    ax = fig.add_subplot(grid[0, 0])
    side = fig.add_subplot(grid[0, 1], sharey=ax)
    cmap = mpl.colormaps["cividis"].copy()
    sns.heatmap(
        share.clip(upper=100), ax=ax, cmap=cmap, vmin=0, vmax=100, mask=share.isna(), linewidths=1.0,
        linecolor="white",
        cbar_kws={"label": PERCENT_LABELS["achievement_pct"] + "; más de 100: supera la Meta", "location": "bottom",
                  "shrink": 0.5, "aspect": 30},
        xticklabels=years, yticklabels=labels,
    )
    ax.set_facecolor("#F2F2F2")
    for i, indicator_id in enumerate(ids):
        for j, year in enumerate(years):
            text = tokens.loc[indicator_id, year]
            value = share.loc[indicator_id, year]
            if np.isnan(value):
                ax.add_patch(mpl.patches.Rectangle((j, i), 1, 1, fill=False, hatch="///", ec="#BBBBBB", lw=0,
                                                   gid=f"missing-{indicator_id}-{year}"))
                color = "#222222"
            else:
                r, g, b, _ = cmap(min(value, 100) / 100)
                color = "#000000" if 0.299 * r + 0.587 * g + 0.114 * b > 0.5 else "#FFFFFF"
            ax.text(j + 0.5, i + 0.5, text or "—", ha="center", va="center", fontsize=9, color=color,
                    gid=f"cell-{indicator_id}-{year}",
                    bbox={"fc": "#F2F2F2", "ec": "none", "pad": 1} if np.isnan(value) else None)
    ax.set_xlabel("Año del resultado")
    ax.set_ylabel("")
    ax.tick_params(axis="y", labelsize=8.5, rotation=0)
    fig.suptitle(f"{PERCENT_LABELS['achievement_pct']} de cada resultado (anexo, SERIE HISTÓRICA)\n"
                 "Cada celda muestra el valor tal como lo imprime el informe; rayado: sin dato (NA / ND)",
                 fontsize=11, x=0.01, ha="left")
    for i, indicator_id in enumerate(ids):
        status = verdicts[indicator_id]
        weak = is_weak(judged.loc[indicator_id, "evidence"])
        side.add_patch(mpl.patches.Rectangle((0.02, i + 0.1), 0.96, 0.8, facecolor=STATUS_COLORS[status],
                                             hatch="///" if weak else None, edgecolor="#FFFFFF" if weak else None,
                                             lw=0, gid=f"status-{indicator_id}"))
        text = _wrap(STATUS_LABELS[status], 20)
        latest, goal = judged.loc[indicator_id, "latest_year"], judged.loc[indicator_id, "target_year"]
        if status != "no_data" and not pd.isna(latest) and not pd.isna(goal) and int(latest) < int(goal):
            text += f"\n(datos hasta {int(latest)})"  # the year the trajectory rests on
        side.text(0.5, i + 0.5, text, ha="center",
                  va="center", fontsize=8, color=_STATUS_TEXT[status],
                  bbox={"fc": STATUS_COLORS[status], "ec": "none", "pad": 0.5} if weak else None)
    side.set_xlim(0, 1)
    side.set_xticks([])
    side.tick_params(axis="y", left=False, labelleft=False)
    for spine in side.spines.values():
        spine.set_visible(False)
    side.set_title("Trayectoria", fontsize=10)
    if any(is_weak(e) for e in judged["evidence"]):
        side.set_xlabel(_wrap("Rayado: " + _WEAK_LABEL[0].lower() + _WEAK_LABEL[1:], 24), fontsize=7.5)
    return fig


#: Colour of each kind of disagreement between the summary table and the annex (most grave first).
DISAGREEMENT_COLORS = {"different": "#b2182b", "missing": "#ef8a62", "truncation": "#fddbc7", "rounding": "#d1e5f0"}


@_literal_text
@shared
def plot_disagreements(*, report: str | Path | None = None) -> Figure:
    """Where the section-3 summary table and the annex card disagree, by indicator and year.

    One cell per indicator and result year, coloured by the kind of
    disagreement of :func:`pntlib.summary_disagreements` (:data:`DISAGREEMENT_COLORS`,
    labels :data:`pntlib.labels.DISAGREEMENT_LABELS`); the text is the annex
    token and the summary token as printed ("anexo | resumen"); cells where
    the tables agree are blank.

    Parameters
    ----------
    {report}

    Returns
    -------
    matplotlib.figure.Figure
        One axes; rows are the indicators (report order), columns the result years.

    Raises
    ------
    {report_errors}
    """
    from .audit import audit_table, summary_disagreements

    parsed = get_report(report)
    found = summary_disagreements(audit_table(parsed))
    results = parsed.rows("annex", "result")
    ids = list(dict.fromkeys(results["indicator_id"]))
    years = sorted(int(a) for a in results["year"].unique())
    kinds = list(DISAGREEMENT_LABELS)
    grid = pd.DataFrame(float("nan"), index=ids, columns=years)
    for row in found.itertuples(index=False):
        grid.loc[row.indicator_id, int(row.year)] = kinds.index(row.kind)
    fig, ax = plt.subplots(figsize=(8, 7), FigureClass=Chart)
    ax.imshow(grid.to_numpy(dtype=float), cmap=mpl.colors.ListedColormap(list(DISAGREEMENT_COLORS.values())),
              vmin=-0.5, vmax=len(kinds) - 0.5, aspect="auto")
    for row in found.itertuples(index=False):
        ax.text(years.index(int(row.year)), ids.index(row.indicator_id),
                f"{plot_literal(row.annex_raw)} | {plot_literal(row.summary_raw)}",
                ha="center", va="center", fontsize=7, gid=f"cell-{row.indicator_id}-{int(row.year)}")
    ax.set_xticks(range(len(years)), [str(a) for a in years])
    ax.set_yticks(range(len(ids)), [plot_literal(i) for i in ids])
    ax.set_xticks([x - 0.5 for x in range(1, len(years))], minor=True)
    ax.set_yticks([y - 0.5 for y in range(1, len(ids))], minor=True)
    ax.grid(which="minor", color="#dddddd")
    ax.tick_params(which="minor", length=0)
    ax.set_xlabel("Año del resultado")
    ax.set_ylabel("Indicador")
    ax.set_title("Resultados: tabla de resumen frente a ficha del anexo\n(texto: anexo | resumen)")
    ax.legend(handles=[Patch(color=c, label=DISAGREEMENT_LABELS[k]) for k, c in DISAGREEMENT_COLORS.items()],
              loc="upper left", bbox_to_anchor=(1.01, 1), title="Discrepancia", frameon=False)
    fig.tight_layout()
    return fig


def save_figure(fig: Figure, path: str | Path, *, formats: Iterable[str] = SAVE_FORMATS) -> list[Path]:
    """Write ``fig`` as PNG and/or SVG, byte-identical for identical input.

    No dates, software versions or random ids are embedded: SVG metadata
    ``Date`` and ``Creator`` are dropped and ids are salted with a fixed
    ``svg.hashsalt``; PNG metadata ``Software`` is dropped. Resolution 150 dpi,
    tight bounding box.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure to write.
    path : str or Path
        File path without suffix (a suffix that is one of ``formats`` is
        replaced); parent folders are created.
    formats : iterable of {"png", "svg"}, default ("png", "svg")
        File formats to write.

    Returns
    -------
    list of Path
        The files written, in the order of ``formats``.

    Raises
    ------
    ParameterError
        ``fig`` is not a Figure, ``path`` is not a path (or holds a NUL byte),
        or a format is not "png" or "svg".
    OutputError
        A folder cannot be made or a file written (the message names it).
    """
    if not isinstance(fig, Figure):
        raise ParameterError(f"parameter fig={reprlib.repr(fig)} is not a matplotlib Figure; pass the figure a "
                             "plot_* function returns (for an Axes, its .figure)")
    if not isinstance(path, (str, Path)) or not str(path).strip() or "\x00" in str(path):
        raise ParameterError(f"parameter path={quote(path) if isinstance(path, (str, Path)) else reprlib.repr(path)} is not "
                             "valid; give a file path without suffix, with no NUL byte (\\x00)")
    formats = [formats] if isinstance(formats, str) else list(formats)
    for fmt in formats:
        if fmt not in SAVE_FORMATS:
            raise ParameterError.invalid("formats", fmt, SAVE_FORMATS)
    path = Path(path)
    if path.suffix.lstrip(".").lower() in SAVE_FORMATS:
        path = path.with_suffix("")
    metadata = {"png": {"Software": None}, "svg": {"Date": None, "Creator": None}}
    written = []
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with mpl.rc_context({"svg.hashsalt": "pntlib", "svg.fonttype": "path"}):
            for fmt in formats:
                target = path.with_name(f"{path.name}.{fmt}")
                fig.savefig(target, format=fmt, dpi=_DPI, metadata=metadata[fmt], bbox_inches="tight",
                            facecolor="white")
                written.append(target)
    except OSError as exc:  # a folder that cannot be made or written, a name too long
        raise OutputError(
            f"cannot save the figure: {describe_os_error(exc, path)}; choose a writable folder and a shorter name"
        ) from exc
    return written
