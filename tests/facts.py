"""Facts of the real report read by hand, in one place for every test.

Everything here was read off
data/raw/pntdp-2022-2024_avance-y-resultados_2023-01_2024-06.txt (line numbers are
1-based lines of that file; cells are tab-separated), never computed by pntlib.
Tests import these instead of copying them; what a test derives from them by hand
(a percentage, a verdict) stays in the test, next to its arithmetic.
"""

from __future__ import annotations

from typing import NamedTuple

# The years of both tables' "Resultado" columns.
YEARS = (2019, 2020, 2021, 2022, 2023, 2024)

# Tokens that are not plain numbers, and what they mean (the report's "Nota:" legend):
# token: (value, status, SDMX OBS_STATUS).
SPECIAL = {
    "NA": (None, "not_applicable", "M"),
    "N/A": (None, "not_applicable", "M"),
    "ND": (None, "not_available", "L"),
    "N/D": (None, "not_available", "L"),
    "66/P": (66.0, "provisional", "P"),
    "77/P": (77.0, "provisional", "P"),
}


class AnnexRow(NamedTuple):
    """One card's SERIE HISTÓRICA row: línea base | Resultado 2019 ... 2024 | Meta 2024."""

    line: int
    baseline_year: int  # from "Valor de la línea base (YYYY)" on the line before
    baseline: str
    results: str  # Resultado 2019 ... 2024 as printed, space-separated
    target: str

    def result(self, year: int) -> str:
        """The token printed for Resultado ``year``."""
        return self.results.split()[YEARS.index(year)]


class SummaryRow(NamedTuple):
    """One row of a section-3 summary table: Línea base (Año) | Resultado 2019 ... 2024."""

    line: int
    baseline: str
    baseline_year: int
    results: str  # Resultado 2019 ... 2024 as printed, space-separated (no Meta column)

    def result(self, year: int) -> str:
        """The token printed for Resultado ``year``."""
        return self.results.split()[YEARS.index(year)]


# Annex (section 4), SERIE HISTÓRICA of each card.
ANNEX = {
    "1.1": AnnexRow(451, 2019, "5", "5 NA NA 10 15 20", "15"),
    "1.2": AnnexRow(490, 2021, "33.33", "16.67 33.34 50.01 66.68 83.35 100", "100"),  # "(2021)" on line 489
    "1.3": AnnexRow(518, 2021, "4", "4 NA 4 8 12 16", "16"),
    "2.1": AnnexRow(562, 2021, "66.67", "66.67 66.67 100 100 100 100", "100"),
    "2.2": AnnexRow(594, 2021, "0", "N/A N/A 100 100 100 100", "100"),
    "2.3": AnnexRow(629, 2020, "0", "N/A 0 N/D 100 100 100", "100"),
    "3.1": AnnexRow(668, 2020, "0", "N/A 0 86 86 86 N/D", "100"),
    "3.2": AnnexRow(703, 2020, "0", "N/A 0 66 66 66 66/P", "100"),
    "3.3": AnnexRow(735, 2020, "0", "N/A N/A 0 77 77 77/P", "100"),
    "4.1": AnnexRow(776, 2021, "0", "N/A N/A 66.66 100 100 100", "100"),
    "4.2": AnnexRow(804, 2021, "0", "N/A N/A 0 0 0 0", "50"),
    "4.3": AnnexRow(841, 2021, "0", "N/A N/A 25 50 75 100", "100"),
    "5.1": AnnexRow(884, 2021, "0", "N/A N/A 0 33 66 100", "100"),
    "5.2": AnnexRow(919, 2021, "0", "N/A N/A 33.33 66.66 66.66 N/D", "100"),
    "5.3": AnnexRow(955, 2021, "0", "N/A N/A 0 33 33 N/D", "100"),
}

# Section 3, the summary table of each objective ("Avances de la Meta para el bienestar y
# Parámetros del Objetivo prioritario N").
SUMMARY = {
    "1.1": SummaryRow(188, "5", 2019, "5 0 0 10 15 20"),
    "1.2": SummaryRow(189, "33.3", 2021, "16.67 33.34 50.01 66.68 83.35 100"),
    "1.3": SummaryRow(194, "4", 2021, "0 0 4 8 12 16"),
    "2.1": SummaryRow(245, "66.67", 2021, "66.67 66.67 66.67 100 100 100"),
    "2.2": SummaryRow(246, "0.0", 2021, "0.0 0.0 100 100 100 100"),
    "2.3": SummaryRow(247, "0.0", 2020, "0.0 0.0 0.0 100 100 100"),
    "3.1": SummaryRow(301, "0.0", 2020, "0.0 0.0 86 86 86 ND"),
    "3.2": SummaryRow(305, "0.0", 2020, "0.0 0.0 66 66 66 66/P"),
    "3.3": SummaryRow(306, "0.0", 2020, "0.0 0.0 0.0 77 77 77/P"),
    "4.1": SummaryRow(352, "0.0", 2021, "0.0 0.0 66.66 100 100 100"),
    "4.2": SummaryRow(353, "0.0", 2021, "0.0 0.0 0.0 0.0 0.0 ND"),
    "4.3": SummaryRow(357, "0.0", 2021, "0.0 0.0 25 50 75 100"),
    "5.1": SummaryRow(407, "0.0", 2021, "0.0 0.0 0.0 33.33 66.66 100"),
    "5.2": SummaryRow(408, "0.0", 2021, "0.0 0.0 33.33 66.66 66.66 ND"),
    "5.3": SummaryRow(413, "0.0", 2021, "0.0 0.0 0.0 33 33 ND"),
}

# Card fields: Nivel de desagregación, Tipo, Acumulado o periódico, Unidad de medida,
# Disponibilidad de la información, Tendencia esperada (lines 439-443 for 1.1, etc.).
CARDS = {
    "1.1": ("Marco Normativo Federal", "Estratégico", "Acumulado", "Recomendaciones", "Enero", "Ascendente"),
    "1.2": ("Marco Normativo Federal", "Estratégico", "Acumulado", "Porcentaje", "Enero", "Ascendente"),
    "1.3": ("Federal", "Estratégico", "Acumulado", "Participaciones", "Enero", "Ascendente"),
    "2.1": ("Federal", "Estratégico", "Acumulado", "Porcentaje", "Enero", "Ascendente"),
    "2.2": ("Federal", "Estratégico", "Acumulado", "Porcentaje", "Marzo", "Ascendente"),
    "2.3": ("Federal", "Estratégico", "Periódico", "Porcentaje", "Marzo", "Ascendente"),
    "3.1": ("Federal", "Estratégico", "Periódico", "Porcentaje", "Enero", "Ascendente"),
    "3.2": ("Federal", "Gestión", "Acumulado", "Porcentaje", "Marzo", "Ascendente"),
    "3.3": ("Federal", "Gestión", "Periódico", "Porcentaje", "Marzo", "Ascendente"),
    "4.1": ("Federal", "Estratégico", "Periódico", "Porcentaje", "Enero", "Ascendente"),
    "4.2": ("Federal", "Estratégico", "Acumulado", "Porcentaje", "Enero", "Ascendente"),
    "4.3": ("Federal", "Estratégico", "Acumulado", "Porcentaje", "Enero", "Ascendente"),
    "5.1": ("Federal", "Estratégico", "Acumulado", "Porcentaje", "Enero", "Ascendente"),
    "5.2": ("Federal", "Estratégico", "Acumulado", "Porcentaje", "Enero", "Ascendente"),
    "5.3": ("Federal", "Gestión", "Acumulado", "Porcentaje", "Julio", "Ascendente"),
}

# Indicator ids in report order (1.1 ... 5.3): 5 objectives, a Meta para el bienestar and
# two Parámetros each.
INDICATORS = tuple(ANNEX)
OBJECTIVES = (1, 2, 3, 4, 5)
