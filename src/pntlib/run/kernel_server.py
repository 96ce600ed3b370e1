"""A process that starts fresh kernels with the heavy imports already done: ``python .../pntlib/run/kernel_server.py``.

``pnt run`` starts one kernel server per call, before its workers. The server
imports what every notebook imports (IPython and ipykernel, pandas,
matplotlib, seaborn, pntlib), parses the plan's reports and derives their
audit and progress tables (:meth:`pntlib.tables.ParsedReport.derived`). For each run, a
worker asks it for a kernel: the server forks, and the child becomes a new
ipykernel (in its own session, with the run's working folder, arguments and
environment, like a kernel launched by jupyter_client). While a notebook runs,
the server already starts that worker's next kernel (a *spare*, launched
exactly as the worker's last request asked) so that its next run finds it
ready; a spare whose launch does not match the next request is killed, never
adapted. The server never
runs notebook code and gives each kernel to one run only: every notebook gets
a kernel no other notebook has touched.

Protocol, one JSON object per line over a connection to the listening socket
(its descriptor is the first argument): the worker sends ``{"argv": [...],
"cwd": "...", "env": {...}}`` (``argv`` is the kernel command jupyter_client
formatted, ``python -m ipykernel_launcher -f FILE ...``); the server answers
``{"pid": N}`` (a kernel started with that command) or ``{"pid": N,
"connection": {...}}`` (a spare, started with the same command but its own
connection file: these are its ports and key), or ``{"error": "..."}``.
A worker may also send ``{"status": N}``: the answer ``{"pid": N, "exit": CODE}``
gives kernel N's exit code once it ended (``-S``: signal S ended it, as
``Popen.returncode`` gives it), ``null`` while it runs.
When the server's standard input closes (``pnt run`` ended, or died), it kills
the kernels it started that are still running and exits; a kernel whose server
is gone exits within a second (ipykernel's parent poller watches the server).

A forked kernel differs from one launched with ``Popen`` only in what fork
implies: the modules above are already imported (with the inline matplotlib
backend selected, as ipykernel selects it), the reports are already parsed
(:func:`pntlib.tables.get_report` re-reads a file that changed), and string
hashing shares the server's seed; numpy's global random generator is seeded
afresh, as Python's ``random`` is.
"""

from __future__ import annotations

import atexit
import json
import os
import selectors
import signal
import socket
import sys
import tempfile
import traceback
from dataclasses import dataclass, field

__all__ = ["LAUNCHER", "PRELOAD", "KERNEL_MARK", "SINGLE_THREADED", "become_subreaper", "kill_processes", "main"]

#: The module jupyter_client's kernel command runs (``python -m ipykernel_launcher``).
LAUNCHER = "ipykernel_launcher"
#: Imported by the server before any kernel is asked for: what the notebooks import.
PRELOAD = (
    "ipykernel.kernelapp",
    "ipykernel.ipkernel",
    "IPython.core.interactiveshell",
    "pandas",
    "pyarrow.pandas_compat",
    "matplotlib.pyplot",
    "matplotlib.backends.backend_agg",
    "matplotlib.backends.backend_svg",
    "PIL.PngImagePlugin",
    "seaborn",
    "pntlib",
    "pntlib.briefing",
    "pntlib.evidence",
    "pntlib.notebook",
    "pntlib.outputs",
    "pntlib.plots",
)
#: Environment variable a forked kernel sets to its own pid: the processes a notebook starts
#: inherit it, so that the server knows whose they are once they are orphaned.
KERNEL_MARK = "PNTLIB_RUN_KERNEL"
# matplotlib_inline's backend module hooks into the running IPython shell when it is
# first imported: it must be imported by the kernel (when pyplot first needs it), never here.
_NOT_PRELOADED = "matplotlib_inline.backend_inline"


class _KernelShell:
    """What ``get_ipython()`` is to an import-time check while the server imports: a kernel's shell."""

    kernel = None


#: Set in the server before it imports anything, so that it forks with one thread: a thread
#: does not survive fork, and one holding a lock then leaves the child stuck on it. OpenBLAS
#: (numpy) starts a pool of worker threads when loaded unless told to use one; the jemalloc
#: linked into pyarrow starts a background purging thread unless configured not to (pyarrow
#: allocates with mimalloc by default, so the kernels lose nothing). A kernel gets its BLAS
#: threads back (:func:`_restore_blas_threads`) and the caller's environment.
SINGLE_THREADED = {
    "OPENBLAS_NUM_THREADS": "1",
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "JE_ARROW_MALLOC_CONF": "background_thread:false",
}


def _blas_threads(env: dict) -> int:
    """The BLAS threads a kernel started with ``env`` as a new process would have (OpenBLAS's rule:
    ``OPENBLAS_NUM_THREADS``, else ``GOTO_NUM_THREADS``, else ``OMP_NUM_THREADS``, else the usable cores)."""
    for name in ("OPENBLAS_NUM_THREADS", "GOTO_NUM_THREADS", "OMP_NUM_THREADS"):
        try:
            value = int(env.get(name, "").split(",")[0])
        except ValueError:
            continue
        if value > 0:
            return value
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def _restore_blas_threads(env: dict) -> None:
    """In a kernel: the BLAS thread pool a new process would have (the server ran with one thread)."""
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=_blas_threads(env), user_api="blas")


def _preload(reports: list[str]) -> None:
    """Import :data:`PRELOAD` and parse ``reports`` ("" for the default report)."""
    import importlib

    # what ipykernel does before the kernel's code runs (IPKernelApp.init_gui_pylab);
    # matplotlib reads it when imported
    if not os.environ.get("MPLBACKEND"):
        os.environ["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"
    # libraries that look at import time whether they run in a Jupyter kernel (pandas sets
    # display.max_columns to 20 there, to 0 in a terminal) must find one, as in a kernel
    import builtins

    builtins.get_ipython = _KernelShell
    try:
        for name in PRELOAD:
            importlib.import_module(name)
    finally:
        del builtins.get_ipython
    if _NOT_PRELOADED in sys.modules:  # pragma: no cover - a library changed its imports
        raise RuntimeError(f"{_NOT_PRELOADED} was imported before the kernel started")
    from pntlib.audit import audit
    from pntlib.progress import progress
    from pntlib.tables import get_report

    for report in reports:
        try:
            parsed = get_report(report or None)
            for name in ("cards", "indicator_ids", "objective_numbers", "result_years", "_lines"):
                getattr(parsed, name)  # cached on the parsed report
            audit(report=report or None)  # the tables every notebook derives, computed once
            progress(report=report or None)
        except Exception:  # noqa: BLE001 - a damaged report: the notebook reports it, in its validation cell
            continue


def become_subreaper() -> bool:
    """Make this process the *child subreaper* of its descendants (Linux ``prctl``; elsewhere nothing).

    A process a notebook starts in a session of its own (``setsid``), or whose parent
    exits, is then re-parented to this process instead of to init, so that it can be
    found and killed when its run ends. No public Python function sets it (``os`` has no
    ``prctl``), hence ``ctypes``. Returns whether it is set.
    """
    if not sys.platform.startswith("linux"):
        return False
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(36, 1, 0, 0, 0) == 0  # PR_SET_CHILD_SUBREAPER = 36 (linux/prctl.h)
    except (OSError, AttributeError):
        return False


def kill_processes(processes) -> None:
    """Kill psutil processes and every process below them (stopped first, so none escapes by forking)."""
    import psutil

    tree = []
    for process in processes:
        try:
            process.suspend()
            tree += [process, *process.children(recursive=True)]
        except psutil.Error:
            continue
    for process in tree:
        try:
            process.kill()
        except psutil.Error:
            pass
    psutil.wait_procs(tree, timeout=5)


def _kernel_args(argv: list[str]) -> list[str]:
    """The arguments of the kernel application in a ``python -m ipykernel_launcher ...`` command."""
    if len(argv) < 3 or argv[1:3] != ["-m", LAUNCHER]:
        raise ValueError(f"not an ipykernel command: {argv!r}")
    return argv[3:]


def _without_connection_file(args: list[str]) -> tuple[str, ...]:
    """The kernel arguments apart from ``-f FILE``: what a spare must match."""
    kept, skip = [], False
    for arg in args:
        if skip:
            skip = False
        elif arg == "-f":
            skip = True
        elif not arg.startswith("--f=") and not arg.startswith("--IPKernelApp.connection_file="):
            kept.append(arg)
    return tuple(kept)


def _with_connection_file(args: list[str], path: str) -> list[str]:
    return ["-f", path, *_without_connection_file(args)]


# --------------------------------------------------------------------------- the kernel (child)


def _become_kernel(args: list[str], cwd: str, env: dict, close: list, ready: int | None) -> None:
    """In the forked child: set up the process as ``Popen`` would, then run the kernel; never returns.

    ``ready``: a pipe on which the kernel writes its connection info once it listens.
    """
    code = 1
    try:
        for handle in close:
            if isinstance(handle, int):
                os.close(handle)
            else:
                handle.close()
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGCHLD})
        os.setsid()  # its own session and process group, as jupyter_client starts kernels
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)
        os.close(devnull)
        os.chdir(cwd)
        os.environ.clear()
        os.environ.update(env)  # JPY_PARENT_PID: the worker that asked for the kernel
        os.environ[KERNEL_MARK] = str(os.getpid())
        import importlib.util

        sys.argv = [importlib.util.find_spec(LAUNCHER).origin, *args]
        import numpy

        numpy.random.seed()  # a fresh global generator, as in a new interpreter
        _restore_blas_threads(env)
        from ipykernel.kernelapp import IPKernelApp

        # the parent the kernel watches (it exits when it is gone): this server, whose own
        # end comes with pnt run's (ipykernel would read JPY_PARENT_PID, the worker, when imported)
        app = IPKernelApp.instance(parent_handle=os.getppid())
        app.initialize(args)
        if ready is not None:
            info = app.get_connection_info()
            info["key"] = info["key"].decode() if isinstance(info["key"], bytes) else info["key"]
            os.write(ready, json.dumps(info).encode())
            os.close(ready)
        app.start()
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except BaseException:  # the kernel could not start: say why on stderr, as a kernel would
        traceback.print_exc()
    finally:
        try:
            atexit._run_exitfuncs()  # what an interpreter runs when it exits
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code)


# --------------------------------------------------------------------------- the server


@dataclass
class _Spare:
    """A kernel started ahead of its request."""

    pid: int
    client: socket.socket  # the worker it is for
    match: tuple
    pipe: int
    info: dict | None = None
    waiting: list = field(default_factory=list)  # client sockets to answer once it is ready


class Server:
    """The server's state: its clients, the kernels it started, its spares."""

    def __init__(self, listener: socket.socket, runs: int) -> None:
        self.listener = listener
        self.selector = selectors.DefaultSelector()
        self.selector.register(listener, selectors.EVENT_READ, "accept")
        self.selector.register(sys.stdin, selectors.EVENT_READ, "stdin")
        self.buffers: dict[socket.socket, bytearray] = {}
        self.children: set[int] = set()
        self.spares: list[_Spare] = []
        self.remaining = runs  # kernels still to be asked for
        self.folder = tempfile.mkdtemp(prefix="pnt-kernels-")
        self.count = 0
        self.ended: list[int] = []  # kernels that ended, whose orphans are still to be killed
        self.exits: dict[int, int] = {}  # exit code of each kernel that ended (-N: signal N)

    # ---------------------------------------------------------------- processes

    def reap(self, signum=None, frame=None) -> None:
        """Collect the exit status of kernels that ended (so they do not stay as zombies)."""
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            if pid in self.children:
                self.children.discard(pid)
                self.ended.append(pid)
                self.exits[pid] = os.waitstatus_to_exitcode(status)

    def fork(self, args: list[str], cwd: str, env: dict, ready: int | None = None) -> int:
        # SIGCHLD waits until the new kernel is recorded, so that its end is never missed
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGCHLD})
        try:
            pid = os.fork()
            if pid == 0:
                pipes = [s.pipe for s in self.spares if s.pipe >= 0]
                _become_kernel(args, cwd, env, [self.listener, *self.buffers, self.selector, *pipes], ready)
            self.children.add(pid)
            return pid
        finally:
            signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGCHLD})

    def kill(self, pid: int) -> None:
        """Kill a kernel and its process group (a kernel just forked may not lead its group yet)."""
        for kill in (os.killpg, os.kill):
            try:
                kill(pid, signal.SIGKILL)
            except OSError:
                pass

    def kill_all(self) -> None:
        """Kill the kernels and every other process below the server (orphans of notebooks included)."""
        for pid in list(self.children):
            self.kill(pid)
        import psutil

        try:
            kill_processes(psutil.Process().children())
        except psutil.Error:
            pass

    def kill_orphans(self) -> None:
        """Kill what ended kernels left behind: processes re-parented to the server (a subreaper) that
        a notebook started (they carry :data:`KERNEL_MARK` of a kernel that ended)."""
        if not self.ended:
            return
        import psutil

        ended, self.ended = {str(pid) for pid in self.ended}, []
        orphans = []
        for process in psutil.Process().children():
            if process.pid in self.children:
                continue
            try:
                if process.environ().get(KERNEL_MARK) in ended:
                    orphans.append(process)
            except psutil.Error:
                continue
        kill_processes(orphans)

    # ---------------------------------------------------------------- spares

    def start_spare(self, client, args: list[str], cwd: str, env: dict) -> None:
        self.count += 1
        path = os.path.join(self.folder, f"kernel-{os.getpid()}-{self.count}.json")
        read, write = os.pipe()
        pid = self.fork(_with_connection_file(args, path), cwd, env, ready=write)
        os.close(write)
        spare = _Spare(pid, client, (_without_connection_file(args), cwd, _comparable(env)), read)
        self.spares.append(spare)
        self.selector.register(read, selectors.EVENT_READ, spare)

    def spare_ready(self, spare: _Spare) -> None:
        data = b""
        while chunk := os.read(spare.pipe, 65536):
            data += chunk
        self.selector.unregister(spare.pipe)
        os.close(spare.pipe)
        spare.pipe = -1
        if data and spare.pid in self.children:
            spare.info = json.loads(data)
            for client in spare.waiting:
                self.answer(client, {"pid": spare.pid, "connection": spare.info})
            return
        # it died before listening: the runs waiting for it get kernels of their own
        if spare in self.spares:
            self.spares.remove(spare)
        for client, request in spare.waiting:
            self.launch(client, request)

    def top_up(self, client, args: list[str], cwd: str, env: dict) -> None:
        """Keep one spare for the worker, launched as its last request, while runs remain for it."""
        match = (_without_connection_file(args), cwd, _comparable(env))
        for spare in [s for s in self.spares if s.client is client and s.match != match]:
            self.drop(spare)
        others = sum(1 for s in self.spares if s.client is not client)
        if self.remaining > others and not any(s.client is client for s in self.spares):
            self.start_spare(client, args, cwd, env)

    def drop(self, spare: _Spare) -> None:
        self.spares.remove(spare)
        if spare.pipe >= 0:
            self.selector.unregister(spare.pipe)
            os.close(spare.pipe)
        self.kill(spare.pid)

    # ---------------------------------------------------------------- requests

    def answer(self, client, message: dict) -> None:
        if isinstance(client, tuple):
            client = client[0]
        try:
            client.sendall(json.dumps(message).encode() + b"\n")
        except OSError:  # the worker is gone: so is its need for the kernel
            pass

    def status(self, client, pid: int) -> None:
        """Answer whether kernel ``pid`` ended, and its exit code."""
        self.reap()  # SIGCHLD may be pending while the request is served
        ended = pid not in self.children
        self.answer(client, {"pid": pid, "exit": self.exits.get(pid, -signal.SIGKILL) if ended else None})

    def launch(self, client, request: dict) -> None:
        """Answer a request: a matching spare, or a kernel forked for it."""
        if "status" in request:
            self.status(client, int(request["status"]))
            return
        try:
            args = _kernel_args(request["argv"])
            cwd, env = request["cwd"], request["env"]
            match = (_without_connection_file(args), cwd, _comparable(env))
            spares = [s for s in self.spares if s.client is client and s.match == match and s.pid in self.children]
            spares.sort(key=lambda s: s.info is None)  # ready ones first
            if spares:
                spare = spares[0]
                self.spares.remove(spare)
                if spare.info is not None:
                    self.answer(client, {"pid": spare.pid, "connection": spare.info})
                else:
                    spare.waiting.append((client, request))
            else:
                self.answer(client, {"pid": self.fork(args, cwd, env)})
            self.remaining = max(0, self.remaining - 1)
            self.top_up(client, args, cwd, env)
        except Exception as exc:  # answered to the worker, which raises it
            self.answer(client, {"error": f"{type(exc).__name__}: {exc}"})

    def serve(self) -> None:
        while True:
            self.kill_orphans()
            for key, _ in self.selector.select(timeout=0.5):
                what = key.data
                if what == "stdin":
                    if not os.read(sys.stdin.fileno(), 4096):
                        return  # pnt run is gone
                elif what == "accept":
                    client, _ = self.listener.accept()
                    self.buffers[client] = bytearray()
                    self.selector.register(client, selectors.EVENT_READ, "client")
                elif what == "client":
                    self.receive(key.fileobj)
                else:
                    self.spare_ready(what)

    def receive(self, client: socket.socket) -> None:
        try:
            data = client.recv(65536)
        except OSError:
            data = b""
        if not data:  # the worker ended
            for spare in [s for s in self.spares if s.client is client]:
                self.drop(spare)
            self.selector.unregister(client)
            del self.buffers[client]
            client.close()
            return
        buffer = self.buffers[client]
        buffer += data
        while b"\n" in buffer:
            line, _, rest = bytes(buffer).partition(b"\n")
            buffer[:] = rest
            self.launch(client, json.loads(line))

    def close(self) -> None:
        for spare in list(self.spares):
            self.drop(spare)
        self.kill_all()
        import shutil

        shutil.rmtree(self.folder, ignore_errors=True)


def _comparable(env: dict) -> tuple:
    return tuple(sorted(env.items()))


def main(argv: list[str] | None = None) -> int:
    """``python .../kernel_server.py FD RUNS [REPORT ...]`` (started by :class:`pntlib.run.kernels.KernelServer`).

    Run as a script, not as ``-m pntlib.run.kernel_server``: importing the
    package would import pandas before :func:`_preload` can make it see a kernel.

    ``FD`` is a listening Unix socket; ``RUNS`` the number of kernels the call will ask for.
    """
    args = sys.argv[1:] if argv is None else argv
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # pnt run decides what stops (as in its workers)
    # started as a script (python .../kernel_server.py), so that nothing is imported before
    # _preload: its folder is not an import path (pntlib comes from PYTHONPATH, as in a kernel)
    if sys.path and os.path.realpath(sys.path[0]) == os.path.dirname(os.path.realpath(__file__)):
        del sys.path[0]
    listener = socket.socket(fileno=int(args[0]))
    os.environ.update(SINGLE_THREADED)  # before anything is imported (a kernel gets its caller's environment)
    become_subreaper()  # what a notebook starts and leaves behind comes back to the server
    _preload(args[2:])
    server = Server(listener, int(args[1]))
    signal.signal(signal.SIGCHLD, server.reap)
    try:
        server.serve()
    finally:
        server.close()
    return 0


if __name__ == "__main__":
    code = main()
    sys.stdout.flush()
    sys.stderr.flush()
    # its kernels are killed and its folder removed: skip the interpreter's teardown of
    # pandas, matplotlib and the rest (a quarter of a second pnt run would wait for)
    os._exit(code)
