"""Reading the raw progress report: from PDF-extracted text to frozen records.

The report (see ``data/raw/README.md``) is the text of the published PDF. Its
indicator data sits in two places:

* section 3, "Avances y Resultados": one summary table per objective
  ("Avances de la Meta para el bienestar y Parámetros del Objetivo prioritario N"),
  tab-separated, with a baseline "value (year)" and results 2019-2024
  (:mod:`~pntlib.report.summary`);
* section 4, the annex: one card per indicator ("ELEMENTOS DE LA META DE
  BIENESTAR" / "ELEMENTOS DEL PARÁMETRO"), with its fields, "SERIE HISTÓRICA",
  notes, and "APLICACIÓN DEL MÉTODO DE CÁLCULO" (:mod:`~pntlib.report.annex`).

The parser works by structure (section headings, table headers, field labels),
never by indicator id or line number. It copes with the extraction's quirks
(:mod:`~pntlib.report.lines`): page headers inside tables, rows and words split
across pages, a header whose "(2021)" lands on the next page, markdown
separator rows, HTML ``<p>`` and LaTeX ``$...$`` markup. Whatever it cannot
place, and a report that is not complete (:mod:`~pntlib.report.complete`),
raises :class:`~pntlib.exceptions.ReportFormatError` with the line and what was
expected; nothing is dropped or guessed.

The package returns frozen dataclasses (:mod:`~pntlib.report.records`);
:mod:`pntlib.tables` turns them into typed DataFrames.

Modules: ``lines`` (splitting, page furniture, markup, mending), ``tokens``
(value cells), ``records``, ``summary`` (section 3), ``annex`` (section 4, one
function per card block), ``complete`` (completeness checks), ``read`` (file,
checksum, the parse as a pipeline).
"""

from __future__ import annotations

from .annex import CARD_FIELDS, OPTIONAL_FIELDS, PRINTED_CARD_FIELD_LABELS
from .lines import clean_markup
from .read import file_sha256, parse_report, read_report
from .records import (
    PRINTED_KIND_LABELS,
    Card,
    Objective,
    Observation,
    Report,
    Strategy,
    Substitution,
    SummaryRow,
    Variable,
)
from .tokens import EXPECTED_TOKENS, OBS_STATUS, Token, parse_token

__all__ = [
    "read_report",
    "parse_report",
    "file_sha256",
    "Report",
    "Objective",
    "Strategy",
    "SummaryRow",
    "Card",
    "Observation",
    "Variable",
    "Substitution",
    "Token",
    "parse_token",
    "clean_markup",
    "OBS_STATUS",
    "EXPECTED_TOKENS",
    "PRINTED_KIND_LABELS",
    "CARD_FIELDS",
    "PRINTED_CARD_FIELD_LABELS",
    "OPTIONAL_FIELDS",
]
