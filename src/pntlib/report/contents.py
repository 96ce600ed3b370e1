"""The report's own *Índice*: where each section and each objective's part starts in the PDF.

The text file has no page numbers of its own; the printed report's table of
contents does. Its entries are lines "Title[.....]<tab>page": the numbered
sections ("4- Anexo. Avance de las Metas para el bienestar y Parámetros ..... 34")
and, under them, their parts ("Objetivo prioritario 3. Fortalecer ... 46",
"Factores que han incidido en los resultados del Objetivo prioritario 1 .... 15").
An entry cut by a page break (its title continues after the page header on
the next line) is joined with its continuation.

:func:`parse_contents` reads every entry and finds the heading it points to in
the text: a numbered section's heading is :meth:`Document.sections`'s; a part's
is the first line of its own, inside that section and after the previous
part's heading, whose words start as the entry's label does ("Objetivo
prioritario 2", case, accents and punctuation aside: the Índice writes
"Objetivo prioritario 2. Establecer las bases de coordinación para", the annex
"Objetivo prioritario 2: Establecer las bases de coordinación, para"), or, for
an entry without a label, as its whole title does ("Factores que han incidido
en los resultados del Objetivo prioritario 1"). :func:`locate` then says in which part a line of
the text is, and :meth:`ContentsPart.pages` which pages of the PDF that part
covers.

Page ranges use only the pages the Índice prints: a part runs from its own
page to the page before the next entry's, or is that one page when the next
entry starts on the same page; the last entry's end is not given, so it is
cited "desde p. N". (The Índice gives only where parts start: when one starts
mid-page, that page also holds the end of the previous part, which the range
does not show.)
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from ..exceptions import quote
from .lines import SECTION_RE, Document, Line, fold, is_noise

__all__ = ["ContentsPart", "parse_contents", "locate", "reference"]

#: A title's trailing leader dots and the page number after a tab: "Glosario.....\t65".
_PAGE_RE = re.compile(r"^\d{1,4}$")
_WORD_RE = re.compile(r"\w+")
#: How many leading words of an entry's title its heading must repeat (all of them, for the titles of this report).
_MATCH_WORDS = 40


@dataclass(frozen=True)
class ContentsPart:
    """One entry of the Índice and the heading it points to.

    Attributes
    ----------
    title : str
        The entry's title as the Índice prints it (leader dots removed; an
        entry cut by a page break joined).
    label : str
        What a citation calls it: the title up to its first ". " ("Anexo",
        "Objetivo prioritario 3", "Avances y Resultados"), the whole title when
        it has none.
    section : int
        Number of the numbered section it is or belongs to (4 for the annex).
    is_section : bool
        True for a numbered section's own entry, False for a part of one.
    page : int
        The page the Índice gives (1-based, as printed).
    end_page : int or None
        The last page of the part (see the module docstring); None for the
        Índice's last entry, whose end the report does not give.
    contents_line : int
        1-based line of the entry in the text file (its last line when cut).
    heading_line : int
        1-based line of the heading it points to.
    parent : str or None
        The :attr:`label` of its numbered section, for a part.
    """

    title: str
    label: str
    section: int
    is_section: bool
    page: int
    end_page: int | None
    contents_line: int
    heading_line: int
    parent: str | None

    @property
    def pages(self) -> str:
        """``"pp. 46–51"``, ``"p. 15"`` or ``"desde p. 68"`` (Spanish, en dash)."""
        if self.end_page is None:
            return f"desde p. {self.page}"
        if self.end_page == self.page:
            return f"p. {self.page}"
        return f"pp. {self.page}–{self.end_page}"

    @property
    def name(self) -> str:
        """``"Anexo, Objetivo prioritario 3"``: the section's label, then the part's."""
        return f"{self.parent}, {self.label}" if self.parent else self.label


def _words(text: str) -> list[str]:
    return _WORD_RE.findall(fold(unicodedata.normalize("NFC", text)).lower())


def _label(title: str) -> str:
    m = SECTION_RE.match(title)
    body = m.group(2) if m else title
    head, dot, _ = body.partition(". ")
    return head.strip() if dot else body.rstrip(". ").strip()


#: How an Índice entry starts ("3.- Avance...", "Objetivo prioritario 2. ...", "Factores que han
#: incidido..."): a line starting so while an earlier line still waits for its page number means
#: that earlier entry has no page.
_ENTRY_START_RE = re.compile(r"^(\d+\s*[.-]|OBJETIVO PRIORITARIO \d|FACTORES QUE )")
_OBJECTIVE_RE = re.compile(r"^OBJETIVO PRIORITARIO (\d+)\b")


def _entries(doc: Document, index: int, stop: int) -> list[tuple[str, int, int]]:
    """(title, page, line number) of each Índice entry between line indices ``index`` and ``stop``.

    An entry may run over several lines (its page number ends the last one); an entry that
    ends without a page number (a damaged or missing number: "cuarenta", "-40", 99999) is an
    error naming its line, never joined to the next entry.
    """
    entries: list[tuple[str, int, int]] = []
    pending: list[str] = []
    first = None
    for line in doc.lines[index + 1 : stop]:
        if is_noise(line):
            continue
        filled = line.filled
        if pending and _ENTRY_START_RE.match(fold(filled[0])):
            raise doc.error(f"the Índice entry {quote(' '.join(pending))} has no page number: expected a "
                            "number (1 to 4 digits) at the end of its line", first)
        if len(filled) >= 2 and _PAGE_RE.match(filled[-1]):
            title = " ".join([*pending, *filled[:-1]])
            entries.append((" ".join(title.split()).rstrip(". ").strip(), int(filled[-1]), line.number))
            pending = []
        else:
            first = first if pending else line
            pending.append(" ".join(filled))
    return entries  # lines left without a page after the last entry are the page's furniture, not entries


def _wanted(title: str) -> list[str]:
    """The words a heading must start with: its label's when the title has one ("Objetivo
    prioritario 3": what follows is the objective's title, data the report may word
    differently), else the whole title's."""
    label = _label(title)
    return _words(label) if label != title.rstrip(". ").strip() else _words(title)[:_MATCH_WORDS]


def _heading(doc: Document, title: str, start: int, stop: int) -> Line | None:
    """The first single-cell line in ``[start, stop)`` whose words start as :func:`_wanted` says."""
    wanted = _wanted(title)
    for line in doc.lines[start:stop]:
        if len(line.filled) == 1 and _words(line.first)[: len(wanted)] == wanted:
            return line
    return None


def parse_contents(doc: Document) -> tuple[ContentsPart, ...]:
    """Every entry of the report's Índice, with its pages and the heading it points to.

    Parameters
    ----------
    doc : Document
        The report's lines.

    Returns
    -------
    tuple of ContentsPart
        In the Índice's order (which is the text's order).

    Raises
    ------
    ReportFormatError
        There is no Índice ("Índice" on a line of its own before the first
        section heading), an entry comes before any numbered section, a
        numbered section it lists has no heading, or a part has no heading in
        its section after the previous part's (the error names the Índice line
        and the heading expected).
    """
    sections = doc.sections()
    first = min((start for start, _ in sections.values()), default=len(doc.lines))
    index = next((i for i in range(first) if fold(doc.lines[i].first) == "INDICE" and len(doc.lines[i].filled) == 1), None)
    if index is None:
        raise doc.error("no table of contents ('Índice' on a line of its own) before the first section heading",
                        doc.last_content(first))
    raw = _entries(doc, index, first)
    if not raw:
        raise doc.error("the table of contents ('Índice') lists no entry ('Title <tab> page')", doc.lines[index])
    found: list[tuple[str, int, int, int, bool, int, str | None]] = []
    section = parent = None
    after = 0
    objective = 0  # the last "Objetivo prioritario N" entry of the current section
    for title, page, number in raw:
        m = SECTION_RE.match(title)
        if m:
            objective = 0
            section = int(m.group(1))
            if section not in sections:
                raise doc.error(f"the Índice lists section {section} ({title!r}), which has no heading in the text", number)
            at = sections[section][0]
            parent = _label(title)
            found.append((title, page, number, at + 1, True, section, None))
            after = at + 1
            continue
        if section is None:
            raise doc.error(f"the Índice entry {title!r} comes before any numbered section ('N.- Title')", number)
        if o := _OBJECTIVE_RE.match(fold(title)):
            if int(o.group(1)) != objective + 1:
                raise doc.error(f"the Índice lists Objetivo prioritario {o.group(1)} in section {section} after "
                                f"{'Objetivo prioritario ' + str(objective) if objective else 'no objective'}: "
                                f"expected Objetivo prioritario {objective + 1}", number)
            objective = int(o.group(1))
        line = _heading(doc, title, after, sections[section][1])
        if line is None:
            raise doc.error(
                f"the Índice entry {title!r} (page {page}) has no heading in section {section} after line "
                f"{doc.lines[after - 1].number}: expected a line of its own starting "
                f"{' '.join(_wanted(title))!r} (case, accents and punctuation aside)",
                number,
            )
        found.append((title, page, number, line.number, False, section, parent))
        after = line.number
    parts = []
    for k, (title, page, number, heading, is_section, sec, par) in enumerate(found):
        following = found[k + 1][1] if k + 1 < len(found) else None
        if following is not None and following < page:
            raise doc.error(f"the Índice gives page {following} after page {page}: pages must not go back",
                            found[k + 1][2])
        end = None if following is None else max(page, following - 1)
        parts.append(ContentsPart(title=title, label=_label(title), section=sec, is_section=is_section, page=page,
                                  end_page=end, contents_line=number, heading_line=heading, parent=par))
    return tuple(parts)


def locate(parts: tuple[ContentsPart, ...], line: int) -> ContentsPart | None:
    """The Índice part a 1-based text line is in: the last whose heading is at or before it.

    Returns None for a line before the first heading (the cover, the Índice itself).
    """
    before = [p for p in parts if p.heading_line <= line]
    return before[-1] if before else None


def reference(parts: tuple[ContentsPart, ...], line: int) -> str:
    """Where a text line is in the PDF, in Spanish: ``"Anexo, Objetivo prioritario 3, pp. 46–51; línea 703 del texto"``.

    A line before every heading is cited by its line only (``"línea 3 del texto"``).
    """
    part = locate(parts, line)
    where = f"línea {line} del texto"
    return f"{part.name}, {part.pages}; {where}" if part else where
