"""``pnt run``: execute the notebook collection with papermill and publish it.

A *run plan* (YAML, default ``notebooks/plan.yaml``; format in
:mod:`pntlib.run.plan`) lists notebooks and their parameter sets.
:func:`run_plan` executes every run in parallel worker processes (each
papermill run gets a new kernel of its own: the ``python3`` ipykernel of the
interpreter running pntlib, with this pntlib first on ``PYTHONPATH``, forked
by the call's kernel server with the notebooks' imports done), renders
each executed notebook to HTML twice (for readers, without code; and with
code), collects the figures and the notebook's JSON summary, and writes
``index.html``. Runs whose inputs did not change since their last success are
skipped (:func:`run_key`); a run is executed in a staging folder and its files
are moved into the output folder only when it succeeds, so a failed or
interrupted run leaves the previous reports intact.

One ``pnt run`` at a time writes into an output folder (a lock,
``.<out name>.pnt-run.lock`` beside the folder, never inside it). Ctrl-C stops
the call at once: the runs still executing are killed (with their kernels) and
nothing of theirs is published.

Output folder layout (default ``reports/``)::

    index.html                  the index of every run of the plan
    <name>.ipynb                executed notebook
    <name>.html / <name>.code.html   rendered without / with code
    <name>.summary.json         the notebook's key figures (pntlib.outputs)
    figures/…                   figures saved by the notebooks
    figures/thumbs/<name>.png   thumbnail of the main chart
    data/                       the tables the pages show (CSV, .dta, pntdp.xlsx, datapackage.json)
    data/raw/README.md          the raw report's provenance, which every page links
    failed/<name>.ipynb, .html  the last failed attempt of a run (removed when it succeeds)
    manifest.json               what ran, when, with which inputs, how it ended, and the
                                sha256 of every file it published: a run is skipped only
                                when these files are all present and unchanged

Modules: ``plan`` (the plan file and its runs, the notebooks' parameters),
``state`` (run keys, the manifest), ``snapshot`` (the report read once per
call), ``worker`` (one run in a worker process), ``engine`` (papermill's
engine and the call of papermill), ``diagnosis`` (why a run failed),
``published`` (the notebook as published), ``render`` and ``thumbnail`` (its
pages), ``results`` (how a run ended), ``publish`` (moving a run's files into
place), ``index`` (the index page), ``bundle`` (shared
images, ``data/``, the archive of ``pnt run --zip``), ``pool`` (worker processes, Ctrl-C),
``kernels`` and ``kernel_server`` (the kernels: launched by a server that
imports once and forks one per run), ``pipeline`` (:func:`run_plan`); the
output folder's lock is :mod:`pntlib.lock`, the log lines :mod:`pntlib.log`.
"""

from .index import index_rows, write_index
from .plan import (
    DEFAULT_PLAN,
    DEFAULT_TIMEOUT,
    FOR_EACH,
    RUNNER_PARAMETERS,
    PlanEntry,
    PlanFile,
    Run,
    check_parameters_declared,
    declared_parameters,
    is_text_type,
    load_plan,
    read_parameters_cell,
)
from .pipeline import run_plan
from ..lock import lock_path
from .pool import LOCK_NAME, RunInterrupted
from .state import MANIFEST_NAME, read_manifest, run_key, source_hash
from .results import ErrorDetails, RunResult

__all__ = [
    "run_plan",
    "load_plan",
    "check_parameters_declared",
    "declared_parameters",
    "read_parameters_cell",
    "is_text_type",
    "run_key",
    "source_hash",
    "read_manifest",
    "write_index",
    "index_rows",
    "Run",
    "RunResult",
    "ErrorDetails",
    "RunInterrupted",
    "PlanFile",
    "PlanEntry",
    "DEFAULT_PLAN",
    "DEFAULT_TIMEOUT",
    "FOR_EACH",
    "MANIFEST_NAME",
    "LOCK_NAME",
    "lock_path",
    "RUNNER_PARAMETERS",
]
