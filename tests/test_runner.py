"""`pnt run` end to end into a temporary folder, with tiny notebooks and one real one."""

from __future__ import annotations

import json
import re
import shutil
import sys
from pathlib import Path

import pytest

from pntlib import PlanError, cli, runner

from .conftest import PROJ_ROOT

NB_DIR = Path(__file__).resolve().parent / "data" / "notebooks"


def _plan(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "plan.yaml"
    path.write_text(text.replace("@NB", str(NB_DIR)).replace("@REAL", str(PROJ_ROOT / "notebooks")), encoding="utf-8")
    return path


def _index(out: Path) -> str:
    return (out / "index.html").read_text(encoding="utf-8")


def test_plan_expands_for_each_in_report_order():
    runs = runner.load_plan(PROJ_ROOT / "notebooks" / "plan.yaml")
    names = [r.name for r in runs]
    assert [n for n in names if n.startswith("objective_")] == [f"objective_{o}" for o in range(1, 6)]
    indicators = [r.parameters["indicator"] for r in runs if r.notebook.name == "indicator.ipynb"]
    assert indicators == [f"{o}.{i}" for o in range(1, 6) for i in range(1, 4)]  # 15 cards, 1.1 ... 5.3
    assert "overview" in names and "explore" in names
    assert len(set(names)) == len(names)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("runs:\n  - notebook: missing.ipynb\n", "not found"),
        ("runs:\n  - notebook: @NB/tiny.ipynb\n    for_each: strategy\n", "choose one of: objective, indicator"),
        ("runs:\n  - notebook: @NB/tiny.ipynb\n  - notebook: @NB/tiny.ipynb\n", "two runs are named 'tiny'"),
        ("runs:\n  - notebook: @NB/tiny.ipynb\n    timeout: -1\n", "positive number"),
        ("runs:\n  - notebook: @NB/tiny.ipynb\n    colour: red\n", "unknown keys ['colour']"),
        ("jobs: 3\nruns: []\n", "unknown keys ['jobs']"),
        ("runs: {a: 1}\n", "a list under 'runs'"),
        ("parameters: {report: nope.txt}\nruns:\n  - notebook: @NB/tiny.ipynb\n", "report 'nope.txt' not found"),
        ("runs:\n  - notebook: @NB/tiny.ipynb\n    parameters: {report: x.txt}\n", "run 1: report 'x.txt' not found"),
    ],
)
def test_bad_plans_raise_plan_error(tmp_path, text, message):
    with pytest.raises(PlanError, match=re.escape(message)):
        runner.load_plan(_plan(tmp_path, text))


def test_only_names_a_run(tmp_path):
    plan = _plan(tmp_path, "runs:\n  - notebook: @NB/tiny.ipynb\n")
    with pytest.raises(PlanError, match="valid names: tiny"):
        runner.run_plan(plan, out=tmp_path / "out", only=["nope"], quiet=True)


def test_run_key_changes_with_each_input(tmp_path):
    plan = _plan(tmp_path, "runs:\n  - notebook: @NB/tiny.ipynb\n    parameters: {value: 1}\n")
    run = runner.load_plan(plan)[0]
    base = runner.run_key(run)
    other = runner.Run(run.name, run.notebook, {"value": 2}, run.timeout)
    assert runner.run_key(other)["key"] != base["key"]
    assert runner.run_key(run, data_hash="0" * 64)["key"] != base["key"]
    assert runner.run_key(run, src_hash="0" * 64)["key"] != base["key"]
    assert runner.run_key(run) == base


def test_pnt_run_end_to_end(tmp_path, capsys):
    """Two tiny runs, one that fails, one real notebook; then a call that skips everything."""
    plan = _plan(
        tmp_path,
        "timeout: 120\nruns:\n"
        "  - notebook: @NB/tiny.ipynb\n    parameter_sets: [{value: 1}, {value: 2}]\n"
        "  - notebook: @NB/tiny.ipynb\n    name: broken\n    parameters: {value: 3, fail: true}\n"
        "  - notebook: @REAL/explore.ipynb\n",
    )
    out = tmp_path / "reports"
    code = cli.main(["run", "--plan", str(plan), "--out", str(out), "--jobs", "2", "--quiet"])
    printed = capsys.readouterr()
    assert code == 1  # one run failed
    assert "4 runs: 3 ok, 1 failed, 0 skipped" in printed.out
    assert "FAILED broken: ValueError" in printed.err
    for name in ("tiny_1", "tiny_2", "explore"):
        for suffix in (".ipynb", ".html", ".code.html", ".summary.json"):
            assert (out / f"{name}{suffix}").is_file(), name + suffix
        assert (out / "figures" / "thumbs" / f"{name}.png").is_file()
    assert (out / "figures" / "tiny_1.png").is_file()
    # the readers' page has no code, the other has it
    assert "class=\"jp-CodeMirrorEditor" not in (out / "tiny_1.html").read_text(encoding="utf-8")
    assert "class=\"jp-CodeMirrorEditor" in (out / "tiny_1.code.html").read_text(encoding="utf-8")
    # the kernel was the ipykernel of this interpreter
    summary = json.loads((out / "tiny_2.summary.json").read_text(encoding="utf-8"))
    assert {"label": "intérprete", "value": sys.executable} in summary["key_figures"]
    assert summary["main_figure"] == "figures/tiny_2.png"
    # the failed run: not published, its notebook kept under failed/, the error in the index
    assert not (out / "broken.ipynb").exists() and not (out / "broken.summary.json").exists()
    assert (out / "failed" / "broken.ipynb").is_file() and (out / "failed" / "broken.html").is_file()
    index = _index(out)
    assert "ValueError" in index
    assert "fallo a propósito con value=3 &lt;b&gt;sin marcado&lt;/b&gt;" in index  # escaped
    assert "<b>sin marcado</b>" not in index
    assert "raise ValueError" in index  # the failing cell's source
    assert "failed/broken.html" in index
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    error = manifest["runs"]["broken"]["error"]
    assert error["ename"] == "ValueError" and error["cell_index"] == 4  # injected parameters cell shifts it by one
    assert manifest["runs"]["tiny_1"]["status"] == "ok"

    # second call: nothing changed -> everything that succeeded is skipped, the failure is retried
    first = {n: (out / f"{n}.ipynb").stat().st_mtime_ns for n in ("tiny_1", "tiny_2", "explore")}
    result = runner.run_plan(plan, out=out, quiet=True)
    assert dict(zip(result["name"], result["status"])) == {
        "tiny_1": "skipped", "tiny_2": "skipped", "broken": "failed", "explore": "skipped",
    }
    assert {n: (out / f"{n}.ipynb").stat().st_mtime_ns for n in first} == first
    assert "sin cambios" in _index(out)

    # --only with --force reruns just that run
    result = runner.run_plan(plan, out=out, only=["tiny_1"], force=True, quiet=True)
    assert result["name"].tolist() == ["tiny_1"] and result["status"].tolist() == ["ok"]
    assert (out / "tiny_1.ipynb").stat().st_mtime_ns != first["tiny_1"]


def test_a_failing_rerun_leaves_the_previous_reports_intact(tmp_path):
    nb = tmp_path / "nb.ipynb"
    shutil.copy(NB_DIR / "tiny.ipynb", nb)
    plan = _plan(tmp_path, f"runs:\n  - notebook: {nb}\n    parameters: {{value: 5}}\n")
    out = tmp_path / "out"
    assert runner.run_plan(plan, out=out, quiet=True)["status"].tolist() == ["ok"]
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file() and p.name.startswith("nb_") and "failed" not in p.relative_to(out).parts}
    assert before
    # the notebook changes and now fails: the run is retried, fails, and the old outputs stay
    text = nb.read_text(encoding="utf-8").replace("if fail:", "if True:")
    nb.write_text(text, encoding="utf-8")
    result = runner.run_plan(plan, out=out, quiet=True)
    assert result["status"].tolist() == ["failed"]
    after = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file() and p.name.startswith("nb_") and "failed" not in p.relative_to(out).parts}
    assert after == before
    index = _index(out)
    assert "última ejecución correcta" in index and 'href="nb_5.html"' in index
    assert not (out / ".staging").exists()


def test_timeout_stops_a_notebook(tmp_path):
    plan = _plan(tmp_path, "runs:\n  - notebook: @NB/slow.ipynb\n    timeout: 8\n    parameters: {seconds: 120}\n")
    result = runner.run_plan(plan, out=tmp_path / "out", quiet=True)
    assert result["status"].tolist() == ["failed"]
    assert "did not finish within its timeout of 8 s" in result["error"].iloc[0]
    assert result["duration"].iloc[0] < 60
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["runs"]["slow_120"]["error"]["source"] == "import time\n\ntime.sleep(seconds)"


def test_an_interrupted_call_leaves_the_previous_reports_intact(tmp_path):
    import os
    import signal
    import subprocess
    import time

    nb = tmp_path / "nb.ipynb"
    shutil.copy(NB_DIR / "tiny.ipynb", nb)
    plan = _plan(tmp_path, f"runs:\n  - notebook: {nb}\n    parameters: {{value: 7}}\n")
    out = tmp_path / "out"
    assert runner.run_plan(plan, out=out, quiet=True)["status"].tolist() == ["ok"]
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    # the notebook changes (so it runs again) and now takes long; the call is interrupted (Ctrl-C)
    nb.write_text(nb.read_text(encoding="utf-8").replace("if fail:", "import time; time.sleep(60)\\nif fail:"),
                  encoding="utf-8")
    proc = subprocess.Popen(
        [sys.executable, "-m", "pntlib.cli", "run", "--plan", str(plan), "--out", str(out), "--quiet"],
        start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while not any((out / ".staging").glob("nb_7-*/nb_7.ipynb")) and time.monotonic() < deadline:
        time.sleep(0.2)  # the staged notebook appears once papermill has started it
    assert any((out / ".staging").glob("nb_7-*/nb_7.ipynb")), "the run never started"
    time.sleep(1)
    os.killpg(proc.pid, signal.SIGINT)
    assert proc.wait(timeout=60) != 0
    after = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before
    assert not (out / ".staging").exists()
