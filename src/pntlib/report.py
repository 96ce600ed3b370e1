"""Reading the raw progress report: from PDF-extracted text to plain records.

The report (see ``data/raw/README.md``) is the text of the published PDF. Its
indicator data sits in two places:

* section 3, "Avances y Resultados": one summary table per objective
  ("Avances de la Meta para el bienestar y Parámetros del Objetivo prioritario N"),
  tab-separated, with a baseline "value (year)" and results 2019-2024;
* section 4, the annex: one card per indicator ("ELEMENTOS DE LA META DE
  BIENESTAR" / "ELEMENTOS DEL PARÁMETRO"), with its fields, "SERIE HISTÓRICA",
  notes, and "APLICACIÓN DEL MÉTODO DE CÁLCULO".

The parser works by structure (section headings, table headers, field labels),
never by indicator id or line number. It copes with the extraction's quirks:
page headers inside tables, rows and words split across pages, a header whose
"(2021)" lands on the next page, markdown separator rows, HTML ``<p>`` and LaTeX
``$...$`` markup. Whatever it cannot place raises
:class:`~pntlib.exceptions.ReportFormatError` with the line and what was
expected; nothing is dropped or guessed.

This module returns plain dataclasses; :mod:`pntlib.tables` turns them into
typed DataFrames.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from . import config
from .exceptions import ReportChecksumError, ReportFormatError

__all__ = ["Report", "read_report", "parse_report", "parse_token", "clean_markup"]

# --------------------------------------------------------------------------- tokens

_NUM = r"-?[0-9]+(?:\.[0-9]+)?"
_NUMBER_RE = re.compile(rf"^{_NUM}$")
_PROVISIONAL_RE = re.compile(rf"^({_NUM})\s*(?:/\s*[Pp]|[Pp]\s*/)$")
_NOT_APPLICABLE = {"NA", "N/A"}
_NOT_AVAILABLE = {"ND", "N/D"}

#: status -> SDMX OBS_STATUS code (SDMX code list CL_OBS_STATUS).
OBS_STATUS = {"normal": "A", "provisional": "P", "not_applicable": "M", "not_available": "L"}

EXPECTED_TOKENS = "a number, NA, N/A, ND, N/D or a provisional value such as 66/P"


@dataclass(frozen=True)
class Token:
    """One value cell of an indicator table, as written and as understood."""

    raw: str
    value: float | None
    status: str

    @property
    def obs_status(self) -> str:
        return OBS_STATUS[self.status]


def parse_token(raw: str) -> Token | None:
    """Read one value cell of an indicator table.

    Parameters
    ----------
    raw : str
        The cell text, e.g. ``"12.5"``, ``"N/D"``, ``"66/P"``.

    Returns
    -------
    Token or None
        ``Token(raw, value, status)``; ``value`` is ``None`` unless the cell holds
        a number. ``None`` when the text is not a token the report uses.
    """
    text = raw.strip()
    if _NUMBER_RE.match(text) and len(text) <= 30:
        return Token(text, float(text), "normal")
    m = _PROVISIONAL_RE.match(text)
    if m and len(m.group(1)) <= 30:
        return Token(text, float(m.group(1)), "provisional")
    upper = text.upper()
    if upper in _NOT_APPLICABLE:
        return Token(text, None, "not_applicable")
    if upper in _NOT_AVAILABLE:
        return Token(text, None, "not_available")
    return None


# --------------------------------------------------------------------------- records


@dataclass
class Observation:
    """One number of an indicator table (a row of the ``series`` table)."""

    indicator_id: str
    table: str  # "annex" | "summary"
    measure: str  # "baseline" | "result" | "target"
    year: int
    token: Token
    source_line: int


@dataclass
class Variable:
    """One value of a variable of the method of calculation."""

    indicator_id: str
    variable: int
    name: str
    year: int
    token: Token
    source: str
    source_line: int


@dataclass
class Substitution:
    indicator_id: str
    year: int
    text: str
    source_line: int


@dataclass
class SummaryRow:
    indicator_id: str
    objective: int
    kind: str
    name: str
    line: int


@dataclass
class Card:
    """The annex card of one indicator."""

    indicator_id: str
    objective: int
    kind: str
    line: int
    fields: dict[str, str] = field(default_factory=dict)
    #: field name -> 1-based line of its label
    field_lines: dict[str, int] = field(default_factory=dict)
    baseline_note: str = ""
    target_note: str = ""
    baseline_year: int | None = None
    target_year: int | None = None


@dataclass
class Report:
    """Everything pntlib reads from one report file.

    Attributes
    ----------
    path : Path
        The file read.
    sha256 : str
        Its checksum.
    objectives : list of (int, str, int)
        ``(objective, title, line)`` from the section-3 headings.
    strategies : list of (int, str, str, int)
        ``(objective, strategy_id, title, line)``.
    summary : list of SummaryRow
    cards : list of Card
    observations : list of Observation
    variables : list of Variable
    substitutions : list of Substitution
    """

    path: Path
    sha256: str
    objectives: list[tuple[int, str, int]]
    strategies: list[tuple[int, str, str, int]]
    summary: list[SummaryRow]
    cards: list[Card]
    observations: list[Observation]
    variables: list[Variable]
    substitutions: list[Substitution]


# --------------------------------------------------------------------------- text helpers

_PAGE_HEADERS = {"GOBERNACION", "SECRETARIA DE GOBERNACION"}
_TAG_RE = re.compile(r"</?\s*[a-zA-Z][^>]*>")
_MATH_RE = re.compile(r"\$([^$]*)\$")
_LATEX_ESC_RE = re.compile(r"\\([%_&#$])")
_SPACE_RE = re.compile(r"[ \t\u00a0]+")


def _fold(text: str) -> str:
    """Upper-case, accent-free, single-spaced form used to compare labels."""
    nfkd = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in nfkd if not unicodedata.combining(c))
    return _SPACE_RE.sub(" ", bare).strip().upper()


def clean_markup(text: str) -> str:
    """Remove the PDF extraction's HTML tags and LaTeX math delimiters.

    ``<p>`` paragraphs become lines; ``$PEPC\\% = (NEC/NEP) * 100$`` becomes
    ``PEPC% = (NEC/NEP) * 100``.
    """
    text = re.sub(r"</p>\s*<p>", "\n", text)
    text = _TAG_RE.sub(" ", text)
    text = _MATH_RE.sub(lambda m: m.group(1), text)
    text = _LATEX_ESC_RE.sub(r"\1", text)
    lines = [_SPACE_RE.sub(" ", part).strip() for part in text.split("\n")]
    return "\n".join(part for part in lines if part)


def _strip_quotes(text: str) -> str:
    if len(text) >= 2 and text[0] == text[-1] == '"':
        return text[1:-1].strip()
    return text


@dataclass(frozen=True)
class _Line:
    number: int  # 1-based
    text: str
    cells: tuple[str, ...]

    @property
    def filled(self) -> list[str]:
        return [c for c in self.cells if c]

    @property
    def blank(self) -> bool:
        return not any(self.cells)

    @property
    def first(self) -> str:
        filled = self.filled
        return filled[0] if filled else ""


def _split(number: int, text: str) -> _Line:
    return _Line(number, text, tuple(c.strip() for c in text.split("\t")))


def _is_page_header(line: _Line) -> bool:
    return len(line.filled) == 1 and _fold(line.first) in _PAGE_HEADERS


def _is_separator(line: _Line) -> bool:
    filled = line.filled
    return bool(filled) and all(set(c) <= {"-"} for c in filled)


def _is_noise(line: _Line) -> bool:
    """Lines that never carry data: blank, page headers, markdown rules."""
    return line.blank or _is_page_header(line) or _is_separator(line)


# --------------------------------------------------------------------------- patterns

_SECTION_RE = re.compile(r"^(\d)\s*\.?\s*-\s*(\S.*)$")
_OBJECTIVE_RE = re.compile(r"^Objetivo prioritario\s+(\d+)\s*(?:\.-|:|\.|-)\s*(\S.*)$", re.I)
_STRATEGY_RE = re.compile(r"^Estrategia prioritaria\s+(\d+)\.(\d+)\s*\.?\s*-?\s*(\S.*)$", re.I)
_SUMMARY_TITLE_RE = re.compile(
    r"^Avances de la Meta para el bienestar y Par[aá]metros del Objetivo prioritario\s*(\d+)?\s*\.?$",
    re.I,
)
_ROW_LABEL_RE = re.compile(r"^(Meta para el bienestar|Par[aá]metro)\s+(\d+)\.(\d+)\b\.?\s*(.*)$", re.I)
_BASELINE_CELL_RE = re.compile(r"^(.+?)\s*\(\s*([0-9]{4})\s*\)$")
_RESULT_HEAD_RE = re.compile(r"^Resultado\s+(\d{4})$", re.I)
_TARGET_HEAD_RE = re.compile(r"^Meta\s+(\d{4})$", re.I)
_YEAR_IN_RE = re.compile(r"\(?\s*(\d{4})\s*\)?")
_ONLY_YEAR_RE = re.compile(r"^\(\s*(\d{4})\s*\)$")
_NAME_ID_RE = re.compile(r"^(\d+)\.(\d+)\s+(\S.*)$")
_ID_LINE_RE = re.compile(r"^(\d+)\.(\d+)\s*(Meta para el bienestar|Par[aá]metro)?$", re.I)
_VAR_HEAD_YEAR_RE = re.compile(r"^Valor de la variable en\s+(\d{4})$", re.I)
_SUBST_RE = re.compile(r"^Sustituci[oó]n en m[eé]todo de c[aá]lculo para\s+(\d{4})$", re.I)
_VAR_NUMBER_RE = re.compile(r"^\d+\s*\.?\s*-\s*")
_LEGEND_RE = re.compile(r"^-?\s*(NA|ND|p/)\s*:", re.I)
_WORD_RE = re.compile(r"\w+")

_CARD_KINDS = {
    "ELEMENTOS DE LA META DE BIENESTAR": "meta_bienestar",
    "ELEMENTOS DE LA META PARA EL BIENESTAR": "meta_bienestar",
    "ELEMENTOS DEL PARAMETRO": "parametro",
}
_ROW_KINDS = {"META PARA EL BIENESTAR": "meta_bienestar", "PARAMETRO": "parametro"}
KIND_LABELS = {"meta_bienestar": "Meta para el bienestar", "parametro": "Parámetro"}

#: Card field label (folded) -> field name in the ``indicators`` table.
CARD_FIELDS = {
    "NOMBRE": "name",
    "OBJETIVO PRIORITARIO": "objective_text",
    "DEFINICION": "definition",
    "NIVEL DE DESAGREGACION": "disaggregation",
    "PERIODICIDAD O FRECUENCIA DE MEDICION": "periodicity",
    "TIPO": "type",
    "ACUMULADO O PERIODICO": "accumulation",
    "UNIDAD DE MEDIDA": "unit",
    "PERIODO DE RECOLECCION DE LOS DATOS": "collection_period",
    "DIMENSION": "dimension",
    "DISPONIBILIDAD DE LA INFORMACION": "availability",
    "TENDENCIA ESPERADA": "expected_trend",
    "UNIDAD RESPONSABLE DE REPORTAR EL AVANCE": "responsible_unit",
    "METODO DE CALCULO": "method",
    "OBSERVACIONES": "observations",
}
#: Spanish label of each card field, as printed on the card.
CARD_FIELD_LABELS = {
    "name": "Nombre",
    "objective_text": "Objetivo prioritario",
    "definition": "Definición",
    "disaggregation": "Nivel de desagregación",
    "periodicity": "Periodicidad o frecuencia de medición",
    "type": "Tipo",
    "accumulation": "Acumulado o periódico",
    "unit": "Unidad de medida",
    "collection_period": "Periodo de recolección de los datos",
    "dimension": "Dimensión",
    "availability": "Disponibilidad de la información",
    "expected_trend": "Tendencia esperada",
    "responsible_unit": "Unidad responsable de reportar el avance",
    "method": "Método de cálculo",
    "observations": "Observaciones",
}


#: Card fields the report may leave empty.
OPTIONAL_FIELDS = ("observations",)


def _id_key(indicator_id: str) -> tuple[int, ...]:
    return tuple(int(p) for p in indicator_id.split("."))


# --------------------------------------------------------------------------- reading


def file_sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _expected_checksum(checksum_file: Path, filename: str) -> str | None:
    if not checksum_file.exists():
        return None
    for raw in checksum_file.read_text(encoding="utf-8").splitlines():
        parts = raw.split()
        if len(parts) == 2 and parts[1].lstrip("*") == filename:
            return parts[0].lower()
    return None


def read_report(path: str | Path | None = None) -> Report:
    """Read and parse a progress report file.

    Parameters
    ----------
    path : str or Path, optional
        The report text (UTF-8). By default the published report kept verbatim
        in ``data/raw/``, whose sha256 is checked against ``data/raw/SHA256SUMS``;
        a file named by the caller is read without that check.

    Returns
    -------
    Report

    Raises
    ------
    FileNotFoundError
        The file does not exist.
    ReportChecksumError
        The default report's bytes differ from the published file.
    ReportFormatError
        The text is not a complete report of this format (the message names the
        line, the indicator and what was expected).
    """
    default = path is None
    path = Path(config.DEFAULT_REPORT if default else path)
    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    if default:
        expected = _expected_checksum(config.CHECKSUM_FILE, path.name)
        if expected is None:
            raise ReportChecksumError(
                f"no checksum for {path.name} in {config.CHECKSUM_FILE}; "
                "the default report cannot be verified"
            )
        if digest != expected:
            raise ReportChecksumError(
                f"{path} has been altered: its sha256 is {digest}, the published report's is "
                f"{expected} ({config.CHECKSUM_FILE.name}). Restore it with "
                f"'git checkout -- {path.relative_to(config.PROJ_ROOT) if path.is_relative_to(config.PROJ_ROOT) else path}', "
                "or pass the file explicitly to read it without this check."
            )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ReportFormatError(
            f"the report is not UTF-8 text (byte {exc.start})", line=line, path=str(path)
        ) from exc
    return parse_report(text, path=path, sha256=digest)


def parse_report(text: str, *, path: str | Path = "<report>", sha256: str = "") -> Report:
    """Parse the text of a progress report. See :func:`read_report`."""
    return _Parser(text, Path(path), sha256).parse()


class _Parser:
    def __init__(self, text: str, path: Path, sha256: str) -> None:
        if text.startswith("\ufeff"):
            text = text[1:]
        raw_lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        self.lines = [_split(i + 1, t) for i, t in enumerate(raw_lines)]
        self.path = path
        self.sha256 = sha256
        self.words = Counter(w.lower() for w in _WORD_RE.findall(text))
        self.result_years: tuple[list[int], int] | None = None

    # ----------------------------------------------------------------- errors
    def error(self, message: str, line: _Line | int | None = None, indicator: str | None = None):
        if isinstance(line, _Line):
            number, excerpt = line.number, line.text
        elif isinstance(line, int):
            number = line
            excerpt = self.lines[line - 1].text if 0 < line <= len(self.lines) else None
        else:
            number, excerpt = None, None
        return ReportFormatError(
            message, line=number, excerpt=excerpt, indicator=indicator, path=str(self.path)
        )

    def token(self, raw: str, line: _Line, indicator: str, what: str) -> Token:
        tok = parse_token(raw)
        if tok is None:
            raise self.error(
                f"unknown value {raw!r} in {what}; expected {EXPECTED_TOKENS}", line, indicator
            )
        return tok

    def _check_years(self, years: list[int], line: _Line, indicator: str | None, where: str) -> None:
        """Result years: consecutive, each once, and the same in every table of the report."""
        if years != list(range(years[0], years[0] + len(years))):
            raise self.error(
                f"the Resultado years of {where} must be consecutive, each once; found "
                + ", ".join(map(str, years)),
                line,
                indicator,
            )
        if self.result_years is None:
            self.result_years = (years, line.number)
        elif years != self.result_years[0]:
            ref, at = self.result_years
            raise self.error(
                f"{where} has Resultado {years[0]}-{years[-1]}, but line {at} has "
                f"Resultado {ref[0]}-{ref[-1]}; every table must cover the same years",
                line,
                indicator,
            )

    def _last_content(self, stop: int, start: int = 0) -> _Line:
        """The last line before index ``stop`` that carries text (for error positions)."""
        i = stop - 1
        while i > start and _is_noise(self.lines[i]):
            i -= 1
        return self.lines[max(i, 0)]

    # ----------------------------------------------------------------- sections
    def _sections(self) -> dict[int, tuple[int, int]]:
        """Top-level numbered headings ("3.- Avances y Resultados") -> line index range.

        A heading is a line of its own right after its banner: the section number
        alone on a line shortly before it ("3" / "AVANCES Y RESULTADOS" /
        "3.- Avances y Resultados"). A numbered paragraph ("1.- Se realizaron ...")
        has no banner and is not a heading.
        """
        starts: list[tuple[int, int, int]] = []  # number, heading index, banner index
        for i, line in enumerate(self.lines):
            if len(line.cells) != 1 or not line.first:
                continue
            m = _SECTION_RE.match(line.first)
            if not m:
                continue
            number = int(m.group(1))
            before = [ln for ln in self.lines[max(0, i - 8) : i] if not ln.blank][-3:]
            banner = [ln for ln in before if ln.first == str(number) and len(ln.filled) == 1]
            if not banner:
                continue
            starts.append((number, i, banner[0].number - 1))
        ranges: dict[int, tuple[int, int]] = {}
        for k, (number, start, _) in enumerate(starts):
            if number in ranges:
                first = self.lines[ranges[number][0]].number
                raise self.error(
                    f"section {number} appears twice (first heading at line {first}); "
                    "expected one report per file",
                    self.lines[start],
                )
            end = starts[k + 1][2] if k + 1 < len(starts) else len(self.lines)
            ranges[number] = (start, end)
        return ranges

    def parse(self) -> Report:
        sections = self._sections()
        for number, title in ((3, "3.- Avances y Resultados"), (4, "4- Anexo. Avance de las Metas")):
            if number not in sections:
                raise self.error(
                    f"section {number} not found before the end of the file: expected a heading "
                    f"such as {title!r} on a line of its own (is the report complete?)",
                    self._last_content(len(self.lines)),
                )
        self.observations: list[Observation] = []
        self.variables: list[Variable] = []
        self.substitutions: list[Substitution] = []
        objectives, strategies, summary = self._parse_section3(*sections[3])
        cards = self._parse_annex(*sections[4])
        self._check_complete(objectives, summary, cards, sections)
        order = {c.indicator_id: k for k, c in enumerate(sorted(cards, key=lambda c: _id_key(c.indicator_id)))}
        self.observations.sort(key=lambda o: (order[o.indicator_id], o.table != "annex", o.source_line))
        return Report(
            path=self.path,
            sha256=self.sha256,
            objectives=objectives,
            strategies=strategies,
            summary=sorted(summary, key=lambda r: _id_key(r.indicator_id)),
            cards=sorted(cards, key=lambda c: _id_key(c.indicator_id)),
            observations=self.observations,
            variables=self.variables,
            substitutions=self.substitutions,
        )

    # ----------------------------------------------------------------- section 3
    def _parse_section3(self, start: int, end: int):
        objectives: list[tuple[int, str, int]] = []
        strategies: list[tuple[int, str, str, int]] = []
        summary: list[SummaryRow] = []
        current: int | None = None
        i = start + 1
        while i < end:
            line = self.lines[i]
            single = len(line.filled) == 1 and len(line.cells) == 1
            if single and (m := _OBJECTIVE_RE.match(line.first)):
                current = int(m.group(1))
                if any(o[0] == current for o in objectives):
                    raise self.error(f"objective {current} appears twice in section 3", line)
                objectives.append((current, m.group(2).strip().rstrip(".").strip(), line.number))
            elif single and (m := _STRATEGY_RE.match(line.first)):
                obj, sub = int(m.group(1)), int(m.group(2))
                if current is None or obj != current:
                    raise self.error(
                        f"strategy {obj}.{sub} is not under its objective "
                        f"(current objective: {current})",
                        line,
                    )
                strategies.append((obj, f"{obj}.{sub}", m.group(3).strip(), line.number))
            elif len(line.filled) > 1 and _ROW_LABEL_RE.match(line.first):
                raise self.error(
                    "an indicator row outside any summary table (expected it right under "
                    "'Avances de la Meta para el bienestar y Parámetros del Objetivo prioritario N')",
                    line,
                )
            elif single and (m := _SUMMARY_TITLE_RE.match(line.first)):
                number = int(m.group(1)) if m.group(1) else current
                if number is None:
                    raise self.error("summary table before any 'Objetivo prioritario' heading", line)
                if current is not None and number != current:
                    raise self.error(
                        f"summary table of objective {number} under the heading of objective {current}",
                        line,
                    )
                rows, i = self._parse_summary_table(i, end, number)
                summary.extend(rows)
                continue
            i += 1
        if not objectives:
            raise self.error(
                "no 'Objetivo prioritario N.- title' heading in section 3", self.lines[start]
            )
        for k, (number, _, line_number) in enumerate(objectives, start=1):
            if number != k:
                raise self.error(
                    f"objectives must be numbered 1, 2, 3, ... in order; found objective {number} "
                    f"where objective {k} was expected",
                    line_number,
                )
        return objectives, strategies, summary

    def _join_fragments(self, left: str, right: str, lines: tuple[_Line, _Line]) -> str:
        """Join a name split across pages, mending a word cut in two.

        A word is mended when the cut piece is not a word used anywhere else in
        the report and the mended word is ("participaci" + "ón celebrados").
        """
        tail = re.search(r"(\w+)$", left)
        head = re.match(r"(\w+)", right)
        if tail and head and head.group(1)[0].islower():
            local = Counter(w.lower() for ln in lines for w in _WORD_RE.findall(ln.text))
            cut = tail.group(1).lower()
            mended = (tail.group(1) + head.group(1)).lower()
            if self.words[cut] - local[cut] <= 0 and self.words[mended] - local[mended] > 0:
                return left + right
        return f"{left} {right}"

    def _parse_summary_table(self, title_index: int, end: int, objective: int):
        title = self.lines[title_index]
        i = title_index + 1
        while i < end and _is_noise(self.lines[i]):
            i += 1
        if i >= end or _fold(self.lines[i].first) != "INDICADOR":
            raise self.error(
                f"expected the header row of the summary table of objective {objective} "
                "('Indicador | Línea base (Año) | Resultado 2019 ...')",
                self.lines[min(i, end - 1)],
            )
        header = self.lines[i]
        years: list[int] = []
        for cell in header.filled:
            if m := _RESULT_HEAD_RE.match(cell):
                years.append(int(m.group(1)))
        if not any(_fold(c).startswith("LINEA BASE") for c in header.filled) or not years:
            raise self.error(
                "summary header must name 'Línea base (Año)' and 'Resultado YYYY' columns", header
            )
        self._check_years(years, header, None, "the summary table header")
        rows: list[SummaryRow] = []
        last: tuple[SummaryRow, _Line] | None = None
        i += 1
        while i < end:
            line = self.lines[i]
            if _is_noise(line):
                i += 1
                continue
            m = _ROW_LABEL_RE.match(line.first)
            if m:
                row = self._summary_row(line, m, years, objective)
                rows.append(row)
                last = (row, line)
            elif last is not None and not line.cells[0] and len(line.filled) == 1:
                row, prev = last
                if parse_token(line.first) is not None:
                    raise self.error(
                        "a lone value under the table's rows (expected the rest of an "
                        "indicator's name, or the end of the table)",
                        line,
                        row.indicator_id,
                    )
                row.name = self._join_fragments(row.name, line.first, (prev, line))
            else:
                break
            i += 1
        if not rows:
            raise self.error(f"the summary table of objective {objective} has no rows", title)
        return rows, i

    def _summary_row(self, line: _Line, m: re.Match, years: list[int], objective: int) -> SummaryRow:
        kind = _ROW_KINDS[_fold(m.group(1))]
        obj = int(m.group(2))
        indicator = f"{m.group(2)}.{m.group(3)}"
        if obj != objective:
            raise self.error(
                f"row {indicator} in the summary table of objective {objective}", line, indicator
            )
        filled = line.filled
        if m.group(4):  # "Meta para el bienestar 4.1 Avance en ..." in one cell
            name, values = m.group(4), filled[1:]
        else:
            name, values = (filled[1] if len(filled) > 1 else ""), filled[2:]
        n = len(years)
        if not name or parse_token(name) is not None or _BASELINE_CELL_RE.match(name):
            raise self.error("expected the indicator's name after its id", line, indicator)
        if len(values) != n + 1:
            raise self.error(
                f"expected the name, 'Línea base (Año)' and {n} results "
                f"(Resultado {years[0]}-{years[-1]}), i.e. {n + 1} values after the name; "
                f"found {len(values)}",
                line,
                indicator,
            )
        base = _BASELINE_CELL_RE.match(values[0])
        if not base:
            raise self.error(
                f"expected the baseline as 'value (year)', found {values[0]!r}", line, indicator
            )
        tok = self.token(base.group(1), line, indicator, "Línea base (summary table)")
        self.observations.append(
            Observation(indicator, "summary", "baseline", int(base.group(2)), tok, line.number)
        )
        for year, raw in zip(years, values[1:]):
            tok = self.token(raw, line, indicator, f"Resultado {year} (summary table)")
            self.observations.append(Observation(indicator, "summary", "result", year, tok, line.number))
        return SummaryRow(indicator, objective, kind, name.rstrip(".").strip(), line.number)

    # ----------------------------------------------------------------- section 4
    def _parse_annex(self, start: int, end: int) -> list[Card]:
        cards: list[Card] = []
        current: int | None = None
        starts: list[tuple[int, str]] = []
        headings: list[int] = []
        for i in range(start + 1, end):
            line = self.lines[i]
            if len(line.filled) == 1 and len(line.cells) == 1 and (m := _OBJECTIVE_RE.match(line.first)):
                headings.append(i)
            elif (kind := _CARD_KINDS.get(_fold(line.first))) and len(line.filled) == 1:
                starts.append((i, kind))
        bounds = sorted([s for s, _ in starts] + headings) + [end]
        for i, kind in starts:
            objective_heads = [h for h in headings if h < i]
            if not objective_heads:
                raise self.error("indicator card before any 'Objetivo prioritario' heading", self.lines[i])
            head_line = self.lines[objective_heads[-1]]
            current = int(_OBJECTIVE_RE.match(head_line.first).group(1))
            stop = next(b for b in bounds if b > i)
            cards.append(self._parse_card(i, stop, kind, current))
        if not cards:
            raise self.error(
                "the annex has no indicator card ('ELEMENTOS DE LA META DE BIENESTAR' or "
                "'ELEMENTOS DEL PARÁMETRO')",
                self.lines[start],
            )
        return cards

    def _parse_card(self, start: int, stop: int, kind: str, objective: int) -> Card:
        head = self.lines[start]
        # Fields: from the header to "SERIE HISTÓRICA".
        fields: dict[str, str] = {}
        field_lines: dict[str, int] = {}
        i = start + 1
        while i < stop and _fold(self.lines[i].first) != "SERIE HISTORICA":
            line = self.lines[i]
            i += 1
            if _is_noise(line):
                continue
            cells = line.filled
            if _fold(cells[0]) not in CARD_FIELDS:
                raise self.error(
                    f"expected a card field label ({', '.join(CARD_FIELD_LABELS.values())}) "
                    f"before 'SERIE HISTÓRICA'; found {cells[0]!r}",
                    line,
                )
            k = 0
            while k < len(cells):
                key = CARD_FIELDS.get(_fold(cells[k]))
                if key is None:
                    raise self.error(f"expected a card field label, found {cells[k]!r}", line)
                value = ""
                if k + 1 < len(cells) and _fold(cells[k + 1]) not in CARD_FIELDS:
                    value = _strip_quotes(cells[k + 1])
                    k += 1
                if key in fields:
                    raise self.error(f"card field {CARD_FIELD_LABELS[key]!r} appears twice", line)
                fields[key] = value
                field_lines[key] = line.number
                k += 1
        name_line = field_lines.get("name", head.number)
        m = _NAME_ID_RE.match(fields.get("name", ""))
        if not m:
            raise self.error(
                "expected the card's 'Nombre' field to start with the indicator id ('1.2 Número de ...')",
                name_line,
            )
        indicator = f"{m.group(1)}.{m.group(2)}"
        fields["name"] = m.group(3).strip().rstrip(".").strip()
        if int(m.group(1)) != objective:
            raise self.error(
                f"card {indicator} is under the annex heading of objective {objective}",
                name_line,
                indicator,
            )
        missing = [CARD_FIELD_LABELS[k] for k in CARD_FIELD_LABELS if k not in fields]
        if missing:
            raise self.error(
                f"card is missing the field(s) {', '.join(map(repr, missing))}", head, indicator
            )
        empty = [k for k, v in fields.items() if not v and k not in OPTIONAL_FIELDS]
        if empty:
            raise self.error(
                f"card field {CARD_FIELD_LABELS[empty[0]]!r} is empty; only "
                + ", ".join(repr(CARD_FIELD_LABELS[k]) for k in OPTIONAL_FIELDS)
                + " may be",
                field_lines[empty[0]],
                indicator,
            )
        self._check_id_line(start, indicator, kind)
        card = Card(indicator, objective, kind, head.number, fields=fields, field_lines=field_lines)
        if i >= stop:
            raise self.error(
                "expected 'SERIE HISTÓRICA' after the card's fields", self._last_content(stop, start), indicator
            )
        i = self._parse_series(i + 1, stop, card)
        i = self._parse_notes(i, stop, card)
        self._parse_method(i, stop, card)
        return card

    def _check_id_line(self, start: int, indicator: str, kind: str) -> None:
        """The id and kind printed above a card ("1.2" / "Parámetro") must match its Nombre."""
        i = start - 1
        seen: list[_Line] = []
        while i >= 0 and len(seen) < 2:
            line = self.lines[i]
            i -= 1
            if _is_noise(line):
                continue
            if len(line.filled) != 1:
                break
            text = line.first
            if m := _ID_LINE_RE.match(text):
                printed = f"{m.group(1)}.{m.group(2)}"
                if printed != indicator:
                    raise self.error(
                        f"the card is headed {printed!r} but its Nombre says {indicator!r}", line, indicator
                    )
                if m.group(3) and _ROW_KINDS[_fold(m.group(3))] != kind:
                    raise self.error(
                        f"the card is headed {m.group(3)!r} but is a {KIND_LABELS[kind]}", line, indicator
                    )
                return
            if _fold(text) in _ROW_KINDS:
                if _ROW_KINDS[_fold(text)] != kind:
                    raise self.error(
                        f"the card is headed {text!r} but is a {KIND_LABELS[kind]}", line, indicator
                    )
                seen.append(line)
                continue
            break

    def _next_content(self, i: int, stop: int) -> int:
        while i < stop and _is_noise(self.lines[i]):
            i += 1
        return i

    def _parse_series(self, i: int, stop: int, card: Card) -> int:
        indicator = card.indicator_id
        i = self._next_content(i, stop)
        if i >= stop or not _fold(self.lines[i].first).startswith("VALOR DE LA LINEA BASE"):
            raise self.error(
                "expected the SERIE HISTÓRICA header ('Valor de la línea base (YYYY) | Resultado 2019 ... | Meta 2024')",
                self.lines[min(i, stop - 1)],
                indicator,
            )
        header = self.lines[i]
        cells = header.filled
        year = _YEAR_IN_RE.search(cells[0][len("Valor de la línea base"):])
        base_year = int(year.group(1)) if year else None
        columns: list[tuple[str, int]] = [("baseline", 0)]
        for cell in cells[1:]:
            if m := _RESULT_HEAD_RE.match(cell):
                columns.append(("result", int(m.group(1))))
            elif m := _TARGET_HEAD_RE.match(cell):
                if card.target_year is not None:
                    raise self.error(
                        f"a second Meta column ({cell!r}) in the SERIE HISTÓRICA header", header, indicator
                    )
                columns.append(("target", int(m.group(1))))
                card.target_year = int(m.group(1))
            else:
                raise self.error(f"unexpected column {cell!r} in the SERIE HISTÓRICA header", header, indicator)
        if card.target_year is None or not any(c[0] == "result" for c in columns):
            raise self.error("the SERIE HISTÓRICA header must have 'Resultado YYYY' and 'Meta YYYY' columns", header, indicator)
        result_years = [y for m_, y in columns if m_ == "result"]
        self._check_years(result_years, header, indicator, "the SERIE HISTÓRICA header")
        if card.target_year < result_years[-1] or columns[-1][0] != "target":
            raise self.error(
                f"expected 'Meta YYYY' as the last column, for a year from {result_years[-1]} on; "
                f"found Meta {card.target_year}",
                header,
                indicator,
            )
        i = self._next_content(i + 1, stop)
        if base_year is None and i < stop:
            only = self.lines[i].filled
            if len(only) == 1 and (m := _ONLY_YEAR_RE.match(only[0])):
                base_year = int(m.group(1))
                i = self._next_content(i + 1, stop)
        if base_year is None:
            raise self.error("the baseline year is missing from the SERIE HISTÓRICA header", header, indicator)
        card.baseline_year = base_year
        if i >= stop:
            raise self.error("expected the row of SERIE HISTÓRICA values", self.lines[stop - 1], indicator)
        values = self.lines[i]
        if len(values.filled) != len(columns):
            raise self.error(
                f"expected {len(columns)} SERIE HISTÓRICA values (línea base, "
                + ", ".join(f"Resultado {y}" for m_, y in columns if m_ == "result")
                + f", Meta {card.target_year}), found {len(values.filled)}",
                values,
                indicator,
            )
        for (measure, year_), raw in zip(columns, values.filled):
            y = base_year if measure == "baseline" else year_
            label = {"baseline": "Valor de la línea base", "result": f"Resultado {y}", "target": f"Meta {y}"}[measure]
            tok = self.token(raw, values, indicator, f"{label} (SERIE HISTÓRICA)")
            self.observations.append(Observation(indicator, "annex", measure, y, tok, values.number))
        return i + 1

    def _parse_notes(self, i: int, stop: int, card: Card) -> int:
        i = self._next_content(i, stop)
        if i >= stop or _fold(self.lines[i].first) != "NOTA SOBRE LA LINEA BASE":
            raise self.error(
                "expected 'Nota sobre la Línea base | Nota sobre la Meta 2024' after SERIE HISTÓRICA",
                self.lines[min(i, stop - 1)],
                card.indicator_id,
            )
        header = self.lines[i]
        split = next(
            (k for k, c in enumerate(header.cells) if _fold(c).startswith("NOTA SOBRE LA META")), None
        )
        if split is None:
            raise self.error("the notes header has no 'Nota sobre la Meta' column", header, card.indicator_id)
        base_parts: list[str] = []
        target_parts: list[str] = []
        i += 1
        while i < stop and not _fold(self.lines[i].first).startswith("APLICACION DEL METODO"):
            line = self.lines[i]
            i += 1
            if _is_noise(line):
                continue
            if len(line.filled) > 2 and all(parse_token(c) is not None for c in line.filled):
                raise self.error(
                    "a row of values among the notes (expected note text, or the "
                    "'APLICACIÓN DEL MÉTODO DE CÁLCULO' heading)",
                    line,
                    card.indicator_id,
                )
            if len(line.cells) == len(header.cells) or len(line.filled) == 1:
                # Laid out like the header: the column says which note.
                for k, cell in enumerate(line.cells):
                    if cell:
                        (base_parts if k < split else target_parts).append(cell)
            elif len(line.filled) == 2:
                # A wrapped line of both notes, in their order.
                base_parts.append(line.filled[0])
                target_parts.append(line.filled[1])
            else:
                raise self.error(
                    "cannot tell which note this line belongs to (expected one or two cells)",
                    line,
                    card.indicator_id,
                )
        card.baseline_note = clean_markup(" ".join(base_parts))
        card.target_note = clean_markup(" ".join(target_parts))
        return i

    def _parse_method(self, i: int, stop: int, card: Card) -> None:
        indicator = card.indicator_id
        if i >= stop:
            raise self.error(
                "expected 'APLICACIÓN DEL MÉTODO DE CÁLCULO PARA LA OBTENCIÓN DE LOS RESULTADOS DEL INDICADOR'",
                self.lines[stop - 1],
                indicator,
            )
        i = self._next_content(i + 1, stop)
        if i >= stop or _fold(self.lines[i].first) != "NOMBRE DE LA VARIABLE":
            raise self.error(
                "expected the variables header ('Nombre de la variable | Valor de la variable en 2023 | ...')",
                self.lines[min(i, stop - 1)],
                indicator,
            )
        header = self.lines[i]
        years = [int(m.group(1)) for c in header.filled if (m := _VAR_HEAD_YEAR_RE.match(c))]
        if not years or _fold(header.filled[-1]) != "FUENTE DE INFORMACION DE LA VARIABLE":
            raise self.error(
                "the variables header must name 'Valor de la variable en YYYY' columns and "
                "'Fuente de información de la variable'",
                header,
                indicator,
            )
        number = 0
        seen_years: set[int] = set()
        i += 1
        while i < stop:
            line = self.lines[i]
            i += 1
            if _is_noise(line):
                continue
            first = line.first
            if m := _SUBST_RE.match(first):
                year = int(m.group(1))
                if year in seen_years:
                    raise self.error(f"two substitutions for {year}", line, indicator)
                if year not in years:
                    raise self.error(
                        f"a substitution for {year}, but the variables are given for "
                        + ", ".join(map(str, years)),
                        line,
                        indicator,
                    )
                seen_years.add(year)
                self.substitutions.append(
                    Substitution(indicator, year, clean_markup(" ".join(line.filled[1:])), line.number)
                )
                continue
            if seen_years or _LEGEND_RE.match(first):
                # After the substitutions only the NA/ND/p legend and the next card's
                # id may follow; anything else would be silently lost.
                if _LEGEND_RE.match(first) or (
                    len(line.filled) == 1 and (_ID_LINE_RE.match(first) or _fold(first) in _ROW_KINDS)
                ):
                    continue
                raise self.error(
                    "unexpected text after the card's method of calculation (expected the "
                    "'Sustitución en método de cálculo' rows, the NA/ND legend or the next card)",
                    line,
                    indicator,
                )
            cells = line.filled
            if len(cells) != len(years) + 2:
                raise self.error(
                    f"expected a variable row (name, {', '.join(f'value {y}' for y in years)}, source),"
                    f" found {len(cells)} cells",
                    line,
                    indicator,
                )
            number += 1
            name = _VAR_NUMBER_RE.sub("", cells[0]).strip()
            for year, raw in zip(years, cells[1:-1]):
                tok = self.token(raw, line, indicator, f"variable {number}, {year}")
                self.variables.append(Variable(indicator, number, name, year, tok, cells[-1], line.number))
        if number == 0:
            raise self.error("the method of calculation lists no variable", header, indicator)
        inputs = input_symbols(*split_method(card.fields["method"]))
        if inputs and len(inputs) != number:
            raise self.error(
                f"the method of calculation defines {len(inputs)} input variable(s) "
                f"({', '.join(inputs)}) but the card gives values for {number}",
                header,
                indicator,
            )
        missing = [y for y in years if y not in seen_years]
        if missing:
            raise self.error(
                f"expected 'Sustitución en método de cálculo para {missing[0]}'",
                self.lines[min(i, stop) - 1],
                indicator,
            )

    # ----------------------------------------------------------------- completeness
    def _check_complete(self, objectives, summary: list[SummaryRow], cards: list[Card], sections) -> None:
        numbers = [o[0] for o in objectives]
        obj_line = {o[0]: o[2] for o in objectives}
        for label, items in (("summary-table row", summary), ("annex card", cards)):
            seen: dict[str, int] = {}
            for x in items:
                if x.indicator_id in seen:
                    raise self.error(
                        f"a second {label} for the same indicator (the first is at line "
                        f"{seen[x.indicator_id]})",
                        x.line,
                        x.indicator_id,
                    )
                seen[x.indicator_id] = x.line
        summary_ids = {r.indicator_id: r for r in summary}
        card_ids = {c.indicator_id: c for c in cards}
        for indicator, row in summary_ids.items():
            if indicator not in card_ids:
                raise self.error(
                    "has a row in the section-3 summary table but no card in the annex (section 4)",
                    row.line,
                    indicator,
                )
            if card_ids[indicator].kind != row.kind:
                raise self.error(
                    f"is a {KIND_LABELS[row.kind]} in the summary table but a "
                    f"{KIND_LABELS[card_ids[indicator].kind]} in the annex",
                    card_ids[indicator].line,
                    indicator,
                )
        for indicator, card in card_ids.items():
            if indicator not in summary_ids:
                raise self.error(
                    "has a card in the annex (section 4) but no row in the section-3 summary table",
                    card.line,
                    indicator,
                )
        for label, items, where in (("summary table", summary, "section 3"), ("annex", cards, "section 4")):
            for objective in numbers:
                mine = [x for x in items if x.objective == objective]
                metas = [x for x in mine if x.kind == "meta_bienestar"]
                params = [x for x in mine if x.kind == "parametro"]
                if len(metas) != 1 or len(params) != 2:
                    line = mine[-1].line if mine else obj_line[objective]
                    found = ", ".join(f"{KIND_LABELS[x.kind]} {x.indicator_id}" for x in mine) or "nothing"
                    raise self.error(
                        f"objective {objective} must have 1 Meta para el bienestar and 2 Parámetros "
                        f"in the {label} ({where}); found {found}",
                        line,
                    )
            stray = sorted({x.objective for x in items} - set(numbers))
            if stray:
                first = next(x for x in items if x.objective == stray[0])
                raise self.error(
                    f"belongs to objective {stray[0]}, which section 3 does not introduce",
                    first.line,
                    first.indicator_id,
                )


# --------------------------------------------------------------------------- method of calculation

_DEFINITION_RE = re.compile(r"(?:(?<=^)|(?<=\s))([A-Z][A-Z0-9]*\s?%?)\s*:\s")


def split_method(text: str) -> tuple[str, str]:
    """Split a card's *Método de cálculo* into its formula and its definitions.

    Parameters
    ----------
    text : str
        The field as extracted, e.g. ``"$PEPC\\% = (NEC/NEP) * 100$ <p>NEC: ...</p>"``.

    Returns
    -------
    formula : str
        The formula without markup (``"PEPC% = (NEC/NEP) * 100"``). A card that
        defines the indicator as a single variable (``"NRR: Número de ..."``) has
        that symbol as its formula (``"NRR"``).
    definitions : str
        One ``"SYMBOL: definition"`` per line, in the card's order.
    """
    math = _MATH_RE.search(text)
    if math:
        formula = clean_markup(math.group(0))
        rest = clean_markup(text[: math.start()] + " " + text[math.end() :])
    else:
        formula = ""
        rest = clean_markup(text)
    flat = " ".join(rest.split("\n"))
    starts = list(_DEFINITION_RE.finditer(flat))
    if not starts:
        return formula, rest
    parts = []
    for k, m in enumerate(starts):
        end = starts[k + 1].start() if k + 1 < len(starts) else len(flat)
        symbol = m.group(1).replace(" ", "")
        parts.append(f"{symbol}: {flat[m.end():end].strip()}")
    if not formula:
        formula = starts[0].group(1).replace(" ", "")
    return formula, "\n".join(parts)


def _symbol(text: str) -> str:
    return re.sub(r"[\s%]", "", text).upper()


def input_symbols(formula: str, definitions: str) -> list[str]:
    """The input variables of a card's *Método de cálculo*, in the card's order.

    Parameters
    ----------
    formula, definitions : str
        The two parts returned by :func:`split_method` (``indicators.method``
        and ``indicators.method_variables``).

    Returns
    -------
    list of str
        The symbols defined under the formula, as printed, less the formula's
        own left-hand side: ``"PEPC% = (NEC/NEP) * 100"`` defining NEC, NEP and
        PEPC% has inputs ``["NEC", "NEP"]``; a card whose method is one variable
        (``"NRR: ..."``) has that variable.
    """
    defined = [line.split(":", 1)[0].strip() for line in (definitions or "").split("\n") if ":" in line]
    own = _symbol(formula.rsplit("=", 1)[0].strip().rstrip(":")) if "=" in (formula or "") else None
    return [d for d in defined if _symbol(d) != own]
