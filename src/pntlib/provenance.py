"""What the data was made from: the report's cover, its file and checksum, for citation.

Every page of ``pnt run`` and the Data Package of ``pnt extract`` cite the report
the same way, from :func:`source`; the titles are read from the report's cover
(:mod:`pntlib.report.cover`), never written into the code.
"""

from __future__ import annotations

import datetime as _dt
import html
import numbers
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from . import config
from .docstrings import shared
from .exceptions import ParameterError
from .report.contents import ContentsPart, parse_contents, reference
from .report.cover import parse_cover
from .report.lines import Document
from .report.read import expected_checksum
from .tables import get_report

__all__ = ["Source", "source", "contents", "where", "citation_parts", "format_citation", "suggested_citation", "suggested_citation_html",
           "processing_date", "RAW_README", "PUBLISHED_README"]

#: The README documenting the raw report's provenance.
RAW_README = config.RAW_DATA_DIR / "README.md"
#: Where ``pnt run`` puts a copy of :data:`RAW_README` in its output folder (relative path),
#: so that a published collection of pages carries its provenance.
PUBLISHED_README = "data/raw/README.md"


@dataclass(frozen=True)
class Source:
    """The report a table or page was made from.

    Attributes
    ----------
    programme, title, period, publisher : str or None
        From the report's cover (:class:`pntlib.report.cover.Cover`); ``None``
        when the cover does not give it.
    file_name : str
        The report file's name.
    sha256 : str
        Checksum of the file's bytes (hex).
    verified : bool
        True when the file's checksum is the one ``data/raw/SHA256SUMS`` gives for its name
        (the published report).
    """

    programme: str | None
    title: str | None
    period: str | None
    publisher: str | None
    file_name: str
    sha256: str
    verified: bool

    @property
    def citation(self) -> str:
        """``"Secretaría de Gobernación. Avance y Resultados, Enero 2023 – Junio 2024. Programa ..."``
        (the parts the cover gives, in that order), or the file name when it gives none."""
        head = ", ".join(p for p in (self.title, self.period) if p)
        parts = [p for p in (self.publisher, head, self.programme) if p]
        return ". ".join(parts) + "." if parts else self.file_name


@lru_cache(maxsize=8)
def _cover(path: str, sha256: str):
    return parse_cover(Path(path).read_text(encoding="utf-8"))


@lru_cache(maxsize=8)
def _contents(path: str, sha256: str) -> tuple[ContentsPart, ...]:
    return parse_contents(Document.from_text(Path(path).read_text(encoding="utf-8"), Path(path)))


@shared
def source(report: str | Path | None = None) -> Source:
    """The :class:`Source` of a report file.

    Parameters
    ----------
    {report}

    Returns
    -------
    Source

    Raises
    ------
    {report_errors}
    """
    parsed = get_report(report)
    cover = _cover(str(parsed.path), parsed.sha256)
    verified = expected_checksum(config.CHECKSUM_FILE, Path(parsed.path).name) == parsed.sha256
    return Source(
        programme=cover.programme, title=cover.title, period=cover.period, publisher=cover.publisher,
        file_name=Path(parsed.path).name, sha256=parsed.sha256, verified=verified,
    )


@shared
def contents(report: str | Path | None = None) -> tuple[ContentsPart, ...]:
    """The report's *Índice* with the heading and pages of each entry (:func:`pntlib.report.contents.parse_contents`).

    Parameters
    ----------
    {report}

    Returns
    -------
    tuple of pntlib.report.contents.ContentsPart

    Raises
    ------
    {report_errors}
    ReportFormatError
        Also when the report's Índice does not match its headings.
    """
    parsed = get_report(report)
    return _contents(str(parsed.path), parsed.sha256)


@shared
def where(line: int, report: str | Path | None = None) -> str:
    """Where a line of the report's text is in the printed report, in Spanish.

    ``where(703)`` is ``"Anexo, Objetivo prioritario 3, pp. 46–51; línea 703 del texto"``: the
    section and part of the report's own Índice whose heading the line follows, the pages
    the Índice gives for it (:attr:`pntlib.report.contents.ContentsPart.pages`), and the line.

    Raises
    ------
    ParameterError
        ``line`` is not a whole number from 1 to the report's number of lines.
    {report_errors}
    ReportFormatError
        Also when the report's Índice does not match its headings.
    """
    parts = contents(report)
    if isinstance(line, bool) or not isinstance(line, numbers.Integral) or line < 1:
        raise ParameterError(f"line={line!r} is not a line of the report's text; give a whole number from 1")
    return reference(parts, int(line))


def processing_date() -> _dt.date:
    """The date a page says it was processed: ``SOURCE_DATE_EPOCH`` (the reproducible-builds
    convention, seconds since 1970 in UTC) when set, else today (UTC)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return _dt.datetime.fromtimestamp(int(epoch), _dt.timezone.utc).date()
    return _dt.datetime.now(_dt.timezone.utc).date()


_MONTHS = ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre",
           "octubre", "noviembre", "diciembre")


def _spanish_date(day: _dt.date) -> str:
    return f"{day.day} de {_MONTHS[day.month - 1]} de {day.year}"


def citation_parts(src: Source, day: _dt.date | None = None) -> tuple[str, str, str]:
    """The suggested citation (:func:`suggested_citation`) of a :class:`Source` in three plain-text
    parts: what precedes the title (author and "(s. f.)"), the title (set in italics), what follows."""
    from . import __version__

    author = src.publisher or src.file_name
    title = ". ".join(p for p in (src.programme, ", ".join(p for p in (src.title, src.period) if p)) if p) or src.file_name
    processed = f"Procesado con pntlib {__version__}" + (f", {_spanish_date(day)}" if day is not None else "") + "."
    tail = f" [Informe; texto del PDF, sha256 {src.sha256}]. {processed}"
    return f"{author}. (s. f.). ", title, tail


def format_citation(src: Source, *, day: _dt.date | None = None, as_html: bool = False) -> str:
    """The suggested citation (:func:`suggested_citation`) of a :class:`Source` already read:
    plain text, or HTML with the title in italics and every part escaped (``as_html``)."""
    head, title, tail = citation_parts(src, day)
    if as_html:
        return f"{html.escape(head)}<em>{html.escape(title)}</em>{html.escape(tail)}"
    return head + title + tail


@shared
def suggested_citation(report: str | Path | None = None, *, day: _dt.date | None = None) -> str:
    """The suggested citation of the report (Spanish, APA 7), as plain text.

    ``"Secretaría de Gobernación. (s. f.). Programa Nacional para ... 2022-2024. Avance y Resultados,
    Enero 2023 – Junio 2024 [Informe; texto del PDF, sha256 d389…]. Procesado con pntlib 0.1.0,
    4 de diciembre de 2026."``

    The author is the publisher and the title the programme, then the report's title and period,
    all as the cover gives them (:class:`Source`). The report's text states no date of
    publication, so the year is APA's "s. f." (sin fecha): it is never inferred from the period.

    Parameters
    ----------
    {report}
    day : datetime.date, optional
        The processing date to give; None leaves it out (``pnt extract`` writes no date, so that
        its files stay byte-identical from one call to the next). Pages pass
        :func:`processing_date`.

    Raises
    ------
    {report_errors}
    """
    return format_citation(source(report), day=day)


def suggested_citation_html(report: str | Path | None = None, *, day: _dt.date | None = None) -> str:
    """:func:`suggested_citation` as HTML: the title in italics, every part escaped."""
    return format_citation(source(report), day=day, as_html=True)
