"""The report as tidy, typed DataFrames.

The report is parsed once per file into a :class:`ParsedReport`, a frozen
object holding the named tables (cached by path, size and modification and
status-change times: a changed file is parsed again, an unchanged one is not
re-read or re-hashed);
the default report's checksum is verified when it is first read. Every
``load_*`` function returns a copy of one of its tables. The column dictionary
is :mod:`pntlib.schema`.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pandas as pd

from . import config, schema, validation
from .docstrings import shared
from .formulas import split_method
from .report import Report, read_report

__all__ = [
    "ParsedReport",
    "get_report",
    "load_objectives",
    "load_strategies",
    "load_indicators",
    "load_series",
    "load_variables",
    "load_substitutions",
]

#: The tables of a :class:`ParsedReport` that ``pnt extract`` writes, in order.
TABLE_NAMES = ("objectives", "strategies", "indicators", "series", "variables", "substitutions")


@dataclass(frozen=True, eq=False)
class ParsedReport:
    """One report file, parsed: its named tables and where each value was read.

    Attributes
    ----------
    path : Path
        The file read; ``sha256`` its checksum (hex).
    objectives, strategies, indicators, series, variables, substitutions : pandas.DataFrame
        The tables of :func:`load_objectives` ... :func:`load_substitutions`, with
        a RangeIndex (``indicators`` keeps ``indicator_id`` as a column). Shared:
        never modify them; the ``load_*`` functions return copies.
    source_lines : pandas.DataFrame
        Where the audit's card-level findings point: ``indicator_id`` (string),
        ``element`` (string: ``card``, a card field of ``indicators`` such as
        ``name``, ``unit``, ``method``, or ``summary_row`` for the section-3
        table row), ``source_line`` (Int64, 1-based line of the report file).
    """

    path: Path
    sha256: str
    objectives: pd.DataFrame
    strategies: pd.DataFrame
    indicators: pd.DataFrame
    series: pd.DataFrame
    variables: pd.DataFrame
    substitutions: pd.DataFrame
    source_lines: pd.DataFrame

    def derived(self, make, *args) -> pd.DataFrame:
        """``make(self, *args)``, computed once per parsed report (``args`` hashable).

        For tables derived from the report alone (the audit, the progress
        table): every caller in the process, and every kernel ``pnt run``
        forks after computing them (:mod:`pntlib.run.kernel_server`), shares
        the result. Shared: never modify it; copy it first.
        """
        cache = self.__dict__.setdefault("_derived", {})  # frozen: kept beside the fields, as cached_property
        key = (make, args)
        if key not in cache:
            cache[key] = make(self, *args)
        return cache[key]

    def tables(self) -> dict[str, pd.DataFrame]:
        """The tables ``pnt extract`` writes, by name (copies: safe to modify)."""
        return {name: getattr(self, name).copy() for name in TABLE_NAMES}

    @cached_property
    def cards(self) -> pd.DataFrame:
        """``indicators`` indexed by ``indicator_id`` (shared: do not modify)."""
        return self.indicators.set_index("indicator_id")

    @cached_property
    def indicator_ids(self) -> list[str]:
        """The indicator ids, in report order."""
        return [str(i) for i in self.indicators["indicator_id"]]

    @cached_property
    def objective_numbers(self) -> list[int]:
        """The objective numbers, in report order."""
        return [int(o) for o in self.objectives["objective"]]

    @cached_property
    def result_years(self) -> list[int]:
        """Every year of a result in either table, sorted."""
        return sorted({int(y) for y in self.series.loc[self.series["measure"] == "result", "year"]})

    def rows(self, table: str, measure: str | None = None) -> pd.DataFrame:
        """The ``series`` rows of one table ({annex, summary}), and of one measure if given."""
        keep = self.series["table"] == table
        if measure is not None:
            keep &= self.series["measure"] == measure
        return self.series[keep]

    def line(self, indicator_id: str, element: str) -> int | None:
        """The report line of one element of an indicator (see ``source_lines``), or None."""
        return self._lines.get((indicator_id, element))

    @cached_property
    def _lines(self) -> dict[tuple[str, str], int]:
        frame = self.source_lines
        return {(i, e): int(n) for i, e, n in zip(frame["indicator_id"], frame["element"], frame["source_line"])}


def _stat_key(report: str | Path | None) -> tuple[bool, str, int, int, int, int]:
    """What identifies one version of a file without reading it: path, inode, size,
    modification and status-change times (an edit that restores the mtime still
    changes the ctime). The path is checked by :func:`pntlib.validation.report_file`."""
    path, status = validation.report_file(report)
    target = config.DEFAULT_REPORT if path is None else path
    return path is None, str(target.resolve()), status.st_ino, status.st_size, status.st_mtime_ns, status.st_ctime_ns


@functools.lru_cache(maxsize=8)
def _parsed(default: bool, path: str, inode: int, size: int, mtime_ns: int, ctime_ns: int) -> ParsedReport:
    return _build(read_report(None if default else path))


@shared
def get_report(report: str | Path | None = None) -> ParsedReport:
    """The parsed report, built once per file (and again whenever the file changes).

    Parameters
    ----------
    {report}

    Returns
    -------
    ParsedReport
        Shared between callers: its tables must not be modified.

    Raises
    ------
    ParameterError, ReportNotFoundError
        ``report`` is not a path, or names no readable file (a folder, a missing
        file): see :func:`pntlib.validation.report_file`.
    ReportChecksumError, ReportFormatError
        See :func:`pntlib.report.read_report`.
    """
    return _parsed(*_stat_key(report))


def _none_if_empty(text: str) -> str | None:
    return text if text else None


def _indicators(report: Report) -> pd.DataFrame:
    """One row per annex card, with its summary-table name, línea base and Meta 2024."""
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
    return schema.apply("indicators", rows)


def _series(report: Report) -> pd.DataFrame:
    """Every observation of both tables, with its indicator's objective."""
    objective_of = {card.indicator_id: card.objective for card in report.cards}
    return schema.apply(
        "series",
        [
            {
                "indicator_id": o.indicator_id,
                "objective": objective_of[o.indicator_id],
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


def _variables(report: Report) -> pd.DataFrame:
    """The values of the cards' method variables."""
    return schema.apply(
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


def _source_lines(report: Report) -> pd.DataFrame:
    """Where each card, card field and summary row was read (:attr:`ParsedReport.source_lines`)."""
    lines = [
        {"indicator_id": c.indicator_id, "element": "card", "source_line": c.line} for c in report.cards
    ] + [
        {"indicator_id": c.indicator_id, "element": name, "source_line": line}
        for c in report.cards
        for name, line in c.field_lines.items()
    ] + [
        {"indicator_id": r.indicator_id, "element": "summary_row", "source_line": r.line} for r in report.summary
    ]
    return pd.DataFrame(lines, columns=["indicator_id", "element", "source_line"]).astype(
        {"indicator_id": "string", "element": "string", "source_line": "Int64"}
    )


def _build(report: Report) -> ParsedReport:
    objectives = schema.apply(
        "objectives", [{"objective": o.objective, "title": o.title} for o in report.objectives]
    )
    strategies = schema.apply(
        "strategies",
        [{"objective": s.objective, "strategy_id": s.strategy_id, "title": s.title} for s in report.strategies],
    )
    substitutions = schema.apply(
        "substitutions",
        [
            {"indicator_id": s.indicator_id, "year": s.year, "text": s.text, "source_line": s.source_line}
            for s in report.substitutions
        ],
    )
    return ParsedReport(
        path=Path(report.path),
        sha256=report.sha256,
        objectives=objectives,
        strategies=strategies,
        indicators=_indicators(report),
        series=_series(report),
        variables=_variables(report),
        substitutions=substitutions,
        source_lines=_source_lines(report),
    )


@shared
def load_objectives(*, report: str | Path | None = None) -> pd.DataFrame:
    """The programme's objectives (Objetivos prioritarios).

    Parameters
    ----------
    {report}

    Returns
    -------
    pandas.DataFrame
        One row per objective, RangeIndex, in report order:

        - ``objective`` : Int64 — objective number (1-5);
        - ``title`` : string — title as in the section-3 heading
          ("Objetivo prioritario N.- title"), trailing full stop removed.

    Raises
    ------
    {report_errors}
    """
    return get_report(report).objectives.copy()


@shared
def load_strategies(*, report: str | Path | None = None) -> pd.DataFrame:
    """The priority strategies (Estrategias prioritarias) of each objective.

    Parameters
    ----------
    {report}

    Returns
    -------
    pandas.DataFrame
        RangeIndex; columns ``objective`` (Int64), ``strategy_id`` (string,
        "1.1"), ``title`` (string) — from the section-3 headings
        "Estrategia prioritaria N.M.- title".

    Raises
    ------
    {report_errors}
    """
    return get_report(report).strategies.copy()


@shared
def load_indicators(*, report: str | Path | None = None) -> pd.DataFrame:
    """One row per indicator: its annex card and its summary-table name.

    Parameters
    ----------
    {report}

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
    {report_errors}
    """
    return get_report(report).cards.copy()


@shared
def load_series(
    *,
    report: str | Path | None = None,
    table: str | None = None,
    objective: object | None = None,
    indicator: object | None = None,
) -> pd.DataFrame:
    """Every number of the report's indicator tables, long and tidy.

    Parameters
    ----------
    {report}
    table : {None, "annex", "summary"}, default None
        Keep only the values of one table.
    objective : int or str, optional
        Keep only the indicators of one objective (``3`` or ``"3"``).
    indicator : str, optional
        Keep only one indicator (``"3.2"``).

    Returns
    -------
    pandas.DataFrame
        RangeIndex; one row per value, sorted by indicator, table, measure, year:

        - ``indicator_id`` : string;
        - ``objective`` : Int64 — the indicator's objective;
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
    ParameterError
        ``table``, ``objective`` or ``indicator`` is not one of the report's
        choices, or ``indicator`` is not one of ``objective``'s; the message
        lists them.
    {report_errors}
    """
    parsed = get_report(report)
    series = parsed.series
    if table is not None:
        series = series[series["table"] == validation.validate_choice("table", table, schema.TABLE_ORDER)]
    objective, indicator = validation.validate_scope(objective, indicator, parsed)
    if objective is not None:
        series = series[series["objective"] == objective]
    if indicator is not None:
        series = series[series["indicator_id"] == indicator]
    return series.reset_index(drop=True)


@shared
def load_variables(*, report: str | Path | None = None) -> pd.DataFrame:
    """Values of the variables of each card's method of calculation.

    Parameters
    ----------
    {report}

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
    {report_errors}
    """
    return get_report(report).variables.copy()


@shared
def load_substitutions(*, report: str | Path | None = None) -> pd.DataFrame:
    """Each card's *Sustitución en método de cálculo para YYYY*.

    Parameters
    ----------
    {report}

    Returns
    -------
    pandas.DataFrame
        RangeIndex; ``indicator_id`` (string), ``year`` (Int64), ``text``
        (string, markup removed), ``source_line`` (Int64).

    Raises
    ------
    {report_errors}
    """
    return get_report(report).substitutions.copy()
