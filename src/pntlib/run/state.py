"""What ``pnt run`` remembers between calls: run keys and the manifest.

A run is skipped when its key (:func:`run_key`: notebook, parameters, report
file and pntlib source) is the key of its last success and every file that
success published is present and unchanged (:func:`is_up_to_date`).

``manifest.json`` (in the output folder)::

    {"version": 2,
     "runs": {"<name>": {"notebook", "parameters", "status": "ok" | "failed",
                         "this_call": "ok" | "failed" | "skipped" | "interrupted",
                         "duration", "finished", "error": {...} | null,
                         "last_success": {"key", "notebook", "parameters", "data",
                                          "pntlib", "finished",
                                          "files": {relative path: sha256}}}}}
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from ..exceptions import OutputError
from ..files import inside

__all__ = [
    "MANIFEST_NAME",
    "MANIFEST_VERSION",
    "sha256_file",
    "source_hash",
    "run_key",
    "read_manifest",
    "manifest_text",
    "is_up_to_date",
]

#: File name of the manifest kept in the output folder.
MANIFEST_NAME = "manifest.json"
#: 2: the sha256 of every published file.
MANIFEST_VERSION = 2
_PACKAGE = Path(__file__).resolve().parents[1]  # src/pntlib


def sha256_file(path: Path) -> str:
    """sha256 of a file's bytes, in hex."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def source_hash() -> str:
    """sha256 over pntlib's own files (``*.py`` and templates), sorted by path."""
    digest = hashlib.sha256()
    for path in sorted(p for p in _PACKAGE.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        if path.suffix in {".py", ".j2", ".json", ".html", ".css"}:
            digest.update(path.relative_to(_PACKAGE).as_posix().encode())
            digest.update(b"\0")
            digest.update(path.read_bytes())
    return digest.hexdigest()


def run_key(run, *, src_hash: str | None = None, data_hash: str | None = None) -> dict:
    """What a run depends on: a run whose key is unchanged since its last success is skipped.

    Parameters
    ----------
    run : pntlib.run.Run
    src_hash, data_hash : str, optional
        :func:`source_hash` and the report's sha256, when already computed.

    Returns
    -------
    dict
        ``notebook`` (sha256 of the notebook file), ``parameters`` (the
        parameters, JSON), ``data`` (sha256 of the report file), ``pntlib``
        (:func:`source_hash`) and ``key``, the sha256 of the four.
    """
    parts = {
        "notebook": sha256_file(run.notebook),
        "parameters": json.dumps(run.parameters, sort_keys=True, ensure_ascii=False),
        "data": data_hash or sha256_file(run.report),
        "pntlib": src_hash or source_hash(),
    }
    parts["key"] = hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()
    return parts


def _safe_files(out: Path, files: object) -> bool:
    """Whether every path of a ``files`` entry is a file name inside ``out``."""
    if not isinstance(files, dict):
        return False
    try:
        for rel in files:
            inside(out, rel)
    except OutputError:
        return False
    return True


def read_manifest(out: Path) -> dict:
    """The manifest of ``out``; an empty one when missing, unreadable or of another version.

    A run whose recorded files are not all inside ``out`` (``../x``, an
    absolute path: a damaged or foreign manifest) loses its ``last_success``:
    it is executed again, and pnt never removes or checks those paths.
    """
    path = Path(out) / MANIFEST_NAME
    data = None
    if path.is_file():
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError):
            data = None
    if not isinstance(data, dict) or data.get("version") != MANIFEST_VERSION or not isinstance(data.get("runs"), dict):
        return {"version": MANIFEST_VERSION, "runs": {}}
    for name, record in list(data["runs"].items()):
        if not isinstance(record, dict):
            del data["runs"][name]
        elif record.get("last_success") and not _safe_files(out, record["last_success"].get("files")):
            del record["last_success"]
    return data


def manifest_text(manifest: dict) -> str:
    """The manifest as written to ``manifest.json`` (sorted keys, indented)."""
    return json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def _outputs_unchanged(out: Path, record: dict) -> bool:
    """Whether every file of a run's last success is in ``out`` with the sha256 it was published with."""
    files = (record.get("last_success") or {}).get("files")
    if not isinstance(files, dict) or not files:
        return False
    for rel, digest in files.items():
        path = out / rel
        if not path.is_file() or sha256_file(path) != digest:
            return False
    return True


def is_up_to_date(out: Path, record: dict, key: dict) -> bool:
    """Whether a run may be skipped: its last success had ``key`` and its files are intact.

    Parameters
    ----------
    out : Path
        The output folder.
    record : dict
        The run's entry in the manifest (``{}`` when it never ran).
    key : dict
        :func:`run_key` of the run now.
    """
    unchanged = (record.get("last_success") or {}).get("key") == key["key"]
    return unchanged and record.get("status") == "ok" and _outputs_unchanged(out, record)
