"""How a run ended: :class:`RunResult` and, for a failure, :class:`ErrorDetails` (what the manifest and index show)."""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass

__all__ = ["ErrorDetails", "RunResult"]


@dataclass(frozen=True)
class ErrorDetails:
    """Why a run failed.

    ``cell_index`` and ``execution_count`` refer to the executed notebook (with
    papermill's injected-parameters cell); ``cell_number`` is the failing
    cell's 1-based position in the source notebook, which the index shows;
    ``source`` is that cell's code. All four are ``None`` when no cell is to blame.
    """

    ename: str
    evalue: str
    cell_index: int | None = None
    cell_number: int | None = None
    execution_count: int | None = None
    source: str | None = None

    def as_dict(self) -> dict:
        """The details as stored in the manifest."""
        return asdict(self)

    def __str__(self) -> str:
        return f"{self.ename}: {self.evalue}"


@dataclass(frozen=True)
class RunResult:
    """The outcome of one run: ``status`` ``ok`` or ``failed`` (``skipped`` when
    not executed), ``started`` (epoch seconds), ``duration`` (seconds) and ``error``."""

    name: str
    status: str
    started: float | None = None
    duration: float | None = None
    error: ErrorDetails | None = None

    @classmethod
    def failure(cls, name: str, started: float, error: ErrorDetails) -> RunResult:
        return cls(name, "failed", started, time.time() - started, error)
