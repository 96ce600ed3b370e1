"""The value cells of the report's indicator tables: ``12.5``, ``NA``, ``N/D``, ``66/P``."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..exceptions import quote
from .lines import Document, Line

_NUM = r"-?[0-9]+(?:\.[0-9]+)?"
_NUMBER_RE = re.compile(rf"^{_NUM}$")
_PROVISIONAL_RE = re.compile(rf"^({_NUM})\s*(?:/\s*[Pp]|[Pp]\s*/)$")
_NOT_APPLICABLE = {"NA", "N/A"}
_NOT_AVAILABLE = {"ND", "N/D"}
_MAX_DIGITS = 30

#: status -> SDMX OBS_STATUS code (SDMX code list CL_OBS_STATUS).
OBS_STATUS = {"normal": "A", "provisional": "P", "not_applicable": "M", "not_available": "L"}

EXPECTED_TOKENS = "a number, NA, N/A, ND, N/D or a provisional value such as 66/P"


@dataclass(frozen=True)
class Token:
    """One value cell of an indicator table, as written and as understood.

    Attributes
    ----------
    raw : str
        The cell as printed (``"66/P"``).
    value : float or None
        Its number; ``None`` for NA/ND.
    status : {"normal", "provisional", "not_applicable", "not_available"}
    """

    raw: str
    value: float | None
    status: str

    @property
    def obs_status(self) -> str:
        """The SDMX OBS_STATUS code of :attr:`status` (A, P, M, L)."""
        return OBS_STATUS[self.status]


def parse_token(raw: str) -> Token | None:
    """Read one value cell of an indicator table.

    Parameters
    ----------
    raw : str
        The cell text, e.g. ``"12.5"``, ``"N/D"``, ``"66/P"``.

    Returns
    -------
    Token or None
        ``Token(raw, value, status)``; ``value`` is ``None`` unless the cell holds
        a number. ``None`` when the text is not a token the report uses.
    """
    text = raw.strip()
    if _NUMBER_RE.match(text) and len(text) <= _MAX_DIGITS:
        return Token(text, float(text), "normal")
    m = _PROVISIONAL_RE.match(text)
    if m and len(m.group(1)) <= _MAX_DIGITS:
        return Token(text, float(m.group(1)), "provisional")
    upper = text.upper()
    if upper in _NOT_APPLICABLE:
        return Token(text, None, "not_applicable")
    if upper in _NOT_AVAILABLE:
        return Token(text, None, "not_available")
    return None


def read_token(doc: Document, raw: str, line: Line, indicator: str, what: str) -> Token:
    """:func:`parse_token`, or a :class:`ReportFormatError` naming ``what`` the cell is.

    Raises
    ------
    ReportFormatError
        The cell is not a token the report uses.
    """
    tok = parse_token(raw)
    if tok is None:
        text = raw.strip()
        if _NUMBER_RE.match(text) or _PROVISIONAL_RE.match(text):  # a number, only too long to be one
            shown = f"{text[:12]}...{text[-6:]}"
            raise doc.error(
                f"value {shown!r} in {what} is {len(text)} characters long, more than the {_MAX_DIGITS} a "
                f"number may have; correct the value",
                line,
                indicator,
            )
        raise doc.error(f"unknown value {quote(text, 60)} in {what}; expected {EXPECTED_TOKENS}", line, indicator)
    return tok
