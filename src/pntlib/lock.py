"""One writer per output folder: the lock ``pnt run`` and ``pnt extract`` hold while they write.

Both commands take the same lock, ``<folder>/.pnt-run.lock``, so two calls of
either (``pnt extract`` twice, or ``pnt run`` and ``pnt extract`` on one
folder) never interleave their files: the second fails at once with
:class:`~pntlib.exceptions.RunLockedError` naming the folder.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

from .exceptions import OutputError, RunLockedError

__all__ = ["LOCK_NAME", "exclusive"]

#: Lock file held in an output folder while ``pnt run`` or ``pnt extract`` writes into it.
LOCK_NAME = ".pnt-run.lock"


@contextlib.contextmanager
def exclusive(folder: str | Path, command: str = "pnt run") -> Iterator[Path]:
    """Hold ``<folder>/.pnt-run.lock`` (an exclusive, non-blocking ``flock``) while writing into ``folder``.

    The lock file is removed when the lock is released (so a finished call
    leaves nothing behind); a holder checks after locking that the file it
    locked is still the one at the path, so a call that opened the file just
    before the previous holder removed it cannot hold a stale lock.

    Parameters
    ----------
    folder : str or Path
        An existing folder.
    command : str
        What is about to write (``"pnt run"``, ``"pnt extract"``), for the message of the other caller.

    Yields
    ------
    Path
        The lock file.

    Raises
    ------
    OutputError
        The lock file cannot be made (a read-only folder).
    RunLockedError
        Another ``pnt run`` or ``pnt extract`` holds the lock; the message names the folder.
    """
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: no lock
        yield Path(folder) / LOCK_NAME
        return
    path = Path(folder) / LOCK_NAME
    while True:
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
        except OSError as exc:  # a read-only folder, or one of /proc or /sys
            raise OutputError(f"cannot write in the output folder {folder} ({exc.strerror}); "
                              "choose a writable folder") from exc
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            os.close(fd)
            raise RunLockedError(
                f"another pnt run or pnt extract is writing into {folder} (it holds the lock {path}); "
                f"wait for it to finish, or give another --out"
            ) from exc
        try:
            same = os.stat(path).st_ino == os.fstat(fd).st_ino
        except FileNotFoundError:  # removed by the previous holder as it released it
            same = False
        if same:
            break
        os.close(fd)
    try:
        os.ftruncate(fd, 0)
        os.write(fd, f"{command} {os.getpid()}\n".encode())
        yield path
    finally:
        with contextlib.suppress(OSError):
            os.unlink(path)  # while still holding it: nobody can lock this file afterwards
        os.close(fd)
