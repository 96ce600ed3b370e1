"""Text helpers shared by every module: a number as a Spanish reader sees it, and folding.

:func:`number` is the one way pntlib writes a number into a sentence, a chart or a
page; :func:`fold` is the one way it compares two labels or names.
"""

from __future__ import annotations

import math
import re
import unicodedata

__all__ = ["number", "fold", "MISSING"]

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
