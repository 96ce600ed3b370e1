"""The index page: one card per run of the plan, from the manifest and the runs' summaries.

:func:`index_rows` gathers what the page shows (plain data, one dict per run);
:func:`index_sections` groups the cards: the runs about the whole programme
first (overview, data quality, exploration, in plan order), then one section
per objective with its title, its page and its indicators' pages;
:func:`write_index` renders ``templates/index.html.j2`` with them (jinja2,
autoescaping on: report text, parameters and errors are shown as text) and
copies the raw data's README (:data:`pntlib.provenance.RAW_README`) into the
output folder, where every page's provenance note links to it, and, when the
pages are pntlib's, the tables they show into ``data/``
(:func:`pntlib.run.bundle.data_files`).
"""

from __future__ import annotations

import datetime as _dt
import json
import re
from collections.abc import Sequence
from pathlib import Path

from ..outputs import SUMMARY_SUFFIX
from ..exceptions import OutputError
from ..files import inside, write_atomic
from ..provenance import PUBLISHED_README, RAW_README
from ..text import quantity
from .bundle import DATA_DIR, changed_data_files, data_files
from .state import read_manifest

__all__ = ["INDEX_NAME", "index_rows", "index_sections", "render_index", "provenance_files", "write_index"]

#: File name of the index page in the output folder.
INDEX_NAME = "index.html"
_TEMPLATES = Path(__file__).resolve().parents[1] / "templates"


def _format_value(item: dict) -> str:
    """A key figure as a reader says it: "66 % (preliminar)", "12 víctimas", "ND (no disponible)".

    A number is written as :func:`pntlib.text.number` writes it, followed by its
    unit ("%" for percentages) and, in brackets, its ``note`` (the value's status
    when it is not a plain reported value); a missing number shows the report's
    own token (``raw``) with its note, or "sin dato".
    """
    value = item.get("value")
    note = f" ({item['note']})" if item.get("note") else ""
    if value is None:
        raw = item.get("raw")
        return f"{raw}{note}" if raw else "sin dato"
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return f"{value}{note}"
    return quantity(value, unit=item.get("unit"), note=item.get("note"))


def _when(stamp: object) -> str | None:
    """An ISO time stamp as a reader reads it: ``2026-11-29 22:28``."""
    if not stamp:
        return None
    try:
        return _dt.datetime.fromisoformat(str(stamp)).strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return str(stamp)


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
                           ("cuaderno Jupyter", f"{run.name}.ipynb"), ("resumen JSON", f"{run.name}{SUMMARY_SUFFIX}")):
            if (out / rel).is_file():
                links.append({"label": label, "href": rel})
    thumb = f"figures/thumbs/{run.name}.png"
    main = _inside_or_none(out, summary.get("main_figure"))
    page = f"{run.name}.html" if success and (out / f"{run.name}.html").is_file() else None
    failed_html = f"failed/{run.name}.html"
    return {
        "name": run.name,
        "notebook": run.notebook.name,
        "parameters": dict(run.parameters),
        "status": record.get("status", "pending"),
        "this_call": record.get("this_call", ""),
        "duration": record.get("duration"),
        "finished": _when(record.get("finished")),
        "error": record.get("error"),
        "failed_html": failed_html if record.get("status") == "failed" and (out / failed_html).is_file() else None,
        "title": summary.get("title") or run.name,
        "key_figures": [{"label": k.get("label", ""), "value": _format_value(k)}
                        for k in summary.get("key_figures", [])],
        "thumb": thumb if (out / thumb).is_file() else None,
        "main_figure": main,
        "page": page,
        "links": links,
        "has_success": bool(success),
        "objective": _objective_of(run, summary),
        "objective_title": summary.get("objective_title"),
        "is_objective_page": "objective" in run.parameters,
        "source": summary.get("source"),
        "headline": summary.get("headline") if isinstance(summary.get("headline"), str) else None,
    }


_ID_RE = re.compile(r"^\s*(\d+)(?:\.\d+)?\s*$")


def _objective_of(run, summary: dict) -> int | None:
    """The objective a run is about: its summary says so, else its ``objective`` or ``indicator`` parameter."""
    if isinstance(summary.get("objective"), int):
        return summary["objective"]
    for key in ("objective", "indicator"):
        match = _ID_RE.match(str(run.parameters.get(key, "")))
        if key in run.parameters and match:
            return int(match.group(1))
    return None


def index_sections(rows: Sequence[dict]) -> list[dict]:
    """The index's sections: ``{"title", "rows"}`` dicts.

    First the runs about no objective (in plan order), titled "El programa en
    conjunto"; then, for each objective in number order, its runs: the
    objective's page(s) first, then the others (its indicators), in plan
    order; titled "Objetivo prioritario N. <title>" (the title from a run's
    summary, read from the report).
    """
    general = [r for r in rows if r["objective"] is None]
    sections = [{"title": "El programa en conjunto", "objective": None, "rows": general}] if general else []
    for objective in sorted({r["objective"] for r in rows if r["objective"] is not None}):
        own = [r for r in rows if r["objective"] == objective]
        own.sort(key=lambda r: not r["is_objective_page"])  # stable: plan order otherwise
        title = next((r["objective_title"] for r in own if r["objective_title"]), None)
        heading = f"Objetivo prioritario {objective}" + (f". {title}" if title else "")
        sections.append({"title": heading, "objective": objective, "rows": own})
    return sections


def index_rows(runs: Sequence, out: Path, manifest: dict) -> list[dict]:
    """One dict per run, in plan order, with what the index page shows of it."""
    return [_row(run, manifest["runs"].get(run.name, {}), out) for run in runs]


def _citations(sources: Sequence[dict]) -> list[dict]:
    """The suggested citation of each report read (:func:`pntlib.provenance.citation_parts`, with
    today's processing date) as ``{"head", "title", "tail"}`` (the template sets the title in
    italics); a summary's source that is not a whole Source is left out."""
    from dataclasses import fields

    from ..provenance import Source, citation_parts, processing_date

    names = [f.name for f in fields(Source)]
    day = processing_date()
    found = []
    for src in sources:
        if all(n in src for n in names):
            head, title, tail = citation_parts(Source(**{n: src[n] for n in names}), day)
            found.append({"head": head, "title": title, "tail": tail})
    return found


def render_index(runs: Sequence, out: Path, manifest: dict) -> str:
    """The HTML of the index page (see :func:`write_index`).

    The page opens with what a reader needs: the headline of the overview's run (its summary's
    ``headline``, :func:`pntlib.evidence.progress_headline`) and its key figures, a key to every
    verdict and evidence grade (:mod:`pntlib.legend`) and the suggested citation of the report;
    then the pages, grouped (:func:`index_sections`); the runs' status and times are in its footer.
    """
    import jinja2

    from ..legend import evidence_key, outcome_key, verdict_key

    rows = index_rows(runs, Path(out), manifest)
    counts = {s: sum(1 for r in rows if r["status"] == s) for s in ("ok", "failed", "pending")}
    lead = next((r for r in rows if r["headline"]), None)
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(_TEMPLATES)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    sources = _sources(rows)
    return env.get_template("index.html.j2").render(
        sections=index_sections(rows),
        rows=rows,
        lead=lead,
        outcomes=outcome_key(),
        verdicts=verdict_key(),
        evidence=evidence_key(),
        sources=sources,
        citations=_citations(sources),
        data_files=_data_links(runs, Path(out), manifest),
        readme=PUBLISHED_README,
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
    manifest = manifest or read_manifest(out)
    path = write_atomic(out / INDEX_NAME, render_index(runs, out, manifest))
    for rel, text in provenance_files(runs, out, manifest).items():
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        write_atomic(out / rel, text)
    return path


def _data_report(runs: Sequence, out: Path, manifest: dict) -> Path | None:
    """The report of the first run whose summary names its source (a pntlib page), else None."""
    for run in runs:
        if (manifest["runs"].get(run.name) or {}).get("last_success") and isinstance(
                (_summary(out, run.name) or {}).get("source"), dict):
            return run.report
    return None


def _data_links(runs: Sequence, out: Path, manifest: dict) -> list[dict]:
    """The tables of ``<out>/data/`` the index links (those :func:`provenance_files` publishes with
    it): ``{"label", "href"}`` or ``{"label", "tables"}``, workbook first."""
    report = _data_report(runs, out, manifest)
    names = [Path(rel).name for rel in data_files(report)] if report is not None else []
    links = []
    for label, name in (("Excel (todas las tablas y su diccionario)", "pntdp.xlsx"),
                        ("Diccionario de datos (datapackage.json)", "datapackage.json")):
        if name in names:
            links.append({"label": label, "href": f"{DATA_DIR}/{name}"})
    for suffix, kind in ((".csv", "CSV"), (".dta", "Stata")):
        tables = sorted(Path(n).stem for n in names if n.endswith(suffix))
        if tables:
            links.append({"label": kind, "tables": [{"label": t, "href": f"{DATA_DIR}/{t}{suffix}"} for t in tables]})
    return links


def _sources(rows: Sequence[dict]) -> list[dict]:
    """The reports the runs read (their summaries' ``source``), each once, in plan order."""
    seen: dict[str, dict] = {}
    for row in rows:
        src = row.get("source")
        if isinstance(src, dict) and src.get("sha256") and src["sha256"] not in seen:
            seen[src["sha256"]] = src
    return list(seen.values())


def provenance_files(runs: Sequence | None = None, out: str | Path | None = None,
                     manifest: dict | None = None) -> dict[str, str | bytes]:
    """Files published beside the index, by path relative to it: the raw data's README
    (:data:`pntlib.provenance.RAW_README`, as ``data/raw/README.md``), which every page's
    provenance note links to, and, given the plan's ``runs``, the output folder and its
    manifest, the tables the pages show that ``data/`` does not hold yet
    (:func:`pntlib.run.bundle.changed_data_files`, for the report of the first pntlib page)."""
    files: dict[str, str | bytes] = {}
    if RAW_README.is_file():
        try:
            files[PUBLISHED_README] = RAW_README.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:  # what every page links to: say which file, not a traceback
            raise OutputError(f"cannot publish {RAW_README}, which every page's source note links to: {exc}; "
                              f"restore it with: git checkout -- {PUBLISHED_README}") from exc
    if runs is not None and out is not None:
        manifest = manifest or read_manifest(Path(out))
        report = _data_report(runs, Path(out), manifest)
        if report is not None:
            files.update(changed_data_files(out, report))
    return files
