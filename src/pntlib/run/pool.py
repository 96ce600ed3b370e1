"""Process control of ``pnt run``: the worker processes, the output folder's lock, and stop signals.

:class:`WorkerPool` owns its worker processes (one run at a time each) and
the kernel server that forks their kernels, so that :meth:`WorkerPool.kill`
can stop every one of them with everything they started; each worker also
watches the main process and, if it dies without cleaning up (SIGKILL), exits
within a second (the kernel server, whose standard input is then closed, kills
its kernels and exits). :class:`StopSignals` turns Ctrl-C, SIGTERM and SIGHUP
into a ``KeyboardInterrupt`` except while a run is being published.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import multiprocessing.connection
import os
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ..lock import LOCK_NAME, exclusive, lock_path
from .kernel_server import kill_processes
from .kernels import KernelServer, kernel_environment
from .results import ErrorDetails, RunResult
from .worker import execute, init_worker

#: How kernels are started (:class:`WorkerPool`, ``pnt run --kernels``).
KERNEL_MODES = ("server", "plain")

__all__ = ["KERNEL_MODES", "LOCK_NAME", "lock_path", "STOP_SIGNALS", "RunInterrupted", "Stopped", "StopSignals", "Task", "WorkerPool", "exclusive"]



class Stopped(KeyboardInterrupt):
    """A stop signal (SIGINT, SIGTERM, SIGHUP) received while runs execute; ``signum`` says which."""

    def __init__(self, signum: int = signal.SIGINT) -> None:
        super().__init__()
        self.signum = signum


class RunInterrupted(Stopped):
    """Ctrl-C (or SIGTERM, SIGHUP) stopped ``pnt run``.

    The runs that had finished are published and in the manifest and index;
    the others were killed with their kernels and keep their previous reports.
    Attributes: ``out`` (the output folder), ``finished`` and ``stopped`` (run
    counts), ``signum`` (the signal; the shell's exit status is 128 + signum).
    """

    def __init__(self, out: Path, finished: int, stopped: int, signum: int = signal.SIGINT):
        super().__init__(signum)
        how = "" if signum == signal.SIGINT else f" ({signal.Signals(signum).name})"
        self.args = (
            f"interrupted{how}: {finished} runs published, {stopped} stopped and not published; "
            f"index: {out / 'index.html'}",
        )
        self.out, self.finished, self.stopped = out, finished, stopped


#: Signals that stop ``pnt run`` the way Ctrl-C does.
STOP_SIGNALS = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name))


class StopSignals:
    """Ctrl-C, SIGTERM and SIGHUP handling of the main process while runs execute.

    Each raises :class:`Stopped` (a ``KeyboardInterrupt``). Inside
    :meth:`critical` (publishing one run with the manifest and index) a signal
    is held back until the section ends, so a run is published whole or not at
    all; :meth:`ignore` drops further signals while cleaning up. Only active in
    the main thread; a signal that was ignored (``nohup``) stays ignored.
    """

    def __init__(self) -> None:
        self.active = threading.current_thread() is threading.main_thread()
        self.depth = 0
        self.pending: int | None = None
        self.previous: dict[int, object] = {}

    def __enter__(self):
        if self.active:
            for signum in STOP_SIGNALS:
                previous = signal.getsignal(signum)
                if previous is not signal.SIG_IGN:
                    self.previous[signum] = previous
                    signal.signal(signum, self._handler)
        return self

    def __exit__(self, *exc) -> None:
        for signum, previous in self.previous.items():
            signal.signal(signum, previous)
        self.previous = {}

    def _handler(self, signum, frame) -> None:
        if self.depth:
            self.pending = self.pending or signum
            return
        raise Stopped(signum)

    @contextlib.contextmanager
    def critical(self):
        """A section a stop signal does not cut short (it takes effect at its end)."""
        self.depth += 1
        try:
            yield
        finally:
            self.depth -= 1
        if self.pending and not self.depth:
            signum, self.pending = self.pending, None
            raise Stopped(signum)

    def ignore(self) -> None:
        """Drop further stop signals (while cleaning up)."""
        for signum in self.previous:
            signal.signal(signum, signal.SIG_IGN)


# --------------------------------------------------------------------------- workers


@dataclass(frozen=True)
class Task:
    """One run for the pool: the run, its key (for the manifest), its staging folder, the output folder,
    and the copy of the report its notebook reads (:mod:`pntlib.run.snapshot`; ``None``: none given)."""

    run: object
    key: dict
    stage: Path
    out: Path
    report: str | None = None


def _watch(main_pid: int, interval: float = 0.5) -> None:
    """In a worker: when the main process is gone (SIGKILL), kill this worker's children and exit.

    A thread polls the main process. (The kernels are the kernel server's children, or this
    process's when it has no server.)
    """
    import psutil

    def alive(process) -> bool:
        try:
            return process.is_running() and process.status() != psutil.STATUS_ZOMBIE
        except psutil.Error:
            return False

    def watch() -> None:
        try:
            main = psutil.Process(main_pid)
        except psutil.Error:
            main = None
        while main is not None and alive(main):
            time.sleep(interval)
        try:
            children = psutil.Process().children()
        except psutil.Error:
            children = []
        kill_processes(children)  # each with every process below it
        os._exit(1)

    threading.Thread(target=watch, name="pnt-watch-main", daemon=True).start()


def _serve(conn, env: dict, kernels: str | None, main_pid: int) -> None:
    """A worker process: execute the runs it is sent, one at a time, until told to stop."""
    init_worker(env, kernels)
    _watch(main_pid)
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        run, stage, out, report = message
        result = execute(run, stage, out, report)
        _kill_leftovers()
        conn.send(result)


def _kill_leftovers() -> None:
    """Kill whatever the run left below this worker (a kernel it launched itself, and what that
    kernel started, re-parented here: the worker is their subreaper, see :func:`init_worker`)."""
    import psutil

    try:
        kill_processes(psutil.Process().children())
    except psutil.Error:
        pass


class _Worker:
    def __init__(self, context, env: dict, kernels: str | None) -> None:
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_serve, args=(child, env, kernels, os.getpid()), daemon=True)
        self.process.start()
        child.close()
        self.task: Task | None = None
        self.sent = 0.0


class WorkerPool:
    """Up to ``size`` worker processes, each executing one run at a time.

    Parameters
    ----------
    size : int
        Runs executed at once.
    src_dir : str
        The folder holding this pntlib, put first on the kernels' ``PYTHONPATH``.
    mpl_dir : str
        The kernels' ``MPLCONFIGDIR`` (:func:`pntlib.run.worker.matplotlib_config_dir`).
    kernels : {"server", "plain"}
        ``server``: the kernels are forked by one kernel server
        (:class:`~pntlib.run.kernels.KernelServer`), started with the first tasks, before
        the workers; ``plain``: each kernel is a new process started by its worker, as
        jupyter_client starts kernels (slower; to tell whether the server is to blame).
    """

    def __init__(self, size: int, src_dir: str, mpl_dir: str, kernels: str = "server") -> None:
        if kernels not in KERNEL_MODES:
            raise ValueError(f"kernels={kernels!r}: choose one of {', '.join(KERNEL_MODES)}")
        self.size = max(1, size)
        self.kernels = kernels
        self.env = kernel_environment(src_dir, mpl_dir)
        self.context = multiprocessing.get_context("forkserver" if sys.platform != "win32" else "spawn")
        self.workers: list[_Worker] = []
        self.server: KernelServer | None = None

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _idle(self) -> _Worker:
        for worker in self.workers:
            if worker.task is None:
                return worker
        worker = _Worker(self.context, self.env, self.server.address if self.server else None)
        self.workers.append(worker)
        return worker

    def start_kernels(self, count: int, reports: list[str]) -> None:
        """Start the kernel server for ``count`` kernels (where processes can fork), if not yet.

        ``reports``: the report files the kernels read, parsed by the server first ("" for the
        default report). Called early, its imports overlap the caller's remaining checks;
        :meth:`results` calls it anyway.
        """
        if self.server is None and count and self.kernels == "server" and hasattr(os, "fork"):
            self.server = KernelServer(count, list(dict.fromkeys(reports)), self.env)

    def results(self, tasks: Iterable[Task]) -> Iterator[tuple[Task, RunResult]]:
        """Execute every task, yielding ``(task, result)`` as each finishes.

        A worker that dies gives its run a failed result (and is replaced).
        """
        queue = deque(tasks)
        self.start_kernels(len(queue), [task.report or "" for task in queue])
        while queue or any(w.task for w in self.workers):
            while queue and (len(self.workers) < self.size or any(w.task is None for w in self.workers)):
                worker, task = self._idle(), queue.popleft()
                worker.task, worker.sent = task, time.time()
                worker.conn.send((task.run, str(task.stage), str(task.out), task.report))
            busy = [w for w in self.workers if w.task is not None]
            ready = set(multiprocessing.connection.wait([w.conn for w in busy] + [w.process.sentinel for w in busy]))
            for worker in busy:
                if worker.conn in ready or worker.process.sentinel in ready:
                    task, result = worker.task, self._receive(worker)
                    worker.task = None
                    yield task, result

    def _receive(self, worker: _Worker) -> RunResult:
        try:
            if worker.conn.poll():
                return worker.conn.recv()
        except (EOFError, OSError):
            pass
        worker.process.join(5)
        worker.conn.close()
        self.workers.remove(worker)
        return RunResult.failure(worker.task.run.name, worker.sent, ErrorDetails(
            "WorkerError", f"el proceso que ejecutaba el cuaderno terminó de forma inesperada "
                           f"(código de salida {worker.process.exitcode})"))

    def kill(self) -> None:
        """Kill the worker processes, the kernel server and everything they started (kernels included)."""
        import psutil

        workers = []
        pids = [w.process.pid for w in self.workers] + ([self.server.process.pid] if self.server else [])
        for pid in pids:
            try:
                workers.append(psutil.Process(pid))
            except (psutil.Error, ValueError):
                pass
        for process in workers:  # stopped first, so that none starts a kernel while the tree is read
            try:
                process.suspend()
            except psutil.Error:
                pass
        tree = list(workers)
        for process in workers:
            try:
                tree += process.children(recursive=True)
            except psutil.Error:
                pass
        for process in reversed(tree):
            try:
                process.kill()
            except psutil.Error:
                pass
        psutil.wait_procs(tree, timeout=10)
        for worker in self.workers:
            worker.process.join(1)
        self.workers = []
        self._close_server()

    def _close_server(self) -> None:
        if self.server is not None:
            self.server.close()
            self.server = None

    def close(self) -> None:
        """Tell idle workers to stop and wait for them (those still busy are killed), then stop the kernel server."""
        if any(w.task is not None for w in self.workers):
            self.kill()
            return
        for worker in self.workers:
            try:
                worker.conn.send(None)
            except OSError:
                pass
        for worker in self.workers:
            worker.process.join(10)
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join(1)
        self.workers = []
        self._close_server()
