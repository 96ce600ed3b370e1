"""Checks of an indicator's name against its unit and its variables (``name_unit``,
``name_condition``)."""

from __future__ import annotations

import re
from decimal import Decimal

from ..text import fold, is_percent
from .context import _Context
from .findings import _finding, _quoted, _text

_COUNT_NAME = re.compile(r"^(numero|total|cantidad) de\b")
_PERCENT_NAME = re.compile(r"^(porcentaje|tasa porcentual|proporcion porcentual) de\b")
_THRESHOLD = re.compile(r"((?:[^\s%]+\s+){0,3})(\d+(?:[.,]\d+)?)\s*%")


def _check_name_unit(ctx: _Context) -> list[dict]:
    out = []
    for ind, row in ctx.indicators.iterrows():
        name, unit = fold(_text(row["name"])), _text(row["unit"])
        if _COUNT_NAME.match(name) and is_percent(unit):
            detail = f"El nombre {_quoted(row['name'])} cuenta, pero la unidad de medida es {unit}."
        elif _PERCENT_NAME.match(name) and not is_percent(unit):
            detail = f"El nombre {_quoted(row['name'])} es un porcentaje, pero la unidad de medida es {unit}."
        else:
            continue
        out.append(_finding("name_unit", ind, "warning", detail, annex_raw=unit,
                            annex_line=ctx.field_line(ind, "unit")))
    return out


def _thresholds(text: str) -> dict[str, str]:
    """Percent thresholds in a text: number -> the phrase ("5" -> "al menos al 5%")."""
    found = {}
    for m in _THRESHOLD.finditer(_text(text)):
        number = m.group(2).replace(",", ".")
        found.setdefault(str(Decimal(number).normalize()), (m.group(1) + m.group(2) + "%").strip())
    return found


def _check_name_condition(ctx: _Context) -> list[dict]:
    out = []
    for ind, row in ctx.indicators.iterrows():
        in_name = _thresholds(row["name"])
        if not in_name:
            continue
        said = " y ".join(f"«{p}»" for p in in_name.values())
        variables = ctx.variables[ctx.variables["indicator_id"] == ind]
        places = []
        for number, group in variables.groupby("variable", sort=True):
            places.append((f"la variable {number} ({_quoted(group['name'].iloc[0])})", _text(group["name"].iloc[0]),
                           int(group["source_line"].iloc[0])))
        for line in _text(row["method_variables"]).split("\n"):
            if ":" in line:
                symbol = line.split(":", 1)[0].strip()
                places.append((f"la definición de {symbol} en el método de cálculo", line,
                               ctx.field_line(ind, "method")))
        for where, text, line in places:
            there = _thresholds(text)
            if there and set(there) != set(in_name):
                phrase = " y ".join(f"«{p}»" for p in there.values())
                out.append(
                    _finding(
                        "name_condition", ind, "warning",
                        f"El nombre del indicador dice {said}, pero {where} dice {phrase}.",
                        annex_raw=" / ".join(there.values()), annex_line=line,
                    )
                )
    return out
