"""Section 3, "Avances y Resultados": objectives, strategies and the summary tables.

Each objective's heading ("Objetivo prioritario N.- title") is followed by its
strategies ("Estrategia prioritaria N.M.- title") and one summary table
("Avances de la Meta para el bienestar y Parámetros del Objetivo prioritario N"):
a header ("Indicador | Línea base (Año) | Resultado 2019 ..."), then one row per
indicator whose name may wrap onto the next lines (or pages).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..exceptions import quote
from .complete import YearsSeen, check_years
from .lines import Document, Line, fold, is_noise, is_single
from .records import ROW_KINDS, Objective, Observation, Strategy, SummaryRow
from .tokens import parse_token, read_token

OBJECTIVE_RE = re.compile(r"^Objetivo prioritario\s+(\d+)\s*(?:\.-|:|\.|-)\s*(\S.*)$", re.I)
_STRATEGY_RE = re.compile(r"^Estrategia prioritaria\s+(\d+)\.(\d+)\s*\.?\s*-?\s*(\S.*)$", re.I)
_SUMMARY_TITLE_RE = re.compile(
    r"^Avances de la Meta para el bienestar y Par[aá]metros del Objetivo prioritario\s*(\d+)?\s*\.?$",
    re.I,
)
_ROW_LABEL_RE = re.compile(r"^(Meta para el bienestar|Par[aá]metro)\s+(\d+)\.(\d+)\b\.?\s*(.*)$", re.I)
_BASELINE_CELL_RE = re.compile(r"^(.+?)\s*\(\s*([0-9]{4})\s*\)$")
RESULT_HEAD_RE = re.compile(r"^Resultado\s+(\d{4})$", re.I)


@dataclass(frozen=True)
class Section3:
    """What section 3 states: its headings, summary rows and their numbers."""

    objectives: tuple[Objective, ...]
    strategies: tuple[Strategy, ...]
    rows: tuple[SummaryRow, ...]
    observations: tuple[Observation, ...]
    years: YearsSeen | None  # the Resultado years of its first table


@dataclass(frozen=True)
class _Table:
    rows: tuple[SummaryRow, ...]
    observations: tuple[Observation, ...]
    years: YearsSeen
    end: int  # index of the first line after the table


def parse_section3(doc: Document, start: int, end: int) -> Section3:
    """Read section 3, lines ``start`` (its heading) to ``end`` (indices).

    Raises
    ------
    ReportFormatError
        A heading out of place, objectives not numbered 1, 2, 3, ..., or a
        summary table that cannot be read.
    """
    objectives: list[Objective] = []
    strategies: list[Strategy] = []
    rows: list[SummaryRow] = []
    observations: list[Observation] = []
    years: YearsSeen | None = None
    current: int | None = None
    i = start + 1
    while i < end:
        line = doc.lines[i]
        single = is_single(line)
        if single and (m := OBJECTIVE_RE.match(line.first)):
            current = int(m.group(1))
            if any(o.objective == current for o in objectives):
                raise doc.error(f"objective {current} appears twice in section 3", line)
            objectives.append(Objective(current, m.group(2).strip().rstrip(".").strip(), line.number))
        elif single and (m := _STRATEGY_RE.match(line.first)):
            obj, sub = int(m.group(1)), int(m.group(2))
            if current is None or obj != current:
                raise doc.error(
                    f"strategy {obj}.{sub} is not under its objective (current objective: {current})", line
                )
            strategies.append(Strategy(obj, f"{obj}.{sub}", m.group(3).strip(), line.number))
        elif len(line.filled) > 1 and _ROW_LABEL_RE.match(line.first):
            raise doc.error(
                "an indicator row outside any summary table (expected it right under "
                "'Avances de la Meta para el bienestar y Parámetros del Objetivo prioritario N')",
                line,
            )
        elif single and (m := _SUMMARY_TITLE_RE.match(line.first)):
            number = int(m.group(1)) if m.group(1) else current
            if number is None:
                raise doc.error("summary table before any 'Objetivo prioritario' heading", line)
            if current is not None and number != current:
                raise doc.error(f"summary table of objective {number} under the heading of objective {current}", line)
            table = summary_table(doc, i, end, number, years)
            rows.extend(table.rows)
            observations.extend(table.observations)
            years = table.years
            i = table.end
            continue
        i += 1
    if not objectives:
        raise doc.error("no 'Objetivo prioritario N.- title' heading in section 3", doc.lines[start])
    for k, objective in enumerate(objectives, start=1):
        if objective.objective != k:
            raise doc.error(
                f"objectives must be numbered 1, 2, 3, ... in order; found objective {objective.objective} "
                f"where objective {k} was expected",
                objective.line,
            )
    return Section3(tuple(objectives), tuple(strategies), tuple(rows), tuple(observations), years)


def summary_table(doc: Document, title_index: int, end: int, objective: int, seen: YearsSeen | None) -> _Table:
    """Read the summary table whose title is at ``title_index``, up to the first line that is not part of it."""
    title = doc.lines[title_index]
    i = doc.expect(
        title_index + 1, end, "INDICADOR",
        f"expected the header row of the summary table of objective {objective} "
        "('Indicador | Línea base (Año) | Resultado 2019 ...')",
    )
    header = doc.lines[i]
    years = [int(m.group(1)) for cell in header.filled if (m := RESULT_HEAD_RE.match(cell))]
    if not any(fold(c).startswith("LINEA BASE") for c in header.filled) or not years:
        raise doc.error("summary header must name 'Línea base (Año)' and 'Resultado YYYY' columns", header)
    seen = check_years(doc, years, header, None, "the summary table header", seen)
    rows: list[SummaryRow] = []
    observations: list[Observation] = []
    i += 1
    while i < end:
        line = doc.lines[i]
        if is_noise(line):
            i += 1
            continue
        m = _ROW_LABEL_RE.match(line.first)
        if not m:
            break
        name, values = _row_cells(doc, line, m, objective)
        observations.extend(_row_values(doc, line, values, years, f"{m.group(2)}.{m.group(3)}"))
        i, name = _name_continuation(doc, i + 1, end, name, line, f"{m.group(2)}.{m.group(3)}")
        kind = ROW_KINDS[fold(m.group(1))]
        rows.append(SummaryRow(f"{m.group(2)}.{m.group(3)}", objective, kind, name.rstrip(".").strip(), line.number))
    if not rows:  # name the line where a row was expected, not only the table's title
        where = doc.lines[i] if i < end else title
        raise doc.error(
            f"the summary table of objective {objective} (title at line {title.number}) has no rows: expected "
            f"a row such as 'Meta para el bienestar {objective}.1 | name | baseline (year) | results...' "
            f"or 'Parámetro {objective}.2 | ...' after the header at line {header.number}",
            where,
        )
    return _Table(tuple(rows), tuple(observations), seen, i)


def _row_cells(doc: Document, line: Line, m: re.Match, objective: int) -> tuple[str, list[str]]:
    """The name and the value cells of a row (``m`` matched its label)."""
    indicator = f"{m.group(2)}.{m.group(3)}"
    if int(m.group(2)) != objective:
        raise doc.error(f"row {indicator} in the summary table of objective {objective}", line, indicator)
    filled = line.filled
    if m.group(4):  # "Meta para el bienestar 4.1 Avance en ..." in one cell
        name, values = m.group(4), filled[1:]
    else:
        name, values = (filled[1] if len(filled) > 1 else ""), filled[2:]
    if not name or parse_token(name) is not None or _BASELINE_CELL_RE.match(name):
        raise doc.error("expected the indicator's name after its id", line, indicator)
    return name, values


def _row_values(doc: Document, line: Line, values: list[str], years: list[int], indicator: str) -> list[Observation]:
    """The línea base "value (year)" and the results of one row."""
    n = len(years)
    if len(values) != n + 1:
        raise doc.error(
            f"expected the name, 'Línea base (Año)' and {n} results "
            f"(Resultado {years[0]}-{years[-1]}), i.e. {n + 1} values after the name; "
            f"found {len(values)}",
            line,
            indicator,
        )
    base = _BASELINE_CELL_RE.match(values[0])
    if not base:
        raise doc.error(f"expected the baseline as 'value (year)', found {quote(values[0])}", line, indicator)
    tok = read_token(doc, base.group(1), line, indicator, "Línea base (summary table)")
    out = [Observation(indicator, "summary", "baseline", int(base.group(2)), tok, line.number)]
    for year, raw in zip(years, values[1:]):
        tok = read_token(doc, raw, line, indicator, f"Resultado {year} (summary table)")
        out.append(Observation(indicator, "summary", "result", year, tok, line.number))
    return out


def _name_continuation(doc: Document, i: int, end: int, name: str, row: Line, indicator: str) -> tuple[int, str]:
    """The rest of a row's name on the following lines (one cell, first column empty)."""
    prev = row
    while i < end:
        line = doc.lines[i]
        if is_noise(line):
            i += 1
            continue
        if line.cells[0] or len(line.filled) != 1 or _ROW_LABEL_RE.match(line.first):
            break
        if parse_token(line.first) is not None:
            raise doc.error(
                "a lone value under the table's rows (expected the rest of an indicator's name, or the end of the table)",
                line,
                indicator,
            )
        name = doc.join_fragments(name, line.first, (prev, line))
        i += 1
    return i, name
