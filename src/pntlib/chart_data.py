"""The data behind each chart of :mod:`pntlib.plots`, and the chart described in words.

Each ``*_data`` function returns the table a chart draws (Spanish column names:
it is published beside the figure, for the page's readers), and each ``*_alt``
function the figure's alternative text, generated from that table, so that a
reader who cannot see the chart reads the same numbers.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

import pandas as pd

from .audit import method_relations
from .docstrings import shared
from .evidence import outcome_text, trajectory_text
from .labels import DISAGREEMENT_LABELS, MEASURE_TITLES, PERCENT_LABELS, VALUE_STATUS_LABELS
from .progress import progress_table
from .rules import expected_direction
from .tables import get_report
from .text import MISSING, PERCENT_DECIMALS, number, percent
from .validation import validate_indicator, validate_objective

__all__ = [
    "indicator_data",
    "indicator_alt",
    "objective_data",
    "objective_alt",
    "progress_data",
    "progress_alt",
    "heatmap_data",
    "heatmap_alt",
    "disagreement_data",
    "disagreement_alt",
    "counts_alt",
    "runs",
]


def runs(items: Sequence[tuple[int, str]]) -> str:
    """``[(2021, "66"), (2022, "66"), (2024, "66 preliminar")]`` -> ``"66 de 2021 a 2022; 66 preliminar en 2024"``.

    Consecutive years with the same text are written once, as a span.
    """
    parts: list[str] = []
    k = 0
    while k < len(items):
        end = k
        while end + 1 < len(items) and items[end + 1][1] == items[k][1] and items[end + 1][0] == items[end][0] + 1:
            end += 1
        text, first, last = items[k][1], items[k][0], items[end][0]
        parts.append(f"{text} en {first}" if first == last else f"{text} de {first} a {last}")
        k = end + 1
    return "; ".join(parts)


def _value_text(raw: object, value: object, status: str) -> str:
    """A value in words: "66", "66 preliminar", "sin dato (ND)"."""
    if pd.isna(value):
        return f"sin dato ({raw})"
    return f"{number(value)} preliminar" if status == "provisional" else number(value)


@shared
def indicator_data(indicators: str | Iterable[str], *, report: str | Path | None = None) -> pd.DataFrame:
    """What :func:`pntlib.plots.plot_indicator` draws: the annex SERIE HISTÓRICA of one or more indicators.

    Parameters
    ----------
    indicators : str or iterable of str
        Indicator ids ("3.2").
    {report}

    Returns
    -------
    pandas.DataFrame
        RangeIndex; one row per value: ``Indicador`` (string), ``Concepto``
        (string: Línea base, Resultado, Meta), ``Año`` (Int64), ``Valor impreso``
        (string, the token as printed), ``Valor`` (Float64, missing for NA/ND),
        ``Estado`` (string, Spanish status of the value), ``Valor según las
        variables`` (Float64: for a result, what the card's own variables give
        for that year, :func:`pntlib.audit.method_relations`; missing otherwise).
        Source: annex cards (section 4), *SERIE HISTÓRICA* and *APLICACIÓN DEL
        MÉTODO DE CÁLCULO*.

    Raises
    ------
    ParameterError
        An id the report does not have.
    """
    parsed = get_report(report)
    ids = [indicators] if isinstance(indicators, str) else list(indicators)
    ids = [validate_indicator(i, parsed.indicator_ids) for i in ids]
    series = parsed.series
    own = series[(series["table"] == "annex") & series["indicator_id"].isin(ids)].copy()
    order = {m: k for k, m in enumerate(MEASURE_TITLES)}
    own["_i"] = own["indicator_id"].map({i: k for k, i in enumerate(ids)})
    own["_m"] = own["measure"].astype(str).map(order)
    own = own.sort_values(["_i", "_m", "year"])
    relations = method_relations(parsed)
    computed = {(str(i), int(y)): v for i, y, v in zip(relations["indicator_id"], relations["year"],
                                                       relations["computed_value"]) if not pd.isna(v)}
    return pd.DataFrame({
        "Indicador": own["indicator_id"].astype("string"),
        "Concepto": own["measure"].astype(str).map(MEASURE_TITLES).astype("string"),
        "Año": own["year"].astype("Int64"),
        "Valor impreso": own["raw"].astype("string"),
        "Valor": own["value"].astype("Float64"),
        "Estado": own["status"].astype(str).map(VALUE_STATUS_LABELS).astype("string"),
        "Valor según las variables": pd.array(
            [computed.get((str(i), int(y))) if m == "result" else None
             for i, y, m in zip(own["indicator_id"], own["year"], own["measure"].astype(str))], dtype="Float64"),
    }).reset_index(drop=True)


def _status_code(label: str) -> str:
    return {v: k for k, v in VALUE_STATUS_LABELS.items()}.get(label, label)


def indicator_alt(data: pd.DataFrame, indicator: str) -> str:
    """Alternative text of one indicator's chart, from :func:`indicator_data`.

    ``"Indicador 3.2: sin dato (N/A) en 2019; 0 en 2020; 66 de 2021 a 2023; 66 preliminar en 2024;
    Meta 2024: 100"``.
    """
    own = data[data["Indicador"] == indicator]
    results = own[own["Concepto"] == "Resultado"]
    items = [(int(r["Año"]), _value_text(r["Valor impreso"], r["Valor"], _status_code(r["Estado"])))
             for _, r in results.iterrows()]
    text = f"Indicador {indicator}: {runs(items) or 'sin resultados'}"
    for _, row in own[own["Concepto"] == "Meta"].iterrows():
        text += f"; Meta {row['Año']}: {_value_text(row['Valor impreso'], row['Valor'], _status_code(row['Estado']))}"
    return text


@shared
def objective_data(objective: object, *, report: str | Path | None = None) -> pd.DataFrame:
    """What :func:`pntlib.plots.plot_objective` draws: :func:`indicator_data` of the objective's indicators.

    Parameters
    ----------
    objective : int or str
        Objective number (``3`` or ``"3"``).
    {report}

    Raises
    ------
    ParameterError
        ``objective`` is not one of the report's objectives.
    """
    parsed = get_report(report)
    number_ = validate_objective(objective, parsed.objective_numbers)
    ids = parsed.indicators.loc[parsed.indicators["objective"] == number_, "indicator_id"]
    return indicator_data([str(i) for i in ids], report=report)


def objective_alt(data: pd.DataFrame, objective: int) -> str:
    """Alternative text of an objective's small multiples: one sentence per indicator."""
    ids = list(dict.fromkeys(data["Indicador"]))
    return f"Objetivo prioritario {objective}, {number(len(ids))} gráficas. " + ". ".join(indicator_alt(data, i) for i in ids) + "."


_COVERED = PERCENT_LABELS["distance_covered_pct"]
_ACHIEVED = PERCENT_LABELS["achievement_pct"]


@shared
def progress_data(*, report: str | Path | None = None) -> pd.DataFrame:
    """What :func:`pntlib.plots.plot_progress_overview` draws, one row per indicator.

    Parameters
    ----------
    {report}

    Returns
    -------
    pandas.DataFrame
        RangeIndex; ``Indicador`` (string), ``Objetivo`` (Int64), the share of
        the way covered under its name in :data:`pntlib.labels.PERCENT_LABELS`
        ("Camino recorrido (% de la línea base a la Meta 2024)") and ``Esperado a
        la fecha (%)`` (Float64, ``distance_covered_pct`` and ``expected_pct`` of
        :func:`pntlib.progress`, rounded to :data:`pntlib.text.PERCENT_DECIMALS`),
        ``Último año con dato`` (Int64), ``Último dato preliminar`` (boolean),
        ``Resultado en el año de la Meta`` (string, :func:`pntlib.evidence.outcome_text`),
        ``Trayectoria`` (string, :func:`pntlib.evidence.trajectory_text`).
    """
    table = progress_table(get_report(report))
    records = [pd.Series(r) for r in table.to_dict("records")]
    return pd.DataFrame({
        "Indicador": table["indicator_id"].astype("string"),
        "Objetivo": table["objective"].astype("Int64"),
        _COVERED: table["distance_covered_pct"].astype("Float64").round(PERCENT_DECIMALS),
        "Esperado a la fecha (%)": table["expected_pct"].astype("Float64").round(PERCENT_DECIMALS),
        "Último año con dato": table["latest_year"].astype("Int64"),
        "Último dato preliminar": pd.array(table["latest_status"].astype(str) == "provisional", dtype="boolean"),
        "Resultado en el año de la Meta": pd.array([outcome_text(r) for r in records], dtype="string"),
        "Trayectoria": pd.array([trajectory_text(r) for r in records], dtype="string"),
    }).reset_index(drop=True)


def progress_alt(data: pd.DataFrame) -> str:
    """Alternative text of the progress overview, from :func:`progress_data`."""
    parts = []
    for _, row in data.iterrows():
        if pd.isna(row[_COVERED]):
            parts.append(f"{row['Indicador']} sin camino medible ({row['Trayectoria']})")
            continue
        note = " preliminar" if row["Último dato preliminar"] else ""
        over = " (supera la Meta)" if row[_COVERED] > 100 else ""
        parts.append(f"{row['Indicador']} {percent(row[_COVERED])}{over}{note} en "
                     f"{row['Último año con dato']} ({row['Trayectoria']})")
    return f"{_COVERED}, por indicador: " + "; ".join(parts) + "."


@shared
def heatmap_data(*, report: str | Path | None = None) -> pd.DataFrame:
    """What :func:`pntlib.plots.plot_status_heatmap` draws: each annex result as a share of the Meta 2024.

    Parameters
    ----------
    {report}

    Returns
    -------
    pandas.DataFrame
        RangeIndex; ``Indicador`` (string), ``Año`` (Int64), ``Valor impreso``
        (string), the measure of achievement under its name in
        :data:`pntlib.labels.PERCENT_LABELS` ("Logro (% de la Meta 2024)",
        Float64: value / target * 100, target / value * 100 for a descending
        trend, rounded to :data:`pntlib.text.PERCENT_DECIMALS`; missing without
        a number), ``Trayectoria`` (string, of the indicator, as
        :func:`pntlib.evidence.trajectory_text`).
    """
    parsed = get_report(report)
    cards = parsed.cards
    judged = progress_table(parsed)
    verdicts = {i: trajectory_text(pd.Series(r)) for i, r in zip(judged["indicator_id"], judged.to_dict("records"))}
    rows = []
    for _, row in parsed.rows("annex", "result").iterrows():
        card = cards.loc[row["indicator_id"]]
        value, target = row["value"], card["target_value"]
        share = None
        if not (pd.isna(value) or pd.isna(target)):
            if expected_direction(card["expected_trend"], card["baseline_value"], target)[0] == -1:
                share = None if value == 0 else float(target) / float(value) * 100
            else:
                share = None if target == 0 else float(value) / float(target) * 100
        rows.append({"Indicador": row["indicator_id"], "Año": row["year"], "Valor impreso": row["raw"],
                     _ACHIEVED: None if share is None else round(share, PERCENT_DECIMALS),
                     "Trayectoria": verdicts[row["indicator_id"]]})
    frame = pd.DataFrame(rows, columns=["Indicador", "Año", "Valor impreso", _ACHIEVED, "Trayectoria"])
    return frame.astype({"Indicador": "string", "Año": "Int64", "Valor impreso": "string",
                         _ACHIEVED: "Float64", "Trayectoria": "string"})


def heatmap_alt(data: pd.DataFrame) -> str:
    """Alternative text of the status heat map, from :func:`heatmap_data`."""
    parts = []
    for indicator, own in data.groupby("Indicador", sort=False):
        items = [(int(r["Año"]), f"sin dato ({r['Valor impreso']})" if pd.isna(r[_ACHIEVED])
                  else percent(r[_ACHIEVED]) + (" (supera la Meta)" if r[_ACHIEVED] > 100 else ""))
                 for _, r in own.iterrows()]
        parts.append(f"{indicator}: {runs(items)} ({own['Trayectoria'].iloc[0]})")
    return f"{_ACHIEVED} de cada resultado, por indicador y año. " + ". ".join(parts) + "."


@shared
def disagreement_data(*, report: str | Path | None = None) -> pd.DataFrame:
    """What :func:`pntlib.plots.plot_disagreements` draws: one row per disagreeing result.

    Parameters
    ----------
    {report}

    Returns
    -------
    pandas.DataFrame
        RangeIndex; ``Indicador`` (string), ``Año`` (Int64), ``Discrepancia``
        (string, :data:`pntlib.labels.DISAGREEMENT_LABELS`), ``Anexo`` and
        ``Resumen`` (string, the tokens as printed; missing when the table has none).
    """
    from .audit import audit_table, summary_disagreements

    found = summary_disagreements(audit_table(get_report(report)))
    return pd.DataFrame({
        "Indicador": found["indicator_id"].astype("string"),
        "Año": found["year"].astype("Int64"),
        "Discrepancia": found["kind"].astype(str).map(DISAGREEMENT_LABELS).astype("string"),
        "Anexo": found["annex_raw"].astype("string"),
        "Resumen": found["summary_raw"].astype("string"),
    }).reset_index(drop=True)


def disagreement_alt(data: pd.DataFrame) -> str:
    """Alternative text of the disagreement grid, from :func:`disagreement_data`."""
    if data.empty:
        return "La tabla de resumen y las fichas del anexo coinciden en todos los resultados."
    parts = [f"{r['Indicador']} en {r['Año']}, {r['Discrepancia']} (anexo {_token(r['Anexo'])}, "
             f"resumen {_token(r['Resumen'])})" for _, r in data.iterrows()]
    return (f"{number(len(data))} resultados en que la tabla de resumen y la ficha del anexo difieren: "
            + "; ".join(parts) + ".")


def _token(value: object) -> str:
    """A token as printed (text, never re-formatted), or :data:`pntlib.text.MISSING` when the table has none."""
    return MISSING if pd.isna(value) else str(value)


def counts_alt(title: str, counts: pd.DataFrame) -> str:
    """Alternative text of a chart of counts (rows: categories such as years; columns: groups).

    ``"Resultados del anexo por año y estado. 2019: 10 reportado, 5 no disponible (ND). ..."``
    """
    parts = []
    for label, row in counts.iterrows():
        cells = [f"{number(v)} {col}" for col, v in row.items() if not pd.isna(v) and v != 0]
        parts.append(f"{label}: {', '.join(cells) or 'ninguno'}")
    return f"{title}. " + ". ".join(parts) + "."
