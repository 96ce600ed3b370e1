"""The papermill engine ``pnt run`` executes notebooks with: papermill's nbclient engine,
registered through papermill's public entry point ``papermill.engine`` (pyproject.toml).

``pnt run`` asks papermill not to write the notebook at every cell
(``request_save_on_cell_execute=False``, papermill's own option): the file
is read only once the run is over. papermill then writes it once, at the
end, or when a cell fails; but a notebook stopped by its timeout or by a
kernel that died raises before papermill writes anything, and the page of
the failure needs to show where it stopped. This engine writes the notebook
as it stands then (to ``partial_path``, an option of this engine). papermill
has no option for that, so pnt owns these few lines.
"""

from __future__ import annotations

import functools
import time
from pathlib import Path

from .kernels import KERNEL_NAME, kernel_manager_class

__all__ = ["ENGINE_NAME", "PntEngine", "engine_name", "run_papermill"]

#: The name of the engine (``[project.entry-points."papermill.engine"]`` in pyproject.toml).
ENGINE_NAME = "pnt"


def __getattr__(name: str):
    # ``PntEngine`` is made on first use (PEP 562), not when this module is imported: importing
    # papermill loads every ``papermill.engine`` entry point, this module's among them, so a
    # module-level ``from papermill.engines import ...`` here would, when this module is imported
    # before papermill, have papermill look up ``PntEngine`` in this half-imported module.
    if name == "PntEngine":
        return _engine_class()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@functools.cache
def _engine_class() -> type:
    from papermill.engines import NBClientEngine

    class PntEngine(NBClientEngine):
        """papermill's nbclient engine that writes the notebook where it stopped when execution raises."""

        @classmethod
        def execute_managed_notebook(cls, nb_man, kernel_name, partial_path: str | None = None, **kwargs):
            try:
                return super().execute_managed_notebook(nb_man, kernel_name, **kwargs)
            except BaseException:
                if partial_path:
                    import nbformat

                    try:
                        nbformat.write(nb_man.nb, partial_path)
                    except Exception:  # noqa: BLE001 - the run's failure is what gets reported
                        pass
                raise

    PntEngine.__module__, PntEngine.__qualname__ = __name__, "PntEngine"
    return PntEngine


def engine_name() -> str:
    """:data:`ENGINE_NAME`, registered by its entry point; registered here through papermill's
    public ``register`` when pntlib runs from a source folder that was not installed."""
    from papermill.engines import papermill_engines
    from papermill.exceptions import PapermillException

    try:
        papermill_engines.get_engine(ENGINE_NAME)
    except PapermillException:
        papermill_engines.register(ENGINE_NAME, _engine_class())
    return ENGINE_NAME


def run_papermill(run, nb_path: Path, stage: Path, report: str | None = None):
    """Execute the notebook into ``nb_path`` and return it; raises what papermill raises.

    ``report``: the copy of the report the notebook reads instead of ``run``'s (:mod:`pntlib.run.snapshot`).
    """
    import papermill as pm

    deadline = time.monotonic() + run.timeout
    given = {"report": report} if report else {}
    return pm.execute_notebook(
        str(run.notebook),
        str(nb_path),
        parameters={**run.parameters, **given, "output_dir": str(stage), "run_name": run.name},
        kernel_name=KERNEL_NAME,
        language="python",
        cwd=str(run.notebook.parent),
        progress_bar=False,
        log_output=False,
        start_timeout=int(min(60.0, run.timeout)),  # nbclient's startup_timeout is whole seconds
        kernel_manager_class=kernel_manager_class(),
        engine_name=engine_name(),
        request_save_on_cell_execute=False,  # written once, at the end (or where it stopped: the engine)
        partial_path=str(nb_path),
        shutdown_kernel="immediate",  # the notebook is complete: no need to wait for a graceful exit
        # whole-notebook timeout: each cell gets what is left of the budget
        timeout_func=lambda cell: max(1.0, deadline - time.monotonic()),
        # the pages are static: no widget state, so nbconvert shows a widget's static text/html (the
        # explorer's snapshot) and adds no script fetching the widget manager from a CDN
        store_widget_state=False,
    )
