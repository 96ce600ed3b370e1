"""The report as a run reads it: one copy of its bytes, taken once at the start of a ``pnt run`` call.

Every notebook of a call reads the same bytes, whatever happens to the file
while the call runs: the call reads each report file once, hashes those
bytes (the hash its run keys and the manifest record) and writes them to a
read-only copy in its staging folder; the notebooks are given that copy as
their ``report`` parameter (the published notebook, its outputs and its
summary name the original file). At the end the original is read again and a
change is named (:class:`~pntlib.exceptions.ReportChangedError`).
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from .. import config
from ..report.read import expected_checksum

__all__ = ["Snapshot", "take", "changes"]


@dataclass(frozen=True)
class Snapshot:
    """One report file as a call read it.

    Attributes: ``original`` (the file), ``sha256`` (of the bytes read),
    ``copy`` (the read-only copy of those bytes the notebooks read; ``None``
    when the default report's bytes are not the verified ones: its notebooks
    then read the file and fail with ``ReportChecksumError``, as before).
    """

    original: Path
    sha256: str
    copy: Path | None


def take(report: Path, folder: Path, *, default: bool) -> Snapshot:
    """Read ``report`` once and keep its bytes in a copy under ``folder`` (same file name).

    Parameters
    ----------
    report : Path
        The report file.
    folder : Path
        The call's staging folder (removed when the call ends).
    default : bool
        Whether it is the default report (``data/raw/``): its copy is made only
        when its sha256 is the one ``data/raw/SHA256SUMS`` gives.
    """
    data = Path(report).read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    if default and expected_checksum(config.CHECKSUM_FILE, Path(report).name) != digest:
        return Snapshot(Path(report), digest, None)
    target = folder / f"report-{digest[:16]}" / Path(report).name
    if not target.is_file():
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        os.chmod(target, 0o444)  # a notebook cannot change what the others read
    return Snapshot(Path(report), digest, target)


def _sha256(path: Path) -> str | None:
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return None


def changes(snapshots) -> list[str]:
    """What changed in the original files since their snapshots were taken, one sentence per file."""
    found = []
    for snap in snapshots:
        now = _sha256(snap.original)
        if now != snap.sha256:
            what = "was removed or cannot be read" if now is None else f"now has sha256 {now}"
            found.append(f"the report {snap.original} changed while pnt run was running (sha256 {snap.sha256} "
                         f"at the start; it {what}): every page of this run was made from the file as it was "
                         "at the start, and the manifest records that sha256; run pnt run again to rebuild the "
                         "pages from the file as it is now")
    return found
