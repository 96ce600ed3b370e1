"""Checks of the values of one table at a time, annex and summary alike
(``baseline_year_result``, ``beyond_target``, ``percent_range``,
``cumulative_decrease``, ``provisional``): one finding per value, naming the
tables it appears in."""

from __future__ import annotations

import pandas as pd

from ..labels import MEASURE_LABELS, TABLE_LABELS
from ..rules import expected_direction
from ..text import fold, is_percent
from ..text import number as _fmt
from .context import _Context
from .findings import _compare_raw, _finding, _missing_es, _text


def _merged(check: str, severity: str, hits: dict, describe) -> list[dict]:
    """One finding per key from per-table hits {key: {table: row}}; ``describe(key, hits)`` writes the detail."""
    out = []
    for key in sorted(hits, key=lambda k: tuple(str(x) for x in k)):
        tables = hits[key]
        ind, year = key[0], key[-1]
        a, s = tables.get("annex"), tables.get("summary")
        out.append(
            _finding(
                check, ind, severity, describe(key, tables),
                year=None if pd.isna(year) else int(year),
                annex_raw=None if a is None else a["raw"], summary_raw=None if s is None else s["raw"],
                annex_line=None if a is None else int(a["source_line"]),
                summary_line=None if s is None else int(s["source_line"]),
            )
        )
    return out


def _where(tables: dict) -> str:
    names = [TABLE_LABELS[t] for t in ("annex", "summary") if t in tables]
    return " y en ".join(names)


def _check_baseline_year(ctx: _Context) -> list[dict]:
    hits: dict = {}
    for table in ("annex", "summary"):
        results = ctx.rows(table, "result").set_index(["indicator_id", "year"])
        for base in ctx.rows(table, "baseline").itertuples(index=False):
            key = (base.indicator_id, int(base.year))
            if key not in results.index or pd.isna(base.value):
                continue
            res = results.loc[key]
            if pd.notna(res["value"]) and _compare_raw(base.raw, res["raw"]) in ("equal", "rounding"):
                continue
            hits.setdefault(key, {})[table] = {"raw": res["raw"], "source_line": res["source_line"],
                                               "base": base.raw, "status": res["status"]}

    def describe(key, tables):
        parts = [
            f"en {TABLE_LABELS[t]}, línea base {row['base']} frente a resultado "
            f"{_missing_es(row['raw'], row['status'])}"
            for t, row in tables.items()
        ]
        return f"El resultado {key[1]}, año de la línea base, no es el valor de la línea base: " + "; ".join(parts) + "."

    return _merged("baseline_year_result", "warning", hits, describe)


def _check_beyond_target(ctx: _Context) -> list[dict]:
    hits: dict = {}
    for table in ("annex", "summary"):
        for r in ctx.rows(table, "result").itertuples(index=False):
            card = ctx.indicators.loc[r.indicator_id]
            target = card["target_value"]
            direction, inferred = expected_direction(card["expected_trend"])
            if pd.isna(r.value) or pd.isna(target) or inferred:
                continue
            if direction * (r.value - target) > 0:
                hits.setdefault((r.indicator_id, int(r.year)), {})[table] = r._asdict()

    def describe(key, tables):
        card = ctx.indicators.loc[key[0]]
        raw = next(iter(tables.values()))["raw"]
        verb = "supera" if expected_direction(card["expected_trend"])[0] == 1 else "queda por debajo de"
        return (f"El resultado {key[1]} ({raw}) {verb} la Meta {card['target_year']} ({_fmt(card['target_value'])}), "
                f"con tendencia esperada {_text(card['expected_trend']).lower()}, en {_where(tables)}.")

    return _merged("beyond_target", "info", hits, describe)


def _check_percent_range(ctx: _Context) -> list[dict]:
    hits: dict = {}
    percent = {i for i, row in ctx.indicators.iterrows() if is_percent(_text(row["unit"]))}
    for r in ctx.series.itertuples(index=False):
        if r.indicator_id in percent and pd.notna(r.value) and not 0 <= r.value <= 100:
            hits.setdefault((r.indicator_id, r.measure, int(r.year)), {})[r.table] = r._asdict()

    def describe(key, tables):
        raw = next(iter(tables.values()))["raw"]
        return (f"{MEASURE_LABELS[key[1]].capitalize()} {key[2]} ({raw}) de un indicador en porcentaje está fuera "
                f"de 0-100, en {_where(tables)}.")

    return _merged("percent_range", "warning", hits, describe)


def _check_cumulative(ctx: _Context) -> list[dict]:
    hits: dict = {}
    cumulative = {i for i, row in ctx.indicators.iterrows() if fold(_text(row["accumulation"])) == "acumulado"}
    for table in ("annex", "summary"):
        rows = ctx.rows(table, "result")
        for ind, group in rows[rows["indicator_id"].isin(cumulative)].groupby("indicator_id", sort=True):
            known = group[group["value"].notna()].sort_values("year")
            previous = None
            for r in known.itertuples(index=False):
                if previous is not None and r.value < previous.value:
                    row = r._asdict()
                    row["previous"] = f"{previous.raw} en {previous.year}"
                    hits.setdefault((ind, int(r.year)), {})[table] = row
                previous = r

    def describe(key, tables):
        parts = [f"en {TABLE_LABELS[t]} baja de {row['previous']} a {row['raw']} en {key[1]}" for t, row in tables.items()]
        return "El indicador es acumulado, pero su resultado baja: " + "; ".join(parts) + "."

    return _merged("cumulative_decrease", "warning", hits, describe)


def _check_provisional(ctx: _Context) -> list[dict]:
    hits: dict = {}
    for r in ctx.series[ctx.series["status"] == "provisional"].itertuples(index=False):
        hits.setdefault((r.indicator_id, r.measure, int(r.year)), {})[r.table] = r._asdict()

    def describe(key, tables):
        raws = " / ".join(dict.fromkeys(row["raw"] for row in tables.values()))
        return (f"{MEASURE_LABELS[key[1]].capitalize()} {key[2]} es una cifra preliminar ({raws}) "
                f"en {_where(tables)}.")

    return _merged("provisional", "info", hits, describe)
