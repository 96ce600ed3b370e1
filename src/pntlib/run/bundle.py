"""The output folder as something to hand on: shared images, the tables, one archive.

* :func:`share_images`: a run's page and its code version show the run's figures
  from ``figures/`` (the PNG files the notebook saved) instead of each embedding
  them, so each image is stored once;
* :func:`data_files`: what ``<out>/data/`` holds, the tables the pages show (CSV,
  Stata, the workbook and ``datapackage.json`` of ``pnt extract``), published with the
  index (:func:`pntlib.run.index.provenance_files`);
* :func:`write_zip`: one archive of what the index links (``pnt run --zip``),
  which opens offline: the index, each run's published files, ``data/``; not
  the manifest, the failed copies, the lock, staging folders or hand runs.
"""

from __future__ import annotations

import base64
import json
import os
import posixpath
import shutil
import tempfile
import zipfile
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .. import config
from ..exceptions import OutputError, OutputFolderError
from ..files import describe_os_error, file_mode, refuse_source_folder

__all__ = ["DATA_DIR", "DATA_FILES", "share_images", "data_files", "changed_data_files", "bundle_files", "write_zip"]

#: Sub-folder of the output folder holding the tables (beside ``data/raw/README.md``).
DATA_DIR = "data"
#: Which files of ``pnt extract`` go into :data:`DATA_DIR` (Parquet stays in data/processed/).
DATA_FILES = ("*.csv", "*.dta", "pntdp.xlsx", "datapackage.json")
_PAGE_SUFFIXES = (".html", ".code.html")


def share_images(stage: Path, name: str) -> int:
    """Make a run's pages show its figures from ``figures/`` instead of embedding them.

    Every ``data:image/png;base64,...`` in ``<stage>/<name>.html`` and
    ``<name>.code.html`` whose bytes are those of a PNG under ``<stage>/figures/``
    becomes that file's relative path; other images (drawn by a notebook without
    :func:`pntlib.page.figure`) stay embedded.

    Returns
    -------
    int
        How many images now point at a file.
    """
    figures = stage / "figures"
    if not figures.is_dir():
        return 0
    encoded = {}
    for png in sorted(figures.rglob("*.png")):
        data = base64.b64encode(png.read_bytes()).decode("ascii")
        encoded[f"data:image/png;base64,{data}"] = png.relative_to(stage).as_posix()
    shared = 0
    for suffix in _PAGE_SUFFIXES:
        page = stage / f"{name}{suffix}"
        if not page.is_file():
            continue
        text = page.read_text(encoding="utf-8")
        changed = text
        for uri, rel in encoded.items():
            if uri in changed:
                shared += changed.count(uri)
                changed = changed.replace(uri, rel)
        if changed != text:
            page.write_text(changed, encoding="utf-8")
    return shared


_EXTRACTED: dict[str, dict[str, bytes]] = {}


def data_files(report: str | Path) -> dict[str, bytes]:
    """The tables of ``report`` as the output folder's ``data/`` holds them: ``{"data/<file>": bytes}``.

    They are the files of ``data/processed/`` (:data:`DATA_FILES`) when its ``datapackage.json``
    says they were extracted from ``report`` (its sha256; ``make report`` re-extracts them
    first); otherwise :func:`pntlib.extract.extract` writes them afresh in a temporary folder
    (once per report and process).

    Raises
    ------
    ReportNotFoundError, ReportChecksumError, ReportFormatError
        The report cannot be read (only when it must be extracted afresh).
    """
    from ..report.read import file_sha256

    digest = file_sha256(Path(report))
    processed = config.PROCESSED_DATA_DIR
    try:
        package = json.loads((processed / "datapackage.json").read_text(encoding="utf-8"))
        hashes = {s.get("hash") for s in package.get("sources", [])}
    except (OSError, ValueError):
        hashes = set()
    if f"sha256:{digest}" in hashes:
        files = sorted({p for pattern in DATA_FILES for p in processed.glob(pattern)})
        return {f"{DATA_DIR}/{p.name}": p.read_bytes() for p in files}
    if digest not in _EXTRACTED:
        from ..extract import extract

        scratch = Path(tempfile.mkdtemp(prefix="pnt-data-"))
        try:
            extract(report=report, out=scratch)
            files = sorted({p for pattern in DATA_FILES for p in scratch.glob(pattern)})
            _EXTRACTED[digest] = {f"{DATA_DIR}/{p.name}": p.read_bytes() for p in files}
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
    return dict(_EXTRACTED[digest])


def changed_data_files(out: str | Path, report: str | Path) -> dict[str, bytes]:
    """:func:`data_files` that ``out`` does not hold yet with these bytes (what to publish)."""
    out = Path(out)
    changed = {}
    for rel, data in data_files(report).items():
        path = out / rel
        if not (path.is_file() and path.read_bytes() == data):
            changed[rel] = data
    return changed


class _Links(HTMLParser):
    """The ``href`` and ``src`` values of a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs) -> None:
        self.found += [value for key, value in attrs if key in ("href", "src") and value]


def _local(page: str, link: str) -> str | None:
    """A link of ``page`` (relative to the folder) as a path relative to the folder, or None
    for an anchor, a ``data:`` URI or anything with a scheme (an outside address)."""
    parts = urlsplit(link)
    if parts.scheme or parts.netloc or not parts.path:
        return None
    target = posixpath.normpath(posixpath.join(posixpath.dirname(page), unquote(parts.path)))
    return None if target.startswith("../") or target == ".." else target


def bundle_files(out: str | Path) -> list[str]:
    """The files of the archive, relative to ``out``, sorted: ``index.html`` and every file it
    links, directly or through the pages it links (the plan's runs only: the index lists no
    other), and the tables of :data:`DATA_DIR`; never ``failed/``, the manifest, the lock,
    staging folders or hand runs.

    Raises
    ------
    OutputError
        A page links a file that is not in ``out`` (the archive would not open offline).
    """
    out = Path(out).resolve()
    found: set[str] = set()
    todo = ["index.html"]
    while todo:
        page = todo.pop()
        if page in found:
            continue
        found.add(page)
        if not page.endswith(".html"):
            continue
        parser = _Links()
        parser.feed((out / page).read_text(encoding="utf-8"))
        for link in parser.found:
            rel = _local(page, link)
            if rel is None or rel in found:
                continue
            if not (out / rel).is_file():
                raise OutputError(f"{page} links {link}, which is not a file in {out}: the archive would not open offline")
            todo.append(rel)
    data = out / DATA_DIR
    if data.is_dir():
        found.update(p.relative_to(out).as_posix() for pattern in DATA_FILES for p in data.glob(pattern))
    return sorted(found)


def zip_destination(out: str | Path, dest: str | Path | None = None) -> Path:
    """Where ``pnt run --zip`` writes its archive, checked before anything runs.

    Parameters
    ----------
    out : str or Path
        The output folder.
    dest : str or Path, optional
        The archive given with ``--zip FILE``; default ``<out>.zip`` beside the folder.

    Returns
    -------
    Path
        The archive's path (absolute).

    Raises
    ------
    OutputFolderError
        ``dest`` is empty, does not end in ``.zip``, is inside ``out``, ``data/raw/`` or
        pntlib's source, is a folder, or is an existing file that is not a zip archive
        (never overwritten: it could be anything).
    """
    out = Path(out).resolve()
    if dest is not None and not str(dest).strip():
        raise OutputFolderError("--zip '' names no file; give FILE.zip, or --zip alone for <out>.zip beside the folder")
    path = (Path(dest).expanduser() if dest is not None else out.with_name(f"{out.name}.zip")).resolve()
    fix = f"give a new FILE.zip outside the output folder, or --zip alone for {out.with_name(out.name + '.zip')}"
    if path.suffix.lower() != ".zip":
        raise OutputFolderError(f"--zip {path} does not end in .zip; {fix}")
    refuse_source_folder(path, "--zip", fix)
    if path == out or out in path.parents:
        raise OutputFolderError(f"--zip {path} is inside the output folder {out}, which pnt run manages; {fix}")
    if path.is_dir():
        raise OutputFolderError(f"--zip {path} is a folder; {fix}")
    if path.exists() and not zipfile.is_zipfile(path):
        raise OutputFolderError(f"--zip {path} exists and is not a zip archive: pnt run does not overwrite it; {fix}")
    return path


def write_zip(out: str | Path, dest: str | Path | None = None) -> Path:
    """Write one archive of the output folder that opens offline (``pnt run --zip``).

    Parameters
    ----------
    out : str or Path
        A ``pnt run`` output folder.
    dest : str or Path, optional
        The archive; default ``<out>.zip`` beside the folder.

    Returns
    -------
    Path
        The archive: :func:`bundle_files` under a top folder named as ``out``, so that it
        unpacks into one folder whose ``index.html`` links only files inside it. Entries
        are sorted and dated 1980-01-01, so the same folder gives the same archive.

    Raises
    ------
    OutputError
        The archive cannot be written, or a page links a file the folder does not hold.
    """
    dest = zip_destination(out, dest)
    out = Path(out).resolve()
    if not (out / "index.html").is_file():
        raise OutputError(f"{out} has no index.html: run pnt run into it first")
    files = bundle_files(out)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".tmp", dir=dest.parent)
    except OSError as exc:
        raise OutputError(f"cannot write the archive {describe_os_error(exc, dest)}") from exc
    try:
        with open(fd, "wb") as handle, zipfile.ZipFile(handle, "w", zipfile.ZIP_DEFLATED) as archive:
            for rel in files:
                info = zipfile.ZipInfo(f"{out.name}/{rel}", date_time=(1980, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_STORED if rel.endswith((".png", ".xlsx")) else zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                archive.writestr(info, (out / rel).read_bytes())
        os.chmod(tmp, file_mode())  # the permissions the umask gives any new file, as the pages get
        Path(tmp).replace(dest)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise OutputError(f"cannot write the archive {describe_os_error(exc, dest)}") from exc
    return dest
