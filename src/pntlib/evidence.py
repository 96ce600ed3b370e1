"""What a reader is told about how far each verdict holds: its evidence, in Spanish.

Every verdict of :func:`pntlib.progress` rests on one printed value; its
``evidence`` says whether the card's own variables give that value. These
functions put the two side by side wherever a verdict is shown: the overview's
headline, the index's key figures, the objective narrative, the box at the top
of each indicator page, and the comparison of the two progress methods. Text goes
into Markdown only through :func:`pntlib.text.markdown_literal`.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .labels import EVIDENCE_LABELS, METHOD_LABELS, STATUS_LABELS, VALUE_STATUS_LABELS
from .progress import progress_table
from .tables import get_report
from .text import markdown_literal, number, quantity
from .validation import validate_indicator

__all__ = [
    "WEAK_EVIDENCE",
    "is_weak",
    "evidence_sentence",
    "progress_headline",
    "indicator_box",
    "method_disagreements",
    "methods_sentence",
]

#: Evidence that does not support the printed value: the variables give another value, or
#: the formula cannot be evaluated.
WEAK_EVIDENCE = ("not_reproduced", "unverifiable")


def is_weak(evidence: object) -> bool:
    """Whether a verdict's ``evidence`` is weak (:data:`WEAK_EVIDENCE`)."""
    return not pd.isna(evidence) and str(evidence) in WEAK_EVIDENCE


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
    elif evidence in ("reproduced", "reproduced_as_accumulated"):
        text += f" ({number(row['computed_value'])} para {year})."
    else:
        text += f" ({year})."
    if not pd.isna(row["tables_agree"]):
        text += (" La tabla de resumen imprime el mismo valor." if bool(row["tables_agree"])
                 else " La tabla de resumen no imprime el mismo valor para ese año.")
    return text


def progress_headline(table: pd.DataFrame) -> str:
    """The overview's headline: targets met according to the report, and how many the variables support.

    Parameters
    ----------
    table : pandas.DataFrame
        :func:`pntlib.progress` (annex table).

    Returns
    -------
    str
        Plain Spanish text, e.g. "9 metas alcanzadas según el informe; en 5 de
        ellas las variables del propio informe no reproducen el resultado y en 1
        la fórmula no puede evaluarse."
    """
    met = table[table["status"] == "achieved"]
    counts = met["evidence"].astype("string").value_counts()
    head = f"{len(met)} {'meta alcanzada' if len(met) == 1 else 'metas alcanzadas'} según el informe"
    parts = []
    if counts.get("not_reproduced", 0):
        parts.append(f"en {counts['not_reproduced']} de ellas las variables del propio informe no reproducen el resultado")
    if counts.get("unverifiable", 0):
        parts.append(f"en {counts['unverifiable']} la fórmula de la ficha no puede evaluarse")
    if counts.get("no_variables", 0):
        parts.append(f"en {counts['no_variables']} la ficha no da variables para el año juzgado")
    if not parts:
        return head + "; en todas las variables del propio informe reproducen el resultado."
    return head + "; " + (", ".join(parts[:-1]) + " y " + parts[-1] if len(parts) > 1 else parts[0]) + "."


def indicator_box(indicator: object, *, report: str | Path | None = None) -> str:
    """The box at the top of an indicator page: the verdict and the evidence it rests on.

    Parameters
    ----------
    indicator : str
        Indicator id ("3.2").
    report : str or Path, optional
        Report file; default the verified copy in ``data/raw/``.

    Returns
    -------
    str
        Markdown blockquote: the verdict (:func:`pntlib.progress`, straight
        path) with the value judged and the Meta 2024 (for ``no_data``, its
        ``method_note``: why it cannot be judged), the evidence sentence,
        the Open SDG verdict when it differs, and the stagnation when there is one.

    Raises
    ------
    ParameterError
        ``indicator`` is not one of the report's indicator ids.
    """
    parsed = get_report(report)
    ind = validate_indicator(indicator, parsed.indicator_ids)
    row = progress_table(parsed).set_index("indicator_id").loc[ind]
    other = progress_table(parsed, method="opensdg").set_index("indicator_id").loc[ind, "status"]
    lines = [f"**Veredicto: {markdown_literal(STATUS_LABELS[str(row['status'])])}**"]
    if not pd.isna(row["latest_value"]):
        target = (f"una Meta {int(row['target_year'])} de {quantity(row['target_value'], unit=row['unit'])}"
                  if not pd.isna(row["target_value"]) else f"una Meta {int(row['target_year'])} sin valor")
        status = str(row["latest_status"])
        latest = quantity(row["latest_value"], unit=row["unit"],
                          note=VALUE_STATUS_LABELS[status] if status != "normal" else None)
        lines[0] += " " + markdown_literal(f"— {latest} en {int(row['latest_year'])}, frente a {target}.")
    if str(row["status"]) == "no_data":  # why: the method note names what is missing
        lines.append(markdown_literal(str(row["method_note"]).split(". ", 1)[-1]))
    sentence = evidence_sentence(row)
    if sentence:
        lines.append(("**Evidencia débil.** " if is_weak(row["evidence"]) else "**Evidencia.** ")
                     + markdown_literal(sentence))
    if str(other) != str(row["status"]):
        lines.append(markdown_literal(f"Con el método {METHOD_LABELS['opensdg']}: {STATUS_LABELS[str(other)]}."))
    if not pd.isna(row["stagnant_since"]):
        lines.append(markdown_literal(f"Sin cambio desde {int(row['stagnant_since'])}."))
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
        if not pd.isna(base) and float(base) == 0:
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
