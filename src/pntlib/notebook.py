"""What every notebook does first and last: validate its parameters, and leave its summary.

Each notebook's cell after ``parameters`` is one call to :func:`setup`, which
validates the parameters through :mod:`pntlib.validation` and returns them with
the paths the notebook writes to; its last cell is one call to
:func:`write_summary`, whose key figures (shown in the run index) come from
:func:`key_figures`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from . import config, outputs
from .docstrings import shared
from .evidence import is_solid, is_weak, outcome_text, percent_text, trajectory_text
from .labels import EVIDENCE_LABELS, SEVERITY_LABELS, STATUS_LABELS, VALUE_STATUS_LABELS
from .tables import get_report
from .validation import validate_indicator, validate_objective, validate_output_dir, validate_report

__all__ = ["Setup", "setup", "key_figures", "page_title", "write_summary", "TITLES"]

#: Title of each notebook's page in the run index (Spanish); :func:`page_title` fills in the
#: fields, every count from the report (``n_indicators``: its annex cards).
TITLES = {
    "overview": "Panorama de los {n_indicators} indicadores",
    "objective": "Objetivo prioritario {objective}",
    "indicator": "Indicador {indicator}: {name}",
    "data_quality": "Calidad de los datos: el informe contrastado consigo mismo",
    "explore": "Explorar los datos",
}


@dataclass(frozen=True)
class Setup:
    """A notebook's validated parameters and the paths it writes to.

    Attributes
    ----------
    notebook : str
        Notebook stem ("indicator").
    name : str
        Run name: the stem of every file the run writes (:func:`pntlib.outputs.run_name`).
    report : Path or None
        The report given, validated; ``None`` for the verified copy in ``data/raw/``.
        Pass it as ``report=`` to every pntlib call.
    report_path : Path
        The file read (``report`` or the default copy).
    output_dir, figures_dir : Path
        Where the summary and the figures go (created).
    objective : int or None; indicator : str or None
        The validated objective or indicator, for the notebooks that take one.
    given : dict
        The parameters as given, recorded in the run's summary.
    """

    notebook: str
    name: str
    report: Path | None
    report_path: Path
    output_dir: Path
    figures_dir: Path
    objective: int | None = None
    indicator: str | None = None
    given: dict = field(default_factory=dict)


@shared
def setup(
    notebook: str,
    *,
    report: object = "",
    output_dir: object = "",
    run_name: object = "",
    objective: object | None = None,
    indicator: object | None = None,
) -> Setup:
    """Validate a notebook's parameters and prepare its output folder.

    Also sets pandas' display options so that the tables a notebook shows are never
    typeset as math (``$`` in report text stays a dollar sign in JupyterLab).

    Parameters
    ----------
    notebook : str
        Notebook stem: one of :data:`TITLES` ("overview", "objective", ...).
    report : str or Path, default ""
        Report file; ``""`` for the verified copy in ``data/raw/``.
    output_dir : str or Path, default ""
        See :func:`pntlib.validation.validate_output_dir`.
    run_name : str, default ""
        The name ``pnt run`` gives the run; ``""`` derives it from the parameters.
    objective : int or str, optional
        For the objective notebook (``3`` or ``"3"``).
    indicator : str or float, optional
        For the indicator notebook (``"3.2"``, or the float papermill makes of ``-p indicator 3.2``).

    Returns
    -------
    Setup

    Raises
    ------
    ParameterError
        A parameter outside its choices (the message lists them).
    {report_errors}
    """
    checked = validate_report(report)
    parsed = get_report(checked)  # read here: a damaged report fails in the notebook's first cell
    # report text in a table is data: never typeset as math where MathJax runs (JupyterLab)
    pd.set_option("display.html.use_mathjax", False)
    pd.set_option("styler.html.mathjax", False)
    ids: dict[str, object] = {}
    if objective is not None:
        ids["objective"] = validate_objective(objective, parsed.objective_numbers)
    if indicator is not None:
        ids["indicator"] = validate_indicator(indicator, parsed.indicator_ids)
    out = validate_output_dir(output_dir)
    name = outputs.run_name(notebook, ids, run_name=run_name)
    return Setup(
        notebook=notebook,
        name=name,
        report=checked,
        report_path=checked or config.DEFAULT_REPORT,
        output_dir=out,
        figures_dir=out / "figures",
        objective=ids.get("objective"),  # type: ignore[arg-type]
        indicator=ids.get("indicator"),  # type: ignore[arg-type]
        given={**ids, "report": report},
    )


def key_figures(run: Setup) -> list[dict]:
    """The key figures the run index shows for a notebook's page.

    Returns
    -------
    list of dict
        ``{"label", "value"[, "unit", "raw"]}`` items (see
        :func:`pntlib.outputs.write_summary`), every count from the data:
        for the overview, outcomes first (indicators that reached their Meta
        according to the report, how many of them with solid evidence
        (:data:`pntlib.evidence.SOLID_EVIDENCE`), those that did not, those
        without a value for the target year), then the indicators per
        trajectory verdict, the targets met that the cards' variables do not
        support (weak evidence) and the indicators where the two methods
        differ; for an objective, each indicator's outcome and trajectory
        (:func:`pntlib.evidence.outcome_text`, :func:`pntlib.evidence.trajectory_text`,
        marked when its evidence is weak); for an indicator, its latest
        reported value (missing, labelled "Último dato"
        without a year, when every result is NA/ND), the Meta 2024, the outcome with the measure of
        achievement (value / Meta), the trajectory and its evidence;
        for the data-quality page, the findings per severity; for the
        exploration notebook, the number of indicators and of values.
    """
    from .audit import audit
    from .briefing import status_table

    parsed = get_report(run.report)
    if run.notebook == "overview":
        table = status_table(report=run.report)
        outcome = table["outcome"].astype("string")
        met = table[outcome == "achieved"]
        solid = int((met["evidence"].map(is_solid) & (met["latest_year"] == met["target_year"])).sum())
        weak = int(met["evidence"].map(is_weak).sum())
        counts = table["status"].value_counts()
        years = sorted({int(y) for y in table["target_year"].dropna()})
        meta, when = (f"Meta {years[0]}", f"de {years[0]}") if len(years) == 1 else ("Meta", "del año de su Meta")
        return [
            {"label": f"Alcanzaron su {meta} según el informe (de {len(table)})", "value": len(met)},
            {"label": "… de ellos con evidencia sólida (las variables de la ficha reproducen el valor)",
             "value": solid},
            {"label": f"No alcanzaron su {meta}", "value": int((outcome == "not_achieved").sum())},
            {"label": f"Sin dato {when}", "value": int((outcome == "no_data").sum())},
        ] + [{"label": f"Trayectoria: {label}", "value": int(counts.get(key, 0))}
             for key, label in STATUS_LABELS.items()] + [
            {"label": "Metas alcanzadas que las variables de la ficha no respaldan", "value": weak},
            {"label": "Indicadores en que los dos métodos difieren", "value": len(_disagreements(run))},
        ]
    if run.notebook == "objective":
        table = status_table(report=run.report)
        table = table[table["objective"] == run.objective]
        return [{"label": f"Indicador {i}",
                 "value": outcome_text(row) + (" (evidencia débil)" if is_weak(row["evidence"]) else "")
                 + f" · trayectoria: {trajectory_text(row)}"}
                for i, row in table.iterrows()]
    if run.notebook == "indicator":
        row = status_table(report=run.report).loc[run.indicator]
        if pd.isna(row["latest_year"]):  # every result NA/ND: no latest value, shown as missing ("sin dato")
            latest = {"label": "Último dato", "value": None, "unit": row["unit"]}
        else:
            note = row["latest_status"] if row["latest_status"] != VALUE_STATUS_LABELS["normal"] else None
            latest = {"label": f"Último dato ({row['latest_year']})", "value": row["latest_value"],
                      "raw": row["latest_raw"], "unit": row["unit"], "note": note}
        judged = get_report(run.report)
        from .progress import progress_table

        measure = progress_table(judged).set_index("indicator_id").loc[run.indicator, "achievement_pct"]
        achieved = outcome_text(row)
        if str(row["outcome"]) != "no_data":
            achieved += f"; logro: {percent_text(measure, 'achievement_pct')}"
        return [
            latest,
            {"label": "Meta 2024", "value": row["target_value"], "unit": row["unit"]},
            {"label": "Resultado en el año de la Meta", "value": achieved},
            {"label": "Trayectoria", "value": trajectory_text(row)},
            {"label": "Evidencia", "value": None if pd.isna(row["evidence"]) else EVIDENCE_LABELS[row["evidence"]]},
        ]
    if run.notebook == "data_quality":
        findings = audit(report=run.report)
        counts = findings["severity"].value_counts()
        return [{"label": "Hallazgos", "value": len(findings)}] + [
            {"label": label.capitalize(), "value": int(counts.get(key, 0))} for key, label in SEVERITY_LABELS.items()
        ]
    return [{"label": "Indicadores", "value": len(parsed.indicators)},
            {"label": "Valores en la serie", "value": len(parsed.series)}]


def _disagreements(run: Setup) -> pd.DataFrame:
    from .evidence import method_disagreements
    from .progress import compare_methods, progress

    return method_disagreements(compare_methods(report=run.report), progress(report=run.report))


def page_title(run: Setup) -> str:
    """The title of a notebook's page (:data:`TITLES`, with the indicator's card *Nombre* and the
    number of indicators the report has: its annex cards)."""
    parsed = get_report(run.report)
    name = None
    if run.indicator is not None:
        name = parsed.cards.loc[run.indicator, "name"]
    return TITLES[run.notebook].format(objective=run.objective, indicator=run.indicator, name=name,
                                       n_indicators=len(parsed.cards))


def write_summary(run: Setup, figures: list[Path]) -> Path:
    """Write the run's summary (:func:`pntlib.outputs.write_summary`): title, figures, key figures,
    the report it read (``source``: :class:`pntlib.provenance.Source` with its ``citation``), for the
    overview the ``headline`` the run index opens with (:func:`pntlib.evidence.progress_headline`) and,
    for an objective's or an indicator's page, the ``objective`` and its ``objective_title``
    (the run index groups the pages by them).

    Parameters
    ----------
    run : Setup
        What :func:`setup` returned.
    figures : list of Path
        The figures the notebook saved, the main chart first.

    Returns
    -------
    Path
        ``<output_dir>/<name>.summary.json``.
    """
    from dataclasses import asdict

    from .provenance import source

    parsed = get_report(run.report)
    objective = run.objective
    if run.indicator is not None:
        objective = int(parsed.cards.loc[run.indicator, "objective"])
    title = page_title(run)
    src = source(run.report)
    about: dict[str, object] = {"source": {**asdict(src), "citation": src.citation}}
    if run.notebook == "overview":  # the run index opens with it
        from .evidence import progress_headline
        from .progress import progress

        about["headline"] = progress_headline(progress(report=run.report))
    if objective is not None:
        titles = parsed.objectives.set_index("objective")["title"]
        about.update(objective=objective, objective_title=str(titles[objective]))
    return outputs.write_summary(
        run.output_dir, run.name, title=title, figures=figures, parameters=run.given, key_figures=key_figures(run),
        about=about,
    )
