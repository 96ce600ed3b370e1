"""What a notebook leaves behind: its figures and a small JSON summary.

Notebooks call these so that every run saves its figures under
``<output_dir>/figures/`` and writes ``<output_dir>/<run name>.summary.json``,
which the run index (:mod:`pntlib.run`) reads for its key figures and the
thumbnail of the main chart. The files carry the run's name, as ``pnt run``
names the run: :func:`pntlib.run_names.run_name` (also importable from here).
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from pathlib import Path

from .files import write_atomic
from .run_names import RUN_NAME_PATTERN, run_name  # noqa: F401 (the notebooks' outputs.run_name)

__all__ = [
    "run_name",
    "save_notebook_figure",
    "write_summary",
    "SUMMARY_SUFFIX",
    "RUN_NAME_PATTERN",
]

#: Suffix of the JSON summary a notebook writes next to its executed copy.
SUMMARY_SUFFIX = ".summary.json"

def save_notebook_figure(fig, output_dir: str | Path, name: str, *, formats: Iterable[str] = ("png",)) -> list[Path]:
    """Save a matplotlib figure as ``<output_dir>/figures/<name>.<format>``.

    Written by :func:`pntlib.plots.save_figure` (reproducible bytes, 150 dpi).

    Parameters
    ----------
    fig : matplotlib.figure.Figure
    output_dir : str or Path
        The notebook's output folder (its ``output_dir`` parameter).
    name : str
        File stem, usually ``f"{run_name}"`` or ``f"{run_name}-{part}"``.
    formats : iterable of str, default ("png",)

    Returns
    -------
    list of Path
        The files written, in ``formats`` order.
    """
    from .plots import save_figure

    return save_figure(fig, Path(output_dir) / "figures" / name, formats=formats)


def _plain(value: object) -> object:
    """JSON-safe scalar: pandas NA and NaN become None, numpy scalars Python ones."""
    if value is None:
        return None
    try:
        import pandas as pd

        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


def write_summary(
    output_dir: str | Path,
    name: str,
    *,
    title: str,
    figures: Iterable[str | Path] = (),
    key_figures: Iterable[Mapping[str, object]] = (),
    parameters: Mapping[str, object] | None = None,
    about: Mapping[str, object] | None = None,
) -> Path:
    """Write the run's summary, ``<output_dir>/<name>.summary.json``.

    Parameters
    ----------
    output_dir : str or Path
        The notebook's output folder.
    name : str
        The run name (:func:`run_name`).
    title : str
        Title shown in the index (Spanish).
    figures : iterable of str or Path
        Figure files saved by the notebook; the first is the main chart, used
        for the thumbnail. Stored relative to ``output_dir``.
    key_figures : iterable of mapping
        Each ``{"label": str, "value": number|str|None, "unit": str (optional)}``;
        a missing value (``None``, ``pd.NA``) is stored as ``null`` and shown
        as missing, together with ``"raw"`` when given (the report's token).
    parameters : mapping, optional
        The validated parameters, for the record.
    about : mapping, optional
        More fields of the summary (JSON-serialisable; the index reads
        ``objective``, ``objective_title`` and ``source``).

    Returns
    -------
    Path
        The JSON file written (atomically, with the permissions the umask
        gives any new file).
    """
    out = Path(output_dir)
    rel = []
    for fig in figures:
        path = Path(fig)
        try:
            rel.append(path.resolve().relative_to(out.resolve()).as_posix())
        except ValueError:
            rel.append(path.as_posix())
    data = {
        "name": name,
        "title": title,
        "parameters": {k: _plain(v) for k, v in (parameters or {}).items()},
        "main_figure": rel[0] if rel else None,
        "figures": rel,
        "key_figures": [{k: _plain(v) for k, v in item.items()} for item in key_figures],
        **{k: v for k, v in (about or {}).items() if k not in ("name", "title", "figures", "key_figures")},
    }
    out.mkdir(parents=True, exist_ok=True)
    return write_atomic(out / f"{name}{SUMMARY_SUFFIX}", json.dumps(data, ensure_ascii=False, indent=2))

