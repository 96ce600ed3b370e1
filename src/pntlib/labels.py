"""The Spanish vocabulary of pntlib: every label a reader sees, in one place.

Codes (``achieved``, ``not_available``, ``summary_value`` ...) are English and
stable; what a page, a chart or a sentence shows is looked up here.
"""

from __future__ import annotations

from .report import PRINTED_CARD_FIELD_LABELS, PRINTED_KIND_LABELS

__all__ = [
    "STATUS_LABELS",
    "OUTCOME_LABELS",
    "PERCENT_LABELS",
    "PERCENT_PHRASES",
    "VALUE_STATUS_LABELS",
    "KIND_LABELS",
    "CARD_FIELD_LABELS",
    "CHECK_LABELS",
    "SEVERITY_LABELS",
    "DISAGREEMENT_LABELS",
    "TABLE_LABELS",
    "MEASURE_LABELS",
    "MEASURE_TITLES",
    "EVIDENCE_LABELS",
    "RELATION_LABELS",
    "METHOD_LABELS",
    "COLUMN_LABELS",
    "STATUS_MEANINGS",
    "OUTCOME_MEANINGS",
    "EXPLORER_LABELS",
]

#: Trajectory verdicts of :func:`pntlib.progress` (its ``status`` column), best first, in the
#: words of the categories of the UN Sustainable Development Goals Progress Chart (UN DESA,
#: trend assessment: "target met", "substantial progress/on track", "fair progress but
#: acceleration needed", "limited or no progress", "deterioration", "insufficient data");
#: docs/methodology.md gives the source and how the Spanish words were chosen.
STATUS_LABELS = {
    "achieved": "Meta alcanzada",
    "on_track": "Progreso sustancial / en camino",
    "needs_acceleration": "Progreso justo, pero requiere acelerar",
    "limited": "Progreso limitado o nulo",
    "deterioration": "Deterioro",
    "no_data": "Datos insuficientes",
}

#: The outcome at the Meta's own year (the ``outcome`` column of :func:`pntlib.progress`).
OUTCOME_LABELS = {
    "achieved": "Alcanzó la Meta 2024",
    "not_achieved": "No alcanzó la Meta 2024",
    "no_data": "Sin dato del año de la Meta",
}

#: The two percentages of :func:`pntlib.progress`, named alike on every chart, table and
#: sentence: ``achievement_pct`` is the value over the Meta (the measure of achievement);
#: ``distance_covered_pct`` the share of the way from the línea base to the Meta (the
#: measure of the trajectory). Written by :func:`pntlib.text.percent`.
PERCENT_LABELS = {
    "achievement_pct": "Logro (% de la Meta 2024)",
    "distance_covered_pct": "Camino recorrido (% de la línea base a la Meta 2024)",
}

#: The same two measures inside a sentence, after the number: "133.3 % de la Meta 2024".
PERCENT_PHRASES = {
    "achievement_pct": "de la Meta 2024",
    "distance_covered_pct": "del camino de la línea base a la Meta 2024",
}

#: Status of a value as printed (the ``status`` column of the series and variables).
VALUE_STATUS_LABELS = {
    "normal": "reportado",
    "provisional": "preliminar",
    "not_applicable": "no aplica (NA)",
    "not_available": "no disponible (ND)",
}

#: Kind of indicator (the ``kind`` column): as the report prints it
#: (:data:`pntlib.report.PRINTED_KIND_LABELS`, what the parser matches).
KIND_LABELS = dict(PRINTED_KIND_LABELS)

#: Card fields (columns of ``indicators``) with the labels pages show, in card order: the
#: labels printed on the card (:data:`pntlib.report.PRINTED_CARD_FIELD_LABELS`) where the
#: card prints one, and the fields pntlib adds or splits (the summary-table name, the kind,
#: the method's variables, the notes under the SERIE HISTÓRICA). The card's
#: "Objetivo prioritario" is not shown: pages name the objective from section 3.
CARD_FIELD_LABELS = {
    "name": PRINTED_CARD_FIELD_LABELS["name"],
    "summary_name": "Nombre en la tabla de resumen",
    "kind": "Tipo de indicador",
    **{
        field: PRINTED_CARD_FIELD_LABELS[field]
        for field in (
            "definition", "disaggregation", "periodicity", "type", "accumulation", "unit", "collection_period",
            "dimension", "availability", "expected_trend", "responsible_unit", "method",
        )
    },
    "method_variables": "Variables del método",
    "observations": PRINTED_CARD_FIELD_LABELS["observations"],
    "baseline_note": "Nota sobre la línea base",
    "target_note": "Nota sobre la Meta 2024",
}

#: The audit's checks (:data:`pntlib.audit.CHECKS`).
CHECK_LABELS = {
    "summary_name": "Nombre: resumen frente a ficha",
    "summary_baseline": "Línea base: resumen frente a ficha",
    "summary_value": "Resultado: número distinto en resumen y ficha",
    "summary_missing": "Resultado: número frente a NA/ND",
    "method_unevaluable": "Método de cálculo: fórmula no evaluable",
    "method_result": "Método de cálculo: el resultado frente a sus variables",
    "method_substitution": "Método de cálculo: sustitución distinta",
    "name_unit": "Nombre frente a unidad de medida",
    "name_condition": "Condición del nombre frente a la variable",
    "baseline_year_result": "Resultado del año base frente a línea base",
    "beyond_target": "Resultado más allá de la Meta 2024",
    "target_against_trend": "Meta 2024 del lado contrario a la tendencia esperada",
    "baseline_after_results": "Línea base posterior a los resultados",
    "percent_range": "Porcentaje fuera de 0-100",
    "cumulative_decrease": "Indicador acumulado que baja",
    "provisional": "Cifra preliminar",
}

#: Severity of an audit finding.
SEVERITY_LABELS = {"error": "error", "warning": "advertencia", "info": "información"}

#: Kinds of disagreement between the summary table and the annex, in order of gravity.
DISAGREEMENT_LABELS = {
    "different": "número distinto",
    "missing": "número frente a NA/ND",
    "truncation": "truncamiento",
    "rounding": "redondeo o marca p/",
}

#: The report's two tables, as a sentence names them.
TABLE_LABELS = {"annex": "la ficha del anexo", "summary": "la tabla de resumen"}

#: The measures of a table, in table order, as a table cell or a chart's legend names them.
MEASURE_TITLES = {"baseline": "Línea base", "result": "Resultado", "target": "Meta"}

#: The measures of a table, as a sentence names them.
MEASURE_LABELS = {"baseline": "la línea base", "result": "el resultado", "target": "la Meta"}

#: How a year's result relates to the card's own variables (the audit's ``relation``).
RELATION_LABELS = {
    "reproduced": "las variables reproducen el resultado",
    "reproduced_as_accumulated": "las variables lo reproducen como acumulado",
    "unchanged_as_accumulated": "las variables suman 0: el resultado anterior se arrastra",
    "not_reproduced": "las variables no reproducen el resultado",
    "unevaluable": "la fórmula no puede evaluarse",
}

#: The evidence behind a verdict (the ``evidence`` column of :func:`pntlib.progress`).
EVIDENCE_LABELS = {
    "reproduced": "las variables de la ficha reproducen el valor",
    "reproduced_as_accumulated": "las variables de la ficha reproducen el valor leído como acumulado",
    "unchanged_as_accumulated": ("las variables de la ficha suman 0 al resultado anterior: el valor se arrastra "
                                 "y nada en ellas lo respalda"),
    "not_reproduced": "las variables de la ficha no reproducen el valor",
    "unverifiable": "la fórmula de la ficha no puede evaluarse",
    "no_variables": "la ficha no da variables para ese año",
}

#: The two progress methods of :func:`pntlib.progress`.
METHOD_LABELS = {
    "linear": "trayectoria lineal",
    "opensdg": "Open SDG (tasas de crecimiento)",
}

#: Spanish column headings for readers of the rendered notebooks.
COLUMN_LABELS = {
    "indicator_id": "Indicador",
    "objective": "Objetivo",
    "kind": "Tipo de indicador",
    "name": "Nombre",
    "title": "Título",
    "unit": "Unidad de medida",
    "expected_trend": "Tendencia esperada",
    "accumulation": "Acumulado o periódico",
    "baseline_value": "Línea base",
    "baseline_year": "Año de la línea base",
    "latest_year": "Último año con dato",
    "latest_raw": "Último dato (impreso)",
    "latest_value": "Último dato",
    "latest_status": "Estado del último dato",
    "result_2024": "Resultado 2024 (impreso)",
    "target_value": "Meta 2024",
    "target_year": "Año de la meta",
    "achievement_pct": PERCENT_LABELS["achievement_pct"],
    "distance_covered_pct": PERCENT_LABELS["distance_covered_pct"],
    "expected_pct": "Camino esperado a la fecha (%)",
    "pace_ratio": "Ritmo (recorrido / esperado)",
    "outcome": "Resultado en el año de la Meta",
    "outcome_preliminary": "Cifra preliminar en el año de la Meta",
    "status": "Trayectoria",
    "method_note": "Cómo se juzgó",
    "evidence": "Evidencia",
    "computed_value": "Valor según las variables",
    "tables_agree": "Coincide la tabla de resumen",
    "stagnant_since": "Estancado desde",
    "n_indicators": "Indicadores",
    "n_outcome_achieved": "Alcanzaron su Meta 2024",
    "n_outcome_not_achieved": "No alcanzaron su Meta 2024",
    "n_outcome_no_data": "Sin dato del año de la Meta",
    **{f"n_{k}": f"Trayectoria: {v}" for k, v in STATUS_LABELS.items()},
    "mean_distance_covered_pct": "Camino recorrido medio (% de la línea base a la Meta 2024)",
}

# The other columns of the data dictionary (pntlib.schema), so that every table a page
# shows has Spanish headings: the card fields under their card labels, then the rest.
COLUMN_LABELS.update({k: v for k, v in CARD_FIELD_LABELS.items() if k not in COLUMN_LABELS})
COLUMN_LABELS.update({
    "strategy_id": "Estrategia",
    "table": "Tabla",
    "measure": "Concepto",
    "year": "Año",
    "raw": "Valor impreso",
    "value": "Valor",
    "obs_status": "Estado SDMX",
    "source_line": "Línea del informe",
    "variable": "Variable",
    "source": "Fuente",
    "text": "Sustitución",
    "change": "Cambio",
    "expected_value": "Valor esperado (trayectoria lineal)",
    "gap_to_expected": "Diferencia con lo esperado",
    "first_reported_year": "Primer año con dato",
    "last_reported_year": "Último año con dato",
    "n_reported_years": "Años con dato",
    "stagnation": "Estancado",
    "observed_trend": "Tendencia observada",
    "trend_agrees": "Coincide con la tendencia esperada",
    "check": "Revisión",
    "severity": "Gravedad",
    "detail": "Detalle",
    "annex_raw": "Anexo (impreso)",
    "summary_raw": "Resumen (impreso)",
    "computed": "Valor calculado",
    "annex_line": "Línea del anexo",
    "summary_line": "Línea del resumen",
    "relation": "Relación con las variables",
    "progress_value": "Valor del método",
})
# Columns of the briefing tables (pntlib.briefing) as a reader sees them.
COLUMN_LABELS.update({
    "campo": "Campo",
    "valor": "Valor",
    "concepto": "Concepto",
    "anexo": "Ficha del anexo",
    "resumen": "Tabla de resumen",
    "estado_anexo": "Estado en el anexo",
    "estado_resumen": "Estado en el resumen",
    "coinciden": "Coinciden",
})

#: What each verdict of :func:`pntlib.progress` means, for the key a reader sees beside them
#: (:func:`pntlib.legend.verdict_key`); ``{on_track}`` and ``{needs_acceleration}`` are the
#: thresholds of :data:`pntlib.validation.DEFAULT_THRESHOLDS` as percentages.
STATUS_MEANINGS = {
    "achieved": "el último valor reportado alcanza o rebasa la Meta 2024 en la dirección esperada.",
    "on_track": "desde la línea base ha recorrido al menos el {on_track} % de lo que una trayectoria "
                "lineal hacia la Meta 2024 habría recorrido a esa fecha.",
    "needs_acceleration": "ha recorrido entre el {needs_acceleration} % y el {on_track} % de lo esperado a esa fecha.",
    "limited": "avanza en la dirección esperada, pero menos del {needs_acceleration} % de lo esperado.",
    "deterioration": "se aleja de la Meta 2024 (va en la dirección contraria a la esperada), o no alcanza "
                     "una meta igual a su línea base.",
    "no_data": "no hay valor reportado, línea base o meta, o ningún año reportado después de la línea base.",
}

#: What each outcome of :func:`pntlib.progress` means (its ``outcome`` column), for the key a
#: reader sees beside the verdicts (:func:`pntlib.legend.outcome_key`).
OUTCOME_MEANINGS = {
    "achieved": "el valor que el informe da para el año de la Meta la alcanza o la rebasa en la dirección esperada.",
    "not_achieved": "el valor que el informe da para el año de la Meta se queda corto.",
    "no_data": "el informe no da un número para el año de la Meta (ND o N/D).",
}

#: Captions of the explorer's controls and sections (:func:`pntlib.explorer`).
EXPLORER_LABELS = {
    "objective": "Objetivo",
    "indicator": "Indicador",
    "method": "Método",
    "as_of": "Datos hasta",
    "table": "Tabla juzgada",
    "annex": "Ficha del anexo",
    "summary": "Tabla de resumen",
    "selection": "Con la selección",
    "page_box": "En la página del indicador (todos los datos, {method}, {table})",
    "methods": "Los dos métodos, lado a lado",
    "tables": "Las dos tablas del informe, con la línea de cada valor",
    "findings": "Lo que la auditoría encontró sobre este indicador",
    "chart": "Gráfica",
    "interactive": ("Vista estática del explorador con sus valores iniciales. Es interactivo en JupyterLab "
                    "(abra notebooks/explore.ipynb con make lab) o como aplicación web con make explore."),
}
