"""Checks of the section-3 summary table against the annex cards: name, línea base and
each year's result (``summary_name``, ``summary_baseline``, ``summary_value``,
``summary_missing``)."""

from __future__ import annotations

import pandas as pd

from ..labels import TABLE_LABELS
from ..text import fold
from .context import _Context
from .findings import _compare_raw, _finding, _missing_es, _quoted, _text, _worst


def _check_summary_name(ctx: _Context) -> list[dict]:
    out = []
    by_name = {fold(_text(r["name"])): i for i, r in ctx.indicators.iterrows()}
    for ind, row in ctx.indicators.iterrows():
        card, summary = row["name"], row["summary_name"]
        if fold(_text(card)) == fold(_text(summary)):
            continue
        other = by_name.get(fold(_text(summary)))
        hint = f"; es el nombre del indicador {other}" if other and other != ind else ""
        out.append(
            _finding(
                "summary_name", ind, "error",
                f"El nombre del indicador en la tabla de resumen ({_quoted(summary)}) no es el de su ficha "
                f"del anexo ({_quoted(card)}){hint}.",
                annex_raw=card, summary_raw=summary,
                annex_line=ctx.field_line(ind, "name"), summary_line=ctx.field_line(ind, "summary_row"),
            )
        )
    return out


def _check_summary_baseline(ctx: _Context) -> list[dict]:
    out = []
    annex = ctx.rows("annex", "baseline").set_index("indicator_id")
    summary = ctx.rows("summary", "baseline").set_index("indicator_id")
    for ind in annex.index.intersection(summary.index):
        a, s = annex.loc[ind], summary.loc[ind]
        problems, severity = [], None
        if a["year"] != s["year"]:
            problems.append(f"el año es {s['year']} en el resumen y {a['year']} en la ficha del anexo")
            severity = "error"
        a_num, s_num = pd.notna(a["value"]), pd.notna(s["value"])
        if a_num and s_num:
            how = _compare_raw(a["raw"], s["raw"])
            if how != "equal":
                what = {"rounding": "solo por redondeo", "truncation": "por truncamiento, no por redondeo",
                        "different": "y no por redondeo"}[how]
                problems.append(f"el valor es {s['raw']} en el resumen y {a['raw']} en la ficha, que difieren {what}")
                level = {"rounding": "info", "truncation": "warning", "different": "error"}[how]
                severity = _worst(severity, level)
        elif a_num != s_num:
            problems.append(
                f"el valor es {_missing_es(s['raw'], s['status'])} en el resumen y "
                f"{_missing_es(a['raw'], a['status'])} en la ficha"
            )
            severity = _worst(severity, "warning")
        if problems:
            out.append(
                _finding(
                    "summary_baseline", ind, severity,
                    "La línea base no coincide: " + "; ".join(problems) + ".",
                    year=int(a["year"]), annex_raw=f"{a['raw']} ({a['year']})", summary_raw=f"{s['raw']} ({s['year']})",
                    annex_line=int(a["source_line"]), summary_line=int(s["source_line"]),
                )
            )
    return out


def _check_summary_results(ctx: _Context) -> list[dict]:
    keys = ["indicator_id", "year"]
    cols = keys + ["raw", "value", "status", "source_line"]
    both = ctx.rows("annex", "result")[cols].merge(
        ctx.rows("summary", "result")[cols], on=keys, how="outer", suffixes=("_a", "_s"), indicator="side"
    )
    found = (_year_in_one_table(r) if r.side != "both" else _result_pair(r) for r in both.itertuples(index=False))
    return [f for f in found if f is not None]


def _year_in_one_table(r) -> dict:
    """A result year one table has a column for and the other has not (a row of the outer merge)."""
    present = "annex" if r.side == "left_only" else "summary"
    absent = "summary" if present == "annex" else "annex"
    raw = r.raw_a if present == "annex" else r.raw_s
    line = r.source_line_a if present == "annex" else r.source_line_s
    return _finding(
        "summary_missing", r.indicator_id, "warning",
        f"{TABLE_LABELS[present].capitalize()} da {raw} para {int(r.year)}, pero {TABLE_LABELS[absent]} "
        f"no tiene columna de ese año.",
        year=int(r.year),
        annex_raw=raw if present == "annex" else None,
        summary_raw=raw if present == "summary" else None,
        annex_line=int(line) if present == "annex" else None,
        summary_line=int(line) if present == "summary" else None,
    )


def _result_pair(r) -> dict | None:
    """One year's result in both tables compared: a finding, or None when they agree."""
    ind, year = r.indicator_id, int(r.year)
    common = dict(year=year, annex_raw=r.raw_a, summary_raw=r.raw_s,
                  annex_line=int(r.source_line_a), summary_line=int(r.source_line_s))
    a_num, s_num = pd.notna(r.value_a), pd.notna(r.value_s)
    if a_num and s_num:
        how = _compare_raw(r.raw_a, r.raw_s)
        if how == "equal":
            if (r.status_a == "provisional") == (r.status_s == "provisional"):
                return None
            which = "la ficha del anexo" if r.status_a == "provisional" else "la tabla de resumen"
            return _finding(
                "summary_value", ind, "info",
                f"El resultado {year} es el mismo número en ambas tablas ({r.raw_a} en la ficha, "
                f"{r.raw_s} en el resumen), pero solo {which} lo marca como cifra preliminar.",
                **common,
            )
        severity = {"rounding": "info", "truncation": "warning", "different": "error"}[how]
        why = {
            "rounding": "solo por redondeo",
            "truncation": "por truncamiento (el redondeo daría otra cifra)",
            "different": "y la diferencia no es de redondeo",
        }[how]
        return _finding(
            "summary_value", ind, severity,
            f"El resultado {year} es {r.raw_a} en la ficha del anexo y {r.raw_s} en la tabla de "
            f"resumen; difieren {why}.",
            **common,
        )
    if a_num or s_num:
        number, missing = ("annex", "summary") if a_num else ("summary", "annex")
        num_raw = r.raw_a if a_num else r.raw_s
        miss_raw, miss_status = (r.raw_s, r.status_s) if a_num else (r.raw_a, r.status_a)
        return _finding(
            "summary_missing", ind, "warning",
            f"El resultado {year} es {_missing_es(miss_raw, miss_status)} en {TABLE_LABELS[missing]}, "
            f"pero {num_raw} en {TABLE_LABELS[number]}.",
            **common,
        )
    if r.status_a != r.status_s:
        return _finding(
            "summary_missing", ind, "info",
            f"El resultado {year} falta en ambas tablas, pero por motivos distintos: "
            f"{_missing_es(r.raw_a, r.status_a)} en la ficha del anexo y "
            f"{_missing_es(r.raw_s, r.status_s)} en la tabla de resumen.",
            **common,
        )
    return None
