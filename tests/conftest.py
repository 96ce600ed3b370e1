"""Shared fixtures: paths resolved from this file, the real report, damaged copies of it,
and the one executed notebook collection the notebook and browser tests read.

Hand-read facts of the report live in :mod:`tests.facts`.
"""

from __future__ import annotations

import itertools
import json
import random
from collections.abc import Iterable, Mapping
from pathlib import Path

import matplotlib
import pytest
import yaml

matplotlib.use("Agg")  # tests only: charts render off-screen; src/ never chooses a backend

TESTS_DIR = Path(__file__).resolve().parent
PROJ_ROOT = TESTS_DIR.parent
RAW_REPORT = PROJ_ROOT / "data" / "raw" / "pntdp-2022-2024_avance-y-resultados_2023-01_2024-06.txt"
SHARED_REPORT = PROJ_ROOT.parent / "shared" / "data" / RAW_REPORT.name
NB_DIR = TESTS_DIR / "data" / "notebooks"  # small notebooks the runner tests execute

def is_kernel(process) -> bool:
    """Whether a process (psutil) is a notebook kernel: forked by pnt run's kernel server
    (its command line is then the server's), or an ipykernel started as a program."""
    import psutil

    try:
        parent = process.parent()
        return "ipykernel" in " ".join(process.cmdline()) or (
            parent is not None and "pntlib/run/kernel_server.py" in " ".join(parent.cmdline()))
    except psutil.Error:
        return False


# tests/data holds inputs of the tests (slow.ipynb sleeps for a minute), not tests.
collect_ignore = ["data"]


# --------------------------------------------------------------------------- the report and damaged copies


@pytest.fixture(scope="session")
def report_text() -> str:
    return RAW_REPORT.read_text(encoding="utf-8")


def damage(
    text: str,
    replace: Mapping[str, str] | None = None,
    *,
    edits: Iterable[tuple[int, int | None, str, str]] = (),
) -> str:
    """``text`` (the report) with edits applied, each checked to hit exactly one place.

    Parameters
    ----------
    text : str
        The report text to damage.
    replace : mapping of str to str, optional
        ``{old: new}``: ``old`` must occur exactly once in ``text`` and becomes ``new``.
    edits : iterable of (line, cell, old, new)
        Edits anchored to 1-based ``line`` of ``text``: the ``cell``-th tab-separated cell
        (from 0) must read ``old`` once stripped and becomes ``new``; with ``cell=None``
        the substring ``old`` must occur once in that line and becomes ``new``. Line edits
        are applied first and never change the number of lines.

    Raises
    ------
    AssertionError
        When an ``old`` is not found exactly once: the report changed and the test would
        silently stop testing what it says.
    """
    lines = text.split("\n")
    for line, cell, old, new in edits:
        current = lines[line - 1]
        if cell is None:
            assert current.count(old) == 1, f"line {line}: {old!r} occurs {current.count(old)} times in {current!r}"
            lines[line - 1] = current.replace(old, new)
        else:
            cells = current.split("\t")
            assert cells[cell].strip() == old, f"line {line}, cell {cell} reads {cells[cell]!r}, not {old!r}"
            cells[cell] = new
            lines[line - 1] = "\t".join(cells)
    text = "\n".join(lines)
    for old, new in (replace or {}).items():
        assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in the report, not once"
        text = text.replace(old, new)
    return text


@pytest.fixture()
def damaged_report(tmp_path, report_text):
    """Write a damaged copy of the real report under ``tmp_path`` and return its path.

    ``damaged_report(replace={old: new}, edits=[(line, cell, old, new)], text=None,
    name=None)``: the edits are those of :func:`damage`, applied to the real report
    (or to ``text``, a report already built by the test). Each call writes a new file
    (``report_1.txt``, ``report_2.txt`` ... unless ``name`` is given).
    """
    count = itertools.count(1)

    def _damaged(replace: Mapping[str, str] | None = None, *, edits=(), text: str | None = None,
                 name: str | None = None) -> Path:
        path = tmp_path / (name or f"report_{next(count)}.txt")
        path.write_text(damage(report_text if text is None else text, replace, edits=edits), encoding="utf-8")
        return path

    return _damaged


@pytest.fixture()
def write_report(damaged_report):
    """Deprecated: use ``damaged_report(text=...)``; kept while other branches merge."""

    def _write(text: str, name: str = "report.txt") -> Path:
        return damaged_report(text=text, name=name)

    return _write


# --------------------------------------------------------------------------- the executed collection

# The hostile copy of the report the browser and notebook tests run pages on. Fixed places:
# MARKUP in indicator 1.1's Nombre, objective 1's title (section 3) and strategy 1.1's title,
# each with a Markdown link, image or `$` pair after it; indicator 3.1's Nombre with a `$`
# and a `^` mathtext cannot parse. Then HOSTILE_FIELDS random text fields of the pages' cards,
# variables, objectives and strategies get tests.hostile.PAGE_FRAGMENTS (seeded). Values: 3.1's
# línea base printed ND (the case of issue 10), its Resultado 2022 ND and a 2023 variable ND;
# 3.2's Meta 2024 NA.
MARKUP = '<b>x</b><script>window.pwned = 1</script><img src="nowhere.png">'
LINK = "[x](javascript:alert(1))"
IMAGE = "![b](http://127.0.0.1:8765/b.png)"
DOLLARS = "Recursos ejercidos ($) respecto a los programados ($)"
CARET = "Monto en $ por persona^$ atendida"
MARKUP_EDITS = {
    "Nombre\t1.1 ": f"Nombre\t1.1 {MARKUP} {DOLLARS} ",
    "\nObjetivo prioritario 1. Promover la reforma": f"\nObjetivo prioritario 1. Promover la reforma {MARKUP} {LINK}",
    "\nEstrategia prioritaria 1.1.- Promover": f"\nEstrategia prioritaria 1.1.- Promover {MARKUP} {IMAGE}",
    "Nombre\t3.1 Porcentaje": f"Nombre\t3.1 {CARET} Porcentaje",
}
MISSING_EDITS = [
    (668, 0, "0", "ND"), (668, 4, "86", "ND"),  # 3.1 (annex l.668): línea base 2020 and Resultado 2022
    (673, 2, "0", "ND"),  # 3.1's variable 1 for 2023 (l.673)
    (703, 7, "100", "NA"),  # 3.2's Meta 2024 (annex l.703)
]
HOSTILE_SEED = 20243
HOSTILE_FIELDS = 10
# Runs of the collection on the hostile copy: run name -> (notebook, parameters).
MARKUP_RUNS = {
    "markup_overview": ("overview.ipynb", {}),
    "markup_indicator_1.1": ("indicator.ipynb", {"indicator": "1.1"}),
    "markup_indicator_3.1": ("indicator.ipynb", {"indicator": "3.1"}),
    "markup_objective_1": ("objective.ipynb", {"objective": 1}),
    "markup_objective_3": ("objective.ipynb", {"objective": 3}),
    "markup_data_quality": ("data_quality.ipynb", {}),
}


def hostile_report(text: str) -> tuple[str, dict[str, list[str]]]:
    """The hostile copy of ``text`` (the report) and, for each markup run, the texts its page must show.

    Random fields are drawn among the text fields the markup runs show: the cards and
    variables of indicators 1.1 and 3.1 (indicator pages) and the titles of objectives 1
    and 3 and of their strategies (objective pages); a copy the parser refuses is redrawn.
    """
    from pntlib.exceptions import ReportFormatError
    from pntlib.report import parse_report

    from .hostile import PAGE_FRAGMENTS, insert, text_targets

    base = damage(text, MARKUP_EDITS, edits=MISSING_EDITS)
    shows = {"markup_overview": [f"{MARKUP} {DOLLARS}", CARET],
             "markup_indicator_1.1": [f"{MARKUP} {DOLLARS}"], "markup_indicator_3.1": [CARET],
             "markup_objective_1": [f"{MARKUP} {LINK}", f"{MARKUP} {IMAGE}", f"{MARKUP} {DOLLARS}"],
             "markup_objective_3": [CARET], "markup_data_quality": [f"{MARKUP} {LINK}"]}
    page = {("indicators", "1.1"): "markup_indicator_1.1", ("indicators", "3.1"): "markup_indicator_3.1",
            ("variables", "1.1"): "markup_indicator_1.1", ("variables", "3.1"): "markup_indicator_3.1",
            ("objectives", "1"): "markup_objective_1", ("objectives", "3"): "markup_objective_3"}
    rng = random.Random(HOSTILE_SEED)
    for _ in range(20):
        targets = []
        for t in text_targets(base):
            key = dict(t.key)
            owner = str(key.get("indicator_id") or key.get("objective") or key.get("strategy_id", "").split(".")[0])
            table = "objectives" if t.table == "strategies" else t.table
            if (table, owner) in page and t.column != "summary_name":
                targets.append((t, page[(table, owner)]))
        lines = base.split("\n")
        expected: dict[str, list[str]] = {run: list(texts) for run, texts in shows.items()}
        used = set()
        for t, run in sorted(rng.sample(targets, HOSTILE_FIELDS), key=lambda x: (x[0].line, -x[0].cell)):
            if (t.line, t.cell) not in used:
                used.add((t.line, t.cell))
                expected[run].append(insert(lines, t, rng.choice(PAGE_FRAGMENTS)))
        try:
            parse_report("\n".join(lines))
        except ReportFormatError:
            continue
        return "\n".join(lines), expected
    raise AssertionError("no hostile copy of the report was accepted in 20 draws")


FAILING_RUN = "broken"  # tests/data/notebooks/tiny.ipynb told to fail


@pytest.fixture(scope="session")
def executed_collection(tmp_path_factory) -> Path:
    """One ``pnt run`` for the whole session: its output folder (index, pages, notebooks).

    The runs are those of notebooks/plan.yaml on the real report (every notebook, with
    the names the plan gives them: overview, objective_1 ... indicator_5.3), plus
    :data:`MARKUP_RUNS` on a copy of the report with :data:`MARKUP` in its text, plus
    :data:`FAILING_RUN`, which fails on purpose. Tests using it are marked ``kernel``.
    """
    from pntlib import cli

    root = tmp_path_factory.mktemp("collection")
    report = root / "report-markup.txt"
    report.write_text(hostile_report(RAW_REPORT.read_text(encoding="utf-8"))[0], encoding="utf-8")
    notebooks = PROJ_ROOT / "notebooks"
    plan = yaml.safe_load((notebooks / "plan.yaml").read_text(encoding="utf-8"))
    for run in plan["runs"]:
        run["notebook"] = str(notebooks / run["notebook"])
    for name, (notebook, parameters) in MARKUP_RUNS.items():
        plan["runs"].append({"notebook": str(notebooks / notebook), "name": name,
                             "parameters": {**parameters, "report": str(report)}})
    # tiny.ipynb does not declare `report`: the report goes only to the notebooks that read one
    plan["runs"].append({"notebook": str(NB_DIR / "tiny.ipynb"), "name": FAILING_RUN, "parameters": {"fail": True}})
    plan_path = root / "plan.yaml"
    plan_path.write_text(yaml.safe_dump(plan, allow_unicode=True, sort_keys=False), encoding="utf-8")
    out = root / "reports"
    assert cli.main(["run", "--plan", str(plan_path), "--out", str(out), "--quiet"]) == 1  # FAILING_RUN fails
    runs = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["runs"]
    failed = {name: run.get("error") for name, run in runs.items() if run["status"] != "ok" and name != FAILING_RUN}
    assert not failed, f"runs of the executed collection failed: {failed}"
    return out


#: Debian's chromium and chromedriver, which the browser tests drive (make browser installs them).
CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")


def headless_chrome(*flags: str, logs: tuple[str, ...] = ("browser",)):
    """A selenium driver of headless :data:`CHROMIUM` with a new empty profile and no background
    networking (this machine has no network), plus ``flags``; ``logs``: the log types kept."""
    import tempfile

    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    profile = tempfile.mkdtemp(prefix="pnt-chromium-")
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage", f"--user-data-dir={profile}", *flags):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {log: "ALL" for log in logs})
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(60)
    return driver


@pytest.fixture(scope="session")
def extracted(tmp_path_factory):
    """One `pnt extract` of the verified copy into a temporary folder (tests read it, never write it)."""
    from pntlib.extract import extract

    out = tmp_path_factory.mktemp("processed")
    extract(out=out)
    return out
