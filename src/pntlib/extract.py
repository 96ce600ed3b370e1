"""Writing the report's tables to ``data/processed/``: CSV, Parquet and a Data Package.

Writes are atomic per file (written beside the target, then renamed), and
deterministic: the same report gives byte-identical CSV and ``datapackage.json``.
A report that does not parse raises before anything is written.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from . import config, schema
from .progress import derived_tables as progress_derived_tables
from .audit import audit_table
from .tables import build_tables, get_report

__all__ = ["extract", "DERIVED_TABLES"]

#: Tables computed from the parsed ones, written after them by :func:`extract`:
#: name -> function(tables, report_path) returning a DataFrame whose columns
#: are declared in :data:`pntlib.schema.TABLES`.
DERIVED_TABLES: dict[str, Callable[[dict[str, pd.DataFrame], str | Path | None], pd.DataFrame]] = {}
DERIVED_TABLES.update(progress_derived_tables())

DERIVED_TABLES["audit"] = lambda tables, report: audit_table(tables, get_report(report)[0])


def _atomic_write(path: Path, write: Callable[[Path], None]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        write(Path(tmp))
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _write_csv(frame: pd.DataFrame, path: Path) -> None:
    _atomic_write(path, lambda p: frame.to_csv(p, index=False, encoding="utf-8", lineterminator="\n"))


def _write_parquet(frame: pd.DataFrame, path: Path) -> None:
    _atomic_write(path, lambda p: frame.to_parquet(p, index=False, engine="pyarrow"))


def extract(*, report: str | Path | None = None, out: str | Path | None = None) -> dict[str, Path]:
    """Parse the report and write every table to ``out``.

    Parameters
    ----------
    report : str or Path, optional
        Report file; default the verified copy in ``data/raw/``.
    out : str or Path, optional
        Output folder; default ``data/processed/``.

    Returns
    -------
    dict of str to Path
        Each file written.

    Raises
    ------
    ReportChecksumError, ReportFormatError
        The report cannot be read; nothing is written.
    """
    out = Path(config.PROCESSED_DATA_DIR if out is None else out)
    parsed, _ = get_report(report)
    tables = build_tables(report)
    for name, build in DERIVED_TABLES.items():
        tables[name] = build(tables, report)
    written: dict[str, Path] = {}
    for name, frame in tables.items():
        frame = schema.apply(name, frame)  # fixed order and dtypes
        for suffix, writer in ((".csv", _write_csv), (".parquet", _write_parquet)):
            path = out / f"{name}{suffix}"
            writer(frame, path)
            written[f"{name}{suffix}"] = path
    package = schema.datapackage(
        list(tables),
        extra={
            "title": "PNTdP 2022-2024: indicadores del informe Avance y Resultados 2023-2024",
            "sources": [
                {
                    "title": "Avance y Resultados, Enero 2023 - Junio 2024 (PNTdP 2022-2024), Secretaría de Gobernación",
                    "path": Path(parsed.path).name,
                    "hash": f"sha256:{parsed.sha256}",
                }
            ],
        },
    )
    text = json.dumps(package, ensure_ascii=False, indent=2) + "\n"
    path = out / "datapackage.json"
    _atomic_write(path, lambda p: p.write_text(text, encoding="utf-8"))
    written["datapackage.json"] = path
    return written
