"""The tables as one Excel workbook (openpyxl), for the many who work in a spreadsheet.

:func:`write_workbook` writes a sheet ``data_dictionary`` (every table and
column with its type and meaning, :mod:`pntlib.schema`; first the report the
tables were read from) and one sheet per table. The bytes depend only on the
tables: the workbook's creation and modification times and every ZIP entry's
timestamp are fixed, so ``pnt extract`` gives an identical file for an
identical report.
"""

from __future__ import annotations

import datetime as _dt
import io
import zipfile
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from . import schema

__all__ = ["write_workbook", "DICTIONARY_SHEET"]

#: Name of the sheet describing every table and column.
DICTIONARY_SHEET = "data_dictionary"
#: The fixed time written into the workbook's properties and ZIP entries (the ZIP format's epoch).
_FIXED_TIME = _dt.datetime(1980, 1, 1)


class _FixedTimeZip(zipfile.ZipFile):
    """A ZipFile whose entries all carry :data:`_FIXED_TIME`, so the archive's bytes are reproducible."""

    def writestr(self, zinfo_or_arcname, data, compress_type=None, compresslevel=None):
        if not isinstance(zinfo_or_arcname, zipfile.ZipInfo):
            zinfo_or_arcname = zipfile.ZipInfo(str(zinfo_or_arcname), date_time=_FIXED_TIME.timetuple()[:6])
            zinfo_or_arcname.compress_type = zipfile.ZIP_DEFLATED
            zinfo_or_arcname.external_attr = 0o644 << 16
        else:
            zinfo_or_arcname.date_time = _FIXED_TIME.timetuple()[:6]
        super().writestr(zinfo_or_arcname, data, compress_type, compresslevel)

    def write(self, filename, arcname=None, compress_type=None, compresslevel=None):
        # openpyxl writes the worksheets from temporary files: their time would enter the archive
        self.writestr(str(arcname or filename), Path(filename).read_bytes(), compress_type, compresslevel)


def _cell(value: object) -> object:
    """A value as openpyxl stores it: missing values empty, numpy scalars as Python ones."""
    if value is None or value is pd.NA:
        return None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return value.item() if hasattr(value, "item") else value


def _dictionary_rows(tables: Mapping[str, pd.DataFrame], source: Mapping[str, str]) -> list[list[object]]:
    rows: list[list[object]] = [[key, value, None, None] for key, value in source.items()]
    rows.append([None, None, None, None])
    rows.append(["table", "column", "type", "meaning"])
    for name in tables:
        description, columns = schema.TABLES[name]
        rows.append([name, None, None, description])
        rows += [[name, col.name, col.dtype if col.categories is None else f"category {{{', '.join(col.categories)}}}",
                  col.description] for col in columns]
    return rows


def write_workbook(tables: Mapping[str, pd.DataFrame], path: str | Path, *, source: Mapping[str, str]) -> Path:
    """Write ``tables`` to one ``.xlsx`` file with a data-dictionary sheet.

    Parameters
    ----------
    tables : mapping of str to pandas.DataFrame
        The tables of :data:`pntlib.schema.TABLES`, by name (as ``pnt extract`` writes them).
    path : str or Path
        The workbook to write.
    source : mapping of str to str
        What the tables were read from (``{"source": citation, "file": name, "sha256": hex}``),
        written at the top of the data-dictionary sheet.

    Returns
    -------
    Path
        ``path``. Sheet ``data_dictionary`` first, then one sheet per table in
        the order given (named after it), each with a bold, frozen header row
        and a filter; the report's tokens (``NA``, ``66/P``) stay text, a
        missing value is an empty cell.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.writer.excel import ExcelWriter

    book = Workbook()
    book.properties.creator = "pntlib"
    book.properties.created = book.properties.modified = _FIXED_TIME
    bold = Font(bold=True)
    sheets = {DICTIONARY_SHEET: (None, _dictionary_rows(tables, source))}
    sheets.update({name: (list(frame.columns), frame) for name, frame in tables.items()})
    first = True
    for name, (header, body) in sheets.items():
        sheet = book.active if first else book.create_sheet()
        sheet.title = name
        first = False
        if header is None:
            for row in body:
                sheet.append(row)
            for cell in sheet[len(source) + 2]:
                cell.font = bold
            continue
        sheet.append(header)
        for cell in sheet[1]:
            cell.font = bold
        for row in body.astype(object).itertuples(index=False, name=None):
            sheet.append([_cell(v) for v in row])
        sheet.freeze_panes = "A2"
        sheet.auto_filter.ref = sheet.dimensions
    buffer = io.BytesIO()
    archive = _FixedTimeZip(buffer, "w", zipfile.ZIP_DEFLATED, allowZip64=True)
    ExcelWriter(book, archive).save()  # unlike openpyxl's save_workbook, keeps our modification time
    Path(path).write_bytes(buffer.getvalue())
    return Path(path)
