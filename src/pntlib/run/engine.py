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

from papermill.engines import NBClientEngine

__all__ = ["ENGINE_NAME", "PntEngine", "engine_name"]

#: The name of the engine (``[project.entry-points."papermill.engine"]`` in pyproject.toml).
ENGINE_NAME = "pnt"


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


def engine_name() -> str:
    """:data:`ENGINE_NAME`, registered by its entry point; registered here through papermill's
    public ``register`` when pntlib runs from a source folder that was not installed."""
    from papermill.engines import papermill_engines
    from papermill.exceptions import PapermillException

    try:
        papermill_engines.get_engine(ENGINE_NAME)
    except PapermillException:
        papermill_engines.register(ENGINE_NAME, PntEngine)
    return ENGINE_NAME
