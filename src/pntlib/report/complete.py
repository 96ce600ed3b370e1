"""Completeness checks: the report has every part, and its parts agree.

A report is refused (:class:`~pntlib.exceptions.ReportFormatError`) when a
section is missing, when a table covers other years than the others, when an
indicator has a summary row but no card (or the other way round), or when an
objective lacks its Meta para el bienestar or one of its two Parámetros.

What "every part" means is read from the report itself: its table of contents
(*Índice*) lists its numbered sections ("5.- Glosario ..... 65"), and a
complete report has a heading for each, in that order (:func:`check_contents`).
A file cut short (at any line after the table of contents) lacks at least the
last of them, and is refused naming the line where it ends.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass


from ..exceptions import quote
from .lines import SECTION_RE, Document, Line, fold, is_noise
from .records import PRINTED_KIND_LABELS, Card, Objective, SummaryRow

#: The sections the parser reads, with a heading as the report prints it.
READ_SECTIONS = {3: "3.- Avances y Resultados", 4: "4- Anexo. Avance de las Metas"}


@dataclass(frozen=True)
class YearsSeen:
    """The Resultado years of the first table read, and the line of its header."""

    years: tuple[int, ...]
    line: int


def check_years(
    doc: Document, years: list[int], line: Line, indicator: str | None, where: str, seen: YearsSeen | None
) -> YearsSeen:
    """Result years: consecutive, each once, and the same as the first table's (``seen``).

    Returns
    -------
    YearsSeen
        ``seen``, or these years when they are the first.
    """
    if years != list(range(years[0], years[0] + len(years))):
        raise doc.error(
            f"the Resultado years of {where} must be consecutive, each once; found " + ", ".join(map(str, years)),
            line,
            indicator,
        )
    if seen is None:
        return YearsSeen(tuple(years), line.number)
    if tuple(years) != seen.years:
        ref = seen.years
        raise doc.error(
            f"{where} has Resultado {years[0]}-{years[-1]}, but line {seen.line} has "
            f"Resultado {ref[0]}-{ref[-1]}; every table must cover the same years",
            line,
            indicator,
        )
    return seen


def check_sections(doc: Document, sections: dict[int, tuple[int, int]]) -> None:
    """The sections the parser reads are there.

    Raises
    ------
    ReportFormatError
        Section 3 or 4 is missing; the error points at the file's last line of text.
    """
    for number, title in READ_SECTIONS.items():
        if number not in sections:
            raise doc.error(
                f"section {number} not found before the end of the file: expected a heading "
                f"such as {title!r} on a line of its own (is the report complete?)",
                doc.last_content(len(doc.lines)),
            )


def check_complete(
    doc: Document, objectives: Sequence[Objective], summary: Sequence[SummaryRow], cards: Sequence[Card]
) -> None:
    """Every indicator once in the summary tables and once in the annex, 1 Meta and 2 Parámetros per objective.

    Raises
    ------
    ReportFormatError
        Naming the indicator and the line of the row or card at fault.
    """
    numbers = [o.objective for o in objectives]
    obj_line = {o.objective: o.line for o in objectives}
    for label, items in (("summary-table row", summary), ("annex card", cards)):
        seen: dict[str, int] = {}
        for x in items:
            if x.indicator_id in seen:
                raise doc.error(
                    f"a second {label} for the same indicator (the first is at line {seen[x.indicator_id]})",
                    x.line,
                    x.indicator_id,
                )
            seen[x.indicator_id] = x.line
    summary_ids = {r.indicator_id: r for r in summary}
    card_ids = {c.indicator_id: c for c in cards}
    for indicator, row in summary_ids.items():
        if indicator not in card_ids:
            raise doc.error(
                "has a row in the section-3 summary table but no card in the annex (section 4)", row.line, indicator
            )
        if card_ids[indicator].kind != row.kind:
            raise doc.error(
                f"is a {PRINTED_KIND_LABELS[row.kind]} in the summary table but a "
                f"{PRINTED_KIND_LABELS[card_ids[indicator].kind]} in the annex",
                card_ids[indicator].line,
                indicator,
            )
    for indicator, card in card_ids.items():
        if indicator not in summary_ids:
            raise doc.error(
                "has a card in the annex (section 4) but no row in the section-3 summary table", card.line, indicator
            )
    for label, items, where in (("summary table", summary, "section 3"), ("annex", cards, "section 4")):
        for objective in numbers:
            mine = [x for x in items if x.objective == objective]
            metas = [x for x in mine if x.kind == "meta_bienestar"]
            params = [x for x in mine if x.kind == "parametro"]
            if len(metas) != 1 or len(params) != 2:
                line = mine[-1].line if mine else obj_line[objective]
                found = ", ".join(f"{PRINTED_KIND_LABELS[x.kind]} {x.indicator_id}" for x in mine) or "nothing"
                raise doc.error(
                    f"objective {objective} must have 1 Meta para el bienestar and 2 Parámetros "
                    f"in the {label} ({where}); found {found}",
                    line,
                )
        stray = sorted({x.objective for x in items} - set(numbers))
        if stray:
            first = next(x for x in items if x.objective == stray[0])
            raise doc.error(
                f"belongs to objective {stray[0]}, which section 3 does not introduce", first.line, first.indicator_id
            )


_PAGE_NUMBER_RE = re.compile(r"^\d{1,4}$")


@dataclass(frozen=True)
class ContentsEntry:
    """A section listed in the table of contents: "5.- Glosario ..... 65"."""

    number: int
    title: str
    line: int


def table_of_contents(doc: Document, sections: dict[int, tuple[int, int]]) -> list[ContentsEntry]:
    """The numbered sections the *Índice* lists, in its order.

    The Índice is a line "Índice" of its own before the first section heading;
    its section entries are the lines "N.- Title[.....]<tab>page".

    Raises
    ------
    ReportFormatError
        There is no Índice, or it lists no numbered section.
    """
    first_heading = min((start for start, _ in sections.values()), default=len(doc.lines))
    index = next((i for i in range(first_heading) if fold(doc.lines[i].first) == "INDICE" and
                  len(doc.lines[i].filled) == 1), None)
    if index is None:
        raise doc.error(
            "no table of contents ('Índice' on a line of its own, then 'N.- Title <tab> page' for each "
            "section) before the first section heading; a complete report starts with one",
            doc.last_content(first_heading),
        )
    entries: list[ContentsEntry] = []
    for line in doc.lines[index + 1 : first_heading]:
        filled = line.filled
        if is_noise(line) or len(filled) != 2 or not _PAGE_NUMBER_RE.match(filled[1]):
            continue
        m = SECTION_RE.match(filled[0])
        if m:
            entries.append(ContentsEntry(int(m.group(1)), m.group(2).rstrip(". ").strip(), line.number))
    if not entries:
        raise doc.error("the table of contents ('Índice') lists no numbered section ('N.- Title <tab> page')",
                        doc.lines[index])
    return entries


def check_contents(
    doc: Document, sections: dict[int, tuple[int, int]], cards: Sequence[Card] = ()
) -> None:
    """Every section the table of contents lists has its heading, in the listed order.

    Parameters
    ----------
    sections : dict
        :meth:`Document.sections` of the report.
    cards : sequence of Card
        The annex cards, to say in which card a file cut short ends.

    Raises
    ------
    ReportFormatError
        A listed section has no heading: when every section from it on is
        missing the file is cut short, and the error points at its last line
        of text (and names the card it is in); otherwise it names the section
        and its entry in the table of contents.
    """
    entries = table_of_contents(doc, sections)
    missing = [e for e in entries if e.number not in sections]
    if missing:
        present = [e for e in entries if e.number in sections]
        after = [e for e in missing if not present or entries.index(e) > entries.index(present[-1])]
        if after == missing:
            last = doc.last_content(len(doc.lines))
            listed = ", ".join(f"{e.number} ({quote(e.title)})" for e in missing)
            raise doc.error(
                f"the report ends at line {last.number}{_where(last, sections, cards)}, but its table of contents "
                f"(line {missing[0].line}) lists section{'s' if len(missing) > 1 else ''} {listed} after it: "
                "the file is cut short; use the complete report",
                last,
                _card_at(last, sections, cards),
            )
        first = missing[0]
        raise doc.error(
            f"section {first.number} ({quote(first.title)}), listed in the table of contents, has no heading "
            f"({quote(f'{first.number}.- {first.title}')} on a line of its own after its banner '{first.number}')",
            first.line,
        )
    last = entries[-1]
    start, end = sections[last.number]
    if doc.next_content(start + 1, end) >= end:
        raise doc.error(
            f"the report ends at line {doc.last_content(end).number}, right after the heading of its last section, "
            f"{last.number} ({quote(last.title)}), which has no text: the file is cut short; use the complete report",
            doc.last_content(end),
        )
    starts = [(sections[e.number][0], e) for e in entries]
    for (start_a, a), (start_b, b) in zip(starts, starts[1:]):
        if start_b < start_a:
            raise doc.error(
                f"section {b.number} comes before section {a.number}, unlike the table of contents "
                f"(lines {a.line}-{b.line})",
                start_b + 1,
            )


def _section_at(line: Line, sections: dict[int, tuple[int, int]]) -> int | None:
    return next((n for n, (start, end) in sections.items() if start <= line.number - 1 < end), None)


def _card_at(line: Line, sections: dict[int, tuple[int, int]], cards: Sequence[Card]) -> str | None:
    """The indicator whose annex card holds ``line``, if any."""
    if _section_at(line, sections) != 4:
        return None
    before = [c for c in cards if c.line <= line.number]
    return max(before, key=lambda c: c.line).indicator_id if before else None


def _where(line: Line, sections: dict[int, tuple[int, int]], cards: Sequence[Card]) -> str:
    """" (section 4, card 5.3)" for the line a file ends at."""
    section = _section_at(line, sections)
    if section is None:
        return ""
    card = _card_at(line, sections, cards)
    return f" (section {section}" + (f", card {card})" if card else ")")
