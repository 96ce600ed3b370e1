"""pntlib: the indicators of Mexico's PNTdP 2022-2024 progress report as tidy data.

Public API: the ``load_*`` functions return typed DataFrames parsed from the
report in ``data/raw/``; ``progress``, ``trends`` and ``objective_summary``
judge them against the Meta 2024; the ``plot_*`` functions chart them and
``save_figure`` writes reproducible PNG/SVG files; ``explorer`` is the
interactive explorer (ipywidgets) for JupyterLab and Voilà. See the README for the data
dictionary.
"""

from .audit import audit, summary_disagreements
from .exceptions import (
    OutputError,
    ParameterError,
    PlanError,
    PntlibError,
    ReportChangedError,
    ReportChecksumError,
    ReportFormatError,
    ReportNotFoundError,
    RunLockedError,
    UnknownIndicatorError,
)
from .progress import compare_methods, objective_summary, progress
from .trends import trends
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
    "progress",
    "compare_methods",
    "trends",
    "objective_summary",
    "plot_indicator",
    "plot_objective",
    "plot_progress_overview",
    "plot_status_heatmap",
    "plot_disagreements",
    "save_figure",
    "explorer",
    "PntlibError",
    "OutputError",
    "ReportFormatError",
    "ReportChecksumError",
    "ReportNotFoundError",
    "UnknownIndicatorError",
    "ParameterError",
    "PlanError",
    "RunLockedError",
    "ReportChangedError",
]

# The charts pull in matplotlib and seaborn (about a second): load them on first use,
# so that `pnt extract` and the table loaders stay fast.
_LAZY = {
    "plot_indicator": "plots",
    "plot_objective": "plots",
    "plot_progress_overview": "plots",
    "plot_status_heatmap": "plots",
    "plot_disagreements": "plots",
    "save_figure": "plots",
    "explorer": "explorer",  # ipywidgets: loaded when first used
}


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'pntlib' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
