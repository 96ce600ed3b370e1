"""One writer per output folder: the lock ``pnt run`` and ``pnt extract`` hold while they write.

Both commands take the same lock, ``.<folder name>.pnt-run.lock`` beside the
folder (:func:`lock_path`: ``.reports.pnt-run.lock``, ``data/.processed.pnt-run.lock``;
outside the folder, so it is never published or archived with it; a
:class:`filelock.FileLock`: ``flock`` on Unix, ``LockFileEx`` on Windows), so
two calls of either (``pnt extract`` twice, or ``pnt run`` and ``pnt extract``
on one folder) never interleave their files: the second fails at once with
:class:`~pntlib.exceptions.RunLockedError` naming the folder. The lock file
stays (removing it while another call may be opening it would let two calls
hold two different files); git ignores it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

from .exceptions import OutputError, RunLockedError

__all__ = ["LOCK_NAME", "lock_path", "exclusive"]

#: Suffix of the lock file held beside an output folder while ``pnt run`` or ``pnt extract``
#: writes into it (older versions kept ``.pnt-run.lock`` inside the folder).
LOCK_NAME = ".pnt-run.lock"


def lock_path(folder: str | Path) -> Path:
    """The lock of an output folder: ``.<folder name>.pnt-run.lock`` beside it (``.reports.pnt-run.lock``)."""
    folder = Path(folder).absolute()
    return folder.parent / f".{folder.name}{LOCK_NAME}"


@contextlib.contextmanager
def exclusive(folder: str | Path, command: str = "pnt run") -> Iterator[Path]:
    """Hold the folder's lock (:func:`lock_path`) while writing into it; fail at once if another call holds it.

    Parameters
    ----------
    folder : str or Path
        An existing folder.
    command : str
        What is about to write (``"pnt run"``, ``"pnt extract"``).

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
    from filelock import FileLock, Timeout

    path = lock_path(folder)
    lock = FileLock(path, timeout=0, is_singleton=False)
    try:
        lock.acquire()
    except Timeout as exc:
        raise RunLockedError(
            f"another pnt run or pnt extract is writing into {folder} (it holds the lock {path}); "
            f"wait for it to finish, or give another --out"
        ) from exc
    except OSError as exc:  # a read-only folder, or one of /proc or /sys
        raise OutputError(f"cannot make the lock {path} beside the output folder {folder} ({exc.strerror}); "
                          f"choose a writable folder") from exc
    try:
        yield path
    finally:
        lock.release()
