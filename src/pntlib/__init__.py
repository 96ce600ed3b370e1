"""pntlib: the indicators of Mexico's PNTdP 2022-2024 progress report as tidy data.

Public API: the ``load_*`` functions return typed DataFrames parsed from the
report in ``data/raw/``; see the README for the data dictionary.
"""

from .audit import audit, summary_disagreements
from .exceptions import (
    ParameterError,
    PntlibError,
    ReportChecksumError,
    ReportFormatError,
    UnknownIndicatorError,
)
from .tables import (
    load_indicators,
    load_objectives,
    load_series,
    load_strategies,
    load_substitutions,
    load_variables,
)

__version__ = "0.1.0"

__all__ = [
    "audit",
    "summary_disagreements",
    "load_indicators",
    "load_objectives",
    "load_series",
    "load_strategies",
    "load_substitutions",
    "load_variables",
    "PntlibError",
    "ReportFormatError",
    "ReportChecksumError",
    "UnknownIndicatorError",
    "ParameterError",
]
