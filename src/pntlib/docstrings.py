"""Docstring pieces many public functions share, written once (as seaborn's ``_docstrings``).

A docstring names a piece on a line of its own, in braces, indented where the
piece belongs; :func:`shared` replaces that line with the piece, every line of it
indented as the placeholder was::

    @shared
    def load_series(*, report=None):
        \"\"\"Every number of the report's indicator tables.

        Parameters
        ----------
        {report}

        Raises
        ------
        {report_errors}
        \"\"\"

Only whole lines holding ``{name}`` are replaced, so other braces in a docstring
(``{annex, summary}``) are left as written. The pieces are :data:`PIECES`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

__all__ = ["PIECES", "shared", "fill"]

#: The shared pieces, by the name a docstring gives them (numpydoc, unindented).
PIECES = {
    # the ``report`` parameter of every function that reads the report
    "report": (
        "report : str or Path, optional\n"
        "    Report file; default the verified copy in ``data/raw/`` (its sha256 is\n"
        "    checked against ``data/raw/SHA256SUMS`` when it is first read)."
    ),
    # what reading the report may raise (a Raises section's entry)
    "report_errors": (
        "ReportNotFoundError, ReportChecksumError, ReportFormatError\n"
        "    The report cannot be read: no such file (or a folder), the verified\n"
        "    copy altered, or not a report of the expected layout (the message\n"
        "    names the line); see :func:`pntlib.tables.get_report`."
    ),
}

F = TypeVar("F", bound=Callable)


def fill(doc: str | None) -> str | None:
    """``doc`` with every line that is only ``{name}`` (a key of :data:`PIECES`) replaced by that piece.

    Raises
    ------
    KeyError
        A placeholder line names no piece (a typo fails at import, not in a reader's help).
    """
    if doc is None:  # python -OO strips docstrings
        return None
    lines = []
    for line in doc.split("\n"):
        name = line.strip()
        if name.startswith("{") and name.endswith("}") and name[1:-1].isidentifier():
            indent = line[: len(line) - len(line.lstrip())]
            lines += [indent + piece if piece else "" for piece in PIECES[name[1:-1]].split("\n")]
        else:
            lines.append(line)
    return "\n".join(lines)


def shared(func: F) -> F:
    """Decorator: fill ``func``'s docstring with the shared pieces (:func:`fill`); ``func`` is unchanged otherwise."""
    func.__doc__ = fill(func.__doc__)
    return func
