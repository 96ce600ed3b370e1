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
from pathlib import Path

__all__ = ["KERNEL_NAME", "PROVISIONER", "KernelServer", "KernelClient", "kernel_environment", "kernel_manager_class", "set_client"]

_CLIENT: KernelClient | None = None
#: Name papermill is given for the kernel; :func:`kernel_manager_class` always starts this interpreter's.
KERNEL_NAME = "python3"


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
        return self._ask({"argv": argv, "cwd": cwd, "env": env})

    def exit_status(self, pid: int) -> int | None:
        """The exit code of kernel ``pid`` (``-N``: ended by signal N), ``None`` while it runs.

        Raises
        ------
        RuntimeError
            The server is gone.
        """
        return self._ask({"status": pid})["exit"]

    def _ask(self, request: dict) -> dict:
        try:
            self.sock.sendall(json.dumps(request).encode() + b"\n")
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

    The kernel is the server's child, not ours: the server collects its exit
    status (so an ended kernel does not linger as a zombie) and tells it when
    asked (:meth:`KernelClient.exit_status`): ``returncode`` is the kernel's
    real exit code, ``-N`` when signal N ended it, as ``Popen`` gives it.
    """

    stdin = stdout = stderr = None

    def __init__(self, pid: int, client: KernelClient) -> None:
        self.pid = pid
        self.client = client
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None:
            try:
                self.returncode = self.client.exit_status(self.pid)
            except RuntimeError:  # the server is gone, and its kernels with it
                self.returncode = -signal.SIGKILL
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        import time

        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() >= deadline:
                raise subprocess.TimeoutExpired(str(self.pid), timeout)
            time.sleep(0.02)
        return self.returncode

    def send_signal(self, signum: int) -> None:
        if self.poll() is None:
            try:
                os.kill(self.pid, signum)
            except ProcessLookupError:
                pass

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)


#: The kernel provisioner's name (``[project.entry-points."jupyter_client.kernel_provisioners"]``
#: in pyproject.toml): the kernel spec of :func:`kernel_manager_class` asks for it.
PROVISIONER = "pnt-kernel-server"


@functools.cache
def _provisioner_class():
    from jupyter_client.provisioning import LocalProvisioner

    class ServerProvisioner(LocalProvisioner):
        """jupyter_client's local provisioner, launching the kernel through the call's kernel server
        (:func:`set_client`) instead of ``Popen``; as a program when the process has no server."""

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
            self.process = _ForkedKernel(int(answer["pid"]), client)
            self.pid = self.pgid = self.process.pid  # the kernel leads its own process group
            self.cwd = cwd
            return self.connection_info

    ServerProvisioner.__module__ = __name__
    ServerProvisioner.__qualname__ = "ServerProvisioner"
    return ServerProvisioner


def __getattr__(name: str):
    # the provisioner class, built when jupyter_client loads it through its entry point (so that
    # importing this module does not import jupyter_client)
    if name == "ServerProvisioner":
        return _provisioner_class()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@functools.cache
def kernel_manager_class():
    """A jupyter_client kernel manager that always starts ipykernel with this interpreter.

    The ``python3`` kernelspec found on the Jupyter path may belong to another
    environment (a user-level ``~/.local/share/jupyter/kernels/python3``); its
    kernel spec manager builds the spec from the running interpreter instead, as
    ipykernel's own default spec does, and names the provisioner
    :data:`PROVISIONER` (registered through jupyter_client's public entry point
    for kernel provisioners), which launches the kernel through the kernel
    server (:func:`set_client`) when the process has one.
    """
    from ipykernel.kernelspec import RESOURCES, get_kernel_dict
    from jupyter_client.kernelspec import KernelSpec, KernelSpecManager
    from jupyter_client.manager import AsyncKernelManager
    from traitlets import default

    class EnvironmentSpecs(KernelSpecManager):
        """Every kernel name is this interpreter's ipykernel, started by :data:`PROVISIONER`."""

        def get_kernel_spec(self, kernel_name):
            # the kernel app's own log (its TCP-transport warning at every start)
            # is kept to errors; output of the notebook's cells is unaffected
            spec = get_kernel_dict(extra_arguments=["--IPKernelApp.log_level=ERROR"])
            spec["metadata"] = {**spec.get("metadata", {}), "kernel_provisioner": {"provisioner_name": PROVISIONER}}
            return KernelSpec(resource_dir=RESOURCES, **spec)

    class EnvironmentKernelManager(AsyncKernelManager):
        @default("kernel_spec_manager")
        def _environment_specs(self):
            return EnvironmentSpecs(parent=self)

    return EnvironmentKernelManager
