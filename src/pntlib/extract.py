"""Writing the report's tables to ``data/processed/``: CSV, Parquet, Stata, a Data Package and a workbook.

The folder changes all at once or not at all (every file is staged, then
moved into place; a failure puts back what was there), and writes are
deterministic: the same report gives byte-identical CSV, ``.dta``, ``datapackage.json`` and
``pntdp.xlsx``.
A report that does not parse raises before anything is written.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from . import config, schema
from .docstrings import shared
from .exceptions import OutputError
from .files import Publication, describe_os_error, refuse_source_folder
from .lock import LOCK_NAME, exclusive
from .progress import derived_tables as progress_derived_tables
from .audit import audit_table
from .provenance import source
from .tables import ParsedReport, get_report
from .workbook import write_workbook

__all__ = ["extract", "DERIVED_TABLES", "WORKBOOK_NAME", "STATA_VERSION"]

#: Version of the ``.dta`` files: 118 (Stata 14 and later), UTF-8 text, strL for long text.
STATA_VERSION = 118
#: The time stamp written into every ``.dta`` file: fixed, so that the same report gives
#: byte-identical files (a ``.dta`` file otherwise records when it was written).
_STATA_TIME_STAMP = _dt.datetime(1970, 1, 1)

#: The Excel workbook of every table (:func:`pntlib.workbook.write_workbook`).
WORKBOOK_NAME = "pntdp.xlsx"

#: Tables computed from the parsed ones, written after them by :func:`extract`:
#: name -> function(parsed report) returning a DataFrame whose columns are
#: declared in :data:`pntlib.schema.TABLES`.
DERIVED_TABLES: dict[str, Callable[[ParsedReport], pd.DataFrame]] = {}
DERIVED_TABLES.update(progress_derived_tables())
DERIVED_TABLES["audit"] = audit_table


def _write_csv(frame: pd.DataFrame, path: Path) -> None:
    frame.to_csv(path, index=False, encoding="utf-8", lineterminator="\n")


def _write_parquet(frame: pd.DataFrame, path: Path) -> None:
    frame.to_parquet(path, index=False, engine="pyarrow")


def _write_stata(frame: pd.DataFrame, path: Path, table: str) -> None:
    """``<table>.dta`` (version 118) with the Spanish variable labels and the value labels of
    :func:`pntlib.schema.stata_labels`; :func:`pntlib.schema.read_stata` reads it back."""
    variable_labels, value_labels = schema.stata_labels(table)
    frame.to_stata(path, write_index=False, version=STATA_VERSION, variable_labels=variable_labels,
                   value_labels=value_labels or None, time_stamp=_STATA_TIME_STAMP,
                   data_label=f"PNTdP 2022-2024, tabla {table} (pntlib, pnt extract)")


def _prepare_out(out: Path) -> None:
    """Check ``out`` (a folder pnt extract wrote, or a new or empty one) and create it if missing."""
    refuse_source_folder(out, "--out", f"give another folder, such as the default {config.PROCESSED_DATA_DIR}")
    if out.exists() and not out.is_dir():
        raise OutputError(f"--out {out} is a file; expected a folder (it is created when missing)")
    if out.is_dir() and not (out / "datapackage.json").is_file():
        foreign = sorted(p.name for p in out.iterdir() if not p.name.startswith(".staging-") and p.name != LOCK_NAME)
        if foreign:  # neither empty nor an extract folder: nothing in it is ours to replace
            shown = ", ".join(foreign[:3]) + (", ..." if len(foreign) > 3 else "")
            raise OutputError(f"--out {out} holds other files ({shown}) and is not a folder pnt extract "
                              "wrote (no datapackage.json); choose an empty or new folder")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create the output folder {out}: {exc.strerror}") from exc


def _staging(out: Path) -> Path:
    """A new staging folder inside ``out``."""
    try:
        return Path(tempfile.mkdtemp(prefix=".staging-", dir=out))
    except OSError as exc:  # a read-only folder, or one of /proc or /sys
        raise OutputError(f"cannot write in the output folder {out} ({exc.strerror}); choose a writable folder") from exc


@shared
def extract(*, report: str | Path | None = None, out: str | Path | None = None) -> dict[str, Path]:
    """Parse the report and write every table to ``out``.

    Every file is first written to a staging folder inside ``out`` and moved
    into place only once all of them were written and nothing is in their way;
    the move is all or nothing (:class:`pntlib.files.Publication`), so a
    failure (a bad report, a full disk, a folder where a file goes) leaves the
    previous files as they were.

    Parameters
    ----------
    {report}
    out : str or Path, optional
        Output folder; default ``data/processed/``.

    Returns
    -------
    dict of str to Path
        Each file written, by file name: ``<table>.csv``, ``<table>.parquet`` and
        ``<table>.dta`` (Stata, :data:`STATA_VERSION`, Spanish variable labels, value labels
        for coded and yes/no columns) for every table of :data:`pntlib.schema.TABLES`,
        ``datapackage.json`` (each resource names its ``.dta`` file under ``stata``) and
        ``pntdp.xlsx`` (:data:`WORKBOOK_NAME`: one sheet per table and a data dictionary).

    Raises
    ------
    {report_errors}
    OutputError
        ``out`` is not a usable folder, a file cannot be written there, or
        something is in the way of one (the message names that path); the
        previous files are kept.
    RunLockedError
        Another ``pnt extract`` or ``pnt run`` is writing into ``out`` (the
        same lock, beside ``out``: :func:`pntlib.lock.lock_path`): nothing is written.
    """
    out = Path(config.PROCESSED_DATA_DIR if out is None else out)
    parsed = get_report(report)
    tables = parsed.tables()
    for name, build in DERIVED_TABLES.items():
        tables[name] = build(parsed)
    src = source(report)
    package = schema.datapackage(
        list(tables),
        extra={
            "title": f"Indicadores del informe {src.title or src.file_name}" + (f", {src.period}" if src.period else ""),
            "sources": [{"title": src.citation, "path": src.file_name, "hash": f"sha256:{src.sha256}"}],
        },
    )
    for resource in package["resources"]:
        resource["stata"] = {"path": f"{resource['name']}.dta", "format": "dta", "version": STATA_VERSION,
                             "encoding": "utf-8", "labels": "es"}
    _prepare_out(out)
    names = _write(out, tables, package, src)
    return {file_name: out / file_name for file_name in names}


def _write(out: Path, tables: dict, package: dict, src) -> list[str]:
    """Stage every file inside ``out``, then move them into place all at once, holding the folder's
    lock (the lock ``pnt run`` takes: one writer per folder); the file names written."""
    staging = _staging(out)
    try:
        names: list[str] = []
        try:
            typed = {name: schema.apply(name, frame) for name, frame in tables.items()}  # fixed order and dtypes
            for name, frame in typed.items():
                for suffix, writer in ((".csv", _write_csv), (".parquet", _write_parquet)):
                    writer(frame, staging / f"{name}{suffix}")
                    names.append(f"{name}{suffix}")
                _write_stata(frame, staging / f"{name}.dta", name)
                names.append(f"{name}.dta")
            text = json.dumps(package, ensure_ascii=False, indent=2) + "\n"
            (staging / "datapackage.json").write_text(text, encoding="utf-8")
            names.append("datapackage.json")
            write_workbook(typed, staging / WORKBOOK_NAME,
                           source={"source": src.citation, "file": src.file_name, "sha256": src.sha256})
            names.append(WORKBOOK_NAME)
        except OSError as exc:
            raise OutputError(f"cannot write the tables to {out}: {exc}") from exc
        with exclusive(out, "pnt extract"):
            return _publish(out, staging, names)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _publish(out: Path, staging: Path, names: list[str]) -> list[str]:
    """Move the staged files into ``out``, all or nothing."""
    publication = Publication(out, staging)
    publication.check(names)  # a folder in the way is named before anything moves
    try:
        with publication:
            for file_name in names:
                publication.place(staging / file_name, file_name)
        return names
    except OSError as exc:
        raise OutputError(f"cannot publish the tables into {out}: {describe_os_error(exc)}; "
                          "the previous files are kept") from exc
