"""The index page: one card per run of the plan, from the manifest and the runs' summaries.

:func:`index_rows` gathers what the page shows (plain data, one dict per run);
:func:`write_index` renders ``templates/index.html.j2`` with it (jinja2,
autoescaping on: report text, parameters and errors are shown as text).
"""

from __future__ import annotations

import datetime as _dt
import json
from collections.abc import Sequence
from pathlib import Path

from ..outputs import SUMMARY_SUFFIX
from ..exceptions import OutputError
from ..files import inside, write_atomic
from .state import read_manifest

__all__ = ["INDEX_NAME", "index_rows", "render_index", "write_index"]

#: File name of the index page in the output folder.
INDEX_NAME = "index.html"
_TEMPLATES = Path(__file__).resolve().parents[1] / "templates"


def _format_value(item: dict) -> str:
    """A key figure as the index shows it: the report's own token when given
    ("66/P" keeps its provisional mark), then its unit ("%" for percentages)."""
    value = item.get("value")
    raw = item.get("raw")
    if raw:
        text = str(raw)
    elif value is None:
        return "sin dato"
    elif isinstance(value, float):
        text = f"{value:,.2f}".rstrip("0").rstrip(".")
    else:
        text = str(value)
    unit = str(item.get("unit") or "")
    if unit.casefold().startswith("porcentaje"):
        return f"{text} %"
    return f"{text} {unit.lower()}" if unit else text


def _summary(out: Path, name: str) -> dict | None:
    path = out / f"{name}{SUMMARY_SUFFIX}"
    if not path.is_file():
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError:
        return None


def _inside_or_none(out: Path, rel: object) -> str | None:
    """A path from a summary, when it names a file inside ``out``."""
    if not isinstance(rel, str) or not rel:
        return None
    try:
        return rel if inside(out, rel).is_file() else None
    except OutputError:
        return None


def _row(run, record: dict, out: Path) -> dict:
    """What the index shows of one run."""
    success = record.get("last_success") or {}
    summary = (_summary(out, run.name) if success else None) or {}
    links = []
    if success:
        for label, rel in (("informe", f"{run.name}.html"), ("con código", f"{run.name}.code.html"),
                           ("notebook", f"{run.name}.ipynb"), ("resumen JSON", f"{run.name}{SUMMARY_SUFFIX}")):
            if (out / rel).is_file():
                links.append({"label": label, "href": rel})
    thumb = f"figures/thumbs/{run.name}.png"
    main = _inside_or_none(out, summary.get("main_figure"))
    failed_html = f"failed/{run.name}.html"
    return {
        "name": run.name,
        "notebook": run.notebook.name,
        "parameters": dict(run.parameters),
        "status": record.get("status", "pending"),
        "this_call": record.get("this_call", ""),
        "duration": record.get("duration"),
        "finished": record.get("finished"),
        "error": record.get("error"),
        "failed_html": failed_html if record.get("status") == "failed" and (out / failed_html).is_file() else None,
        "title": summary.get("title") or run.name,
        "key_figures": [{"label": k.get("label", ""), "value": _format_value(k)}
                        for k in summary.get("key_figures", [])],
        "thumb": thumb if (out / thumb).is_file() else None,
        "main_figure": main,
        "links": links,
        "has_success": bool(success),
    }


def index_rows(runs: Sequence, out: Path, manifest: dict) -> list[dict]:
    """One dict per run, in plan order, with what the index page shows of it."""
    return [_row(run, manifest["runs"].get(run.name, {}), out) for run in runs]


def render_index(runs: Sequence, out: Path, manifest: dict) -> str:
    """The HTML of the index page (see :func:`write_index`)."""
    import jinja2

    rows = index_rows(runs, Path(out), manifest)
    counts = {s: sum(1 for r in rows if r["status"] == s) for s in ("ok", "failed", "pending")}
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(_TEMPLATES)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env.get_template("index.html.j2").render(
        rows=rows,
        counts=counts,
        generated=_dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
    )


def write_index(runs: Sequence, out: str | Path, *, manifest: dict | None = None) -> Path:
    """Write ``<out>/index.html`` listing every run of the plan.

    Parameters
    ----------
    runs : sequence of Run
        The plan's runs, in plan order.
    out : str or Path
        The output folder (holding ``manifest.json``).
    manifest : dict, optional
        The manifest; read from ``out`` when not given.

    Returns
    -------
    Path
        The index file. All text (report names, parameters, errors) is
        HTML-escaped by jinja2's autoescaping.
    """
    out = Path(out)
    return write_atomic(out / INDEX_NAME, render_index(runs, out, manifest or read_manifest(out)))
