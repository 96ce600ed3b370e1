"""The kernels of ``pnt run``: each run gets a new ipykernel of this interpreter, forked by a kernel server.

:class:`KernelServer` (in the main process) starts
``pntlib/run/kernel_server.py``, which imports what the notebooks import,
parses the reports and forks the kernels (see :mod:`pntlib.run.kernel_server`); each
worker asks it for its kernels through a :class:`KernelClient`.
:func:`kernel_manager_class` is the jupyter_client kernel manager papermill is
given: it builds the kernel's command from this interpreter (never from a
``python3`` kernelspec of another environment) and launches it through the
server, or as a new process when the worker has no server.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

__all__ = ["KernelServer", "KernelClient", "kernel_environment", "kernel_manager_class", "set_client"]

_CLIENT: KernelClient | None = None


def kernel_environment(src_dir: str, mpl_dir: str, environ: dict | None = None) -> dict:
    """The environment of the workers, of the kernel server and of the kernels.

    ``src_dir`` (the folder holding this pntlib) comes first on ``PYTHONPATH``;
    ``MPLBACKEND`` is removed: papermill only records figures drawn by the
    inline backend, and a non-interactive one (Agg) inherited from the caller
    would silently drop them; matplotlib reads its settings from ``mpl_dir``
    (:func:`pntlib.run.worker.matplotlib_config_dir`), never from the caller's
    ``MATPLOTLIBRC``.
    """
    env = dict(os.environ if environ is None else environ)
    parts = [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p and p != src_dir]
    env["PYTHONPATH"] = os.pathsep.join([src_dir, *parts])
    env.pop("MPLBACKEND", None)
    env["MPLCONFIGDIR"] = mpl_dir
    env.pop("MATPLOTLIBRC", None)
    env.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    return env


class KernelServer:
    """The kernel server of one ``pnt run`` call (:mod:`pntlib.run.kernel_server`), started at once.

    Parameters
    ----------
    runs : int
        Kernels the call will ask for (the server prepares no more spares than that).
    reports : iterable of str
        Report files to parse before the first kernel ("" for the default report).
    env : dict
        Its environment and its kernels' (:func:`kernel_environment`).

    Attributes
    ----------
    address : str
        The socket workers connect to (:class:`KernelClient`).
    process : subprocess.Popen
    """

    def __init__(self, runs: int, reports, env: dict) -> None:
        self.folder = tempfile.mkdtemp(prefix="pnt-run-")
        self.address = os.path.join(self.folder, "kernels.sock")
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            listener.bind(self.address)
            listener.listen(64)
            self.process = subprocess.Popen(
                [sys.executable, str(Path(__file__).with_name("kernel_server.py")), str(listener.fileno()),
                 str(runs), *reports],
                pass_fds=[listener.fileno()], stdin=subprocess.PIPE, env=env,
                # out of the terminal's process group: Ctrl-C is for pnt run, which stops the
                # server (WorkerPool.kill); the server exits when pnt run's end of stdin closes
                start_new_session=True,
            )
        finally:
            listener.close()

    def close(self) -> None:
        """Stop the server (it kills its kernels still running) and remove its socket."""
        if self.process.stdin and not self.process.stdin.closed:
            try:
                self.process.stdin.close()
            except OSError:
                pass
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        shutil.rmtree(self.folder, ignore_errors=True)


class KernelClient:
    """A worker's connection to the kernel server.

    Parameters
    ----------
    address : str
        :attr:`KernelServer.address`.
    """

    def __init__(self, address: str) -> None:
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(address)
        self.reader = self.sock.makefile("rb")

    def spawn(self, argv: list[str], cwd: str, env: dict) -> dict:
        """A new kernel for ``argv`` (``python -m ipykernel_launcher ...``) in ``cwd`` with ``env``.

        Waits for the server's imports the first time.

        Returns
        -------
        dict
            ``pid``, and ``connection`` (ports and key) when the kernel listens
            on its own connection info (a spare).

        Raises
        ------
        RuntimeError
            The server is gone or could not start the kernel.
        """
        try:
            self.sock.sendall(json.dumps({"argv": argv, "cwd": cwd, "env": env}).encode() + b"\n")
            line = self.reader.readline()
        except OSError as exc:
            raise RuntimeError(f"the kernel server is gone: {exc}") from exc
        if not line:
            raise RuntimeError("the kernel server is gone")
        answer = json.loads(line)
        if "error" in answer:
            raise RuntimeError(f"the kernel server could not start a kernel: {answer['error']}")
        return answer

    def close(self) -> None:
        self.reader.close()
        self.sock.close()


def set_client(client: KernelClient | None) -> None:
    """Make ``client``'s server start the kernels of this process (``None``: launch each as a new process)."""
    global _CLIENT
    _CLIENT = client


class _ForkedKernel:
    """What jupyter_client's provisioner needs of a ``Popen``, for a kernel forked by the server.

    The kernel is the server's child, not ours: whether it runs is read from
    the system (the server collects its exit status, so an ended kernel does
    not linger as a zombie).
    """

    stdin = stdout = stderr = None

    def __init__(self, pid: int) -> None:
        import psutil

        self.pid = pid
        self.returncode: int | None = None
        try:
            self._process = psutil.Process(pid)
        except psutil.NoSuchProcess:
            self._process = None

    def poll(self) -> int | None:
        import psutil

        if self.returncode is None:
            try:
                running = self._process is not None and self._process.status() != psutil.STATUS_ZOMBIE
            except psutil.NoSuchProcess:
                running = False
            if not running:
                self.returncode = 0  # its exit status went to the server
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        import psutil

        if self.poll() is None:
            try:
                self._process.wait(timeout)
            except psutil.NoSuchProcess:
                pass
            except psutil.TimeoutExpired as exc:
                raise subprocess.TimeoutExpired(str(self.pid), timeout) from exc
        self.returncode = 0 if self.returncode is None else self.returncode
        return self.returncode

    def send_signal(self, signum: int) -> None:
        if self.poll() is None:
            os.kill(self.pid, signum)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)


@functools.cache
def kernel_manager_class():
    """A jupyter_client kernel manager that always starts ipykernel with this interpreter.

    The ``python3`` kernelspec found on the Jupyter path may belong to another
    environment (a user-level ``~/.local/share/jupyter/kernels/python3``); this
    builds the spec from the running interpreter instead, as ipykernel's own
    default spec does. The kernel is forked by the kernel server
    (:func:`set_client`) when the process has one.
    """
    from ipykernel.kernelspec import RESOURCES, get_kernel_dict
    from jupyter_client.kernelspec import KernelSpec
    from jupyter_client.manager import AsyncKernelManager
    from jupyter_client.provisioning import LocalProvisioner

    class ServerProvisioner(LocalProvisioner):
        """Launches the kernel through the kernel server instead of ``Popen``."""

        async def launch_kernel(self, cmd, **kwargs):
            client = _CLIENT
            if client is None:
                return await super().launch_kernel(cmd, **kwargs)
            env = dict(kwargs.get("env") or os.environ)
            env["JPY_PARENT_PID"] = str(os.getpid())  # as jupyter_client's launcher sets it
            cwd = str(kwargs.get("cwd") or os.getcwd())
            try:
                answer = client.spawn(list(cmd), cwd, env)
            except RuntimeError:  # the server is gone (killed): this worker's kernels are launched as programs
                set_client(None)
                return await super().launch_kernel(cmd, **kwargs)
            if "connection" in answer:  # a spare, listening on its own ports: the truth
                info = dict(answer["connection"])
                info["key"] = info["key"].encode()
                self.connection_info = info
            self.process = _ForkedKernel(int(answer["pid"]))
            self.pid = self.pgid = self.process.pid  # the kernel leads its own process group
            self.cwd = cwd
            return self.connection_info

    class EnvironmentKernelManager(AsyncKernelManager):
        @property
        def kernel_spec(self):
            if self._kernel_spec is None:
                # the kernel app's own log (its TCP-transport warning at every start)
                # is kept to errors; output of the notebook's cells is unaffected
                spec = get_kernel_dict(extra_arguments=["--IPKernelApp.log_level=ERROR"])
                self._kernel_spec = KernelSpec(resource_dir=RESOURCES, **spec)
            return self._kernel_spec

        async def _async_pre_start_kernel(self, **kw):
            if self.provisioner is None:
                self.kernel_id = self.kernel_id or kw.pop("kernel_id", str(uuid.uuid4()))
                self.provisioner = ServerProvisioner(kernel_id=self.kernel_id, kernel_spec=self.kernel_spec, parent=self)
            return await super()._async_pre_start_kernel(**kw)

    return EnvironmentKernelManager
