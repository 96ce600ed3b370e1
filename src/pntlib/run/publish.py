"""Publishing a finished run: its files moved from its staging folder into the output folder.

A success replaces the run's previous files (and removes those it no longer
writes, and a stale ``failed/`` copy); a failure keeps only its executed
notebook and its page, under ``failed/``, and leaves the previous success alone.
"""

from __future__ import annotations

import os
from pathlib import Path

from .state import sha256_file
from .worker import RunResult

__all__ = ["FAILED_DIR", "publish"]

#: Sub-folder of the output folder holding the last failed attempt of each run.
FAILED_DIR = "failed"


def _move_tree(source: Path, target: Path) -> list[str]:
    """Move every file under ``source`` to the same place under ``target``."""
    moved = []
    for path in sorted(p for p in source.rglob("*") if p.is_file()):
        rel = path.relative_to(source)
        dest = target / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        os.replace(path, dest)
        moved.append(rel.as_posix())
    return moved


def publish(name: str, result: RunResult, stage: Path, out: Path, previous: dict | None = None) -> dict | list:
    """Move a finished run's files from ``stage`` into ``out``.

    Parameters
    ----------
    name : str
        The run's name.
    result : RunResult
        How it ended.
    stage : Path
        Its staging folder.
    out : Path
        The output folder.
    previous : dict, optional
        ``{relative path: sha256}`` of its last success (from the manifest).

    Returns
    -------
    dict or list
        For a success ``{relative path: sha256}`` of the files published;
        otherwise the relative paths kept under ``failed/``.
    """
    if result.status == "ok":
        hashes = {path.relative_to(stage).as_posix(): sha256_file(path)
                  for path in stage.rglob("*") if path.is_file()}
        _move_tree(stage, out)
        for rel in (previous or {}):
            if rel not in hashes and not rel.startswith(f"{FAILED_DIR}/"):
                (out / rel).unlink(missing_ok=True)
        for suffix in (".ipynb", ".html"):
            (out / FAILED_DIR / f"{name}{suffix}").unlink(missing_ok=True)
        return dict(sorted(hashes.items()))
    failed = out / FAILED_DIR
    files = []
    for suffix in (".ipynb", ".html"):
        path = stage / f"{name}{suffix}"
        if path.is_file():
            failed.mkdir(parents=True, exist_ok=True)
            os.replace(path, failed / path.name)
            files.append(f"{FAILED_DIR}/{path.name}")
    return files
