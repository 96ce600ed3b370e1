"""The report as tidy, typed DataFrames.

Every loader parses the report (cached per file and modification time), so a
DataFrame always reflects the text in ``data/raw/`` (or the file passed as
``report``). The column dictionary is :mod:`pntlib.schema`.
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

import pandas as pd

from . import config, schema
from .exceptions import UnknownIndicatorError
from .formulas import split_method
from .report import Report, read_report

__all__ = [
    "get_report",
    "load_objectives",
    "load_strategies",
    "load_indicators",
    "load_series",
    "load_variables",
    "load_substitutions",
    "build_tables",
    "check_indicator",
]


@functools.lru_cache(maxsize=8)
def _cached(path: str | None, digest: str) -> tuple[Report, dict[str, pd.DataFrame]]:
    report = read_report(path)
    return report, _build(report)


def get_report(report: str | Path | None = None) -> tuple[Report, dict[str, pd.DataFrame]]:
    """The parsed report and its tables, parsed again whenever the file's bytes change."""
    target = Path(config.DEFAULT_REPORT if report is None else report)
    digest = hashlib.sha256(target.read_bytes()).hexdigest()
    return _cached(None if report is None else str(target.resolve()), digest)


def build_tables(report: str | Path | None = None) -> dict[str, pd.DataFrame]:
    """All tables of the report, keyed by name (copies: safe to modify)."""
    return {name: frame.copy() for name, frame in get_report(report)[1].items()}


def _none_if_empty(text: str) -> str | None:
    return text if text else None


def _build(report: Report) -> dict[str, pd.DataFrame]:
    objectives = schema.apply(
        "objectives", [{"objective": o.objective, "title": o.title} for o in report.objectives]
    )
    strategies = schema.apply(
        "strategies",
        [{"objective": s.objective, "strategy_id": s.strategy_id, "title": s.title} for s in report.strategies],
    )
    summary_names = {r.indicator_id: r.name for r in report.summary}
    values = {
        (o.indicator_id, o.measure): o
        for o in report.observations
        if o.table == "annex" and o.measure in ("baseline", "target")
    }
    rows = []
    for card in report.cards:
        formula, definitions = split_method(card.fields["method"])
        base = values[(card.indicator_id, "baseline")]
        target = values[(card.indicator_id, "target")]
        row = {k: _none_if_empty(v) for k, v in card.fields.items() if k != "objective_text"}
        row.update(
            indicator_id=card.indicator_id,
            objective=card.objective,
            kind=card.kind,
            summary_name=summary_names[card.indicator_id],
            method=_none_if_empty(formula),
            method_variables=_none_if_empty(definitions),
            baseline_note=_none_if_empty(card.baseline_note),
            target_note=_none_if_empty(card.target_note),
            baseline_value=base.token.value,
            baseline_year=base.year,
            target_value=target.token.value,
            target_year=target.year,
        )
        rows.append(row)
    indicators = schema.apply("indicators", rows)
    series = schema.apply(
        "series",
        [
            {
                "indicator_id": o.indicator_id,
                "table": o.table,
                "measure": o.measure,
                "year": o.year,
                "raw": o.token.raw,
                "value": o.token.value,
                "status": o.token.status,
                "obs_status": o.token.obs_status,
                "source_line": o.source_line,
            }
            for o in report.observations
        ],
    )
    variables = schema.apply(
        "variables",
        [
            {
                "indicator_id": v.indicator_id,
                "variable": v.variable,
                "name": v.name,
                "year": v.year,
                "raw": v.token.raw,
                "value": v.token.value,
                "status": v.token.status,
                "source": v.source,
                "source_line": v.source_line,
            }
            for v in report.variables
        ],
    )
    substitutions = schema.apply(
        "substitutions",
        [
            {"indicator_id": s.indicator_id, "year": s.year, "text": s.text, "source_line": s.source_line}
            for s in report.substitutions
        ],
    )
    return {
        "objectives": objectives,
        "strategies": strategies,
        "indicators": indicators,
        "series": series,
        "variables": variables,
        "substitutions": substitutions,
    }


def check_indicator(indicator_id: str, *, report: str | Path | None = None) -> str:
    """Return ``indicator_id`` normalised, or raise if the report lacks it.

    Raises
    ------
    UnknownIndicatorError
        The id is not one of the report's indicators; the message lists them.
    """
    ids = list(get_report(report)[1]["indicators"]["indicator_id"])
    key = str(indicator_id).strip()
    if key not in ids:
        raise UnknownIndicatorError(
            f"indicator {indicator_id!r} is not in the report; valid ids: {', '.join(ids)}"
        )
    return key


def load_objectives(*, report: str | Path | None = None) -> pd.DataFrame:
    """The programme's objectives (Objetivos prioritarios).

    Parameters
    ----------
    report : str or Path, optional
        Report file to read; default the verified copy in ``data/raw/``.

    Returns
    -------
    pandas.DataFrame
        One row per objective, RangeIndex, in report order:

        - ``objective`` : Int64 — objective number (1-5);
        - ``title`` : string — title as in the section-3 heading
          ("Objetivo prioritario N.- title"), trailing full stop removed.

    Raises
    ------
    ReportChecksumError, ReportFormatError
        See :func:`pntlib.report.read_report`.
    """
    return get_report(report)[1]["objectives"].copy()


def load_strategies(*, report: str | Path | None = None) -> pd.DataFrame:
    """The priority strategies (Estrategias prioritarias) of each objective.

    Returns
    -------
    pandas.DataFrame
        RangeIndex; columns ``objective`` (Int64), ``strategy_id`` (string,
        "1.1"), ``title`` (string) — from the section-3 headings
        "Estrategia prioritaria N.M.- title".

    Raises
    ------
    ReportChecksumError, ReportFormatError
        See :func:`pntlib.report.read_report`.
    """
    return get_report(report)[1]["strategies"].copy()


def load_indicators(*, report: str | Path | None = None) -> pd.DataFrame:
    """One row per indicator: its annex card and its summary-table name.

    Parameters
    ----------
    report : str or Path, optional
        Report file to read; default the verified copy in ``data/raw/``.

    Returns
    -------
    pandas.DataFrame
        Index ``indicator_id`` (string, "1.1" ... "5.3", in report order).
        Columns, all from the annex card (section 4) unless said otherwise:

        - ``objective`` : Int64 — objective number;
        - ``kind`` : ordered category {meta_bienestar, parametro};
        - ``name`` : string — field *Nombre* without the id prefix;
        - ``summary_name`` : string — name in the section-3 summary table;
        - ``definition``, ``disaggregation``, ``periodicity``, ``type``,
          ``accumulation``, ``unit``, ``collection_period``, ``dimension``,
          ``availability``, ``expected_trend``, ``responsible_unit`` : string —
          the card fields of those names (Spanish, as printed);
        - ``method`` : string — the formula of *Método de cálculo*, markup
          removed ("PEPC% = (NEC/NEP) * 100"); a card that defines the
          indicator as one variable has that symbol ("NRR");
        - ``method_variables`` : string — "SYMBOL: definition" lines;
        - ``observations``, ``baseline_note``, ``target_note`` : string,
          missing (``<NA>``) when the card leaves them empty;
        - ``baseline_value`` : Float64 — *Valor de la línea base*, in ``unit``;
        - ``baseline_year`` : Int64;
        - ``target_value`` : Float64 — *Meta 2024*, in ``unit``;
        - ``target_year`` : Int64.

    Raises
    ------
    ReportChecksumError, ReportFormatError
        See :func:`pntlib.report.read_report`.
    """
    return get_report(report)[1]["indicators"].set_index("indicator_id")


def load_series(*, report: str | Path | None = None, table: str | None = None) -> pd.DataFrame:
    """Every number of the report's indicator tables, long and tidy.

    Parameters
    ----------
    report : str or Path, optional
        Report file to read; default the verified copy in ``data/raw/``.
    table : {None, "annex", "summary"}, default None
        Keep only the values of one table.

    Returns
    -------
    pandas.DataFrame
        RangeIndex; one row per value, sorted by indicator, table, measure, year:

        - ``indicator_id`` : string;
        - ``table`` : ordered category {annex, summary} — the card's *SERIE
          HISTÓRICA* (section 4) or the section-3 summary table;
        - ``measure`` : ordered category {baseline, result, target} (the summary
          table has no target);
        - ``year`` : Int64;
        - ``raw`` : string — the token as printed ("12.5", "N/D", "66/P");
        - ``value`` : Float64 — the number in the indicator's unit, ``<NA>``
          for NA/ND;
        - ``status`` : ordered category {normal, provisional, not_applicable,
          not_available};
        - ``obs_status`` : category {A, P, M, L} — SDMX OBS_STATUS;
        - ``source_line`` : Int64 — 1-based line in the report file.

    Raises
    ------
    ValueError
        ``table`` is not one of the choices.
    ReportChecksumError, ReportFormatError
        See :func:`pntlib.report.read_report`.
    """
    series = get_report(report)[1]["series"]
    if table is not None:
        if table not in schema.TABLE_ORDER:
            raise ValueError(f"table={table!r}: choose 'annex' or 'summary'")
        series = series[series["table"] == table].reset_index(drop=True)
    return series.copy()


def load_variables(*, report: str | Path | None = None) -> pd.DataFrame:
    """Values of the variables of each card's method of calculation.

    Returns
    -------
    pandas.DataFrame
        RangeIndex; from "APLICACIÓN DEL MÉTODO DE CÁLCULO" of each card:

        - ``indicator_id`` : string; ``variable`` : Int64 (1-based order);
        - ``name`` : string — *Nombre de la variable* without its number;
        - ``year`` : Int64 — of *Valor de la variable en YYYY*;
        - ``raw`` : string; ``value`` : Float64; ``status`` : ordered category
          (as in :func:`load_series`);
        - ``source`` : string — *Fuente de información de la variable*;
        - ``source_line`` : Int64.

    Raises
    ------
    ReportChecksumError, ReportFormatError
        See :func:`pntlib.report.read_report`.
    """
    return get_report(report)[1]["variables"].copy()


def load_substitutions(*, report: str | Path | None = None) -> pd.DataFrame:
    """Each card's *Sustitución en método de cálculo para YYYY*.

    Returns
    -------
    pandas.DataFrame
        RangeIndex; ``indicator_id`` (string), ``year`` (Int64), ``text``
        (string, markup removed), ``source_line`` (Int64).
    """
    return get_report(report)[1]["substitutions"].copy()
