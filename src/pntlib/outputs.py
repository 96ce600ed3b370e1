"""What a notebook leaves behind: its figures and a small JSON summary.

Notebooks call these so that every run names its files the same way
``pnt run`` names the run (:func:`run_name`), saves its figures under
``<output_dir>/figures/`` and writes ``<output_dir>/<run name>.summary.json``,
which the run index (:mod:`pntlib.run`) reads for its key figures and the
thumbnail of the main chart.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping
from pathlib import Path

from .files import write_atomic

__all__ = [
    "run_name",
    "save_notebook_figure",
    "write_summary",
    "SUMMARY_SUFFIX",
    "RUN_NAME_PATTERN",
]

#: Suffix of the JSON summary a notebook writes next to its executed copy.
SUMMARY_SUFFIX = ".summary.json"

#: What a run name may be: it is the stem of every file the run writes.
#: A run name: its files' stem, so at most 100 characters (a file name holds 255 bytes).
RUN_NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def run_name(notebook: str, parameters: Mapping[str, object] | None = None, *, run_name: str | None = None) -> str:
    """The file-name stem of one run: the name given, else notebook stem and parameter values.

    Parameters
    ----------
    notebook : str
        Notebook file name or stem ("indicator.ipynb" or "indicator").
    parameters : mapping, optional
        The run's identifying parameters, in order (``{"indicator": "3.2"}``).
    run_name : str, optional
        The name chosen by ``pnt run`` (a notebook's ``run_name`` parameter);
        when given (not blank) it is returned as is, so that the notebook's
        files carry the run's own name.

    Returns
    -------
    str
        ``run_name`` when given; else ``"indicator_3.2"``, ``"objective_3"``,
        ``"overview"``, where characters other than letters, digits, ``.``,
        ``_`` and ``-`` become ``-``.

    Raises
    ------
    ParameterError
        ``run_name`` is not text or does not match :data:`RUN_NAME_PATTERN`
        (a letter or digit, then letters, digits, ``_``, ``.``, ``-``; at most
        100 characters).
    """
    if run_name is not None and not (isinstance(run_name, str) and not run_name.strip()):
        if not isinstance(run_name, str) or not RUN_NAME_PATTERN.fullmatch(run_name):
            from .exceptions import ParameterError

            raise ParameterError(
                f"parameter run_name={run_name!r} is not valid; give '' (derived from the parameters) or a name "
                f"matching {RUN_NAME_PATTERN.pattern} (letters, digits, '_', '.', '-'; no '/'; at most 100)"
            )
        return run_name
    stem = Path(notebook).name.removesuffix(".ipynb")
    parts = [stem] + [str(v) for v in (parameters or {}).values()]
    return "_".join(_UNSAFE.sub("-", p).strip("-") or "-" for p in parts)


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

