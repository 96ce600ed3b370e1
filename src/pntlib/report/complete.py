"""Completeness checks: the report has every part, and its parts agree.

A report is refused (:class:`~pntlib.exceptions.ReportFormatError`) when a
section is missing, when a table covers other years than the others, when an
indicator has a summary row but no card (or the other way round), or when an
objective lacks its Meta para el bienestar or one of its two Parámetros.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .lines import Document, Line
from .records import KIND_LABELS, Card, Objective, SummaryRow

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
                f"is a {KIND_LABELS[row.kind]} in the summary table but a "
                f"{KIND_LABELS[card_ids[indicator].kind]} in the annex",
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
                found = ", ".join(f"{KIND_LABELS[x.kind]} {x.indicator_id}" for x in mine) or "nothing"
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
