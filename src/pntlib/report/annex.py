"""Section 4, the annex: one card per indicator.

A card ("ELEMENTOS DE LA META DE BIENESTAR" / "ELEMENTOS DEL PARÁMETRO") has four
blocks, each read by one function here from a range of lines to records:

1. its fields (:func:`card_fields`), "Nombre" to "Observaciones";
2. the *SERIE HISTÓRICA* (:func:`series`): línea base, results, Meta;
3. the notes on the línea base and the Meta (:func:`notes`);
4. the *APLICACIÓN DEL MÉTODO DE CÁLCULO* (:func:`method`): the variables'
   values and the *Sustitución en método de cálculo* of each year.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .. import formulas  # a module, not names: formulas imports report.lines
from ..exceptions import quote
from .complete import YearsSeen, check_years
from .lines import Document, Line, clean_markup, fold, is_noise, is_single, strip_quotes
from .records import PRINTED_KIND_LABELS, ROW_KINDS, Card, Observation, Substitution, Variable
from .summary import OBJECTIVE_RE, RESULT_HEAD_RE
from .tokens import parse_token, read_token

_CARD_KINDS = {
    "ELEMENTOS DE LA META DE BIENESTAR": "meta_bienestar",
    "ELEMENTOS DE LA META PARA EL BIENESTAR": "meta_bienestar",
    "ELEMENTOS DEL PARAMETRO": "parametro",
}

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
#: Spanish label of each card field, as printed on the card (what the parser's messages
#: name; the labels pages show are :data:`pntlib.labels.CARD_FIELD_LABELS`, derived from these).
PRINTED_CARD_FIELD_LABELS = {
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

_TARGET_HEAD_RE = re.compile(r"^Meta\s+(\d{4})$", re.I)
_YEAR_IN_RE = re.compile(r"\(?\s*(\d{4})\s*\)?")
_ONLY_YEAR_RE = re.compile(r"^\(\s*(\d{4})\s*\)$")
_NAME_ID_RE = re.compile(r"^(\d+)\.(\d+)\s+(\S.*)$")
_ID_LINE_RE = re.compile(r"^(\d+)\.(\d+)\s*(Meta para el bienestar|Par[aá]metro)?$", re.I)
_VAR_HEAD_YEAR_RE = re.compile(r"^Valor de la variable en\s+(\d{4})$", re.I)
_SUBST_RE = re.compile(r"^Sustituci[oó]n en m[eé]todo de c[aá]lculo para\s+(\d{4})$", re.I)
_VAR_NUMBER_RE = re.compile(r"^\d+\s*\.?\s*-\s*")
_LEGEND_RE = re.compile(r"^-?\s*(NA|ND|p/)\s*:", re.I)


@dataclass(frozen=True)
class Annex:
    """What the annex states: its cards and the records read from them."""

    cards: tuple[Card, ...]
    observations: tuple[Observation, ...]
    variables: tuple[Variable, ...]
    substitutions: tuple[Substitution, ...]


@dataclass(frozen=True)
class _Fields:
    fields: dict[str, str]
    field_lines: dict[str, int]
    end: int  # index of the "SERIE HISTÓRICA" line (or the card's stop)


@dataclass(frozen=True)
class _Series:
    observations: tuple[Observation, ...]
    baseline_year: int
    target_year: int
    years: YearsSeen
    end: int


@dataclass(frozen=True)
class _Notes:
    baseline: str
    target: str
    end: int  # index of the "APLICACIÓN DEL MÉTODO" line (or the card's stop)


@dataclass(frozen=True)
class _Method:
    variables: tuple[Variable, ...]
    substitutions: tuple[Substitution, ...]


def parse_annex(doc: Document, start: int, end: int, seen: YearsSeen | None) -> Annex:
    """Read section 4, lines ``start`` (its heading) to ``end`` (indices).

    ``seen`` is the Resultado years of section 3's tables: every card's
    SERIE HISTÓRICA must cover the same years.
    """
    starts: list[tuple[int, str]] = []
    headings: list[int] = []
    for i in range(start + 1, end):
        line = doc.lines[i]
        if is_single(line) and OBJECTIVE_RE.match(line.first):
            headings.append(i)
        elif (kind := _CARD_KINDS.get(fold(line.first))) and len(line.filled) == 1:
            starts.append((i, kind))
    bounds = sorted([s for s, _ in starts] + headings) + [end]
    cards: list[Card] = []
    observations: list[Observation] = []
    variables: list[Variable] = []
    substitutions: list[Substitution] = []
    for i, kind in starts:
        objective_heads = [h for h in headings if h < i]
        if not objective_heads:
            raise doc.error("indicator card before any 'Objetivo prioritario' heading", doc.lines[i])
        objective = int(OBJECTIVE_RE.match(doc.lines[objective_heads[-1]].first).group(1))
        stop = next(b for b in bounds if b > i)
        card, series_, method_ = parse_card(doc, i, stop, kind, objective, seen)
        seen = series_.years
        cards.append(card)
        observations.extend(series_.observations)
        variables.extend(method_.variables)
        substitutions.extend(method_.substitutions)
    if not cards:
        raise doc.error(
            "the annex has no indicator card ('ELEMENTOS DE LA META DE BIENESTAR' or 'ELEMENTOS DEL PARÁMETRO')",
            doc.lines[start],
        )
    return Annex(tuple(cards), tuple(observations), tuple(variables), tuple(substitutions))


def parse_card(
    doc: Document, start: int, stop: int, kind: str, objective: int, seen: YearsSeen | None
) -> tuple[Card, _Series, _Method]:
    """Read the card whose header ("ELEMENTOS ...") is at ``start``, up to ``stop``."""
    head = doc.lines[start]
    found = card_fields(doc, start, stop)
    fields = dict(found.fields)
    name_line = found.field_lines.get("name", head.number)
    m = _NAME_ID_RE.match(fields.get("name", ""))
    if not m:
        raise doc.error(
            "expected the card's 'Nombre' field to start with the indicator id ('1.2 Número de ...')", name_line
        )
    indicator = f"{m.group(1)}.{m.group(2)}"
    fields["name"] = m.group(3).strip().rstrip(".").strip()
    if int(m.group(1)) != objective:
        raise doc.error(f"card {indicator} is under the annex heading of objective {objective}", name_line, indicator)
    missing = [PRINTED_CARD_FIELD_LABELS[k] for k in PRINTED_CARD_FIELD_LABELS if k not in fields]
    if missing:
        raise doc.error(f"card is missing the field(s) {', '.join(map(repr, missing))}", head, indicator)
    empty = [k for k, v in fields.items() if not v and k not in OPTIONAL_FIELDS]
    if empty:
        raise doc.error(
            f"card field {PRINTED_CARD_FIELD_LABELS[empty[0]]!r} is empty; only "
            + ", ".join(repr(PRINTED_CARD_FIELD_LABELS[k]) for k in OPTIONAL_FIELDS)
            + " may be",
            found.field_lines[empty[0]],
            indicator,
        )
    check_id_line(doc, start, indicator, kind)
    if found.end >= stop:
        raise doc.error(
            "expected 'SERIE HISTÓRICA' after the card's fields", doc.last_content(stop, start), indicator
        )
    series_ = series(doc, found.end + 1, stop, indicator, seen)
    notes_ = notes(doc, series_.end, stop, indicator)
    method_ = method(doc, notes_.end, stop, indicator, fields["method"])
    card = Card(
        indicator,
        objective,
        kind,
        head.number,
        fields=fields,
        field_lines=dict(found.field_lines),
        baseline_note=notes_.baseline,
        target_note=notes_.target,
        baseline_year=series_.baseline_year,
        target_year=series_.target_year,
    )
    return card, series_, method_


def card_fields(doc: Document, start: int, stop: int) -> _Fields:
    """The card's "label | value" fields, from its header to "SERIE HISTÓRICA"."""
    fields: dict[str, str] = {}
    field_lines: dict[str, int] = {}
    i = start + 1
    while i < stop and fold(doc.lines[i].first) != "SERIE HISTORICA":
        line = doc.lines[i]
        i += 1
        if is_noise(line):
            continue
        cells = line.filled
        if fold(cells[0]) not in CARD_FIELDS:
            raise doc.error(
                f"expected a card field label ({', '.join(PRINTED_CARD_FIELD_LABELS.values())}) "
                f"before 'SERIE HISTÓRICA'; found {quote(cells[0])}",
                line,
            )
        k = 0
        while k < len(cells):
            key = CARD_FIELDS.get(fold(cells[k]))
            if key is None:
                raise doc.error(f"expected a card field label, found {quote(cells[k])}", line)
            value = ""
            if k + 1 < len(cells) and fold(cells[k + 1]) not in CARD_FIELDS:
                value = strip_quotes(cells[k + 1])
                k += 1
            if key in fields:
                raise doc.error(f"card field {PRINTED_CARD_FIELD_LABELS[key]!r} appears twice", line)
            fields[key] = value
            field_lines[key] = line.number
            k += 1
    return _Fields(fields, field_lines, i)


def check_id_line(doc: Document, start: int, indicator: str, kind: str) -> None:
    """The id and kind printed above a card ("1.2" / "Parámetro") must match its Nombre."""
    i = start - 1
    seen: list[Line] = []
    while i >= 0 and len(seen) < 2:
        line = doc.lines[i]
        i -= 1
        if is_noise(line):
            continue
        if len(line.filled) != 1:
            break
        text = line.first
        if m := _ID_LINE_RE.match(text):
            printed = f"{m.group(1)}.{m.group(2)}"
            if printed != indicator:
                raise doc.error(f"the card is headed {quote(printed)} but its Nombre says {quote(indicator)}", line, indicator)
            if m.group(3) and ROW_KINDS[fold(m.group(3))] != kind:
                raise doc.error(f"the card is headed {quote(m.group(3))} but is a {PRINTED_KIND_LABELS[kind]}", line, indicator)
            return
        if fold(text) in ROW_KINDS:
            if ROW_KINDS[fold(text)] != kind:
                raise doc.error(f"the card is headed {quote(text)} but is a {PRINTED_KIND_LABELS[kind]}", line, indicator)
            seen.append(line)
            continue
        break


def series(doc: Document, i: int, stop: int, indicator: str, seen: YearsSeen | None) -> _Series:
    """The SERIE HISTÓRICA from line index ``i``: its header and its row of values."""
    i = doc.expect(
        i, stop, "VALOR DE LA LINEA BASE",
        "expected the SERIE HISTÓRICA header ('Valor de la línea base (YYYY) | Resultado 2019 ... | Meta 2024')",
        indicator, prefix=True,
    )
    header = doc.lines[i]
    cells = header.filled
    year = _YEAR_IN_RE.search(cells[0][len("Valor de la línea base") :])
    base_year = int(year.group(1)) if year else None
    target_year: int | None = None
    columns: list[tuple[str, int]] = [("baseline", 0)]
    for cell in cells[1:]:
        if m := RESULT_HEAD_RE.match(cell):
            columns.append(("result", int(m.group(1))))
        elif m := _TARGET_HEAD_RE.match(cell):
            if target_year is not None:
                raise doc.error(f"a second Meta column ({quote(cell)}) in the SERIE HISTÓRICA header", header, indicator)
            target_year = int(m.group(1))
            columns.append(("target", target_year))
        else:
            raise doc.error(f"unexpected column {quote(cell)} in the SERIE HISTÓRICA header", header, indicator)
    if target_year is None or not any(c[0] == "result" for c in columns):
        raise doc.error(
            "the SERIE HISTÓRICA header must have 'Resultado YYYY' and 'Meta YYYY' columns", header, indicator
        )
    result_years = [y for m_, y in columns if m_ == "result"]
    seen = check_years(doc, result_years, header, indicator, "the SERIE HISTÓRICA header", seen)
    if target_year < result_years[-1] or columns[-1][0] != "target":
        raise doc.error(
            f"expected 'Meta YYYY' as the last column, for a year from {result_years[-1]} on; found Meta {target_year}",
            header,
            indicator,
        )
    i = doc.next_content(i + 1, stop)
    if base_year is None and i < stop:
        only = doc.lines[i].filled
        if len(only) == 1 and (m := _ONLY_YEAR_RE.match(only[0])):
            base_year = int(m.group(1))
            i = doc.next_content(i + 1, stop)
    if base_year is None:
        raise doc.error("the baseline year is missing from the SERIE HISTÓRICA header", header, indicator)
    if i >= stop:
        raise doc.error("expected the row of SERIE HISTÓRICA values", doc.lines[stop - 1], indicator)
    values = doc.lines[i]
    if len(values.filled) != len(columns):
        raise doc.error(
            f"expected {len(columns)} SERIE HISTÓRICA values (línea base, "
            + ", ".join(f"Resultado {y}" for m_, y in columns if m_ == "result")
            + f", Meta {target_year}), found {len(values.filled)}",
            values,
            indicator,
        )
    observations = []
    for (measure, year_), raw in zip(columns, values.filled):
        y = base_year if measure == "baseline" else year_
        label = {"baseline": "Valor de la línea base", "result": f"Resultado {y}", "target": f"Meta {y}"}[measure]
        tok = read_token(doc, raw, values, indicator, f"{label} (SERIE HISTÓRICA)")
        observations.append(Observation(indicator, "annex", measure, y, tok, values.number))
    return _Series(tuple(observations), base_year, target_year, seen, i + 1)


def notes(doc: Document, i: int, stop: int, indicator: str) -> _Notes:
    """The "Nota sobre la Línea base | Nota sobre la Meta" block from line index ``i``."""
    i = doc.expect(
        i, stop, "NOTA SOBRE LA LINEA BASE",
        "expected 'Nota sobre la Línea base | Nota sobre la Meta 2024' after SERIE HISTÓRICA", indicator,
    )
    header = doc.lines[i]
    split = next((k for k, c in enumerate(header.cells) if fold(c).startswith("NOTA SOBRE LA META")), None)
    if split is None:
        raise doc.error("the notes header has no 'Nota sobre la Meta' column", header, indicator)
    base_parts: list[str] = []
    target_parts: list[str] = []
    i += 1
    while i < stop and not fold(doc.lines[i].first).startswith("APLICACION DEL METODO"):
        line = doc.lines[i]
        i += 1
        if is_noise(line):
            continue
        if len(line.filled) > 2 and all(parse_token(c) is not None for c in line.filled):
            raise doc.error(
                "a row of values among the notes (expected note text, or the "
                "'APLICACIÓN DEL MÉTODO DE CÁLCULO' heading)",
                line,
                indicator,
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
            raise doc.error("cannot tell which note this line belongs to (expected one or two cells)", line, indicator)
    return _Notes(clean_markup(" ".join(base_parts)), clean_markup(" ".join(target_parts)), i)


def method(doc: Document, i: int, stop: int, indicator: str, method_text: str) -> _Method:
    """The APLICACIÓN DEL MÉTODO DE CÁLCULO block whose heading is at line index ``i``.

    ``method_text`` is the card's *Método de cálculo*: the number of variables
    with values must be the number of input variables it defines.
    """
    if i >= stop:
        raise doc.error(
            "expected 'APLICACIÓN DEL MÉTODO DE CÁLCULO PARA LA OBTENCIÓN DE LOS RESULTADOS DEL INDICADOR'",
            doc.lines[stop - 1],
            indicator,
        )
    i = doc.expect(
        i + 1, stop, "NOMBRE DE LA VARIABLE",
        "expected the variables header ('Nombre de la variable | Valor de la variable en 2023 | ...')", indicator,
    )
    header = doc.lines[i]
    years = [int(m.group(1)) for c in header.filled if (m := _VAR_HEAD_YEAR_RE.match(c))]
    if not years or fold(header.filled[-1]) != "FUENTE DE INFORMACION DE LA VARIABLE":
        raise doc.error(
            "the variables header must name 'Valor de la variable en YYYY' columns and "
            "'Fuente de información de la variable'",
            header,
            indicator,
        )
    variables: list[Variable] = []
    substitutions: list[Substitution] = []
    number = 0
    i += 1
    while i < stop:
        line = doc.lines[i]
        i += 1
        if is_noise(line):
            continue
        first = line.first
        if m := _SUBST_RE.match(first):
            substitutions.append(_substitution(doc, line, int(m.group(1)), years, substitutions, indicator))
            continue
        if substitutions or _LEGEND_RE.match(first):
            # After the substitutions only the NA/ND/p legend and the next card's
            # id may follow; anything else would be silently lost.
            if _LEGEND_RE.match(first) or (
                len(line.filled) == 1 and (_ID_LINE_RE.match(first) or fold(first) in ROW_KINDS)
            ):
                continue
            raise doc.error(
                "unexpected text after the card's method of calculation (expected the "
                "'Sustitución en método de cálculo' rows, the NA/ND legend or the next card)",
                line,
                indicator,
            )
        cells = line.filled
        if len(cells) != len(years) + 2:
            raise doc.error(
                f"expected a variable row (name, {', '.join(f'value {y}' for y in years)}, source),"
                f" found {len(cells)} cells",
                line,
                indicator,
            )
        number += 1
        name = _VAR_NUMBER_RE.sub("", cells[0]).strip()
        for year, raw in zip(years, cells[1:-1]):
            tok = read_token(doc, raw, line, indicator, f"variable {number}, {year}")
            variables.append(Variable(indicator, number, name, year, tok, cells[-1], line.number))
    if number == 0:
        raise doc.error("the method of calculation lists no variable", header, indicator)
    inputs = formulas.input_symbols(*formulas.split_method(method_text))
    if inputs and len(inputs) != number:
        raise doc.error(
            f"the method of calculation defines {len(inputs)} input variable(s) "
            f"({', '.join(inputs)}) but the card gives values for {number}",
            header,
            indicator,
        )
    missing = [y for y in years if y not in {s.year for s in substitutions}]
    if missing:
        raise doc.error(
            f"expected 'Sustitución en método de cálculo para {missing[0]}'", doc.lines[min(i, stop) - 1], indicator
        )
    return _Method(tuple(variables), tuple(substitutions))


def _substitution(
    doc: Document, line: Line, year: int, years: list[int], earlier: list[Substitution], indicator: str
) -> Substitution:
    """One "Sustitución en método de cálculo para YYYY | text" row."""
    if any(s.year == year for s in earlier):
        raise doc.error(f"two substitutions for {year}", line, indicator)
    if year not in years:
        raise doc.error(
            f"a substitution for {year}, but the variables are given for " + ", ".join(map(str, years)),
            line,
            indicator,
        )
    return Substitution(indicator, year, clean_markup(" ".join(line.filled[1:])), line.number)
