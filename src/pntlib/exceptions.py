"""The errors pntlib raises: one base class and narrow subclasses."""

from __future__ import annotations

from collections.abc import Iterable

#: How much of a report's text (or of a value given) an error message quotes: about a line's worth.
QUOTE_CHARS = 200


def quote(text: object, limit: int = QUOTE_CHARS) -> str:
    """``text`` quoted for an error message: its ``repr``, or, when longer than ``limit`` characters,
    the ``repr`` of its first ``limit`` characters followed by "…" and its length.

    >>> quote("x" * 40000)[-40:]
    "xxxxxxxxxxxxxxxxxx'… (40,000 characters)"
    """
    text = str(text)
    if len(text) <= limit:
        return repr(text)
    return f"{text[:limit]!r}… ({len(text):,} characters)"


class PntlibError(Exception):
    """Base class of every error raised on purpose by pntlib."""


class ReportFormatError(PntlibError):
    """The report text does not have the structure pntlib expects.

    Parameters
    ----------
    message : str
        What was expected and what was found.
    line : int, optional
        1-based line number in the report file where the problem was seen.
    excerpt : str, optional
        The text of that line; the message quotes at most :data:`QUOTE_CHARS` characters of it,
        with its length when longer (:func:`quote`).
    indicator : str, optional
        Indicator id ("3.2") the problem concerns, when known.
    path : str, optional
        The report file.
    """

    def __init__(
        self,
        message: str,
        *,
        line: int | None = None,
        excerpt: str | None = None,
        indicator: str | None = None,
        path: str | None = None,
    ) -> None:
        self.message = message
        self.line = line
        self.excerpt = excerpt
        self.indicator = indicator
        self.path = path
        super().__init__(self._render())

    def _render(self) -> str:
        where = []
        if self.path:
            where.append(str(self.path))
        if self.line is not None:
            where.append(f"line {self.line}")
        head = ":".join(where)
        text = self.message
        if self.indicator:
            text = f"indicator {self.indicator}: {text}"
        if head:
            text = f"{head}: {text}"
        if self.excerpt is not None:
            text += f"\n    found: {quote(self.excerpt.replace(chr(9), ' | ').strip())}"
        return text


class ReportChecksumError(PntlibError):
    """The default report under ``data/raw/`` is not the published file."""


class OutputError(PntlibError):
    """Output files cannot be written where asked; earlier outputs are kept."""


class ParameterError(PntlibError, ValueError):
    """A notebook or command parameter outside its valid choices."""

    @classmethod
    def invalid(cls, name: str, value: object, choices: Iterable[object]) -> "ParameterError":
        """Build the error for ``name=value``, listing the valid ``choices``."""
        shown = ", ".join(repr(c) for c in choices)
        return cls(f"parameter {name}={value!r} is not valid; choose one of: {shown}")


class UnknownIndicatorError(ParameterError, KeyError):
    """An indicator id that the report does not contain (a :class:`ParameterError`)."""

    def __str__(self) -> str:  # KeyError would quote the whole message
        return str(self.args[0]) if self.args else ""


class ReportNotFoundError(PntlibError, FileNotFoundError):
    """The report file named by ``report=`` (or ``--report``) does not exist."""

    def __str__(self) -> str:  # OSError would format (errno, strerror)
        return str(self.args[0]) if self.args else ""


class PlanError(PntlibError):
    """A run plan (``pnt run --plan``) that cannot be executed as written."""


class RunLockedError(PntlibError):
    """Another ``pnt run`` or ``pnt extract`` is writing into the same output folder."""


class OutputFolderError(OutputError):
    """``--out`` names a folder pnt will not write into (not its own, or inside ``data/raw/`` or pntlib's source)."""


class ReportChangedError(PntlibError):
    """The report file changed while ``pnt run`` was running.

    Every page of the run was made from the file as it was when the run
    started (one copy, one sha256, which the manifest records); the message
    names the file and both checksums. The next ``pnt run`` rebuilds the pages
    from the file as it is then.
    """
