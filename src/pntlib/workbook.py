"""The tables as one Excel workbook (openpyxl), for the many who work in a spreadsheet.

:func:`write_workbook` writes a sheet ``data_dictionary`` (every table and
column with its type and meaning, :mod:`pntlib.schema`; first the report the
tables were read from) and one sheet per table. The bytes depend only on the
tables: the workbook's creation and modification times and every ZIP entry's
timestamp are fixed, so ``pnt extract`` gives an identical file for an
identical report.

Report text is data here too, and the workbook always opens:

* every cell made from text is a text cell, whatever it starts with: ``=1+1``,
  ``+…``, ``@…`` or ``#N/A`` from the report is never a formula or an error value
  (openpyxl would make one of each);
* a character an ``.xlsx`` cannot hold (the XML 1.0 exclusions: C0 controls
  other than tab, line feed and carriage return, lone surrogates, U+FFFE and
  U+FFFF) is shown visibly as ``[U+FFFE]``, in the workbook only (the CSV and
  Parquet files keep the text as read). We escape rather than refuse: the
  parser already refuses control characters naming the line, and the others are
  text the report may legitimately carry and the other files keep;
* a text longer than Excel's cell limit (:data:`MAX_CELL_CHARS` UTF-16 code
  units) is cut and ends with a visible marker (:data:`CUT_MARKER`).

The data-dictionary sheet lists every cell changed so (``changed_cells`` at its
top, then a table ``cell | column | change`` at its end).
"""

from __future__ import annotations

import datetime as _dt
import io
import re
import zipfile
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from . import schema

__all__ = ["write_workbook", "DICTIONARY_SHEET", "MAX_CELL_CHARS", "CUT_MARKER", "excel_text"]

#: Name of the sheet describing every table and column.
DICTIONARY_SHEET = "data_dictionary"
#: Excel's limit on the text of one cell, in characters (UTF-16 code units).
MAX_CELL_CHARS = 32767
#: What ends a cut cell; ``{length}`` is the whole text's length in characters.
CUT_MARKER = " [… cut: {length:,} characters in full in the CSV and Parquet files]"
#: Characters XML 1.0 (and so an .xlsx) cannot hold.
_XML_ILLEGAL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
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


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def excel_text(text: str) -> tuple[str, list[str]]:
    """``text`` as a workbook cell holds it, and what was changed (English notes, empty when nothing).

    Parameters
    ----------
    text : str
        A text value of a table.

    Returns
    -------
    tuple of (str, list of str)
        The text with each XML-illegal character shown as ``[U+XXXX]``, cut to
        :data:`MAX_CELL_CHARS` UTF-16 code units ending with :data:`CUT_MARKER`
        when longer; and one note per change ("character U+FFFE shown as
        [U+FFFE]", "cut at 32,767 characters: the text has 40,009").
    """
    notes = []
    whole = len(text)
    found = sorted({m.group(0) for m in _XML_ILLEGAL_RE.finditer(text)})
    if found:
        text = _XML_ILLEGAL_RE.sub(lambda m: f"[U+{ord(m.group(0)):04X}]", text)
        notes += [f"character U+{ord(c):04X} shown as [U+{ord(c):04X}] (XML cannot hold it)" for c in found]
    length = _utf16_len(text)
    if length > MAX_CELL_CHARS:
        marker = CUT_MARKER.format(length=whole)
        units = text.encode("utf-16-le", "surrogatepass")[: 2 * (MAX_CELL_CHARS - _utf16_len(marker))]
        if len(units) >= 2 and 0xD8 <= units[-1] <= 0xDB:  # never half a surrogate pair
            units = units[:-2]
        text = units.decode("utf-16-le", "surrogatepass") + marker
        notes.append(f"cut at {MAX_CELL_CHARS:,} characters, ending with the marker {marker.strip()!r}: "
                     f"the text has {whole:,} characters (the CSV and Parquet files keep it whole)")
    return text, notes


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


def _append(sheet, row: list[object], changes: list[list[object]], header: list[str] | None) -> None:
    """Append ``row`` to ``sheet``, every text as a text cell (:func:`excel_text`); each change
    is recorded in ``changes`` as ``[cell, column, note, None]``."""
    values = []
    texts = {}
    for k, value in enumerate(row):
        value = _cell(value)
        if isinstance(value, str):
            value, notes = excel_text(value)
            texts[k] = notes
        values.append(value)
    sheet.append(values)
    for k, notes in texts.items():
        cell = sheet.cell(row=sheet.max_row, column=k + 1)
        cell.data_type = "s"  # openpyxl makes "=..." a formula and "#N/A" an error value: report text is text
        column = header[k] if header is not None else None
        changes += [[f"{sheet.title}!{cell.coordinate}", column, note, None] for note in notes]


def _dictionary_rows(tables: Mapping[str, pd.DataFrame]) -> list[list[object]]:
    rows: list[list[object]] = [["table", "column", "type", "meaning"]]
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
        ``path``. Sheet ``data_dictionary`` first: the ``source`` items and
        ``changed_cells`` (``"none"``, or how many cells :func:`excel_text`
        changed), a blank row, the table ``table | column | type | meaning``
        and, when cells were changed, a blank row and the table
        ``cell | column | change`` (``"indicators!E4"``, ``"definition"``, what
        was done). Then one sheet per table in the order given (named after it),
        each with a bold, frozen header row and a filter; every text is a text
        cell (never a formula or an error value, whatever it starts with), the
        report's tokens (``NA``, ``66/P``) stay text, a missing value is an
        empty cell.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.writer.excel import ExcelWriter

    book = Workbook()
    book.properties.creator = "pntlib"
    book.properties.created = book.properties.modified = _FIXED_TIME
    bold = Font(bold=True)
    dictionary = book.active
    dictionary.title = DICTIONARY_SHEET
    changes: list[list[object]] = []  # [cell, column, note, None] of every cell excel_text changed
    for name, frame in tables.items():
        sheet = book.create_sheet(name)
        header = [str(c) for c in frame.columns]
        _append(sheet, header, [], None)
        for cell in sheet[1]:
            cell.font = bold
        for row in frame.astype(object).itertuples(index=False, name=None):
            _append(sheet, list(row), changes, header)
        sheet.freeze_panes = "A2"
        sheet.auto_filter.ref = sheet.dimensions
    top = [[key, value, None, None] for key, value in source.items()]
    changes += [[f"{DICTIONARY_SHEET}!B{k}", str(key), note, None]  # the citation is report text too (its cover)
                for k, (key, value) in enumerate(source.items(), 1) for note in excel_text(str(value))[1]]
    top.append(["changed_cells", f"{len(changes)}: listed at the end of this sheet" if changes else "none", None, None])
    rows = top + [[None] * 4] + _dictionary_rows(tables)
    if changes:
        rows += [[None] * 4, ["cell", "column", "change", None], *changes]
    bold_rows = {len(top) + 2, len(rows) - len(changes)} if changes else {len(top) + 2}
    for row in rows:
        _append(dictionary, row, [], None)
    for number in bold_rows:
        for cell in dictionary[number]:
            cell.font = bold
    buffer = io.BytesIO()
    archive = _FixedTimeZip(buffer, "w", zipfile.ZIP_DEFLATED, allowZip64=True)
    ExcelWriter(book, archive).save()  # unlike openpyxl's save_workbook, keeps our modification time
    Path(path).write_bytes(buffer.getvalue())
    return Path(path)
