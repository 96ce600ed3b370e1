"""An interactive explorer of the report: pick an indicator, a method and a year, see everything about it.

:func:`explorer` returns an :class:`Explorer`, an ipywidgets 8 container for
JupyterLab (``notebooks/explore.ipynb``) and Voilà (``make explore``). Its
controls choose the objective, the indicator, the progress method, the last
year of data judged (``as_of``) and the table judged (annex card or summary
table); everything under them follows every change:

* ``verdict`` — the indicator's id and name, its verdict with the selection
  (:func:`pntlib.progress`, labelled with :mod:`pntlib.labels`) and the box of
  the indicator's page (:func:`pntlib.evidence.indicator_box`), so it uses the
  pages' words;
* ``chart`` — :func:`pntlib.plots.plot_indicator` up to ``as_of``: an ipympl
  canvas in a Jupyter kernel where ipympl is installed (zoom, pan, the values
  under the pointer), else a PNG image;
* ``methods`` — the two methods side by side (:func:`methods_frame`);
* ``tables`` — the report's two tables with each value's source line
  (:func:`tables_frame`);
* ``findings`` — the audit's findings about the indicator
  (:func:`pntlib.briefing.audit_findings`).

Everything is built on pntlib's public functions; report text reaches HTML only
escaped (:func:`pntlib.text.markdown_literal`, :func:`pntlib.page.table`).
Outside a live front end (nbconvert's HTML, a terminal) an :class:`Explorer`
shows a static snapshot of its current view (:meth:`Explorer.snapshot_html`) or
a text summary (``repr``).
"""

from __future__ import annotations

import base64
import html
import io
import sys
import types
from pathlib import Path

import ipywidgets as widgets
import pandas as pd
from matplotlib.figure import Figure

from . import briefing, evidence, page
from .chart_data import indicator_alt, indicator_data
from .docstrings import shared
from .labels import EXPLORER_LABELS, METHOD_LABELS, STATUS_LABELS, TABLE_LABELS
from .progress import progress
from .tables import get_report, load_indicators, load_objectives, load_series
from .text import markdown_literal, quantity
from .validation import validate_as_of, validate_choice, validate_indicator

__all__ = ["Explorer", "explorer", "verdict_markdown", "methods_frame", "tables_frame", "markdown_html",
           "METHODS", "TABLES"]

#: The progress methods the explorer offers (:func:`pntlib.progress`'s ``method``), in order.
METHODS = ("linear", "opensdg")
#: The tables it can judge (:func:`pntlib.progress`'s ``table``), in order.
TABLES = ("annex", "summary")
#: Spanish tooltips of the chart's toolbar (ipympl), by matplotlib's tool method.
_TOOL_TIPS = {
    "home": "Vista original",
    "back": "Vista anterior",
    "forward": "Vista siguiente",
    "pan": "Desplazar (botón izquierdo) o cambiar la escala (botón derecho)",
    "zoom": "Acercar: trace un rectángulo",
    "save_figure": "Descargar la gráfica (PNG)",
}
#: Size of the chart, inches (as the indicator pages).
CHART_SIZE = (7.0, 4.6)


def markdown_html(source: str) -> str:
    """Markdown (CommonMark, raw HTML off) as HTML, with markdown-it-py.

    pntlib's Markdown carries report text only through
    :func:`pntlib.text.markdown_literal`; with raw HTML off, nothing in it can
    become markup.
    """
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": False}).render(source)


def _outcome_words(row: pd.Series) -> list[str]:
    """The verdict's words, as the pages write them: the outcome at the Meta's year
    (:func:`pntlib.evidence.outcome_text`) and the trajectory (:func:`pntlib.evidence.trajectory_text`)."""
    return [evidence.outcome_text(row), f"trayectoria: {evidence.trajectory_text(row)}"]


def _last_year(report) -> int:
    series = load_series(report=report)
    return int(series.loc[series["measure"] == "result", "year"].max())


@shared
def verdict_markdown(
    indicator: object,
    *,
    as_of: int | None = None,
    method: str = "linear",
    table: str = "annex",
    report: str | Path | None = None,
) -> str:
    """What the explorer's ``verdict`` says about one indicator, as Markdown.

    Parameters
    ----------
    indicator : str
        Indicator id ("4.2").
    as_of : int, optional
        Last year of data judged (a year of the report's results); default every year.
    method : {"linear", "opensdg"}, default "linear"
    table : {"annex", "summary"}, default "annex"
        See :func:`pntlib.progress`.
    {report}

    Returns
    -------
    str
        A level-3 heading "Indicador ID: Nombre" (the card's *Nombre*). With the
        default selection (every year, straight path, annex) then the box of the
        indicator's page (:func:`pntlib.evidence.indicator_box`); otherwise first
        the verdict with the selection (:func:`pntlib.progress` row, Spanish
        labels of :mod:`pntlib.labels`; the value judged and the Meta, the
        method's note when there is no verdict, the evidence sentence of
        :func:`pntlib.evidence.evidence_sentence`), then the page's box under
        a caption saying it judges every year with the straight path.

    Raises
    ------
    ParameterError
        An argument outside its choices (the message lists them).
    {report_errors}
    """
    ind = validate_indicator(indicator, get_report(report).indicator_ids)
    as_of = validate_as_of(as_of, get_report(report).result_years)
    method = validate_choice("method", method, METHODS)
    table = validate_choice("table", table, TABLES)
    name = load_indicators(report=report).loc[ind, "name"]
    head = f"### {EXPLORER_LABELS['indicator']} {markdown_literal(ind)}: {markdown_literal(name)}"
    box = evidence.indicator_box(ind, report=report)
    everything = as_of is None or as_of == _last_year(report)
    if everything and method == "linear" and table == "annex":
        return f"{head}\n\n{box}\n"
    row = progress(as_of=as_of, method=method, table=table, report=report).loc[ind]
    year = _last_year(report) if as_of is None else as_of
    selection = f"{METHOD_LABELS[method]}, datos hasta {year}, {TABLE_LABELS[table]}"
    first = f"**{EXPLORER_LABELS['selection']} ({markdown_literal(selection)}): " \
            f"{markdown_literal(' · '.join(_outcome_words(row)))}**"
    if not pd.isna(row["latest_value"]):
        target = (f"una Meta {int(row['target_year'])} de {quantity(row['target_value'], unit=row['unit'])}"
                  if not pd.isna(row["target_value"]) else f"una Meta {int(row['target_year'])} sin valor")
        latest = quantity(row["latest_value"], unit=row["unit"])
        first += " " + markdown_literal(f"— {latest} en {int(row['latest_year'])}, frente a {target}.")
    lines = [first]
    if str(row["status"]) == "no_data":
        lines.append(markdown_literal(str(row["method_note"])))
    sentence = evidence.evidence_sentence(row)
    if sentence:
        lines.append(("**Evidencia débil.** " if evidence.is_weak(row["evidence"]) else "**Evidencia.** ")
                     + markdown_literal(sentence))
    caption = EXPLORER_LABELS["page_box"].format(method=METHOD_LABELS["linear"], table=TABLE_LABELS["annex"])
    return "\n\n".join([head, "\n".join(f"{line}  " for line in lines), f"*{markdown_literal(caption)}:*", box]) + "\n"


def methods_frame(
    indicator: object,
    *,
    as_of: int | None = None,
    table: str = "annex",
    report: str | Path | None = None,
) -> pd.DataFrame:
    """The two progress methods side by side for one indicator.

    Returns
    -------
    pandas.DataFrame
        RangeIndex, one row per method of :data:`METHODS`; columns ``method``
        (string code), then the columns of :func:`pntlib.progress` that judge:
        ``status`` (category: the trajectory; the outcome at the Meta's year does
        not depend on the method and is in :attr:`Explorer.verdict`),
        ``latest_value`` (Float64, units of the indicator), ``latest_year``
        (Int64), ``target_value`` (Float64), ``pace_ratio`` (Float64, missing
        where the method has no pace), ``method_note`` (string).

    Raises
    ------
    ParameterError
        An argument outside its choices.
    """
    ind = validate_indicator(indicator, get_report(report).indicator_ids)
    rows = [progress(as_of=as_of, method=m, table=table, report=report).loc[[ind]].assign(method=m) for m in METHODS]
    frame = pd.concat(rows).reset_index(drop=True)
    frame["method"] = frame["method"].astype("string")
    return frame[["method", "status", "latest_value", "latest_year", "target_value", "pace_ratio", "method_note"]]


def tables_frame(indicator: object, *, report: str | Path | None = None) -> pd.DataFrame:
    """The indicator's two tables of the report side by side, with the line each value is printed on.

    Returns
    -------
    pandas.DataFrame
        :func:`pntlib.briefing.indicator_tables` (index ``concepto``; columns
        ``anexo``, ``resumen``, ``estado_anexo``, ``estado_resumen``,
        ``coinciden``) with ``annex_line`` and ``summary_line`` (string: the
        report line of the annex card's and of the summary table's value, the
        ``source_line`` of :func:`pntlib.load_series`; missing where the table
        has no such value) after the value columns.

    Raises
    ------
    ParameterError
        ``indicator`` is not one of the report's indicator ids.
    """
    ind = validate_indicator(indicator, get_report(report).indicator_ids)
    frame = briefing.indicator_tables(ind, report=report)
    series = load_series(report=report)
    own = series[series["indicator_id"] == ind]
    # indicator_tables has one row per (measure, year), sorted by measure then year: so does this
    # pivot, row for row (the two are built from the same rows of the series)
    lines = own.pivot_table(index=["measure", "year"], columns="table", values="source_line", aggfunc="first",
                            observed=True, sort=True)
    for code, column in (("annex", "annex_line"), ("summary", "summary_line")):
        values = lines[code] if code in lines else pd.Series(pd.NA, index=lines.index)
        texts = [None if pd.isna(v) else str(int(v)) for _, v in zip(frame.index, values, strict=True)]
        frame[column] = pd.array(texts, dtype="string")
    return frame[["anexo", "annex_line", "resumen", "summary_line", "estado_anexo", "estado_resumen", "coinciden"]]


def _in_kernel() -> bool:
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None


def _ipympl_available() -> bool:
    try:
        import ipympl  # noqa: F401
    except ImportError:
        return False
    return True


def _png(fig: Figure) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=100)
    return buffer.getvalue()


class Explorer(widgets.VBox):
    """The explorer: its controls, and what they show (see :mod:`pntlib.explorer`).

    Attributes
    ----------
    objective : ipywidgets.Dropdown
        The report's objectives (values ``int``).
    indicator : ipywidgets.Dropdown
        The indicators of the chosen objective (values ``str``, "4.2").
    method : ipywidgets.ToggleButtons
        ``"linear"`` (straight path) or ``"opensdg"``.
    as_of : ipywidgets.IntSlider
        The last year of data judged, over the report's result years.
    table : ipywidgets.ToggleButtons
        ``"annex"`` (annex card) or ``"summary"`` (summary table).
    verdict, methods, tables, findings : ipywidgets.HTML
        :func:`verdict_markdown` rendered; :func:`methods_frame`,
        :func:`tables_frame` and :func:`pntlib.briefing.audit_findings` as
        :func:`pntlib.page.table` shows them.
    chart : ipympl Canvas or ipywidgets.Image
        The indicator's chart; ``figure`` is its matplotlib figure.
    report : str, Path or None
        The report read.
    """

    def __init__(self, report: str | Path | None = None, *, indicator: object | None = None,
                 interactive_chart: bool | None = None):
        super().__init__(layout=widgets.Layout(max_width="1100px"))
        self.report = report
        indicators = load_indicators(report=report)
        objectives = load_objectives(report=report)
        series = load_series(report=report)
        self._names = indicators["name"].astype(str)
        self._by_objective = {int(o): list(ids) for o, ids in indicators.groupby("objective", observed=True).groups.items()}
        years = sorted(int(y) for y in series.loc[series["measure"] == "result", "year"].dropna().unique())
        first = validate_indicator(indicator, get_report(report).indicator_ids) if indicator is not None else str(indicators.index[0])
        objective = int(indicators.loc[first, "objective"])
        style = {"description_width": "8em"}
        buttons = {"description_width": "8em", "button_width": "auto"}
        wide = widgets.Layout(width="95%")
        self.objective = widgets.Dropdown(
            options=[(f"{int(o)}. {_shorten(t, 90)}", int(o)) for o, t in zip(objectives["objective"], objectives["title"])],
            value=objective, description=EXPLORER_LABELS["objective"], style=style, layout=wide)
        self.indicator = widgets.Dropdown(options=self._indicator_options(objective), value=first,
                                          description=EXPLORER_LABELS["indicator"], style=style, layout=wide)
        self.method = widgets.ToggleButtons(options=[(METHOD_LABELS[m], m) for m in METHODS], value="linear",
                                            description=EXPLORER_LABELS["method"], style=buttons)
        self.as_of = widgets.IntSlider(min=years[0], max=years[-1], value=years[-1], step=1, continuous_update=False,
                                       description=EXPLORER_LABELS["as_of"], style=style)
        self.table = widgets.ToggleButtons(options=[(EXPLORER_LABELS[t], t) for t in TABLES], value="annex",
                                           description=EXPLORER_LABELS["table"], style=buttons)
        self.verdict = widgets.HTML()
        self.methods = widgets.HTML()
        self.tables = widgets.HTML()
        self.findings = widgets.HTML()
        if interactive_chart is None:
            interactive_chart = _in_kernel() and _ipympl_available()
        self.interactive_chart = bool(interactive_chart)
        self.figure = Figure(figsize=CHART_SIZE, layout="constrained")
        if self.interactive_chart:
            from ipympl.backend_nbagg import Canvas, FigureManager

            canvas = Canvas(self.figure)
            FigureManager(canvas, 0)  # its toolbar: zoom, pan, home
            canvas.header_visible = False
            canvas.toolbar_position = "top"
            canvas.toolbar_visible = True
            canvas.toolbar.toolitems = [(text, _TOOL_TIPS.get(method, tip), icon, method)
                                        for text, tip, icon, method in canvas.toolbar.toolitems]
            self.chart = canvas
        else:
            self.chart = widgets.Image(format="png", layout=widgets.Layout(max_width="100%"))
        self._holding = False
        self._per_indicator: dict[str, tuple[str, str]] = {}
        self.objective.observe(self._objective_changed, names="value")
        for control in (self.indicator, self.method, self.as_of, self.table):
            control.observe(self._changed, names="value")
        self.children = [
            self.objective, self.indicator, widgets.HBox([self.method, self.table]), self.as_of,
            self.verdict, self.chart,
            _caption(EXPLORER_LABELS["methods"]), self.methods,
            _caption(EXPLORER_LABELS["tables"]), self.tables,
            _caption(EXPLORER_LABELS["findings"]), self.findings,
        ]
        self.refresh()

    # ------------------------------------------------------------------ controls

    def _indicator_options(self, objective: int) -> list[tuple[str, str]]:
        return [(f"{i} · {_shorten(self._names[i], 100)}", i) for i in self._by_objective[objective]]

    def _objective_changed(self, change) -> None:
        self._holding = True
        try:
            self.indicator.options = self._indicator_options(int(change["new"]))
            self.indicator.value = self._by_objective[int(change["new"])][0]
        finally:
            self._holding = False
        self.refresh()

    def _changed(self, change) -> None:
        if not self._holding:
            self.refresh()

    @property
    def selection(self) -> dict[str, object]:
        """The current choices: ``indicator``, ``method``, ``as_of``, ``table`` (keyword arguments of pntlib's functions)."""
        return {"indicator": self.indicator.value, "method": self.method.value, "as_of": int(self.as_of.value),
                "table": self.table.value}

    # ------------------------------------------------------------------ views

    def refresh(self) -> None:
        """Recompute every view for the current selection."""
        ind, method, as_of, table = (self.selection[k] for k in ("indicator", "method", "as_of", "table"))
        verdict = markdown_html(verdict_markdown(ind, as_of=as_of, method=method, table=table, report=self.report))
        self.verdict.value = (f'<div class="pnt-verdict" data-indicator="{html.escape(ind, quote=True)}" '
                              f'data-method="{method}" style="line-height: 1.45; white-space: normal;">{verdict}</div>')
        self.methods.value = _block(_table_html(methods_frame(ind, as_of=as_of, table=table, report=self.report),
                                                labels={"method": EXPLORER_LABELS["method"]}))
        if ind not in self._per_indicator:  # the tables and the findings depend on the indicator alone
            findings = briefing.audit_findings(indicator=ind, report=self.report)
            self._per_indicator[ind] = (
                _block(_table_html(tables_frame(ind, report=self.report))),
                _block(markdown_html(briefing.audit_sentence(findings)) + (_table_html(findings) if len(findings) else "")),
            )
        self.tables.value, self.findings.value = self._per_indicator[ind]
        self._draw(ind, as_of)

    def _draw(self, ind: str, as_of: int) -> None:
        from .plots import plot_indicator

        self.figure.clear()
        plot_indicator(ind, ax=self.figure.add_subplot(), as_of=as_of, report=self.report)
        if self.interactive_chart:
            self.figure.canvas.draw_idle()
        else:
            self.chart.value = _png(self.figure)

    def snapshot_html(self) -> str:
        """The current view as static HTML: verdict, chart (PNG with its alternative text), methods, tables, findings.

        What nbconvert's HTML (``pnt run``'s pages) shows of an explorer, with a
        sentence saying it is interactive in JupyterLab or with ``make explore``.
        No script.
        """
        ind = self.indicator.value
        alt = indicator_alt(indicator_data(ind, report=self.report), ind)
        image = base64.b64encode(_png(self.figure)).decode("ascii")
        width = int(round(CHART_SIZE[0] * 100))
        return "".join([
            f'<div class="pnt-explorer-snapshot"><p><em>{html.escape(EXPLORER_LABELS["interactive"])}</em></p>',
            self.verdict.value,
            f'<figure style="margin: 0 0 1.5em 0;"><img src="data:image/png;base64,{image}" '
            f'alt="{html.escape(alt, quote=True)}" width="{width}" style="max-width: 100%; height: auto;"></figure>',
            f"<h4>{html.escape(EXPLORER_LABELS['methods'])}</h4>", self.methods.value,
            f"<h4>{html.escape(EXPLORER_LABELS['tables'])}</h4>", self.tables.value,
            f"<h4>{html.escape(EXPLORER_LABELS['findings'])}</h4>", self.findings.value,
            "</div>",
        ])

    def _repr_mimebundle_(self, **kwargs):
        # the widget where a front end renders widgets; the static snapshot where it cannot (nbconvert's HTML
        # skips the widget view when the notebook holds no widget state); a text summary in a terminal
        bundle = super()._repr_mimebundle_(**kwargs) or {}
        bundle["text/html"] = self.snapshot_html()
        bundle["text/plain"] = repr(self)
        return bundle

    def __repr__(self) -> str:
        sel = self.selection
        row = progress(as_of=sel["as_of"], method=sel["method"], table=sel["table"], report=self.report).loc[sel["indicator"]]
        return (f"pntlib explorer: indicator {sel['indicator']} ({self._names[sel['indicator']]}), "
                f"method {sel['method']}, as_of {sel['as_of']}, table {sel['table']}\n"
                f"verdict: {' · '.join(_outcome_words(row))}")


def _shorten(text: object, width: int) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def _caption(text: str) -> widgets.HTML:
    return widgets.HTML(f"<h4 style='margin: 1em 0 0.3em 0;'>{html.escape(text)}</h4>")


def _block(content: str) -> str:
    """HTML for an ipywidgets HTML widget: normal line height (the widget's is one control's height)."""
    return f'<div style="line-height: 1.45; white-space: normal;">{content}</div>'


def _table_html(frame: pd.DataFrame, **kwargs) -> str:
    return page.table(frame, **kwargs).to_html()


@shared
def explorer(report: str | Path | None = None, *, indicator: object | None = None) -> Explorer:
    """An interactive explorer of the report (ipywidgets), for JupyterLab and Voilà.

    Parameters
    ----------
    {report}
    indicator : str, optional
        The indicator shown first ("4.2"); default the report's first.

    Returns
    -------
    Explorer
        See :class:`Explorer` for its controls and views.

    Raises
    ------
    ParameterError
        ``indicator`` is not one of the report's ids.
    {report_errors}
    """
    return Explorer(report, indicator=indicator)


class _CallableModule(types.ModuleType):
    """This module, callable: ``pntlib.explorer(...)`` works even once ``pntlib.explorer`` names the module
    (importing ``pntlib.explorer`` binds the module to that attribute of the package)."""

    def __call__(self, report: str | Path | None = None, *, indicator: object | None = None) -> Explorer:
        return explorer(report, indicator=indicator)


sys.modules[__name__].__class__ = _CallableModule
