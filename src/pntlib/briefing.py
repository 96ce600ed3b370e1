"""What the notebooks tell: tables and sentences composed from the report's data.

The notebooks of ``notebooks/`` only call these functions and show what they
return. Everything here is built from :mod:`pntlib.tables` and
:mod:`pntlib.progress`; text taken from the report goes into Markdown only through
:func:`escape` (:func:`pntlib.text.markdown_literal`), so that markup in the report
(HTML, Markdown links and images, ``$`` math) shows as text.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .docstrings import shared
from .labels import (
    CARD_FIELD_LABELS,
    CHECK_LABELS,
    COLUMN_LABELS,
    EVIDENCE_LABELS,
    KIND_LABELS,
    OUTCOME_LABELS,
    PERCENT_LABELS,
    SEVERITY_LABELS,
    STATUS_LABELS,
    VALUE_STATUS_LABELS,
)
from .evidence import evidence_sentence, is_solid, is_weak, outcome_text, percent_text, trajectory_text
from .rules import latest_reported, stagnant_since
from .tables import get_report
from .text import PERCENT_DECIMALS, markdown_literal, quantity
from .text import number as _num
from .validation import validate_indicator, validate_objective

__all__ = [
    "status_table",
    "objective_markdown",
    "findings_from_frames",
    "objective_findings",
    "objective_narrative",
    "indicator_card",
    "indicator_tables",
    "indicator_method",
    "audit_findings",
    "audit_sentence",
    "for_readers",
    "escape",
    "with_places",
    "PLACE_COLUMNS",
]

#: Line columns of pntlib's tables -> the Spanish heading of the place :func:`with_places` gives instead.
PLACE_COLUMNS = {"annex_line": "Ficha del anexo (en el informe)", "summary_line": "Tabla de resumen (en el informe)",
                 "source_line": "En el informe"}


#: Report text for Markdown, shown literally (:func:`pntlib.text.markdown_literal`):
#: the notebooks call it on every text of the report they put into Markdown.
escape = markdown_literal
_esc = escape


@shared
def status_table(*, report: str | Path | None = None) -> pd.DataFrame:
    """The 15 indicators: latest reported result, its year and status, and the Meta 2024.

    Parameters
    ----------
    {report}

    Returns
    -------
    pandas.DataFrame
        Index ``indicator_id`` (string, report order). Columns:

        - ``objective`` : Int64; ``kind`` : ordered category;
        - ``name`` : string — card field *Nombre*;
        - ``unit`` : string — *Unidad de medida*;
        - ``latest_year`` : Int64, ``latest_raw`` : string (the token as
          printed, e.g. "66/P"), ``latest_value`` : Float64,
          ``latest_status`` : string — the latest annex result that holds a
          number (NA/ND years are skipped), missing when none does;
        - ``result_2024`` : string — the token printed for the target year
          (shows NA/ND where 2024 is missing);
        - ``target_value`` : Float64, ``target_year`` : Int64 — Meta 2024;
        - ``outcome`` : ordered category {achieved, not_achieved, no_data},
          ``outcome_preliminary`` : boolean — the outcome at the target year
          (as in :func:`pntlib.progress.progress`);
        - ``status`` : ordered category — trajectory verdict of
          :func:`pntlib.progress.progress`; ``stagnant_since`` : Int64;
        - ``evidence`` : ordered category, ``computed_value`` : Float64 — the
          evidence of that verdict and what the card's variables give (as in
          :func:`pntlib.progress.progress`).

        Source: annex cards (section 4), *SERIE HISTÓRICA*.

    Raises
    ------
    {report_errors}
    """
    from .progress import progress_table

    parsed = get_report(report)
    indicators = parsed.cards
    annex = parsed.rows("annex", "result")
    judged = progress_table(parsed).set_index("indicator_id")
    rows = []
    for ind, card in indicators.iterrows():
        own = annex[annex["indicator_id"] == ind].sort_values("year")
        last = latest_reported(own)
        at_target = own[own["year"] == card["target_year"]]
        rows.append({
            "indicator_id": ind,
            "objective": card["objective"],
            "kind": card["kind"],
            "name": card["name"],
            "unit": card["unit"],
            "latest_year": None if last is None else last["year"],
            "latest_raw": None if last is None else last["raw"],
            "latest_value": None if last is None else last["value"],
            "latest_status": None if last is None else VALUE_STATUS_LABELS[str(last["status"])],
            "result_2024": at_target["raw"].iloc[0] if len(at_target) else None,
            "target_value": card["target_value"],
            "target_year": card["target_year"],
        })
    frame = pd.DataFrame(rows).set_index("indicator_id")
    frame.index = frame.index.astype("string")
    for col in ("name", "unit", "latest_raw", "latest_status", "result_2024"):
        frame[col] = frame[col].astype("string")
    for col in ("objective", "latest_year", "target_year"):
        frame[col] = pd.array(frame[col].tolist(), dtype="Int64")
    for col in ("latest_value", "target_value"):
        frame[col] = pd.array(frame[col].tolist(), dtype="Float64")
    frame["kind"] = indicators["kind"]
    frame["outcome"] = judged["outcome"]
    frame["outcome_preliminary"] = judged["outcome_preliminary"]
    frame["status"] = judged["status"]
    frame["stagnant_since"] = judged["stagnant_since"]
    frame["evidence"] = judged["evidence"]
    frame["computed_value"] = judged["computed_value"]
    return frame


@shared
def objective_markdown(objective: object, *, report: str | Path | None = None) -> str:
    """The objective's title and its strategies, as Markdown (report text escaped).

    Parameters
    ----------
    objective : int or str
        Objective number (1-5); see :func:`pntlib.validation.validate_objective`.
    {report}

    Returns
    -------
    str
        The title in bold (the page's H1, :func:`pntlib.page.heading`, names the
        objective), then one bullet per *Estrategia prioritaria* (section 3 headings).

    Raises
    ------
    ParameterError
        ``objective`` is not one of the report's objectives.
    {report_errors}
    """
    parsed = get_report(report)
    number = validate_objective(objective, parsed.objective_numbers)
    objectives = parsed.objectives
    title = objectives.loc[objectives["objective"] == number, "title"].iloc[0]
    strategies = parsed.strategies[parsed.strategies["objective"] == number]
    lines = [f"**{_esc(title)}**", "", "Estrategias prioritarias:", ""]
    lines += [f"- **{_esc(s.strategy_id)}** {_esc(s.title)}" for s in strategies.itertuples()]
    return "\n".join(lines)


def findings_from_frames(progress_table: pd.DataFrame, series: pd.DataFrame) -> pd.DataFrame:
    """Findings for the narrative, from a progress table and the annex series.

    Rules (each indicator may have several findings, in this order):

    - ``met_target`` — ``outcome`` is ``achieved``: the value reported for the
      target year reaches the Meta (without an ``outcome`` column: ``status``
      is ``achieved``);
    - ``missed_target`` — ``outcome`` is ``not_achieved``;
    - ``missing_target_year`` — the result printed for the target year is not
      a number (NA/ND);
    - ``provisional`` — the result for the target year is provisional (p/);
    - ``stagnated`` — the target is not achieved and the latest reported
      value equals the one reported before it (the sentence gives the year
      since which it is unchanged);
    - ``progressing`` — none of the above: the trajectory
      (:func:`pntlib.evidence.trajectory_text`);
    - ``weak_evidence`` — (when ``progress_table`` has an ``evidence``
      column) the card's own variables do not support the value judged
      (:data:`pntlib.evidence.WEAK_EVIDENCE`); the sentence says what they give.

    Parameters
    ----------
    progress_table : pandas.DataFrame
        As returned by :func:`pntlib.progress.progress` (columns
        ``indicator_id``, ``status``, ``latest_value``, ``latest_year``,
        ``target_value``, ``target_year``, ``unit``, ``distance_covered_pct``;
        ``outcome``, ``achievement_pct``, ``evidence`` when present).
    series : pandas.DataFrame
        As returned by :func:`pntlib.tables.load_series` (annex results used).

    Returns
    -------
    pandas.DataFrame
        RangeIndex; ``indicator_id`` (string), ``finding`` (string, one of the
        rule names above), ``sentence`` (string, Spanish, plain text).
    """
    annex = series[(series["table"] == "annex") & (series["measure"] == "result")]
    rows = []
    for record in progress_table.to_dict("records"):
        row = pd.Series(record)
        ind = row["indicator_id"]
        own = annex[annex["indicator_id"] == ind].sort_values("year")
        unit = row["unit"] if isinstance(row["unit"], str) else ""
        target_year = row["target_year"]
        outcome = str(row["outcome"]) if "outcome" in row else ("achieved" if row["status"] == "achieved" else None)
        at_target = own[own["year"] == target_year]
        share = ""
        if "achievement_pct" in row and not pd.isna(row["achievement_pct"]):
            share = f"; logro: {percent_text(row['achievement_pct'], 'achievement_pct')}"
        found = []
        if outcome in ("achieved", "not_achieved") and len(at_target):
            status = str(at_target["status"].iloc[0])
            reached = quantity(at_target["value"].iloc[0], unit=unit,
                               note=VALUE_STATUS_LABELS[status] if status == "provisional" else None)
            verb = "alcanzó" if outcome == "achieved" else "no alcanzó"
            found.append((
                "met_target" if outcome == "achieved" else "missed_target",
                f"El indicador {ind} {verb} su Meta {target_year}: {reached} en {target_year}, "
                f"frente a una meta de {quantity(row['target_value'], unit=unit)}{share}.",
            ))
        if len(at_target) and pd.isna(at_target["value"].iloc[0]):
            last = latest_reported(own)
            tail = (
                f"; su último dato es {_num(last['value'])} ({last['year']})"
                if last is not None else "; no tiene ningún dato numérico"
            )
            found.append((
                "missing_target_year",
                f"El indicador {ind} no tiene resultado para {target_year} "
                f"(el informe dice {at_target['raw'].iloc[0]}){tail}.",
            ))
        elif len(at_target) and at_target["status"].iloc[0] == "provisional":
            found.append((
                "provisional",
                f"El resultado {target_year} del indicador {ind} es preliminar ({at_target['raw'].iloc[0]}).",
            ))
        numbered = own[own["value"].notna()]
        reported = [(int(y), float(v)) for y, v in zip(numbered["year"], numbered["value"])]
        since = stagnant_since(reported, target_reached=row["status"] == "achieved")
        if since is not None:
            found.append((
                "stagnated",
                f"El indicador {ind} se estancó: reporta {_num(reported[-1][1])} desde {since} "
                f"(último dato {reported[-1][0]}), "
                + (f"lejos de su Meta {target_year} de {_num(row['target_value'])}." if not pd.isna(row["target_value"])
                   else f"y su Meta {target_year} no tiene valor."),
            ))
        if not found:
            covered = percent_text(row["distance_covered_pct"], "distance_covered_pct")
            latest = "sin datos" if pd.isna(row["latest_value"]) else f"{_num(row['latest_value'])} en {row['latest_year']}"
            trajectory = trajectory_text(row) if "stagnant_since" in row else STATUS_LABELS[str(row["status"])]
            found.append(("progressing", f"El indicador {ind}: {trajectory.lower()[:1]}{trajectory[1:]} ({latest}; "
                                         f"{covered})."))
        if "evidence" in row and is_weak(row["evidence"]):
            found.append(("weak_evidence", f"Indicador {ind}: {evidence_sentence(row)}"))
        rows += [{"indicator_id": ind, "finding": f, "sentence": s} for f, s in found]
    frame = pd.DataFrame(rows, columns=["indicator_id", "finding", "sentence"])
    return frame.astype("string")


def objective_findings(objective: object, *, report: str | Path | None = None) -> pd.DataFrame:
    """:func:`findings_from_frames` for the indicators of one objective.

    Raises
    ------
    ParameterError
        ``objective`` is not one of the report's objectives.
    """
    from .progress import progress_table

    parsed = get_report(report)
    number = validate_objective(objective, parsed.objective_numbers)
    table = progress_table(parsed)
    table = table[table["objective"] == number]
    return findings_from_frames(table, parsed.series)


def objective_narrative(objective: object, *, report: str | Path | None = None) -> str:
    """A short Markdown narrative of one objective, outcomes first.

    The head says which indicators reached their Meta according to the report
    (and which of them with solid evidence, :data:`pntlib.evidence.SOLID_EVIDENCE`),
    which did not, which have no value for the target year, then each
    trajectory (:func:`pntlib.evidence.trajectory_text`) and which verdicts
    the card's own variables do not support; one bullet per finding of
    :func:`objective_findings` follows.

    Returns
    -------
    str
        Markdown, report text escaped.

    Raises
    ------
    ParameterError
        ``objective`` is not one of the report's objectives.
    """
    from .progress import progress_table

    parsed = get_report(report)
    number = validate_objective(objective, parsed.objective_numbers)
    table = progress_table(parsed)
    table = table[table["objective"] == number]
    findings = findings_from_frames(table, parsed.series)

    def _ids(ids) -> str:
        ids = list(ids)
        return ", ".join(ids) if ids else "ninguno"

    outcome = table["outcome"].astype("string")
    met = table[outcome == "achieved"]
    solid = met.loc[met["evidence"].map(is_solid) & (met["latest_year"] == met["target_year"]), "indicator_id"]
    years = sorted({int(y) for y in table["target_year"].dropna()})
    meta = f"Meta {years[0]}" if len(years) == 1 else "Meta"
    when = f"de {years[0]}" if len(years) == 1 else "del año de su Meta"
    weak = table.loc[table["evidence"].map(is_weak), "indicator_id"]
    trajectories = "; ".join(f"{i}: {trajectory_text(pd.Series(r))}"
                             for i, r in zip(table["indicator_id"], table.to_dict("records")))
    head = (
        f"Alcanzaron su {meta} según el informe: {_ids(met['indicator_id'])}"
        f" (con evidencia sólida: {_ids(solid)}). "
        f"No la alcanzaron: {_ids(table.loc[outcome == 'not_achieved', 'indicator_id'])}. "
        f"Sin dato {when}: {_ids(table.loc[outcome == 'no_data', 'indicator_id'])}. "
        f"Trayectoria con el último dato: {trajectories}. "
        f"Veredictos que las variables de la propia ficha no respaldan: {_ids(weak)}."
    )
    return "\n".join([_esc(head), ""] + [f"- {_esc(s)}" for s in findings["sentence"]])


def indicator_card(indicator: object, *, report: str | Path | None = None) -> pd.DataFrame:
    """Every field of an indicator's card, one row per field.

    Returns
    -------
    pandas.DataFrame
        Index ``campo`` (string, the card's Spanish label), one column
        ``valor`` (string, as printed; missing when the card leaves it empty).
        Source: the annex card (section 4).

    Raises
    ------
    ParameterError
        ``indicator`` is not one of the report's indicator ids.
    """
    parsed = get_report(report)
    card = parsed.cards.loc[validate_indicator(indicator, parsed.indicator_ids)]
    values = []
    for field in CARD_FIELD_LABELS:
        value = card[field]
        if field == "kind":
            value = KIND_LABELS.get(str(value), str(value))
        if field == "method_variables" and not pd.isna(value):
            value = " · ".join(str(value).split("\n"))  # one definition after another, on one line
        values.append(None if pd.isna(value) else str(value))
    return pd.DataFrame(
        {"valor": pd.array(values, dtype="string")},
        index=pd.Index(list(CARD_FIELD_LABELS.values()), name="campo", dtype="string"),
    )


def indicator_tables(indicator: object, *, report: str | Path | None = None) -> pd.DataFrame:
    """The indicator's two tables of the report side by side.

    Returns
    -------
    pandas.DataFrame
        Index ``concepto`` (string: "Línea base (AAAA)", "Resultado AAAA",
        "Meta AAAA"), columns ``anexo`` and ``resumen`` (string, tokens as
        printed; missing where the table has no such cell, e.g. the summary's
        Meta), ``estado_anexo`` and ``estado_resumen`` (string, Spanish
        status), ``coinciden`` (boolean: both tables give the same number, or
        both the same kind of missing value -- "0" and "0.0" agree; missing
        when one side is absent).
        Source: annex *SERIE HISTÓRICA* and the section-3 summary table.

    Raises
    ------
    ParameterError
        ``indicator`` is not one of the report's indicator ids.
    """
    parsed = get_report(report)
    ind = validate_indicator(indicator, parsed.indicator_ids)
    own = parsed.series[parsed.series["indicator_id"] == ind]
    labels = {"baseline": "Línea base ({})", "result": "Resultado {}", "target": "Meta {}"}
    rows: dict[str, dict] = {}
    for row in own.sort_values(["measure", "year"]).itertuples(index=False):
        label = labels[str(row.measure)].format(row.year)
        side = "anexo" if row.table == "annex" else "resumen"
        entry = rows.setdefault(label, {})
        entry[side] = row.raw
        entry[f"estado_{side}"] = VALUE_STATUS_LABELS[str(row.status)]
        entry[f"_{side}"] = (None if pd.isna(row.value) else float(row.value), str(row.status))
    columns = ["anexo", "resumen", "estado_anexo", "estado_resumen"]
    frame = pd.DataFrame.from_dict(rows, orient="index", columns=columns)
    frame.index = pd.Index(frame.index, name="concepto", dtype="string")
    frame = frame.astype("string")

    def _agree(entry: dict) -> bool | None:
        if "_anexo" not in entry or "_resumen" not in entry:
            return None
        (a_value, a_status), (r_value, r_status) = entry["_anexo"], entry["_resumen"]
        if a_value is None or r_value is None:
            return a_value is None and r_value is None and a_status == r_status
        return a_value == r_value

    frame["coinciden"] = pd.array([_agree(rows[label]) for label in frame.index], dtype="boolean")
    return frame


def indicator_method(indicator: object, *, report: str | Path | None = None) -> dict[str, pd.DataFrame | str | None]:
    """The method of calculation of an indicator, with its variables.

    Returns
    -------
    dict
        ``formula`` : str or None — *Método de cálculo* without markup;
        ``definitions`` : str or None — "SYMBOL: definition" lines;
        ``variables`` : pandas.DataFrame — rows of
        :func:`pntlib.tables.load_variables` for the indicator (columns
        ``variable``, ``name``, ``year``, ``raw``, ``value``, ``status``,
        ``source``);
        ``substitutions`` : pandas.DataFrame — ``year``, ``text`` of
        *Sustitución en método de cálculo*.

    Raises
    ------
    ParameterError
        ``indicator`` is not one of the report's indicator ids.
    """
    parsed = get_report(report)
    ind = validate_indicator(indicator, parsed.indicator_ids)
    card = parsed.cards.loc[ind]
    variables = parsed.variables
    substitutions = parsed.substitutions
    return {
        "formula": None if pd.isna(card["method"]) else str(card["method"]),
        "definitions": None if pd.isna(card["method_variables"]) else str(card["method_variables"]),
        "variables": variables.loc[
            variables["indicator_id"] == ind, ["variable", "name", "year", "raw", "value", "status", "source"]
        ].reset_index(drop=True),
        "substitutions": substitutions.loc[substitutions["indicator_id"] == ind, ["year", "text"]].reset_index(drop=True),
    }


@shared
def audit_findings(
    *, indicator: object | None = None, objective: object | None = None, report: str | Path | None = None
) -> pd.DataFrame:
    """The audit's findings about one indicator or one objective, for a reader.

    Parameters
    ----------
    indicator : str, optional
        Indicator id ("3.2"); mutually exclusive with ``objective``.
    objective : int, optional
        Objective number; its three indicators' findings.
    {report}

    Returns
    -------
    pandas.DataFrame
        One row per finding of :func:`pntlib.audit`, in the audit's order, with
        Spanish columns: ``Indicador`` (string), ``Año`` (Int64, missing when
        the finding is not about a year), ``Gravedad`` (string: error,
        advertencia, información), ``Revisión`` (string, the check's label),
        ``Detalle`` (string), ``En el informe`` (string: where the values compared are, annex
        card then summary table, each as part and pages of the report's own *Índice* and line
        of the text, :func:`pntlib.provenance.where`: "Anexo, Objetivo prioritario 3,
        pp. 46–51; línea 703 del texto").

    Raises
    ------
    ParameterError
        Neither or both of ``indicator`` and ``objective`` given, or a value the
        report does not have.
    {report_errors}
    """
    from .audit import audit
    from .exceptions import ParameterError

    if (indicator is None) == (objective is None):
        raise ParameterError("give exactly one of indicator= or objective=")
    findings = audit(indicator=indicator, objective=objective, report=report)

    from .provenance import where

    def _lines(row) -> str:
        parts = [where(row.annex_line, report) if pd.notna(row.annex_line) else "",
                 where(row.summary_line, report) if pd.notna(row.summary_line) else ""]
        return " · ".join(p for p in parts if p)

    return pd.DataFrame(
        {
            "Indicador": findings["indicator_id"].astype("string"),
            "Año": findings["year"].astype("Int64"),
            "Gravedad": findings["severity"].map(SEVERITY_LABELS).astype("string"),
            "Revisión": findings["check"].map(CHECK_LABELS).astype("string"),
            "Detalle": findings["detail"].astype("string"),
            "En el informe": pd.array([_lines(r) for r in findings.itertuples()], dtype="string"),
        }
    ).reset_index(drop=True)


@shared
def with_places(frame: pd.DataFrame, *, report: str | Path | None = None) -> pd.DataFrame:
    """A copy of a table whose report-line columns say where each value is in the printed report.

    Parameters
    ----------
    frame : pandas.DataFrame
        Any pntlib table; its columns ``annex_line``, ``summary_line`` and ``source_line``
        (Int64, 1-based lines of the report's text) are replaced.
    report : str or Path, optional
        The report the lines are of; default the verified copy in ``data/raw/``.

    Returns
    -------
    pandas.DataFrame
        Same rows and column order; each line column renamed to its heading in
        :data:`PLACE_COLUMNS` and holding (string) :func:`pntlib.provenance.where` of the line:
        "Anexo, Objetivo prioritario 3, pp. 46–51; línea 703 del texto"; missing stays missing.

    Raises
    ------
    {report_errors}
    ReportFormatError
        Also when the report's Índice does not match its headings.
    """
    from .provenance import where

    out = frame.copy()
    for col in [c for c in PLACE_COLUMNS if c in out.columns]:
        out[col] = pd.array([where(int(v), report) if pd.notna(v) else pd.NA for v in out[col]], dtype="string")
    return out.rename(columns={c: h for c, h in PLACE_COLUMNS.items() if c in out.columns})


def audit_sentence(findings: pd.DataFrame) -> str:
    """One Spanish sentence counting :func:`audit_findings` rows by severity."""
    if findings.empty:
        return "La auditoría no encontró discrepancias del informe consigo mismo."
    counts = findings["Gravedad"].value_counts()
    parts = [f"{counts[label]} {label if counts[label] == 1 else plural}"
             for label, plural in (("error", "errores"), ("advertencia", "advertencias"), ("información", "notas informativas"))
             if label in counts]
    return (
        f"La auditoría del informe consigo mismo encontró {len(findings)} "
        f"{'hallazgo' if len(findings) == 1 else 'hallazgos'} ({', '.join(parts)}); "
        "revíselos antes de interpretar las gráficas."
    )


def for_readers(frame: pd.DataFrame, *, drop: tuple[str, ...] = ()) -> pd.DataFrame:
    """A copy of a pntlib table with Spanish headings and values, for the notebooks.

    Parameters
    ----------
    frame : pandas.DataFrame
        A table of :func:`status_table`, :func:`pntlib.progress`,
        :func:`pntlib.objective_summary`, ... (English column names).
    drop : tuple of str, default ()
        Columns (English names) to leave out (after the texts that read them,
        such as the trajectory's ``target_year``, are written).

    Returns
    -------
    pandas.DataFrame
        Same rows; columns of :data:`COLUMN_LABELS` renamed (others kept as they
        are), ``kind`` as "Meta para el bienestar"/"Parámetro", ``status`` (a
        trajectory) as :func:`pntlib.evidence.trajectory_text` when the table has
        ``latest_year``, ``outcome`` as :func:`pntlib.evidence.outcome_text`,
        ``latest_status`` and ``evidence`` as their Spanish labels; the
        percentages of :data:`pntlib.labels.PERCENT_LABELS` rounded to
        :data:`pntlib.text.PERCENT_DECIMALS`, other numbers to 2 decimals for
        display (whole numbers as integers), booleans as "sí"/"no";
        missing values stay missing.
    """
    out = frame.copy()  # the texts below may read columns that are then dropped
    if "status" in out and set(out["status"].dropna().astype(str)) <= set(STATUS_LABELS) \
            and "latest_year" in out:  # a trajectory says the year it rests on and whether it is flat
        out["status"] = pd.array([None if pd.isna(r["status"]) else trajectory_text(pd.Series(r))
                                  for r in out.to_dict("records")], dtype="string")
    if "outcome" in out and set(out["outcome"].dropna().astype(str)) <= set(OUTCOME_LABELS):
        out["outcome"] = pd.array([None if pd.isna(r["outcome"]) else outcome_text(pd.Series(r))
                                   for r in out.to_dict("records")], dtype="string")
    out = out.drop(columns=[c for c in drop if c in out.columns])
    if "kind" in out:
        out["kind"] = out["kind"].astype("string").map(KIND_LABELS).astype("string")
    for col in ("status", "latest_status", "evidence"):
        if col not in out:
            continue
        values = set(out[col].dropna().astype(str))
        for labels in (STATUS_LABELS, VALUE_STATUS_LABELS, EVIDENCE_LABELS):
            if values <= set(labels):
                out[col] = out[col].astype("string").map(labels).astype("string")
                break
    for col in out.columns:
        if col in PERCENT_LABELS or col == "mean_distance_covered_pct":  # one rounding for the percentages
            out[col] = out[col].astype("Float64").round(PERCENT_DECIMALS)
        elif str(out[col].dtype) in ("Float64", "float64"):
            numbers = out[col].astype("Float64")
            whole = numbers.dropna()
            if len(whole) and (whole == whole.round(0)).all():
                out[col] = numbers.round(0).astype("Int64")  # 100, not 100.0
            else:
                out[col] = numbers.round(2)
        elif str(out[col].dtype) in ("boolean", "bool"):
            out[col] = out[col].astype("boolean").map({True: "sí", False: "no"}).astype("string")
    out.index = out.index.rename(COLUMN_LABELS.get(out.index.name, out.index.name))
    return out.rename(columns=COLUMN_LABELS)
