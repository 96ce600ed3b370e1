"""The key to the verdicts and the evidence a reader sees: one line for each, in Spanish.

The labels are those of :mod:`pntlib.labels` (the verdicts' :data:`~pntlib.labels.STATUS_LABELS`
with their :data:`~pntlib.labels.STATUS_MEANINGS`, the evidence's
:data:`~pntlib.labels.EVIDENCE_LABELS`), and the thresholds those of
:data:`pntlib.validation.DEFAULT_THRESHOLDS`, so the key always says what the pages do.
"""

from __future__ import annotations

from .evidence import WEAK_EVIDENCE
from .labels import EVIDENCE_LABELS, OUTCOME_LABELS, OUTCOME_MEANINGS, STATUS_LABELS, STATUS_MEANINGS
from .text import number
from .validation import DEFAULT_THRESHOLDS

__all__ = ["outcome_key", "verdict_key", "evidence_key"]


def outcome_key() -> list[dict[str, str]]:
    """Each outcome at the Meta's year (the ``outcome`` of :func:`pntlib.progress`), achieved first:
    ``{"code", "label", "meaning"}`` (Spanish, :data:`~pntlib.labels.OUTCOME_LABELS` and
    :data:`~pntlib.labels.OUTCOME_MEANINGS`)."""
    return [{"code": code, "label": label, "meaning": OUTCOME_MEANINGS[code]} for code, label in OUTCOME_LABELS.items()]


def verdict_key() -> list[dict[str, str]]:
    """Each verdict of :func:`pntlib.progress`, best first: ``{"code", "label", "meaning"}`` (Spanish).

    ``{"code": "on_track", "label": "En camino", "meaning": "desde la línea base ha recorrido al
    menos el 95 % de lo que ..."}``.
    """
    percent = {name: number(limit * 100) for name, limit in DEFAULT_THRESHOLDS.items()}
    return [{"code": code, "label": label, "meaning": STATUS_MEANINGS[code].format(**percent)}
            for code, label in STATUS_LABELS.items()]


def evidence_key() -> list[dict[str, object]]:
    """Each grade of a verdict's evidence: ``{"code", "label", "weak"}`` (Spanish label, capitalised;
    ``weak`` True when it does not support the printed value, :data:`pntlib.evidence.WEAK_EVIDENCE`)."""
    return [{"code": code, "label": label[0].upper() + label[1:], "weak": code in WEAK_EVIDENCE}
            for code, label in EVIDENCE_LABELS.items()]
