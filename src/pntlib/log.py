"""The log lines of ``pnt run`` and ``pnt extract``: on a terminal as they are, elsewhere timestamped.

Under cron, ``make report >> reports.log`` or CI, every line starts with the
local time in ISO 8601 (``2026-12-04T06:17:03+00:00``), so that a log
collected over weeks says when each thing happened.
"""

from __future__ import annotations

import datetime as _dt
import sys
from typing import TextIO

__all__ = ["failure", "line", "on_terminal", "timestamp"]


def on_terminal(stream: TextIO | None = None) -> bool:
    """Whether ``stream`` (default ``sys.stderr``) is a terminal."""
    stream = sys.stderr if stream is None else stream
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # closed, or not a file
        return False


def timestamp() -> str:
    """Now, local time with its UTC offset, to the second."""
    return _dt.datetime.now().astimezone().isoformat(timespec="seconds")


def line(text: str, stream: TextIO | None = None) -> None:
    """Write ``text`` (one or more lines) to ``stream`` (default ``sys.stderr``), each line
    timestamped unless the stream is a terminal."""
    stream = sys.stderr if stream is None else stream
    prefix = "" if on_terminal(stream) else f"{timestamp()} "
    stream.write("".join(f"{prefix}{part}\n" for part in str(text).split("\n")))
    stream.flush()


def failure(name: str, notebook: str, cell, error: str) -> str:
    """What a log line says of a failed run: the run, its notebook, the failing cell (1-based; ``None``
    or missing when no cell is to blame) and the error: ``indicator_3.2 (indicator.ipynb, cell 5): ValueError: …``."""
    try:
        where = f"{notebook}, cell {int(cell)}"
    except (TypeError, ValueError):  # None, pandas.NA
        where = notebook
    return f"{name} ({where}): {error}"
