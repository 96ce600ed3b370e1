"""What a reader is told about each verdict: the outcome, the trajectory and the evidence, in Spanish.

Every verdict of :func:`pntlib.progress` rests on one printed value; its
``evidence`` says whether the card's own variables give that value. The words
every surface uses for the outcome (:func:`outcome_text`), the trajectory
(:func:`trajectory_text`) and the two percentages (:func:`percent_text`) are
made here, from :mod:`pntlib.labels`. These
functions put the two side by side wherever a verdict is shown: the overview's
headline, the index's key figures, the objective narrative, the box at the top
of each indicator page, and the comparison of the two progress methods. Text goes
into Markdown only through :func:`pntlib.text.markdown_literal`.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .docstrings import shared
from .labels import (
    EVIDENCE_LABELS,
    METHOD_LABELS,
    OUTCOME_LABELS,
    PERCENT_PHRASES,
    STATUS_LABELS,
    VALUE_STATUS_LABELS,
)
from .progress import progress_table, trajectory_text
from .tables import get_report
from .text import markdown_literal, number, percent, quantity
from .validation import validate_indicator

__all__ = [
    "WEAK_EVIDENCE",
    "SOLID_EVIDENCE",
    "is_weak",
    "is_solid",
    "evidence_sentence",
    "trajectory_text",
    "outcome_text",
    "percent_text",
    "progress_headline",
    "indicator_box",
    "method_disagreements",
    "methods_sentence",
]

#: Evidence that does not support the printed value: the variables give another value, the
#: formula cannot be evaluated, or the variables add 0 to the previous result (the value is
#: only carried over). Hatched on charts, counted apart in headlines and key figures.
WEAK_EVIDENCE = ("not_reproduced", "unverifiable", "unchanged_as_accumulated")

#: Evidence that supports the printed value: the variables give it, directly or as the
#: previous result plus a non-zero increment.
SOLID_EVIDENCE = ("reproduced", "reproduced_as_accumulated")


def is_weak(evidence: object) -> bool:
    """Whether a verdict's ``evidence`` is weak (:data:`WEAK_EVIDENCE`)."""
    return not pd.isna(evidence) and str(evidence) in WEAK_EVIDENCE


def is_solid(evidence: object) -> bool:
    """Whether a verdict's ``evidence`` is solid (:data:`SOLID_EVIDENCE`); ``no_variables`` is neither."""
    return not pd.isna(evidence) and str(evidence) in SOLID_EVIDENCE


def percent_text(value: object, measure: str) -> str:
    """One of the two percentages of :func:`pntlib.progress` in a sentence, named.

    Parameters
    ----------
    value : float or None
        ``achievement_pct`` or ``distance_covered_pct`` of a row.
    measure : {"achievement_pct", "distance_covered_pct"}
        Which one (:data:`pntlib.labels.PERCENT_PHRASES`).

    Returns
    -------
    str
        Plain text written by :func:`pntlib.text.percent`, e.g. "133.3 % de la
        Meta 2024 (supera la Meta)" or "150 % del camino de la línea base a la
        Meta 2024 (supera la Meta)": a value over 100 % says so; "—" when missing.
    """
    text = percent(value)
    if text == number(None):
        return text
    over = " (supera la Meta)" if float(value) > 100 else ""  # type: ignore[arg-type]
    return f"{text} {PERCENT_PHRASES[measure]}{over}"


def outcome_text(row: pd.Series) -> str:
    """The outcome of one row of :func:`pntlib.progress` in words.

    Returns
    -------
    str
        :data:`pntlib.labels.OUTCOME_LABELS` of ``outcome``, with "(cifra
        preliminar)" when ``outcome_preliminary``, e.g. "No alcanzó la Meta 2024
        (cifra preliminar)"; for ``no_data`` the target year is named: "Sin dato
        de 2024", or the missing Meta: "Meta 2024 sin valor: no puede juzgarse".
    """
    outcome = str(row["outcome"])
    if outcome == "no_data":
        year = row.get("target_year")
        if "target_value" in row.index and pd.isna(row["target_value"]):  # the value may be there; the Meta is not
            return f"Meta {int(year)} sin valor: no puede juzgarse" if not pd.isna(year) else "Meta sin valor: no puede juzgarse"
        return OUTCOME_LABELS["no_data"] if pd.isna(year) else f"Sin dato de {int(year)}"
    text = OUTCOME_LABELS[outcome]
    preliminary = row.get("outcome_preliminary")
    return text + (" (cifra preliminar)" if not pd.isna(preliminary) and bool(preliminary) else "")


def evidence_sentence(row: pd.Series) -> str:
    """One Spanish sentence on the evidence of one row of :func:`pntlib.progress`.

    Parameters
    ----------
    row : pandas.Series
        A row of :func:`pntlib.progress` (``latest_value``, ``latest_year``,
        ``evidence``, ``computed_value``, ``tables_agree``).

    Returns
    -------
    str
        Plain text, e.g. "Las variables de la ficha no reproducen el valor:
        dan 33.33 para 2024, frente a 100 impreso. La tabla de resumen imprime
        el mismo valor."; "" when there is no value judged.
    """
    if pd.isna(row["latest_value"]) or pd.isna(row["evidence"]):
        return ""
    evidence, year = str(row["evidence"]), int(row["latest_year"])
    text = EVIDENCE_LABELS[evidence]
    text = text[0].upper() + text[1:]
    printed = number(row["latest_value"])
    if evidence == "not_reproduced":
        text += f": dan {number(row['computed_value'])} para {year}, frente a {printed} impreso."
    elif evidence == "unchanged_as_accumulated":
        text += f" ({number(row['computed_value'])} + 0 = {printed} para {year})."
    elif evidence in ("reproduced", "reproduced_as_accumulated"):
        text += f" ({number(row['computed_value'])} para {year})."
    else:
        text += f" ({year})."
    if not pd.isna(row["tables_agree"]):
        text += (" La tabla de resumen imprime el mismo valor." if bool(row["tables_agree"])
                 else " La tabla de resumen no imprime el mismo valor para ese año.")
    return text


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def progress_headline(table: pd.DataFrame) -> str:
    """The overview's headline: outcomes at the target year first, then trajectories.

    Parameters
    ----------
    table : pandas.DataFrame
        :func:`pntlib.progress` (annex table).

    Returns
    -------
    str
        Plain Spanish text, every count from ``table``, e.g. "9 de 15
        alcanzaron su Meta 2024 según el informe, 2 con evidencia sólida (las
        variables de la ficha reproducen el valor); 3 no la alcanzaron (2 con
        cifra preliminar); 3 sin dato de 2024. De las 9 metas alcanzadas, en 5
        las variables de la ficha no reproducen el valor, en 1 ... Trayectoria
        con el último dato: ...". The evidence is that of the value of the
        target year (``latest_year`` equal to ``target_year``).
    """
    total = len(table)
    outcome = table["outcome"].astype("string")
    met = table[outcome == "achieved"]
    missed = table[outcome == "not_achieved"]
    missing = table[outcome == "no_data"]
    years = sorted({int(y) for y in table["target_year"].dropna()})
    meta = f"Meta {years[0]}" if len(years) == 1 else "Meta"
    when = f"de {years[0]}" if len(years) == 1 else "del año de su Meta"
    at_target = met["latest_year"] == met["target_year"]
    solid = int((met["evidence"].map(is_solid) & at_target).sum())
    head = (f"{len(met)} de {total} alcanzaron su {meta} según el informe, "
            f"{_count(solid, 'con evidencia sólida', 'con evidencia sólida')} (las variables de la ficha "
            f"reproducen el valor)")
    preliminary = int(missed["outcome_preliminary"].fillna(False).astype(bool).sum())
    tail = f" ({preliminary} con cifra preliminar)" if preliminary else ""
    head += f"; {len(missed)} no la alcanzaron{tail}; {len(missing)} sin dato {when}."
    counts = met["evidence"].astype("string").value_counts()
    parts = [f"en {counts[code]} {EVIDENCE_LABELS[code]}" for code in WEAK_EVIDENCE + ("no_variables",)
             if counts.get(code, 0)]
    if parts:
        joined = ", ".join(parts[:-1]) + " y " + parts[-1] if len(parts) > 1 else parts[0]
        head += f" De las {len(met)} alcanzadas, {joined}."
    status = table["status"].astype("string")
    trajectories = [f"{STATUS_LABELS[code]}: {int((status == code).sum())}" for code in STATUS_LABELS
                    if (status == code).any()]
    earlier = int(((table["latest_year"] < table["target_year"]) & (status != "no_data")).fillna(False).sum())
    note = f" ({earlier} con datos anteriores al año de la Meta)" if earlier else ""
    return head + f" Trayectoria con el último dato{note}: " + "; ".join(trajectories) + "."


@shared
def indicator_box(indicator: object, *, report: str | Path | None = None) -> str:
    """The box at the top of an indicator page: the outcome, the trajectory and the evidence.

    Parameters
    ----------
    indicator : str
        Indicator id ("3.2").
    {report}

    Returns
    -------
    str
        Markdown blockquote, report text escaped, one line each:

        1. the outcome at the target year (:func:`outcome_text`) with the value
           printed for that year (its token when it has no number), the Meta,
           and the measure of achievement (:func:`percent_text` of
           ``achievement_pct``, value / Meta);
        2. the trajectory (:func:`trajectory_text`) with the share of the way
           from the línea base covered (``distance_covered_pct``); for
           ``no_data``, its ``method_note``: why it cannot be judged (a card
           that contradicts itself is named there);
        3. the evidence sentence (:func:`evidence_sentence`), "Evidencia
           débil" when :func:`is_weak`;
        4. the Open SDG trajectory when it differs.

    Raises
    ------
    ParameterError
        ``indicator`` is not one of the report's indicator ids.
    {report_errors}
    """
    parsed = get_report(report)
    ind = validate_indicator(indicator, parsed.indicator_ids)
    row = progress_table(parsed).set_index("indicator_id").loc[ind]
    other = progress_table(parsed, method="opensdg").set_index("indicator_id").loc[ind, "status"]
    year = None if pd.isna(row["target_year"]) else int(row["target_year"])
    results = parsed.rows("annex", "result")
    printed = results[(results["indicator_id"] == ind) & (results["year"] == year)]
    meta = (f"Meta {year} de {quantity(row['target_value'], unit=row['unit'])}"
            if not pd.isna(row["target_value"]) else f"Meta {year} sin valor")
    outcome = f"**{markdown_literal(outcome_text(row))}**"
    if str(row["outcome"]) != "no_data":
        value = quantity(row["latest_value"], unit=row["unit"],
                         note=VALUE_STATUS_LABELS["provisional"] if bool(row["outcome_preliminary"]) else None)
        outcome += " " + markdown_literal(f"— {value} en {year}, frente a una {meta}; "
                                          f"logro: {percent_text(row['achievement_pct'], 'achievement_pct')}.")
    else:
        token = f"el informe imprime {printed['raw'].iloc[0]}" if len(printed) else "el informe no da valor"
        outcome += " " + markdown_literal(f"— para {year} {token}, frente a una {meta}.")
    lines = [outcome]
    trajectory = f"**Trayectoria: {markdown_literal(trajectory_text(row))}**"
    if str(row["status"]) == "no_data":  # why: the method note names what is missing or contradictory
        trajectory += " " + markdown_literal("— " + str(row["method_note"]).split(". ", 1)[-1])
    elif not pd.isna(row["latest_value"]):
        status = str(row["latest_status"])
        latest = quantity(row["latest_value"], unit=row["unit"],
                          note=VALUE_STATUS_LABELS[status] if status != "normal" else None)
        covered = percent_text(row["distance_covered_pct"], "distance_covered_pct")
        trajectory += " " + markdown_literal(f"— {latest} en {int(row['latest_year'])}: {covered}.")
    lines.append(trajectory)
    sentence = evidence_sentence(row)
    if sentence:
        lines.append(("**Evidencia débil.** " if is_weak(row["evidence"]) else "**Evidencia.** ")
                     + markdown_literal(sentence))
    if str(other) != str(row["status"]):
        lines.append(markdown_literal(f"Con el método {METHOD_LABELS['opensdg']}: {STATUS_LABELS[str(other)]}."))
    return "\n".join(f"> {line}  " for line in lines)


def method_disagreements(compared: pd.DataFrame, table: pd.DataFrame) -> pd.DataFrame:
    """Where the two progress methods give different verdicts, and why.

    Parameters
    ----------
    compared : pandas.DataFrame
        :func:`pntlib.compare_methods`.
    table : pandas.DataFrame
        :func:`pntlib.progress` (straight path), for the línea base.

    Returns
    -------
    pandas.DataFrame
        Index ``indicator_id`` (string); columns ``linear`` and ``opensdg``
        (string, Spanish verdicts), ``razon`` (string, Spanish: why they differ).
    """
    wide = compared.pivot(index="indicator_id", columns="method", values="status").astype("string")
    wide = wide.loc[[i for i in table.index if i in wide.index]]
    differ = wide[wide["linear"] != wide["opensdg"]]
    reasons = []
    for ind in differ.index:
        base = table.loc[ind, "baseline_value"]
        if pd.isna(table.loc[ind, "target_value"]):
            reasons.append("La Meta no tiene valor: Open SDG juzga el crecimiento de la serie; "
                           "la trayectoria lineal no puede medirse.")
        elif not pd.isna(base) and float(base) == 0:
            if str(differ.loc[ind, "opensdg"]) == "deterioration":
                reasons.append("Línea base 0 (reemplazada por 0.001) y último valor 0: la tasa de crecimiento es -100 %.")
            else:
                reasons.append("Línea base 0 (reemplazada por 0.001): cualquier crecimiento parece rápido.")
        else:
            reasons.append("Las tasas de crecimiento compuestas no avanzan en línea recta.")
    out = pd.DataFrame({
        "linear": differ["linear"].map(STATUS_LABELS),
        "opensdg": differ["opensdg"].map(STATUS_LABELS),
        "razon": reasons,
    }, index=differ.index).astype("string")
    out.index.name = "indicator_id"
    return out


_METHODS = f"{METHOD_LABELS['linear']} y {METHOD_LABELS['opensdg']}"


def methods_sentence(disagreements: pd.DataFrame) -> str:
    """One Spanish sentence on where the two methods disagree (:func:`method_disagreements`)."""
    if disagreements.empty:
        return f"Los dos métodos, {_METHODS}, dan el mismo veredicto."
    ids = ", ".join(disagreements.index)
    return (f"Los dos métodos, {_METHODS}, difieren en "
            f"{len(disagreements)} {'indicador' if len(disagreements) == 1 else 'indicadores'}: {ids}.")
