"""Publishing a finished run: its files moved from its staging folder into the output folder.

A success replaces the run's previous files (its pages first made to show its
figures from ``figures/``, :func:`pntlib.run.bundle.share_images`) (and removes those it no longer
writes, and a stale ``failed/`` copy); a failure keeps only its executed
notebook and its page, under ``failed/``, and leaves the previous success
alone. Every move goes through a :class:`pntlib.files.Publication`, so the
caller publishes a run together with the manifest and index that describe
it, all or nothing; no path outside the output folder is ever touched.
"""

from __future__ import annotations

from pathlib import Path

from ..files import Publication
from .bundle import share_images
from .state import sha256_file
from .results import RunResult

__all__ = ["FAILED_DIR", "publish"]

#: Sub-folder of the output folder holding the last failed attempt of each run.
FAILED_DIR = "failed"


def _complete_notebook(path: Path) -> bool:
    """Whether ``path`` is a whole notebook (not one cut short by a full disk or a kill)."""
    import nbformat

    try:
        nbformat.read(path, as_version=4)
    except Exception:  # truncated JSON, not a notebook
        return False
    return True


def publish(name: str, result: RunResult, stage: Path, publication: Publication,
            previous: dict | None = None) -> dict | list:
    """Move a finished run's files from ``stage`` into the publication's folder.

    Parameters
    ----------
    name : str
        The run's name.
    result : RunResult
        How it ended.
    stage : Path
        Its staging folder.
    publication : pntlib.files.Publication
        The output folder's publication the moves belong to.
    previous : dict, optional
        ``{relative path: sha256}`` of its last success (from the manifest).

    Returns
    -------
    dict or list
        For a success ``{relative path: sha256}`` of the files published;
        otherwise the relative paths kept under ``failed/`` (a failed notebook
        that is not a whole notebook, and its page, are not kept).

    Raises
    ------
    OSError
        A move failed (the caller rolls the publication back).
    """
    if result.status == "ok":
        share_images(stage, name)  # the page and its code version point at figures/ (stored once)
        hashes = {path.relative_to(stage).as_posix(): sha256_file(path)
                  for path in sorted(stage.rglob("*")) if path.is_file()}
        publication.check(hashes)
        for rel in hashes:
            publication.place(stage / rel, rel)
        for rel in (previous or {}):
            if rel not in hashes and not rel.startswith(f"{FAILED_DIR}/"):
                publication.remove(rel)
        for suffix in (".ipynb", ".html"):
            publication.remove(f"{FAILED_DIR}/{name}{suffix}")
        return dict(sorted(hashes.items()))
    kept = []
    if _complete_notebook(stage / f"{name}.ipynb"):
        for suffix in (".ipynb", ".html"):
            if (stage / f"{name}{suffix}").is_file():
                kept.append(f"{FAILED_DIR}/{name}{suffix}")
    for suffix in (".ipynb", ".html"):  # an older failed copy would not match this failure
        publication.remove(f"{FAILED_DIR}/{name}{suffix}")
    for rel in kept:
        publication.place(stage / Path(rel).name, rel)
    return kept
