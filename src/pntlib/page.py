"""How a notebook's page shows things to its readers: tables, figures, and where the data came from.

Every notebook of ``notebooks/`` shows its tables through :func:`table` (Spanish
headings, text left and numbers right, no row numbers, the report's own token
or "—" for a missing value, Sí/No, wrapped text), its charts through
:func:`figure` (the PNG with alternative text, and the data behind it as a CSV
linked under it) and says what it was made from with :func:`provenance`.
Report text is escaped everywhere: it shows as text, never as markup.
"""

from __future__ import annotations

import base64
import hashlib
import html
from collections.abc import Mapping
from pathlib import Path

import pandas as pd
from pandas.io.formats.style import Styler

from .briefing import for_readers
from .labels import (
    CHECK_LABELS,
    COLUMN_LABELS,
    EVIDENCE_LABELS,
    METHOD_LABELS,
    RELATION_LABELS,
    SEVERITY_LABELS,
    VALUE_STATUS_LABELS,
)
from .text import MISSING, number

__all__ = ["table", "ReaderTable", "cells", "figure", "text", "heading", "places", "provenance", "provenance_html", "DATA_LINK_TEXT", "SOURCE_CLASS"]

#: Text of the link under each figure to the data behind it.
DATA_LINK_TEXT = "Datos de la gráfica (CSV)"
#: HTML class of the provenance note (the browser test looks for it on every page).
SOURCE_CLASS = "pnt-source"
#: Missing value -> the column holding the report's own token for it.
_TOKENS = {"value": "raw", "latest_value": "latest_raw", "Valor": "Valor impreso"}
#: Columns holding codes, with the labels a reader sees (applied when every value is a code).
_CODES = {"evidence": EVIDENCE_LABELS, "relation": RELATION_LABELS, "check": CHECK_LABELS,
          "severity": SEVERITY_LABELS, "method": METHOD_LABELS,
          "table": {"annex": "anexo", "summary": "resumen"},
          "measure": {"baseline": "línea base", "result": "resultado", "target": "meta"}}
#: Columns of tokens as printed ("66/P", "N/D"): text, aligned as the numbers they mostly are.
_TOKEN_COLUMNS = {"raw", "latest_raw", "result_2024", "anexo", "resumen", "Valor impreso"}
_TEXT_CSS = "text-align: left; white-space: normal; overflow-wrap: break-word; max-width: 22em; vertical-align: top;"
_NUMBER_CSS = "text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; vertical-align: top;"


def _is_number(series: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series)


def _is_bool(series: pd.Series) -> bool:
    return pd.api.types.is_bool_dtype(series)


def _cell(value: object, *, kind: str, token: object = None) -> str:
    """One value as a reader sees it."""
    if kind == "bool":
        return MISSING if pd.isna(value) else ("Sí" if bool(value) else "No")
    try:
        missing = bool(pd.isna(value))
    except (TypeError, ValueError):
        missing = False
    if missing:
        return str(token) if token is not None and not pd.isna(token) else MISSING
    if kind == "number":
        return number(value)
    return str(value)


def cells(
    frame: pd.DataFrame,
    *,
    drop: tuple[str, ...] = (),
    labels: Mapping[str, str] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The texts a reader table shows and the alignment of each cell.

    Parameters
    ----------
    frame : pandas.DataFrame
        Any pntlib table (English or Spanish column names).
    drop : tuple of str, default ()
        Columns to leave out (names of ``frame``).
    labels : mapping, optional
        Headings for columns (names of ``frame``) that :data:`pntlib.labels.COLUMN_LABELS`
        does not know or that the page names otherwise.

    Returns
    -------
    (pandas.DataFrame, pandas.DataFrame)
        Both with a RangeIndex and the Spanish headings as columns: the cell
        texts (str: numbers as :func:`pntlib.text.number` writes them, booleans
        Sí/No, a missing value as the report's own token when the row has one,
        else "—"), and each cell's kind (``"number"``, ``"bool"``, ``"token"``, a
        value as printed, or ``"text"``).
        A named index (or any index but a RangeIndex) becomes the first column.
    """
    full = frame  # for_readers writes texts from columns that may be dropped (a trajectory's target_year)
    if not isinstance(full.index, pd.RangeIndex) or full.index.name is not None:
        full = full.reset_index()
    else:
        full = full.reset_index(drop=True)
    for col, codes in _CODES.items():
        if col in full and set(full[col].dropna().astype(str)) <= set(codes):
            full = full.assign(**{col: full[col].astype("string").map(codes).astype("string")})
    data = full.drop(columns=[c for c in drop if c in full.columns])
    tokens = {c: data[t] for c, t in _TOKENS.items() if c in data and t in data}
    heading = {**COLUMN_LABELS, **dict(labels or {})}
    value_status = "status" in data and set(data["status"].dropna().astype(str)) <= set(VALUE_STATUS_LABELS)
    if value_status and "status" not in (labels or {}):
        heading["status"] = "Estado"  # of a value as printed, not a verdict
    shown = for_readers(full, drop=tuple(drop)).reset_index(drop=True)  # Spanish values, rounded numbers
    texts, kinds = {}, {}
    for original, col in zip(data.columns, shown.columns):
        series = shown[col]
        kind = "bool" if _is_bool(data[original]) else "number" if _is_number(series) else "text"
        if kind == "bool":
            series = data[original]  # Sí/No from the values, whatever for_readers wrote
        token = tokens.get(original)
        texts[col] = [_cell(v, kind=kind, token=None if token is None else token.iloc[k])
                      for k, v in enumerate(series)]
        kinds[col] = ["token" if original in _TOKEN_COLUMNS else kind] * len(series)
    names = [heading.get(str(o), str(c)) for o, c in zip(data.columns, shown.columns)]
    text_frame = pd.DataFrame(texts, columns=list(shown.columns))
    kind_frame = pd.DataFrame(kinds, columns=list(shown.columns))
    text_frame.columns = kind_frame.columns = names
    return text_frame, kind_frame


class ReaderTable(Styler):
    """What :func:`table` returns: a pandas Styler (HTML in a notebook) with a readable text form.

    In a terminal (plain Python or IPython) it prints the same cells as the
    notebook shows them, as aligned text without row numbers, instead of
    ``<pandas.io.formats.style.Styler at 0x...>``.
    """

    def __repr__(self) -> str:
        return self.data.to_string(index=False)

    __str__ = __repr__


def table(
    frame: pd.DataFrame,
    *,
    drop: tuple[str, ...] = (),
    labels: Mapping[str, str] | None = None,
    transpose: str | None = None,
):
    """A pntlib table as its readers see it (a pandas Styler the notebook shows).

    Parameters
    ----------
    frame : pandas.DataFrame
        Any pntlib table.
    drop, labels
        See :func:`cells`.
    transpose : str, optional
        Show one column per row of ``frame`` (for one to a few records): the
        heading of the first column, which then holds the field names. The
        other headings are the first column's heading and value ("Indicador
        3.2": ``frame``'s index when named).

    Returns
    -------
    ReaderTable
        A pandas Styler: no row-number column; text cells left-aligned and
        wrapped, numbers right-aligned; every text (values and headings)
        HTML-escaped. Printed in a terminal, the same cells as aligned text.
    """
    texts, kinds = cells(frame, drop=drop, labels=labels)
    if transpose is not None:
        head = texts.columns[0]
        texts = texts.set_index(head).T.rename_axis(transpose).reset_index()
        texts.columns = [transpose, *(f"{head} {value}" for value in texts.columns[1:])]
        kinds = kinds.set_index(kinds.columns[0]).T.reset_index()
        kinds.iloc[:, 0] = "text"
        kinds.columns = texts.columns
    uid = hashlib.sha1(texts.to_json().encode("utf-8")).hexdigest()[:10]  # stable output for identical tables
    styler = ReaderTable(texts).set_uuid(uid).hide(axis="index")
    styler = styler.format(escape="html").format_index(escape="html", axis=1)
    text_css = _TEXT_CSS.replace("22em", "18em") if transpose is not None else _TEXT_CSS  # side by side
    css = kinds.map(lambda k: _NUMBER_CSS if k in ("number", "token") else text_css)
    for col in texts.columns:  # long texts (names, details) keep a readable line length
        if (kinds[col] == "text").all() and texts[col].str.len().max() > 60:
            css[col] = css[col] + " min-width: 14em;"
    styler = styler.apply(lambda _: css, axis=None)
    heading_styles = [
        {"selector": "", "props": "table-layout: auto; border-collapse: collapse; margin: 0 0 1em 0;"},
        {"selector": "th", "props": "text-align: left; vertical-align: bottom; white-space: normal;"},
        {"selector": "td, th", "props": "padding: 0.3em 0.6em; border-bottom: 1px solid #e0e0e0;"},
    ]
    for j, col in enumerate(texts.columns):
        if len(kinds) and kinds[col].isin(["number", "token"]).all():
            heading_styles.append({"selector": f"th.col_heading.col{j}", "props": "text-align: right;"})
    return styler.set_table_styles(heading_styles)


def figure(fig, run, part: str | None = None, *, data: pd.DataFrame, alt: str) -> list[Path]:
    """Save a chart and the data behind it, show it with its alternative text, and close it.

    Writes ``<output_dir>/figures/<stem>.png`` (:func:`pntlib.plots.save_figure`)
    and ``<stem>.csv`` (UTF-8, header, no index; a missing value is an empty
    field, the report's tokens stay in their column), where ``stem`` is the run's
    name, followed by ``-<part>`` when given. The page shows the PNG with ``alt``
    and, under it, links to the CSV and the PNG (relative to the page, which
    ``pnt run`` writes beside ``figures/``).

    Parameters
    ----------
    fig : matplotlib.figure.Figure
    run : pntlib.notebook.Setup
        The notebook's set-up (its name and output folder).
    part : str, optional
        Suffix of the file names, for the second and later figures of a page.
    data : pandas.DataFrame
        The table the chart draws (:mod:`pntlib.chart_data`).
    alt : str
        The alternative text (:mod:`pntlib.chart_data`); report text in it is escaped.

    Returns
    -------
    list of Path
        The PNG written (for :func:`pntlib.notebook.write_summary`).
    """
    import matplotlib.pyplot as plt
    from IPython.display import HTML, display

    from .outputs import save_notebook_figure

    stem = run.name if part is None else f"{run.name}-{part}"
    png = save_notebook_figure(fig, run.output_dir, stem, formats=("png",))[0]
    csv = png.with_suffix(".csv")
    data.to_csv(csv, index=False, encoding="utf-8", lineterminator="\n")
    width = int(round(fig.get_figwidth() * 100))
    plt.close(fig)
    encoded = base64.b64encode(png.read_bytes()).decode("ascii")
    display(HTML(
        f'<figure class="pnt-figure" style="margin: 0 0 1.5em 0;">'
        f'<img src="data:image/png;base64,{encoded}" alt="{html.escape(alt, quote=True)}" '
        f'width="{width}" style="max-width: 100%; height: auto;">'
        f'<figcaption style="font-size: 0.9em;"><a href="figures/{html.escape(csv.name, quote=True)}">'
        f'{DATA_LINK_TEXT}</a> · <a href="figures/{html.escape(png.name, quote=True)}">imagen PNG</a>'
        f"</figcaption></figure>"
    ))
    return [png]


def text(value: object) -> None:
    """Show report text (a formula, its definitions) as preformatted text that wraps, escaped.

    ``None`` or a missing value shows "—".
    """
    from IPython.display import HTML, display

    shown = MISSING if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)
    display(HTML(f'<pre style="white-space: pre-wrap; word-break: normal; overflow-wrap: anywhere; margin: 0 0 1em 0;">'
                 f"{html.escape(shown)}</pre>"))


def heading(run) -> None:
    """Show the page's title (the one of the run index and the browser tab) as its H1, escaped.

    It names the page's subject: "Indicador 3.2: Porcentaje de Instituciones ...",
    "Objetivo prioritario 3" (:func:`pntlib.notebook.page_title`).
    """
    from IPython.display import HTML, display

    from .notebook import page_title

    display(HTML(f"<h1>{html.escape(page_title(run))}</h1>"))


def places(*, indicator: str | None = None, objective: int | None = None,
           report: str | Path | None = None) -> list[str]:
    """Where the report gives an indicator's or an objective's values, in Spanish, one text per place.

    For an indicator: its card in the annex and its row of the summary table of section 3;
    for an objective: its part of section 3 and of the annex. Each names the part and pages of
    the report's own *Índice* (:func:`pntlib.provenance.where`) and the lines of the text file:
    ``"Ficha del anexo: Anexo, Objetivo prioritario 3, pp. 46–51; línea 689 del texto"``.

    Raises
    ------
    ReportNotFoundError, ReportChecksumError, ReportFormatError
        The report cannot be read, or its Índice does not match its headings.
    """
    from .provenance import contents, where
    from .report.contents import locate
    from .tables import get_report

    parsed = get_report(report)
    if indicator is not None:
        shown = []
        for label, element in (("Ficha del anexo", "card"), ("Fila de la tabla de resumen", "summary_row")):
            line = parsed.line(indicator, element)
            if line is not None:
                shown.append(f"{label}: {where(line, report)}")
        return shown
    if objective is None:
        return []
    parts = contents(report)
    ids = parsed.cards.index[parsed.cards["objective"] == objective]
    found = []
    for label, element in (("Tabla de resumen", "summary_row"), ("Fichas del anexo", "card")):
        lines = sorted(n for n in (parsed.line(i, element) for i in ids) if n is not None)
        part = locate(parts, lines[0]) if lines else None
        if part is not None:
            span = (f"línea {lines[0]}" if len(lines) == 1
                    else "líneas " + ", ".join(map(str, lines[:-1])) + f" y {lines[-1]}")
            found.append(f"{label}: {part.name}, {part.pages} ({span} del texto)")
    return found


def provenance_html(report: str | Path | None = None, *, indicator: str | None = None,
                    objective: int | None = None, day=None) -> str:
    """The provenance note of a page, as HTML (report text escaped).

    Gives the suggested citation of the report (:func:`pntlib.provenance.suggested_citation_html`,
    with the processing date ``day``), where in the printed report the page's indicator or
    objective is (:func:`places`, with pages from the report's *Índice*), the file and its
    sha256, and links to the README documenting the raw data
    (:data:`pntlib.provenance.PUBLISHED_README`, which ``pnt run`` copies into
    its output folder) when the file is the published report.
    """
    from .provenance import PUBLISHED_README, source, suggested_citation_html

    src = source(report)
    esc = html.escape
    checked = (
        f'copia verificada del informe publicado (procedencia: <a href="{PUBLISHED_README}">{PUBLISHED_README}</a>)'
        if src.verified else "copia no verificada: su sha256 no es el del informe publicado"
    )
    where = places(indicator=indicator, objective=objective, report=report)
    where_html = (
        '<br><strong>En el informe:</strong> <span class="pnt-pages">'
        + " · ".join(esc(w) for w in where) + "</span>"
    ) if where else ""
    return (
        f'<aside class="{SOURCE_CLASS}" style="font-size: 0.85em; color: #444; border-left: 3px solid #bbb; '
        f'padding: 0.2em 0.8em; margin: 0.5em 0 1em 0;">'
        f'<strong>Cómo citar:</strong> <span class="pnt-citation">{suggested_citation_html(report, day=day)}</span>'
        f"{where_html}<br>"
        f"<strong>Fuente:</strong> archivo <code>{esc(src.file_name)}</code> (el sha256 de la cita); {checked}. "
        "Todos los valores de esta página se leen de ese archivo con pntlib."
        f"</aside>"
    )


def provenance(run) -> None:
    """Show the provenance note (:func:`provenance_html`) of the report a notebook reads."""
    from IPython.display import HTML, display

    from .provenance import processing_date

    display(HTML(provenance_html(run.report, indicator=run.indicator, objective=run.objective,
                                 day=processing_date())))
