"""The data dictionary: every table pntlib writes, its columns, types and meaning.

One declaration serves three purposes: typing the DataFrames (:func:`apply`),
describing the files in ``datapackage.json`` (:func:`datapackage`), and the
data dictionary in docs/data-dictionary.md.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

STATUS_ORDER = ["normal", "provisional", "not_applicable", "not_available"]
KIND_ORDER = ["meta_bienestar", "parametro"]
MEASURE_ORDER = ["baseline", "result", "target"]
TABLE_ORDER = ["annex", "summary"]
OBS_STATUS_ORDER = ["A", "P", "M", "L"]
#: Verdicts of :func:`pntlib.progress.progress`, best first.
PROGRESS_STATUS_ORDER = ["achieved", "on_track", "needs_acceleration", "limited", "deterioration", "no_data"]
SEVERITY_ORDER = ["error", "warning", "info"]
#: How a year's result relates to the card's own variables (pntlib.audit.method_relations).
RELATION_ORDER = ["reproduced", "reproduced_as_accumulated", "unchanged_as_accumulated", "not_reproduced", "unevaluable"]
#: The evidence behind a verdict of pntlib.progress: the relation of the value judged, or why there is none.
EVIDENCE_ORDER = ["reproduced", "reproduced_as_accumulated", "unchanged_as_accumulated", "not_reproduced",
                  "unverifiable", "no_variables"]
#: The outcome at the Meta's own year (pntlib.progress ``outcome``).
OUTCOME_ORDER = ["achieved", "not_achieved", "no_data"]
#: The methods of pntlib.progress.
METHOD_ORDER = ["linear", "opensdg"]
#: The audit's checks, in the order findings are listed (see :mod:`pntlib.audit`).
AUDIT_CHECK_ORDER = [
    "summary_name",
    "summary_baseline",
    "summary_value",
    "summary_missing",
    "method_unevaluable",
    "method_result",
    "method_substitution",
    "name_unit",
    "name_condition",
    "baseline_year_result",
    "beyond_target",
    "target_against_trend",
    "baseline_after_results",
    "percent_range",
    "cumulative_decrease",
    "provisional",
]


@dataclass(frozen=True)
class Column:
    name: str
    dtype: str  # "string" | "Int64" | "Float64" | "boolean" | "category:<a,b,...>"
    description: str

    @property
    def categories(self) -> list[str] | None:
        if self.dtype.startswith("category:"):
            return self.dtype.split(":", 1)[1].split(",")
        return None

    @property
    def frictionless_type(self) -> str:
        return {"string": "string", "Int64": "integer", "Float64": "number", "boolean": "boolean"}.get(self.dtype, "string")


def _cat(values: list[str]) -> str:
    return "category:" + ",".join(values)


_ID = Column("indicator_id", "string", 'Indicator id as in the report, "objective.number" ("3.2").')
_OBJ = Column("objective", "Int64", "Objetivo prioritario (1-5).")
_LINE = Column("source_line", "Int64", "1-based line of the raw report file the value was read from.")

TABLES: dict[str, tuple[str, list[Column]]] = {
    "objectives": (
        "The programme's objectives (Objetivos prioritarios), from the section-3 headings.",
        [_OBJ, Column("title", "string", "Title of the objective as in the section-3 heading.")],
    ),
    "strategies": (
        "Estrategias prioritarias, from the section-3 headings 'Estrategia prioritaria N.M'.",
        [
            _OBJ,
            Column("strategy_id", "string", 'Strategy id ("1.1").'),
            Column("title", "string", "Title of the strategy as in its heading."),
        ],
    ),
    "indicators": (
        "One row per indicator: the annex card's fields (section 4) and its name in the "
        "section-3 summary table.",
        [
            _ID,
            _OBJ,
            Column("kind", _cat(KIND_ORDER), "meta_bienestar (Meta para el bienestar) or parametro (Parámetro)."),
            Column("name", "string", "Card field 'Nombre', without the id prefix."),
            Column("summary_name", "string", "Name in the section-3 summary table (it may differ from the card)."),
            Column("definition", "string", "Card field 'Definición'."),
            Column("disaggregation", "string", "Card field 'Nivel de desagregación'."),
            Column("periodicity", "string", "Card field 'Periodicidad o frecuencia de medición'."),
            Column("type", "string", "Card field 'Tipo' (Estratégico, Gestión)."),
            Column("accumulation", "string", "Card field 'Acumulado o periódico'."),
            Column("unit", "string", "Card field 'Unidad de medida'."),
            Column("collection_period", "string", "Card field 'Periodo de recolección de los datos'."),
            Column("dimension", "string", "Card field 'Dimensión'."),
            Column("availability", "string", "Card field 'Disponibilidad de la información' (month)."),
            Column("expected_trend", "string", "Card field 'Tendencia esperada' (Ascendente, Descendente, ...)."),
            Column("responsible_unit", "string", "Card field 'Unidad responsable de reportar el avance'."),
            Column("method", "string", "Formula of card field 'Método de cálculo', markup removed."),
            Column("method_variables", "string", "Definitions of the formula's symbols, one 'SYMBOL: text' per line."),
            Column("observations", "string", "Card field 'Observaciones' (missing when the card leaves it empty)."),
            Column("baseline_note", "string", "'Nota sobre la Línea base' (missing when empty)."),
            Column("target_note", "string", "'Nota sobre la Meta 2024' (missing when empty)."),
            Column("baseline_value", "Float64", "Valor de la línea base (SERIE HISTÓRICA), in the indicator's unit."),
            Column("baseline_year", "Int64", "Year of the baseline (SERIE HISTÓRICA header)."),
            Column("target_value", "Float64", "Meta 2024 (SERIE HISTÓRICA), in the indicator's unit."),
            Column("target_year", "Int64", "Year of the target (2024)."),
        ],
    ),
    "series": (
        "Long table: one row per value of the report's indicator tables (annex SERIE HISTÓRICA "
        "and section-3 summary table).",
        [
            _ID,
            _OBJ,
            Column("table", _cat(TABLE_ORDER), "annex: the card's SERIE HISTÓRICA; summary: the section-3 table."),
            Column("measure", _cat(MEASURE_ORDER), "baseline (línea base), result (Resultado) or target (Meta)."),
            Column("year", "Int64", "Year the value refers to."),
            Column("raw", "string", "The token exactly as printed (12.5, N/D, 66/P)."),
            Column("value", "Float64", "The number, in the indicator's unit; missing when the token is NA or ND."),
            Column("status", _cat(STATUS_ORDER), "normal, provisional (p/), not_applicable (NA, N/A) or not_available (ND, N/D)."),
            Column("obs_status", _cat(OBS_STATUS_ORDER), "SDMX OBS_STATUS: A normal, P provisional, M missing (cannot exist), L missing (exists, not collected)."),
            _LINE,
        ],
    ),
    "variables": (
        "Values of the variables of each card's method of calculation "
        "('APLICACIÓN DEL MÉTODO DE CÁLCULO').",
        [
            _ID,
            Column("variable", "Int64", "1-based order of the variable on the card."),
            Column("name", "string", "'Nombre de la variable', without its number."),
            Column("year", "Int64", "Year of 'Valor de la variable en YYYY'."),
            Column("raw", "string", "The token exactly as printed."),
            Column("value", "Float64", "The number; missing when not a number."),
            Column("status", _cat(STATUS_ORDER), "As in series."),
            Column("source", "string", "'Fuente de información de la variable'."),
            _LINE,
        ],
    ),
    "substitutions": (
        "'Sustitución en método de cálculo para YYYY' of each card, markup removed.",
        [_ID, Column("year", "Int64", "Year of the substitution."), Column("text", "string", "The substitution as printed."), _LINE],
    ),
    # ---------------------------------------------------------------- progress (pntlib.progress)
    "progress": (
        "One row per indicator: the latest reported value judged against the Meta 2024 on a "
        "straight path from the línea base (pntlib.progress.progress, annex table, all years).",
        [
            _ID,
            _OBJ,
            Column("kind", _cat(KIND_ORDER), "As in indicators."),
            Column("unit", "string", "Card field 'Unidad de medida'."),
            Column("expected_trend", "string", "Card field 'Tendencia esperada'."),
            Column("accumulation", "string", "Card field 'Acumulado o periódico': values are compared, never summed."),
            Column("baseline_value", "Float64", "Línea base of the table judged, in the indicator's unit."),
            Column("baseline_year", "Int64", "Year of the línea base."),
            Column("latest_year", "Int64", "Latest year with a reported number (NA/ND years skipped); missing if none."),
            Column("latest_value", "Float64", "The value of latest_year, in the indicator's unit."),
            Column("latest_status", _cat(STATUS_ORDER), "Status of that value (normal or provisional)."),
            Column("target_value", "Float64", "Meta 2024 (annex SERIE HISTÓRICA), in the indicator's unit."),
            Column("target_year", "Int64", "Year of the target (2024)."),
            Column("achievement_pct", "Float64", "latest / target * 100 (target / latest * 100 for a descending trend)."),
            Column("distance_covered_pct", "Float64", "(latest - baseline) / (target - baseline) * 100; missing when target == baseline."),
            Column("expected_pct", "Float64", "(latest_year - baseline_year) / (target_year - baseline_year) * 100, clipped to 0-100."),
            Column("pace_ratio", "Float64", "distance_covered_pct / expected_pct; missing when expected_pct is 0 (progress(method='opensdg'): observed / required compound annual growth rate, or without a quantitative target the observed one signed by the expected direction)."),
            Column("outcome", _cat(OUTCOME_ORDER), "The outcome at the target year: achieved (the value reported for target_year is at or beyond the Meta in the expected direction), not_achieved, no_data (no number for target_year, or no Meta)."),
            Column("outcome_preliminary", "boolean", "The value reported for target_year is preliminary (p/); missing when outcome is no_data."),
            Column("status", _cat(PROGRESS_STATUS_ORDER), "Trajectory verdict on the latest value: achieved, on_track (pace >= 0.95), needs_acceleration (>= 0.60), limited (>= 0), deterioration (< 0), no_data (no value, no pace, or a card that contradicts itself: target_against_trend, baseline_after_results)."),
            Column("method_note", "string", "How the row was judged, in Spanish."),
            Column("evidence", _cat(EVIDENCE_ORDER), "Whether the card's own variables give the value judged (latest_value): reproduced, reproduced_as_accumulated (previous result plus a non-zero increment), unchanged_as_accumulated (previous result plus an increment of exactly 0: the value is carried over, weak evidence), not_reproduced, unverifiable (the formula cannot be evaluated), no_variables (none for that year)."),
            Column("computed_value", "Float64", "What the card's variables give for latest_year, read as evidence says; missing when unverifiable or without variables."),
            Column("tables_agree", "boolean", "The section-3 summary table prints the same number for latest_year."),
            Column("stagnant_since", "Int64", "First year of the final run of two or more equal reported values while the target is not reached; missing otherwise."),
        ],
    ),
    "progress_methods": (
        "One row per indicator and progress method: the straight path (linear) and the Open SDG "
        "measure (opensdg, open-sdg/sdg-build sdg/ProgressMeasure.py), pntlib.compare_methods().",
        [
            _ID,
            Column("method", _cat(METHOD_ORDER), "linear (straight path from the línea base to the Meta 2024) or opensdg (compound annual growth rates)."),
            Column("status", _cat(PROGRESS_STATUS_ORDER), "Verdict of the method, as in progress."),
            Column("progress_value", "Float64", "Observed over required progress: pace_ratio of the method; for opensdg without a quantitative target, the observed compound annual growth rate signed by the expected direction; missing when the target is reached (opensdg) or it cannot be computed."),
        ],
    ),
    "trends": (
        "One row per indicator and result year of the annex SERIE HISTÓRICA, with the change "
        "from the previous reported year and the gap to the straight path baseline -> Meta 2024 "
        "(pntlib.progress.trends).",
        [
            _ID,
            _OBJ,
            Column("year", "Int64", "Year of the result."),
            Column("raw", "string", "The token as printed (12.5, N/D, 66/P)."),
            Column("value", "Float64", "The number; missing for NA/ND."),
            Column("status", _cat(STATUS_ORDER), "As in series."),
            Column("change", "Float64", "value minus the value of the previous reported year; missing for the first reported year and for NA/ND."),
            Column("expected_value", "Float64", "Straight path from (baseline_year, baseline_value) to (target_year, target_value) at year; missing before the baseline year."),
            Column("gap_to_expected", "Float64", "value - expected_value (positive = ahead of the path for an ascending trend)."),
            Column("first_reported_year", "Int64", "First year with a reported number (per indicator)."),
            Column("last_reported_year", "Int64", "Last year with a reported number (per indicator)."),
            Column("n_reported_years", "Int64", "Number of years with a reported number (per indicator)."),
            Column("stagnation", "boolean", "True when the last two or more reported values are equal and the target is not reached (per indicator)."),
            Column("stagnant_since", "Int64", "First year of that run of equal values; missing when not stagnant."),
            Column("expected_trend", "string", "Card field 'Tendencia esperada'."),
            Column("observed_trend", "string", "Ascendente, Descendente or Sin cambio: last reported value against the first; missing with fewer than two (per indicator)."),
            Column("trend_agrees", "boolean", "observed_trend equals expected_trend; missing with fewer than two reported values (per indicator)."),
        ],
    ),
    "objective_summary": (
        "Per objective: how many indicators have each progress status and the mean distance "
        "covered (pntlib.progress.objective_summary).",
        [
            _OBJ,
            Column("title", "string", "Title of the objective."),
            Column("n_indicators", "Int64", "Indicators of the objective."),
            Column("n_outcome_achieved", "Int64", "Indicators whose value reported for the target year reaches the Meta (progress outcome achieved)."),
            Column("n_outcome_not_achieved", "Int64", "Indicators whose value reported for the target year falls short of the Meta (outcome not_achieved)."),
            Column("n_outcome_no_data", "Int64", "Indicators without a value for the target year (outcome no_data)."),
            Column("n_achieved", "Int64", "Indicators with status (trajectory) achieved."),
            Column("n_on_track", "Int64", "Indicators with status on_track."),
            Column("n_needs_acceleration", "Int64", "Indicators with status needs_acceleration."),
            Column("n_limited", "Int64", "Indicators with status limited."),
            Column("n_deterioration", "Int64", "Indicators with status deterioration."),
            Column("n_no_data", "Int64", "Indicators with status no_data."),
            Column("mean_distance_covered_pct", "Float64", "Mean of distance_covered_pct over the indicators where it is defined (not capped at 100)."),
        ],
    ),
    "audit": (
        "The report checked against itself: one row per finding of pntlib.audit() (summary "
        "table against annex card, method of calculation, names, units, targets).",
        [
            Column("check", _cat(AUDIT_CHECK_ORDER), "Which check found it (README: 'The audit')."),
            _ID,
            _OBJ,
            Column("year", "Int64", "Year the finding concerns; missing for findings about a name or a card."),
            Column("severity", _cat(SEVERITY_ORDER), "error (the report contradicts itself), warning (doubtful), info (worth knowing)."),
            Column("detail", "string", "The finding in one Spanish sentence, quoting the values and lines."),
            Column("annex_raw", "string", "The annex text involved (token, substitution, name or unit), as printed."),
            Column("summary_raw", "string", "The summary-table text involved (token or name), as printed."),
            Column("computed", "Float64", "The card's formula evaluated with its variables for that year (method checks); otherwise missing."),
            Column("annex_line", "Int64", "1-based report line of annex_raw (or of the card element concerned)."),
            Column("summary_line", "Int64", "1-based report line of summary_raw."),
            Column("relation", _cat(RELATION_ORDER), "Method checks: how the year's annex result relates to the card's variables (reproduced, reproduced_as_accumulated: an Acumulado card whose previous result plus a non-zero increment gives it, unchanged_as_accumulated: the increment is exactly 0 and the previous result is carried over, not_reproduced, unevaluable); missing for other checks."),
        ],
    ),
}


#: Spanish label of each column (at most 80 characters, Stata's limit for a variable label):
#: the variable labels of the ``.dta`` files (:func:`stata_labels`) and a column of the data
#: dictionary. A column whose meaning differs between tables has a ``(table, column)`` entry
#: in :data:`SPANISH_LABELS_BY_TABLE`.
SPANISH_LABELS: dict[str, str] = {
    "objective": "Objetivo prioritario (1-5)",
    "title": "Título tal como lo da su encabezado en la sección 3",
    "strategy_id": "Clave de la estrategia prioritaria (1.1)",
    "indicator_id": "Clave del indicador, objetivo.número (3.2)",
    "kind": "Tipo de indicador: Meta para el bienestar o Parámetro",
    "name": "Nombre del indicador en su ficha (sin la clave)",
    "summary_name": "Nombre del indicador en la tabla de resumen (sección 3)",
    "definition": "Ficha: Definición",
    "disaggregation": "Ficha: Nivel de desagregación",
    "periodicity": "Ficha: Periodicidad o frecuencia de medición",
    "type": "Ficha: Tipo (Estratégico, Gestión)",
    "accumulation": "Ficha: Acumulado o periódico (los valores se comparan, no se suman)",
    "unit": "Ficha: Unidad de medida",
    "collection_period": "Ficha: Periodo de recolección de los datos",
    "dimension": "Ficha: Dimensión",
    "availability": "Ficha: Disponibilidad de la información (mes)",
    "expected_trend": "Ficha: Tendencia esperada (Ascendente, Descendente...)",
    "responsible_unit": "Ficha: Unidad responsable de reportar el avance",
    "method": "Ficha: Método de cálculo (fórmula, sin marcado)",
    "method_variables": "Ficha: definición de cada símbolo de la fórmula",
    "observations": "Ficha: Observaciones (vacío si la ficha no las da)",
    "baseline_note": "Ficha: Nota sobre la línea base",
    "target_note": "Ficha: Nota sobre la Meta 2024",
    "baseline_value": "Valor de la línea base (SERIE HISTÓRICA), en la unidad del indicador",
    "baseline_year": "Año de la línea base",
    "target_value": "Meta 2024 (SERIE HISTÓRICA), en la unidad del indicador",
    "target_year": "Año de la meta (2024)",
    "table": "Tabla de origen: annex (ficha del anexo) o summary (tabla de resumen)",
    "measure": "Medida: baseline (línea base), result (resultado) o target (meta)",
    "year": "Año al que se refiere el valor",
    "raw": "El valor tal como está impreso (12.5, N/D, 66/P)",
    "value": "El número, en la unidad del indicador; vacío si es NA o ND",
    "status": "Estado del valor: normal, provisional (preliminar), NA o ND",
    "obs_status": "OBS_STATUS de SDMX: A normal, P provisional, M o L faltante",
    "source_line": "Línea del archivo de texto del informe de donde se leyó",
    "variable": "Orden de la variable en la ficha (1, 2...)",
    "source": "Fuente de información de la variable",
    "text": "Sustitución en método de cálculo, tal como está impresa",
    "latest_year": "Último año con un número reportado (se omiten NA y ND)",
    "latest_value": "Valor del último año reportado, en la unidad del indicador",
    "latest_status": "Estado de ese valor (normal o provisional)",
    "achievement_pct": "Logro (% de la Meta): último valor / Meta x 100 (inverso si descendente)",
    "distance_covered_pct": "Camino recorrido (% de la línea base a la Meta)",
    "expected_pct": "Distancia esperada a esa fecha en trayectoria lineal (%, 0-100)",
    "pace_ratio": "Ritmo: distancia recorrida / distancia esperada",
    "method_note": "Cómo se juzgó la fila (texto)",
    "evidence": "Evidencia: si las variables de la ficha dan el valor juzgado",
    "outcome": "Resultado en el año de la Meta: achieved, not_achieved o no_data",
    "outcome_preliminary": "El valor del año de la Meta es preliminar (1 sí, 0 no)",
    "computed_value": "Valor que dan las variables de la ficha para el último año",
    "tables_agree": "La tabla de resumen imprime el mismo número ese año (1 sí, 0 no)",
    "stagnant_since": "Primer año de la racha final de valores iguales (estancamiento)",
    "progress_value": "Avance observado / avance requerido según el método",
    "change": "Cambio respecto del año reportado anterior",
    "expected_value": "Valor de la trayectoria lineal línea base -> Meta 2024 ese año",
    "gap_to_expected": "Valor menos valor esperado (positivo: adelante si es ascendente)",
    "first_reported_year": "Primer año con un número reportado (por indicador)",
    "last_reported_year": "Último año con un número reportado (por indicador)",
    "n_reported_years": "Años con un número reportado (por indicador)",
    "stagnation": "Estancado: los últimos valores son iguales sin alcanzar la meta",
    "observed_trend": "Tendencia observada: último valor reportado frente al primero",
    "trend_agrees": "La tendencia observada es la esperada (1 sí, 0 no)",
    "n_indicators": "Número de indicadores del objetivo",
    "n_outcome_achieved": "Indicadores cuyo valor del año de la Meta la alcanza",
    "n_outcome_not_achieved": "Indicadores cuyo valor del año de la Meta no la alcanza",
    "n_outcome_no_data": "Indicadores sin valor para el año de la Meta",
    "n_achieved": "Indicadores con trayectoria: Meta alcanzada",
    "n_on_track": "Indicadores con trayectoria: progreso sustancial / en camino",
    "n_needs_acceleration": "Indicadores con trayectoria: progreso justo, requiere acelerar",
    "n_limited": "Indicadores con trayectoria: progreso limitado o nulo",
    "n_deterioration": "Indicadores con trayectoria: deterioro",
    "n_no_data": "Indicadores con trayectoria: datos insuficientes",
    "mean_distance_covered_pct": "Media de la distancia recorrida (%), sin tope en 100",
    "check": "Comprobación de la auditoría que hizo el hallazgo",
    "severity": "Gravedad: error, warning (advertencia), info (información)",
    "detail": "El hallazgo en una oración, con los valores y las líneas",
    "annex_raw": "Texto del anexo implicado, tal como está impreso",
    "summary_raw": "Texto de la tabla de resumen implicado, tal como está impreso",
    "computed": "Fórmula de la ficha evaluada con sus variables ese año",
    "annex_line": "Línea del archivo de texto del valor del anexo",
    "summary_line": "Línea del archivo de texto del valor de la tabla de resumen",
    "relation": "Relación del resultado del anexo con las variables de la ficha",
}
SPANISH_LABELS_BY_TABLE: dict[tuple[str, str], str] = {
    ("strategies", "title"): "Título de la estrategia tal como lo da su encabezado",
    ("objective_summary", "title"): "Título del objetivo",
    ("variables", "name"): "Nombre de la variable (sin su número)",
    ("variables", "year"): "Año de 'Valor de la variable en AAAA'",
    ("variables", "value"): "El número; vacío si no es un número",
    ("substitutions", "year"): "Año de la sustitución",
    ("progress", "baseline_value"): "Línea base de la tabla juzgada, en la unidad del indicador",
    ("progress", "status"): "Trayectoria frente a la Meta (achieved, on_track...)",
    ("progress_methods", "method"): "Método: linear (trayectoria lineal) u opensdg (tasas de Open SDG)",
    ("progress_methods", "status"): "Veredicto del método",
    ("trends", "value"): "El número; vacío si es NA o ND",
    ("trends", "year"): "Año del resultado",
    ("audit", "year"): "Año al que se refiere el hallazgo; vacío si es sobre un nombre",
}


def spanish_label(table: str, column: str) -> str:
    """The Spanish label of a column of a table (:data:`SPANISH_LABELS`), at most 80 characters."""
    return SPANISH_LABELS_BY_TABLE.get((table, column), SPANISH_LABELS[column])


def stata_labels(table: str) -> tuple[dict[str, str], dict[str, dict[int, str]]]:
    """The variable labels and value labels of a table's ``.dta`` file.

    Returns
    -------
    (dict, dict)
        ``{column: Spanish label}`` for every column (:func:`spanish_label`), and
        ``{column: {0: "No", 1: "Sí"}}`` for the boolean columns (written as 0/1). Coded
        (categorical) columns get their value labels from pandas: codes 0, 1, ... labelled
        with the category names of :data:`TABLES` ("not_available"), so that
        :func:`pandas.read_stata` gives back the same values.
    """
    variable = {c.name: spanish_label(table, c.name) for c in columns(table)}
    values = {c.name: {0: "No", 1: "Sí"} for c in columns(table) if c.dtype == "boolean"}
    return variable, values


def read_stata(path, table: str) -> pd.DataFrame:
    """Read a ``.dta`` file written by ``pnt extract`` back into the typed table.

    Parameters
    ----------
    path : str or Path
        ``<table>.dta``.
    table : str
        Its name in :data:`TABLES`.

    Returns
    -------
    pandas.DataFrame
        The columns and dtypes of :func:`apply`: Stata's empty strings and missing
        numbers are missing values, categories their names, booleans their 0/1.
    """
    frame = pd.read_stata(path, convert_categoricals=False)
    out = {}
    for col in columns(table):
        values = frame[col.name]
        if col.categories is not None:
            out[col.name] = [None if pd.isna(v) else col.categories[int(v)] for v in values]
        elif col.dtype == "boolean":
            out[col.name] = pd.array([None if pd.isna(v) else bool(v) for v in values], dtype="boolean")
        elif col.dtype == "Int64":
            out[col.name] = pd.array([None if pd.isna(v) else int(v) for v in values], dtype="Int64")
        elif col.dtype == "Float64":
            out[col.name] = pd.array([None if pd.isna(v) else float(v) for v in values], dtype="Float64")
        else:
            out[col.name] = values.astype("string")
    return apply(table, out)


def columns(table: str) -> list[Column]:
    return TABLES[table][1]


def apply(table: str, records: list[dict] | pd.DataFrame) -> pd.DataFrame:
    """Build the DataFrame of ``table`` with its fixed column order and dtypes.

    Empty text is a missing value (``<NA>``), as in the CSV files, whose
    Data Package declares ``missingValues: [""]``: a table holds the same
    values whether it is built, read from Parquet or read from CSV
    (:func:`read_csv`).
    """
    frame = pd.DataFrame(records, columns=[c.name for c in columns(table)])
    for col in columns(table):
        if col.categories is not None:
            frame[col.name] = pd.Categorical(frame[col.name], categories=col.categories, ordered=True)
        elif col.dtype == "string":
            text = frame[col.name].astype("string")
            if "" in text.to_numpy(dtype=object, na_value=None).tolist():  # rare: mask only then
                text = text.mask(text.eq("").fillna(False))
            frame[col.name] = text
        else:
            frame[col.name] = pd.array(frame[col.name].tolist(), dtype=col.dtype)
    return frame


def read_csv(path, table: str) -> pd.DataFrame:
    """Read a CSV file written by ``pnt extract`` back into the typed table.

    Parameters
    ----------
    path : str or Path
        ``<table>.csv``.
    table : str
        Its name in :data:`TABLES`.

    Returns
    -------
    pandas.DataFrame
        The columns and dtypes of :func:`apply`. An empty field is a missing
        value (the Data Package's ``missingValues``); every other text, such as
        ``NA`` or ``N/D``, is kept as written.
    """
    frame = pd.read_csv(path, dtype="string", keep_default_na=False, na_values=[""], encoding="utf-8")
    return apply(table, {c.name: _parse_column(frame[c.name], c) for c in columns(table)})


def _parse_column(values: pd.Series, col: Column) -> pd.Series:
    """A CSV column (text) as the values :func:`apply` expects for ``col``."""
    if col.dtype == "Int64":
        return pd.array([None if pd.isna(v) else int(v) for v in values], dtype="Int64")
    if col.dtype == "Float64":
        return pd.array([None if pd.isna(v) else float(v) for v in values], dtype="Float64")
    if col.dtype == "boolean":
        return pd.array([None if pd.isna(v) else {"True": True, "False": False}[v] for v in values], dtype="boolean")
    return values


def datapackage(tables: list[str], *, name: str = "pntdp-indicators", extra: dict | None = None) -> dict:
    """Frictionless Data Package descriptor for the CSV files of ``tables``."""
    resources = []
    for table in tables:
        description, cols = TABLES[table]
        fields = []
        for col in cols:
            spec = {"name": col.name, "type": col.frictionless_type, "description": col.description}
            if col.categories is not None:
                spec["constraints"] = {"enum": col.categories}
            fields.append(spec)
        resources.append(
            {
                "name": table,
                "path": f"{table}.csv",
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "description": description,
                "schema": {"fields": fields, "missingValues": [""]},
            }
        )
    package = {"profile": "tabular-data-package", "name": name, "resources": resources}
    if extra:
        package.update(extra)
    return package


def markdown(tables: list[str] | None = None) -> str:
    """The data dictionary as Markdown (docs/data-dictionary.md is this text)."""
    out = []
    for name in tables or list(TABLES):
        description, cols = TABLES[name]
        out.append(f"#### `{name}`\n\n{description}\n\n| column | type | meaning | Spanish label (Stata) |\n|---|---|---|---|")
        for col in cols:
            kind = "category {" + ", ".join(col.categories) + "}" if col.categories else col.dtype
            label = spanish_label(name, col.name).replace("|", "/")
            out.append(f"| `{col.name}` | {kind} | {col.description.replace('|', '/')} | {label} |")
        out.append("")
    return "\n".join(out).rstrip() + "\n"


if __name__ == "__main__":  # python -m pntlib.schema > dictionary.md
    print(markdown(), end="")
