"""The report's cover: what a page cites it as (programme, title, period, publisher).

The cover is the text before the *Índice*: the publisher's page header
("SECRETARÍA DE GOBERNACIÓN"), the programme's name in bold capitals, the
publisher's name, and the title with its period in bold ("**AVANCE Y
RESULTADOS\\nEnero 2023 – Junio 2024**"). Nothing here is required to parse
the tables: a report whose cover cannot be read gives a :class:`Cover` with the
missing parts as ``None``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from .lines import fold

__all__ = ["Cover", "parse_cover"]

_BOLD_RE = re.compile(r"\*\*(.+?)\*\*", re.S)
_PERIOD_RE = re.compile(r"^(\w+ \d{4}\s*[–-]\s*\w+ \d{4})$")
#: Words written in lower case inside a title (Spanish articles, prepositions, conjunctions).
_MINOR_WORDS = {"a", "al", "de", "del", "e", "el", "en", "la", "las", "los", "o", "para", "por", "u", "y"}


@dataclass(frozen=True)
class Cover:
    """What the cover says.

    Attributes
    ----------
    programme : str or None
        The programme's name, as the report writes it in running text when it
        does ("Programa Nacional para Prevenir, ... 2022-2024"), else as on the cover.
    title : str or None
        The report's title ("Avance y Resultados").
    period : str or None
        The period it covers ("Enero 2023 – Junio 2024").
    publisher : str or None
        The line between the programme and the title ("Secretaría de Gobernación").
    """

    programme: str | None
    title: str | None
    period: str | None
    publisher: str | None


def _title_case(text: str) -> str:
    """``"AVANCE Y RESULTADOS"`` -> ``"Avance y Resultados"``."""
    words = text.lower().split()
    return " ".join(w if (i and w in _MINOR_WORDS) else w[:1].upper() + w[1:] for i, w in enumerate(words))


def _bare(text: str) -> str:
    """Upper case without accents, one character for each of ``text`` (NFC text)."""
    return "".join(fold(c) or c for c in unicodedata.normalize("NFC", text))


def _as_written(name: str, lines: list[str]) -> str:
    """The capitalised cover name as the report writes it in a line of running text."""
    wanted = _bare(name)
    for line in lines:
        line = unicodedata.normalize("NFC", line)
        at = _bare(line).find(wanted)
        if at >= 0:
            return line[at : at + len(name)]
    return _title_case(name)


def parse_cover(text: str) -> Cover:
    """Read the cover of a report's text (see the module docstring).

    Parameters
    ----------
    text : str
        The whole report text (compared in Unicode NFC, as the parser reads it).

    Returns
    -------
    Cover
        Parts not found are ``None``.
    """
    text = unicodedata.normalize("NFC", text)  # as the parser reads it (pntlib.report.read.parse_report)
    head, _, body = text.partition("\nÍndice")
    bold = [" ".join(b.split()) for b in _BOLD_RE.findall(head)]
    programme = title = period = publisher = None
    if bold:
        body_lines = body.splitlines()
        programme = _as_written(bold[0], body_lines)
    if len(bold) > 1:
        parts = _BOLD_RE.findall(head)[1].strip().splitlines()
        title = _title_case(" ".join(parts[0].split()))
        rest = " ".join(" ".join(parts[1:]).split())
        period = rest if _PERIOD_RE.match(rest) else None
        between = head.split("**")[2] if head.count("**") >= 4 else ""
        names = [line.strip() for line in between.splitlines() if line.strip()]
        publisher = names[-1] if names else None
    return Cover(programme=programme, title=title, period=period, publisher=publisher)
