"""Validating every value a user gives: library arguments, notebook and command parameters.

The library's public functions, the notebooks' set-up cell
(:func:`pntlib.notebook.setup`) and the command line all pass their arguments
through these functions, so ``"3"``, ``3`` and ``3.0`` mean objective 3
everywhere. They accept a value the way a person types it (in Python or on the
papermill command line) and return it normalised, or raise a
:class:`~pntlib.exceptions.ParameterError` naming the bad value and listing the
valid choices. They never read the report: a caller passes the report's choices
(:attr:`pntlib.tables.ParsedReport.indicator_ids`, ``objective_numbers``,
``result_years``), and :func:`report_file` is the one check of a report path
(:mod:`pntlib.tables` imports this module, never the other way round).

How papermill types command-line values (``papermill.cli._resolve_type``):
``-p objective 3`` gives the int ``3``; ``-p indicator 3.2`` gives the float
``3.2`` (the shell removes quotes, so ``-p indicator "3.2"`` is a float too);
``-r indicator 3.2`` gives the string ``"3.2"``; ``-p x True`` gives a bool;
``-y``/``-f`` give whatever YAML says (``3.2`` is a float, ``"3.2"`` a
string). The validators accept every spelling that means one choice and reject
the rest, never guessing.
"""

from __future__ import annotations

import math
import numbers
import os
import re
import stat
from pathlib import Path

from collections.abc import Iterable, Mapping, Sequence

from . import config
from .exceptions import ParameterError, ReportNotFoundError, UnknownIndicatorError, quote
from .rules import DEFAULT_THRESHOLDS  # its home is rules.py; still importable from here (progress.py)

__all__ = [
    "validate_objective",
    "validate_indicator",
    "validate_scope",
    "validate_report",
    "report_file",
    "validate_output_dir",
    "validate_choice",
    "validate_as_of",
    "validate_thresholds",
]

_INT_TEXT = re.compile(r"[+]?\d+")



def _integer(value: object) -> int | None:
    """``3``, ``"3"``, ``" 3 "``, ``3.0`` and numpy integers as an int; None for anything else."""
    if isinstance(value, bool):
        return None
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return int(value)
    if isinstance(value, str) and _INT_TEXT.fullmatch(value.strip()):
        return int(value.strip())
    return None


def validate_objective(value: object, choices: Iterable[int]) -> int:
    """Normalise an objective number given as a notebook parameter.

    Parameters
    ----------
    value : int, str or float
        ``3``, ``"3"``, ``" 3 "`` or ``3.0`` (papermill ``-p objective 3.0``)
        all mean objective 3.
    choices : iterable of int
        The report's objectives, the valid choices
        (:attr:`pntlib.tables.ParsedReport.objective_numbers`: section 3 headings
        "Objetivo prioritario N").

    Returns
    -------
    int
        The objective number, one of the report's objectives (1-5).

    Raises
    ------
    ParameterError
        ``value`` is a bool, a non-integral number, text that is not an
        integer, or a number the report has no objective for; the message
        lists the valid objectives.
    """
    choices = list(choices)
    number = _integer(value)
    if number is None or number not in choices:
        raise ParameterError.invalid("objective", value, choices)
    return number


def validate_indicator(value: object, choices: Iterable[str]) -> str:
    """Normalise an indicator id given as a notebook parameter.

    Parameters
    ----------
    value : str or float
        ``"3.2"`` or ``" 3.2 "``; the float ``3.2`` (what papermill makes of
        ``-p indicator 3.2``) is read back through its shortest decimal
        representation, ``repr(3.2) == "3.2"``. An int (``3``) names an
        objective, not an indicator, and is rejected.
    choices : iterable of str
        The report's indicator ids, the valid choices
        (:attr:`pntlib.tables.ParsedReport.indicator_ids`: annex cards, field
        *Nombre*).

    Returns
    -------
    str
        The indicator id as in the report ("3.2").

    Raises
    ------
    UnknownIndicatorError
        (a :class:`ParameterError`) ``value`` is not one of the report's
        indicator ids: a bool or an int
        is rejected (``3`` could mean any of 3.1-3.3), a float passes only
        when its shortest text is an id (``3.2`` passes, ``3.0`` fails); the
        message lists the valid ids.
    """
    choices = list(choices)
    key: str | None = None
    if isinstance(value, str):
        key = value.strip()
    elif isinstance(value, float) and not isinstance(value, bool) and math.isfinite(value):
        key = repr(value)
        # papermill turns -p indicator 1.10 into the float 1.1: refuse to guess when
        # the report has ids that only differ by trailing zeros.
        twins = [c for c in choices if c != key and re.fullmatch(re.escape(key) + "0+", c)]
        if twins and key in choices:
            raise ParameterError(
                f"parameter indicator={value!r} is ambiguous: it may mean {key!r} or "
                f"{twins[0]!r}; give it as text, e.g. -p indicator '\"{twins[0]}\"' or -y \"indicator: '{twins[0]}'\""
            )
    if key is None or key not in choices:
        shown = ", ".join(repr(c) for c in choices)
        raise UnknownIndicatorError(f"parameter indicator={value!r} is not valid; choose one of: {shown}")
    return key


def validate_scope(objective: object | None, indicator: object | None, parsed) -> tuple[int | None, str | None]:
    """Validate the ``objective`` and ``indicator`` a filter is given, together.

    Parameters
    ----------
    objective : int or str, optional
        See :func:`validate_objective`.
    indicator : str or float, optional
        See :func:`validate_indicator`.
    parsed : ParsedReport
        The report whose objectives and indicators are the choices
        (:func:`pntlib.tables.get_report`: ``objective_numbers``, ``indicator_ids``
        and the annex ``cards``; passed in, so that this module reads no report).

    Returns
    -------
    tuple of (int or None, str or None)
        ``(objective, indicator)`` normalised; ``None`` where not given.

    Raises
    ------
    ParameterError
        Either is not one of the report's, or both are given and the indicator
        is not one of the objective's (the message lists the objective's
        indicators): filtering by both would give an empty table.
    """
    number = None if objective is None else validate_objective(objective, parsed.objective_numbers)
    key = None if indicator is None else validate_indicator(indicator, parsed.indicator_ids)
    if number is not None and key is not None:
        cards = parsed.cards
        own = [str(i) for i in cards.index[cards["objective"] == number]]
        if key not in own:
            raise ParameterError(
                f"parameter indicator={indicator!r} is not an indicator of objective={objective!r} "
                f"(it belongs to objective {int(cards.loc[key, 'objective'])}); objective {number}'s "
                f"indicators are: {', '.join(repr(i) for i in own)}; or give only one of the two"
            )
    return number, key


def validate_report(value: object) -> Path | None:
    """Normalise the ``report`` parameter (path of a report file).

    Parameters
    ----------
    value : str, Path or None
        ``""`` or ``None`` mean the verified copy in ``data/raw/``; anything
        else must name an existing file.

    Returns
    -------
    Path or None
        ``None`` for the default report, else the absolute path.

    Raises
    ------
    ParameterError, ReportNotFoundError
        See :func:`report_file`. The file is not read here: the notebooks' set-up
        (:func:`pntlib.notebook.setup`) reads it next, so that a damaged file (or an
        altered default copy) fails in the notebook's first cell.
    """
    return report_file(value)[0]


def report_file(value: object) -> tuple[Path | None, os.stat_result]:
    """Check a ``report`` argument: the one check of every report path (library, notebooks, CLI).

    Parameters
    ----------
    value : str, Path or None
        ``""`` (or blank) and ``None`` mean the verified copy in ``data/raw/``
        (:data:`pntlib.config.DEFAULT_REPORT`); anything else is the path of a
        report file (``~`` expanded).

    Returns
    -------
    path : Path or None
        ``None`` for the verified copy, else the absolute path (symbolic links resolved).
    stat : os.stat_result
        The file's status (of the verified copy for ``None``): what identifies one
        version of it without reading it (:func:`pntlib.tables.get_report`).

    Raises
    ------
    ParameterError
        ``value`` is neither text, a Path nor None, or holds a NUL byte (no path can).
    ReportNotFoundError
        (a ``FileNotFoundError``) the file does not exist, cannot be read
        (a file used as a folder, a name too long, no permission), or is not a
        file (a folder).
    """
    default = value is None or (isinstance(value, str) and not value.strip())
    empty = f"or leave report empty ('') for the verified copy {config.DEFAULT_REPORT}"
    if not default and not isinstance(value, (str, Path)):
        raise ParameterError(f"parameter report={value!r} is not valid; give the path of a report file as text, {empty}")
    if not default and "\x00" in str(value):  # os.stat would raise a bare ValueError
        raise ParameterError(f"parameter report={quote(value)} is not valid: a path cannot hold a NUL byte "
                             f"(\\x00); give the path of a report file, {empty}")
    target = Path(config.DEFAULT_REPORT if default else value).expanduser()  # type: ignore[arg-type]
    given = "report='' (the verified copy)" if default else f"parameter report={str(value)[:300]!r} is not valid"
    fix = f"give the path of a report file, {empty}"
    try:
        status = target.stat()
    except OSError as exc:  # missing, a file used as a folder, a name too long, no permission
        problem = "does not exist (no such file)" if isinstance(exc, FileNotFoundError) else f"cannot be read ({exc.strerror})"
        raise ReportNotFoundError(f"{given}: {str(target)[:300]!r} {problem}; {fix}") from exc
    if not stat.S_ISREG(status.st_mode):
        what = " (it is a folder)" if stat.S_ISDIR(status.st_mode) else ""
        raise ReportNotFoundError(f"{given}: {str(target)[:300]!r} is not a file{what}; {fix}")
    return (None if default else target.resolve()), status


def validate_output_dir(value: object) -> Path:
    """Normalise the ``output_dir`` parameter and create the folder.

    Parameters
    ----------
    value : str, Path or None
        ``""`` or ``None`` mean ``$PNTLIB_OUTPUT_DIR`` when set, else
        :data:`pntlib.config.MANUAL_REPORTS_DIR` (``reports-manual/``: a notebook
        run by hand never overwrites the reports ``pnt run`` manages).

    Returns
    -------
    Path
        Absolute folder, created with its ``figures/`` subfolder.

    Raises
    ------
    ParameterError
        ``value`` is not text, or names an existing file.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        path = Path(os.environ.get("PNTLIB_OUTPUT_DIR") or config.MANUAL_REPORTS_DIR)
    elif isinstance(value, (str, Path)):
        path = Path(value).expanduser().resolve()
    else:
        raise ParameterError(
            f"parameter output_dir={value!r} is not valid; give a folder path, or '' for {config.MANUAL_REPORTS_DIR}"
        )
    if path.exists() and not path.is_dir():
        raise ParameterError(f"parameter output_dir={value!r} is not valid: {path} is a file, not a folder")
    try:
        (path / "figures").mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ParameterError(
            f"parameter output_dir={value!r} is not valid: cannot create {path / 'figures'} ({exc.strerror})"
        ) from exc
    return path


def validate_choice(name: str, value: object, choices: Iterable[str]) -> str:
    """Check that a text parameter is one of ``choices``.

    Returns
    -------
    str
        ``value`` stripped.

    Raises
    ------
    ParameterError
        ``value`` is not text or not one of ``choices``.
    """
    choices = list(choices)
    if isinstance(value, str) and value.strip() in choices:
        return value.strip()
    raise ParameterError.invalid(name, value, choices)


def validate_as_of(value: object, choices: Iterable[int]) -> int | None:
    """Check ``as_of``: None, or one of the report's result years.

    Parameters
    ----------
    value : int, str or float, or None
    choices : iterable of int
        The report's result years (:attr:`pntlib.tables.ParsedReport.result_years`).

    Returns
    -------
    int or None

    Raises
    ------
    ParameterError
        ``value`` (an int, or text or a float meaning one: ``"2022"``,
        ``2022.0``) is not None nor a year of the report's results
        (both tables, 2019-2024); the message lists them.
    """
    if value is None:
        return None
    years = list(choices)
    number = _integer(value)
    if number is None or number not in years:
        raise ParameterError.invalid("as_of", value, [None, *years])
    return number


def validate_thresholds(thresholds: Mapping[str, float] | Sequence[float] | None) -> dict[str, float]:
    """Check the ``thresholds`` of :func:`pntlib.progress`.

    Parameters
    ----------
    thresholds : mapping, sequence of 3 floats, or None
        Lower bounds of ``pace_ratio`` for ``on_track``, ``needs_acceleration``
        and ``limited`` (keys of those names, or three numbers in that order);
        None for :data:`pntlib.rules.DEFAULT_THRESHOLDS`.

    Returns
    -------
    dict of str to float
        All three thresholds.

    Raises
    ------
    ParameterError
        An unknown key, not three numbers, or not on_track >= needs_acceleration >= limited.
    """
    if thresholds is None:
        return dict(DEFAULT_THRESHOLDS)
    keys = list(DEFAULT_THRESHOLDS)
    if isinstance(thresholds, Mapping):
        unknown = [k for k in thresholds if k not in DEFAULT_THRESHOLDS]
        if unknown:
            raise ParameterError.invalid("thresholds", unknown[0], keys)
        merged = {**DEFAULT_THRESHOLDS, **thresholds}
    elif isinstance(thresholds, Sequence) and not isinstance(thresholds, str) and len(thresholds) == 3:
        merged = dict(zip(keys, thresholds))
    else:
        raise ParameterError(
            f"parameter thresholds={thresholds!r} is not valid; give a mapping with keys "
            f"{', '.join(map(repr, keys))} or three numbers, e.g. (0.95, 0.60, 0)"
        )
    try:
        merged = {k: float(v) for k, v in merged.items()}
    except (TypeError, ValueError) as exc:
        raise ParameterError(f"parameter thresholds={thresholds!r}: every threshold must be a number") from exc
    if not merged["on_track"] >= merged["needs_acceleration"] >= merged["limited"]:
        raise ParameterError(
            f"parameter thresholds={thresholds!r}: need on_track >= needs_acceleration >= limited"
        )
    return merged
