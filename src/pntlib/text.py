"""Text helpers shared by every module: a number as a Spanish reader sees it, folding,
and report text made literal for Markdown and for charts.

:func:`number` is the one way pntlib writes a number into a sentence, a chart or a
page; :func:`fold` is the one way it compares two labels or names. Report text is
data, never markup: :func:`markdown_literal` is the one way it enters Markdown (and
the HTML rendered from it), :func:`plot_literal` the one way it enters a matplotlib
text (title, label, tick, legend, annotation).
"""

from __future__ import annotations

import math
import re
import string
import unicodedata

import pandas as pd

__all__ = ["number", "percent", "quantity", "is_percent", "fold", "markdown_literal", "plot_literal", "MISSING", "PERCENT_DECIMALS"]

#: What :func:`number` writes for a missing value.
MISSING = "—"


def number(value: object, *, decimals: int = 2) -> str:
    """A number as the report prints it: ``66.0`` -> ``"66"``, ``33.333`` -> ``"33.33"``.

    Parameters
    ----------
    value : float, int or None
        The number; ``None``, ``pd.NA`` and NaN are written as :data:`MISSING`.
    decimals : int, default 2
        Decimals kept (rounded half to even on the float, as :func:`round`);
        trailing zeros and a trailing point are removed.

    Returns
    -------
    str
        Plain text, decimal point as in the report ("33.33"), no thousands separator.
    """
    try:
        number_ = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return MISSING
    if math.isnan(number_):
        return MISSING
    rounded = round(number_, decimals)
    if rounded == int(rounded):
        return str(int(rounded))
    return f"{rounded:.{decimals}f}".rstrip("0").rstrip(".")


#: Decimals of every percentage pntlib computes (:func:`percent`; tables round to the same).
PERCENT_DECIMALS = 1


def percent(value: object) -> str:
    """A percentage pntlib computed, as every surface writes it: ``133.333`` -> ``"133.3 %"``.

    The one formatter of ``achievement_pct`` and ``distance_covered_pct`` of
    :func:`pntlib.progress` (:data:`pntlib.labels.PERCENT_LABELS`): :func:`number`
    with :data:`PERCENT_DECIMALS` decimals, then " %"; :data:`MISSING` for a
    missing value.
    """
    text = number(value, decimals=PERCENT_DECIMALS)
    return text if text == MISSING else f"{text} %"


def quantity(value: object, *, unit: object = None, note: object = None) -> str:
    """A value with its unit and status as a reader says it: ``"66 % (preliminar)"``.

    Parameters
    ----------
    value : float, int or None
        The number, written by :func:`number`.
    unit : str, optional
        The card's *Unidad de medida*: a percentage (:func:`is_percent`) is written
        ``%``; any other unit follows the number in lower case ("20 recomendaciones").
    note : str, optional
        Said in brackets after the value, e.g. the value's status ("preliminar").

    Returns
    -------
    str
        Plain text (not markup).
    """
    bracket = f" ({note})" if note else ""
    text = number(value)
    unit_text = "" if unit is None or pd.isna(unit) else str(unit)
    if is_percent(unit_text):
        return f"{text} %{bracket}"
    return f"{text} {unit_text.lower()}{bracket}" if unit_text else f"{text}{bracket}"


def is_percent(unit: object) -> bool:
    """Whether a card's *Unidad de medida* is a percentage: the one rule pages, charts and the audit use.

    It is when, compared with :func:`fold` (any case, accents, spacing), it
    contains "porcentaje" ("Porcentaje", "Porcentaje de víctimas") or is "%"
    or "por ciento". A missing unit (None, ``<NA>``) is not.
    """
    if unit is None or _missing(unit):
        return False
    folded = fold(unit)
    return "porcentaje" in folded or folded in ("%", "por ciento")


_SPACE_RE = re.compile(r"\s+")


def fold(text: object) -> str:
    """Lower-case, accent-free, single-spaced text without quotes or final punctuation.

    ``"  Porcentaje  de Víctimas. "`` -> ``"porcentaje de victimas"``; used to compare
    labels, names, units and trends whatever their case or accents.
    """
    nfkd = unicodedata.normalize("NFKD", str(text))
    bare = "".join(c for c in nfkd if not unicodedata.combining(c))
    bare = _SPACE_RE.sub(" ", bare).strip().strip('"“”«»').strip()
    return bare.rstrip(".;:,").strip().lower()


_PUNCTUATION = frozenset(string.punctuation)  # every ASCII punctuation character
_ENTITIES = {"<": "&lt;", ">": "&gt;", "&": "&amp;"}
_LINE_BREAK_RE = re.compile(r"\r\n|[\r\n\v\f\x1c-\x1e\x85\u2028\u2029]")


def _missing(value: object) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def markdown_literal(value: object) -> str:
    """Report text for Markdown, shown exactly as written and never read as markup.

    Every ASCII punctuation character is backslash-escaped (CommonMark lets any
    be, so ``[x](javascript:...)``, ``![b](http://...)``, ``**``, ``_``, ``#``,
    ``|``, ``$...$`` math, ``http://`` and ``www.`` autolinks all stay text) and
    ``<``, ``>``, ``&`` become HTML entities (so ``<script>`` or ``&amp;`` show
    as typed). Line breaks become spaces, so the text cannot start a heading,
    a list or a code block; HTML shows a line break as a space anyway.

    Parameters
    ----------
    value : object
        The text (any value is written with :func:`str`); missing (None, NaN,
        ``pd.NA``) is written as :data:`MISSING`.

    Returns
    -------
    str
        Markdown source that renders to ``value``'s text (tested with nbconvert's
        mistune, which renders the pages, and markdown-it / CommonMark).
    """
    if _missing(value):
        return MISSING
    text = _LINE_BREAK_RE.sub(" ", str(value))
    return "".join(_ENTITIES.get(c) or ("\\" + c if c in _PUNCTUATION else c) for c in text)


def plot_literal(value: object) -> str:
    """Report text for a matplotlib text artist, drawn exactly as written.

    Each ``$`` is escaped as ``\\$``, so the text never holds a pair of unescaped
    dollar signs and matplotlib never reads it as mathtext (it draws ``\\$`` as
    ``$``; a ``\\$`` already in the text is drawn as ``\\$``).

    Parameters
    ----------
    value : object
        The text; missing (None, NaN, ``pd.NA``) is written as :data:`MISSING`.

    Returns
    -------
    str
    """
    if _missing(value):
        return MISSING
    return str(value).replace("$", "\\$")
