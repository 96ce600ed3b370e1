"""The audit's findings: the finding record, how two printed numbers compare, and the
Spanish wording the checks share (quoting report text, line spans, missing values)."""

from __future__ import annotations

import math
import re
from decimal import ROUND_DOWN, ROUND_HALF_UP, Context, Decimal

import pandas as pd

from .. import schema


def _lines_span(lines: list[int]) -> str:
    lines = sorted(set(lines))
    if not lines:
        return ""
    if len(lines) == 1:
        return f"línea {lines[0]}"
    if lines == list(range(lines[0], lines[-1] + 1)):
        return f"líneas {lines[0]}-{lines[-1]}"
    return "líneas " + ", ".join(map(str, lines))


_NUMBER_IN_RAW = re.compile(r"-?\d+(?:\.\d+)?")


def _decimal(raw: str) -> Decimal | None:
    m = _NUMBER_IN_RAW.search(str(raw))
    return Decimal(m.group(0)) if m else None


def _places(number: Decimal) -> int:
    return max(0, -number.as_tuple().exponent)


# Enough digits to round any float (up to 309 integer digits) or report number (at most 30
# digits) to any number of places a report number has: the default 28 raise InvalidOperation.
_EXACT = Context(prec=400)


def _rounds_to(number: Decimal, target: Decimal, quantum: Decimal, rounding: str) -> bool:
    return number.quantize(quantum, rounding, context=_EXACT) == target


def _compare_raw(raw_a: str, raw_b: str) -> str:
    """How two printed numbers relate: equal, rounding, truncation or different."""
    a, b = _decimal(raw_a), _decimal(raw_b)
    if a == b:
        return "equal"
    if _places(a) == _places(b):
        return "different"
    fine, coarse = (a, b) if _places(a) > _places(b) else (b, a)
    quantum = Decimal(1).scaleb(-_places(coarse))
    if _rounds_to(fine, coarse, quantum, ROUND_HALF_UP):
        return "rounding"
    if _rounds_to(fine, coarse, quantum, ROUND_DOWN):
        return "truncation"
    return "different"


def _compare_computed(computed: float, raw: str) -> str:
    """How a computed value relates to a printed one: equal (up to its rounding), truncation or different."""
    printed = _decimal(raw)
    if not math.isfinite(computed):  # a formula of huge report numbers can overflow
        return "different"
    quantum = Decimal(1).scaleb(-_places(printed))
    exact = Decimal(repr(float(computed)))
    if _rounds_to(exact, printed, quantum, ROUND_HALF_UP):
        return "equal"
    if _rounds_to(exact, printed, quantum, ROUND_DOWN):
        return "truncation"
    return "different"


def _text(value: object) -> str:
    """A text cell of the report's tables as a str: "" when it is missing (pd.NA, None)."""
    return "" if value is None or pd.isna(value) else str(value)


def _quoted(value: object) -> str:
    """Report text quoted in a finding: «text», or "vacía" when the report leaves it empty."""
    text = _text(value)
    return f"«{text}»" if text.strip() else "vacía"


def _missing_es(raw: str, status: str) -> str:
    what = {"not_applicable": "no aplica", "not_available": "no disponible"}.get(status, "")
    return f"{raw} ({what})" if what else raw


def _finding(
    check: str,
    indicator_id: str,
    severity: str,
    detail: str,
    *,
    year: int | None = None,
    annex_raw: str | None = None,
    summary_raw: str | None = None,
    computed: float | None = None,
    annex_line: int | None = None,
    summary_line: int | None = None,
    relation: str | None = None,
) -> dict:
    return {
        "check": check,
        "indicator_id": indicator_id,
        "year": year,
        "severity": severity,
        "detail": detail,
        "annex_raw": annex_raw,
        "summary_raw": summary_raw,
        "computed": computed,
        "annex_line": annex_line,
        "summary_line": summary_line,
        "relation": relation,
    }


def _worst(a: str | None, b: str) -> str:
    order = schema.SEVERITY_ORDER
    return b if a is None else order[min(order.index(a), order.index(b))]
