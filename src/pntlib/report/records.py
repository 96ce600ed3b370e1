"""The records the parser returns: frozen dataclasses, one per thing the report states.

:mod:`pntlib.tables` turns them into typed DataFrames.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .tokens import Token

#: Kind of indicator -> how the report prints it (what the parser matches; the label a page
#: shows is :data:`pntlib.labels.KIND_LABELS`, derived from it).
PRINTED_KIND_LABELS = {"meta_bienestar": "Meta para el bienestar", "parametro": "Parámetro"}
#: Folded row/heading label -> kind of indicator.
ROW_KINDS = {"META PARA EL BIENESTAR": "meta_bienestar", "PARAMETRO": "parametro"}


def id_key(indicator_id: str) -> tuple[int, ...]:
    """Sort key of an id: ``"1.10"`` after ``"1.9"``."""
    return tuple(int(p) for p in indicator_id.split("."))


@dataclass(frozen=True)
class Objective:
    """A section-3 heading "Objetivo prioritario N.- title"."""

    objective: int
    title: str
    line: int


@dataclass(frozen=True)
class Strategy:
    """A section-3 heading "Estrategia prioritaria N.M.- title"."""

    objective: int
    strategy_id: str
    title: str
    line: int


@dataclass(frozen=True)
class Observation:
    """One number of an indicator table (a row of the ``series`` table)."""

    indicator_id: str
    table: str  # "annex" | "summary"
    measure: str  # "baseline" | "result" | "target"
    year: int
    token: Token
    source_line: int


@dataclass(frozen=True)
class Variable:
    """One value of a variable of the method of calculation."""

    indicator_id: str
    variable: int
    name: str
    year: int
    token: Token
    source: str
    source_line: int


@dataclass(frozen=True)
class Substitution:
    """A card's "Sustitución en método de cálculo para YYYY" row."""

    indicator_id: str
    year: int
    text: str
    source_line: int


@dataclass(frozen=True)
class SummaryRow:
    """An indicator's row in a section-3 summary table."""

    indicator_id: str
    objective: int
    kind: str
    name: str
    line: int


@dataclass(frozen=True)
class Card:
    """The annex card of one indicator.

    ``fields`` maps each field name of :data:`pntlib.report.annex.CARD_FIELDS`
    to its text; ``field_lines`` maps it to the 1-based line of its label.
    """

    indicator_id: str
    objective: int
    kind: str
    line: int
    fields: dict[str, str] = field(default_factory=dict)
    field_lines: dict[str, int] = field(default_factory=dict)
    baseline_note: str = ""
    target_note: str = ""
    baseline_year: int | None = None
    target_year: int | None = None


@dataclass(frozen=True)
class Report:
    """Everything pntlib reads from one report file.

    Attributes
    ----------
    path : Path
        The file read.
    sha256 : str
        Its checksum.
    objectives : tuple of Objective
        From the section-3 headings, in order.
    strategies : tuple of Strategy
    summary : tuple of SummaryRow
        Sorted by indicator id.
    cards : tuple of Card
        Sorted by indicator id.
    observations : tuple of Observation
        By indicator, annex before summary, then by line.
    variables : tuple of Variable
    substitutions : tuple of Substitution
    """

    path: Path
    sha256: str
    objectives: tuple[Objective, ...]
    strategies: tuple[Strategy, ...]
    summary: tuple[SummaryRow, ...]
    cards: tuple[Card, ...]
    observations: tuple[Observation, ...]
    variables: tuple[Variable, ...]
    substitutions: tuple[Substitution, ...]
