"""Run names: the stem of every file one run of a notebook writes.

``pnt run`` names each run (:mod:`pntlib.run.plan`) and a notebook names its
files (:mod:`pntlib.outputs`, :func:`pntlib.notebook.setup`) by the same rule,
:func:`run_name`, so that the index finds them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

__all__ = ["run_name", "RUN_NAME_PATTERN"]

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
