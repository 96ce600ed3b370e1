"""Writing into an output folder safely: atomic files, paths kept inside, all or nothing.

Used by ``pnt extract`` (the tables), ``pnt run`` (the reports, the manifest,
the index) and the notebooks' summaries (:mod:`pntlib.outputs`):

- :func:`write_atomic` writes a file through a temporary file beside it, with
  the permissions the umask gives every new file, and leaves no temporary
  file behind when it fails;
- :func:`inside` refuses a path that leaves its folder (``..``, an absolute
  path, a symlinked folder pointing elsewhere), whatever file named it;
- :class:`Publication` moves files into a folder all at once or not at all:
  what it replaces or removes is kept aside until :meth:`Publication.commit`,
  and put back by :meth:`Publication.rollback` (every step is a rename).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from . import config
from .exceptions import OutputError, OutputFolderError

__all__ = ["file_mode", "write_atomic", "inside", "Publication", "describe_os_error", "refuse_source_folder"]

#: Folders pntlib never writes into, and why.
SOURCE_FOLDERS = {
    "data/raw/": (config.RAW_DATA_DIR, "it holds the report verbatim, which nothing may change"),
    "src/pntlib/": (Path(__file__).resolve().parent, "files there change pntlib's source hash, so every "
                                                     "later pnt run would execute every notebook again"),
}


def refuse_source_folder(path: str | Path, option: str, instead: str) -> None:
    """Refuse to write ``path`` (a folder or a file) inside ``data/raw/`` or pntlib's own source.

    Parameters
    ----------
    path : str or Path
        Where a command would write.
    option : str
        The option that named it, for the message (``"--out"``, ``"--zip"``).
    instead : str
        What to give instead, for the message.

    Raises
    ------
    OutputFolderError
        ``path`` is, or is inside, one of :data:`SOURCE_FOLDERS` (symbolic links resolved).
    """
    path = Path(path).resolve()
    for label, (folder, why) in SOURCE_FOLDERS.items():
        folder = Path(folder).resolve()
        if path == folder or folder in path.parents:
            raise OutputFolderError(f"{option} {path} is inside {label} ({folder}): {why}; {instead}")


def file_mode() -> int:
    """Permissions of a new file under the current umask (``0o666 & ~umask``)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return 0o666 & ~int(line.split()[1], 8)
    except OSError:
        pass
    mask = os.umask(0o022)  # no way to read it without setting it
    os.umask(mask)
    return 0o666 & ~mask


def describe_os_error(exc: OSError, path: Path | str | None = None) -> str:
    """``<path>: <reason>`` for an OSError (the path it names, else ``path``)."""
    where = exc.filename or path
    reason = exc.strerror or str(exc)
    return f"{where}: {reason}" if where else reason


def write_atomic(path: str | Path, data: str | bytes) -> Path:
    """Write ``data`` to ``path`` atomically (temporary file beside it, then rename).

    Text is written as UTF-8. The file gets the permissions of any new file
    (:func:`file_mode`), and the temporary file is removed if writing fails.

    Raises
    ------
    OSError
        The file cannot be written (the previous one, if any, is unchanged).
    """
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data.encode("utf-8") if isinstance(data, str) else data)
        os.chmod(tmp, file_mode())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def inside(folder: str | Path, rel: str | Path) -> Path:
    """``folder / rel``, refused when it is not strictly inside ``folder``.

    Symlinked folders are followed; the last component is not (replacing or
    removing a symlink touches the link, not what it points to).

    Raises
    ------
    OutputError
        ``rel`` is absolute, empty, or leads outside ``folder``.
    """
    base = Path(folder).resolve()
    text = str(rel)
    target = base / text
    parent = target.parent.resolve()
    if not text or Path(text).is_absolute() or target.name in ("", ".", "..") or (
            parent != base and base not in parent.parents):
        raise OutputError(
            f"{text!r} is outside the output folder {base}; pnt never writes or removes a file outside it "
            "(a damaged or foreign manifest.json? remove that entry, or the folder's manifest.json)"
        )
    return parent / target.name


class Publication:
    """Files moved into ``folder`` all at once, or not at all.

    Parameters
    ----------
    folder : Path
        The output folder.
    scratch : Path
        A folder of the caller's on the same file system (kept apart from the
        published files), where replaced files wait until the end.

    Use as a context manager: leaving it normally commits, an exception rolls
    every step back (and propagates).
    """

    def __init__(self, folder: Path, scratch: Path) -> None:
        self.folder = Path(folder)
        self.scratch = Path(scratch)
        self._placed: list[Path] = []
        self._kept: list[tuple[Path, Path]] = []  # (target, where its previous file waits)

    def __enter__(self) -> Publication:
        return self

    def __exit__(self, kind, exc, tb) -> None:
        if kind is None:
            self.commit()
        else:
            self.rollback()

    def check(self, rels) -> None:
        """Refuse, before anything moves, a path that is outside or has something in the way.

        Raises
        ------
        OutputError
            Naming the path in the way (a folder where a file goes, a file
            where a folder goes).
        """
        for rel in rels:
            target = inside(self.folder, rel)
            if target.is_dir() and not target.is_symlink():
                raise OutputError(f"{target} is in the way: it is a folder where the file {rel} goes; remove it")
            for parent in target.relative_to(self.folder.resolve()).parents:
                where = self.folder.resolve() / parent
                if where.exists() and not where.is_dir():
                    raise OutputError(f"{where} is in the way: it is a file where the folder of {rel} goes; remove it")

    def _set_aside(self, target: Path) -> None:
        if target.exists() or target.is_symlink():
            fd, kept = tempfile.mkstemp(prefix="kept-", dir=self.scratch)
            os.close(fd)
            os.replace(target, kept)
            self._kept.append((target, Path(kept)))

    def place(self, source: Path, rel: str) -> Path:
        """Move the file ``source`` to ``folder/rel`` (what was there is kept aside)."""
        target = inside(self.folder, rel)
        target.parent.mkdir(parents=True, exist_ok=True)
        self._set_aside(target)
        os.replace(source, target)
        self._placed.append(target)
        return target

    def write(self, rel: str, data: str | bytes) -> Path:
        """Write a file (staged in ``scratch``, then placed)."""
        fd, staged = tempfile.mkstemp(prefix="new-", dir=self.scratch)
        os.close(fd)
        write_atomic(staged, data)
        return self.place(Path(staged), rel)

    def remove(self, rel: str) -> None:
        """Remove ``folder/rel`` if present (kept aside until the commit)."""
        target = inside(self.folder, rel)
        if target.is_file() or target.is_symlink():
            self._set_aside(target)

    def commit(self) -> None:
        """Forget the previous files."""
        for _, kept in self._kept:
            kept.unlink(missing_ok=True)
        self._placed, self._kept = [], []

    def rollback(self) -> None:
        """Put the folder back as it was: the placed files removed, the previous ones restored."""
        for target in reversed(self._placed):
            target.unlink(missing_ok=True)
        for target, kept in reversed(self._kept):
            os.replace(kept, target)
        self._placed, self._kept = [], []

