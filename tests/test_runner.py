"""`pnt run` end to end into a temporary folder, with tiny notebooks and one real one."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import sys
from pathlib import Path

import pytest

from pntlib import PlanError, RunLockedError, cli
from pntlib import run as runner

from .conftest import PROJ_ROOT, is_kernel

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
        # found by the break-it pass: papermill warned, then pnt failed after making the output folder
        ("runs:\n  - notebook: plan.yaml\n", "notebook 'plan.yaml' is not a Jupyter notebook; give an .ipynb file"),
        ("runs:\n  - notebook: @NB/tiny.ipynb\n    for_each: strategy\n", "choose one of: objective, indicator"),
        ("runs:\n  - notebook: @NB/tiny.ipynb\n  - notebook: @NB/tiny.ipynb\n", "two runs are named 'tiny'"),
        ("runs:\n  - notebook: @NB/tiny.ipynb\n    timeout: -1\n", "timeout=-1 is not valid: give a number of seconds from 1 to 604800"),
        ("runs:\n  - notebook: @NB/tiny.ipynb\n    timeout: .nan\n", "timeout=nan is not valid"),
        ("runs:\n  - notebook: @NB/tiny.ipynb\n    timeout: .inf\n", "timeout=inf is not valid"),
        ("timeout: .nan\nruns:\n  - notebook: @NB/tiny.ipynb\n    timeout: 5\n", "timeout=nan is not valid"),
        ("timeout: -.inf\nruns:\n  - notebook: @NB/tiny.ipynb\n", "timeout=-inf is not valid"),
        # found: under 1 s every run failed with TraitError, 1e308 with OverflowError
        ("timeout: 0.5\nruns:\n  - notebook: @NB/tiny.ipynb\n", "timeout=0.5 is not valid: give a number of seconds from 1 to 604800"),
        ("runs:\n  - notebook: @NB/tiny.ipynb\n    timeout: 0.999\n", "run 1: timeout=0.999 is not valid"),
        ("timeout: 1.0e+308\nruns:\n  - notebook: @NB/tiny.ipynb\n", "timeout=1e+308 is not valid: give a number of seconds from 1 to 604800"),
        ("timeout: 604801\nruns:\n  - notebook: @NB/tiny.ipynb\n", "timeout=604801 is not valid"),
        ("runs:\n  - notebook: @NB/tiny.ipynb\n    name: a/b\n", "run name 'a/b' is not valid"),
        ("runs:\n  - notebook: @NB/tiny.ipynb\n    name: ''\n", "run name '' is not valid"),
        ("runs:\n  - notebook: @NB/tiny.ipynb\n    name: ../x\n", "run name '../x' is not valid"),
        ("runs:\n  - notebook: @NB/tiny.ipynb\n    name: " + "x" * 101 + "\n", "at most 100 of them"),
        ("runs:\n  - notebook: @NB/tiny.ipynb\n    name: Index\n", "run name 'Index' is reserved"),
        ("runs:\n  - notebook: @NB/tiny.ipynb\n    name: [a]\n", "name=['a'] must be text"),
        # the same name once letters are compared without case (one file on macOS/Windows)
        ("runs:\n  - notebook: @NB/tiny.ipynb\n    name: Tiny_1\n    parameters: {value: 2}\n"
         "  - notebook: @NB/tiny.ipynb\n    parameters: {value: 1}\n", "two runs are named 'tiny_1' and 'Tiny_1'"),
        # 1 and 1.0 make different names but the same run
        ("runs:\n  - notebook: @NB/tiny.ipynb\n    parameter_sets: [{value: 1}, {value: 1.0}]\n",
         "runs 'tiny_1' and 'tiny_1.0' execute tiny.ipynb with the same parameters"),
        # a parameter the notebook does not declare (a typo) would run silently with the default
        ("runs:\n  - notebook: @NB/tiny.ipynb\n    parameters: {valeu: 3}\n",
         "tiny.ipynb does not declare the parameters ['valeu']; its parameters are: value, fail, output_dir, run_name"),
        ("runs:\n  - notebook: @NB/tiny.ipynb\n    parameters: {value: 3, output_dir: /tmp/x}\n",
         "parameters ['output_dir'] are set by pnt run itself"),
        ("parameters: {run_name: x}\nruns:\n  - notebook: @NB/tiny.ipynb\n",
         "parameters ['run_name'] are set by pnt run itself"),
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


@pytest.mark.kernel
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
    assert "FAILED broken (tiny.ipynb, cell 4): ValueError" in printed.err
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
    # the index counts the cells of the source notebook (markdown, parameters, set-up, the failing 4th);
    # In [4]: parameters 1, injected parameters 2, set-up 3, failing cell 4
    assert error["cell_number"] == 4 and error["execution_count"] == 4
    assert "Error en la celda 4 del cuaderno (In [4] en la copia ejecutada):" in index
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


@pytest.mark.kernel
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


@pytest.mark.kernel
def test_timeout_stops_a_notebook(tmp_path):
    plan = _plan(tmp_path, "runs:\n  - notebook: @NB/slow.ipynb\n    timeout: 8\n    parameters: {seconds: 120}\n")
    result = runner.run_plan(plan, out=tmp_path / "out", quiet=True)
    assert result["status"].tolist() == ["failed"]
    assert "el cuaderno no terminó dentro de su tiempo límite de 8 s" in result["error"].iloc[0]
    assert result["duration"].iloc[0] < 60
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["runs"]["slow_120"]["error"]["source"] == "import time\n\ntime.sleep(seconds)"
    assert manifest["runs"]["slow_120"]["error"]["cell_number"] == 3  # markdown, parameters, the sleep
    index = _index(tmp_path / "out")
    assert "Error en la celda 3 del cuaderno" in index and "tiempo límite de 8 s" in index
    assert "did not finish" not in index


@pytest.mark.kernel
def test_ctrl_c_stops_at_once_and_leaves_the_previous_reports_intact(tmp_path):
    """SIGINT (twice) to `pnt run`: exit 130 without a traceback, queued runs never start,
    no process left behind, the previous reports untouched."""
    import os
    import signal
    import subprocess
    import time

    psutil = pytest.importorskip("psutil")
    nb = tmp_path / "nb.ipynb"
    shutil.copy(NB_DIR / "tiny.ipynb", nb)
    plan = _plan(tmp_path, f"runs:\n  - notebook: {nb}\n    parameter_sets: [{{value: 7}}, {{value: 8}}, {{value: 9}}]\n")
    out = tmp_path / "out"
    assert runner.run_plan(plan, out=out, jobs=2, quiet=True)["status"].tolist() == ["ok"] * 3
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    success = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["runs"]["nb_7"]["last_success"]
    # the notebook changes (so every run executes again) and each run now takes a minute;
    # with one job, nb_8 and nb_9 wait in the queue while nb_7 sleeps
    nb.write_text(nb.read_text(encoding="utf-8").replace("if fail:", "import time; time.sleep(60)\\nif fail:"),
                  encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(PROJ_ROOT / "src")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "pntlib.cli", "run", "--plan", str(plan), "--out", str(out), "--jobs", "1", "--quiet"],
        start_new_session=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )
    def started():  # forkserver, worker, kernel server, kernels
        try:
            return psutil.Process(proc.pid).children(recursive=True)
        except psutil.Error:
            return []

    deadline = time.monotonic() + 60
    while not any(is_kernel(p) for p in started()) and time.monotonic() < deadline:
        time.sleep(0.2)  # a kernel exists once a worker asked for one: nb_7 started
    assert any(is_kernel(p) for p in started()), "the run never started"
    time.sleep(2)  # nb_7 sleeps in its cell
    started = started()
    os.killpg(proc.pid, signal.SIGINT)  # Ctrl-C reaches the whole foreground group
    time.sleep(0.3)
    try:
        os.killpg(proc.pid, signal.SIGINT)  # impatient: a second Ctrl-C during the clean-up
    except ProcessLookupError:
        pass
    # a call that ran its queue would take three minutes (three runs of 60 s, one at a time)
    stdout, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130, stderr
    assert "Traceback" not in stderr and "KeyboardInterrupt" not in stderr
    assert "interrupted: " in stderr and stderr.count("\n") == 1
    _, alive = psutil.wait_procs(started, timeout=15)
    assert alive == [], [p.cmdline() for p in alive]
    after = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    # the manifest and index are rewritten; every report file is as it was
    rewritten = {Path("manifest.json"), Path("index.html")}
    assert {k: v for k, v in after.items() if k not in rewritten} == {k: v for k, v in before.items() if k not in rewritten}
    assert not list(out.glob(".staging*"))
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    for name in ("nb_7", "nb_8", "nb_9"):
        assert manifest["runs"][name]["status"] == "ok" and manifest["runs"][name]["this_call"] == "interrupted"
    assert manifest["runs"]["nb_7"]["last_success"] == success
    assert "la última ejecución se interrumpió" in _index(out)


def test_run_name_given_by_pnt_run_names_the_files():
    from pntlib import ParameterError, outputs

    assert outputs.run_name("indicator", {"indicator": "3.2"}) == "indicator_3.2"
    assert outputs.run_name("indicator", {"indicator": "3.2"}, run_name="") == "indicator_3.2"
    assert outputs.run_name("indicator", {"indicator": "3.2"}, run_name="alt-3.2") == "alt-3.2"
    for bad in ("a/b", "../x", ".hidden", "x\n", 5):
        with pytest.raises(ParameterError, match="run_name"):
            outputs.run_name("indicator", run_name=bad)


def test_every_notebook_declares_the_runner_parameters():
    for path in sorted((PROJ_ROOT / "notebooks").glob("*.ipynb")):
        declared = runner.declared_parameters(path)
        for name in runner.RUNNER_PARAMETERS:
            assert declared[name]["default"] == '""', (path.name, name)  # "" : the default folder / name
            assert declared[name]["help"], (path.name, name)
        assert all(p["help"] for p in declared.values()), path.name  # --help-notebook documents each


def test_a_notebook_without_run_name_is_refused(tmp_path):
    nb = tmp_path / "old.ipynb"
    text = (NB_DIR / "tiny.ipynb").read_text(encoding="utf-8")
    nb.write_text(re.sub(r',\n\s*"run_name: str = [^\n]*"', "", text), encoding="utf-8")
    assert "run_name" not in runner.declared_parameters(nb)
    with pytest.raises(PlanError, match=re.escape("old.ipynb does not declare ['run_name']")):
        runner.load_plan(_plan(tmp_path, f"runs:\n  - notebook: {nb}\n"))


def test_an_undeclared_parameter_stops_the_call_before_anything_runs(tmp_path):
    plan = _plan(tmp_path, "runs:\n  - notebook: @NB/tiny.ipynb\n  - notebook: @NB/tiny.ipynb\n    parameters: {objetive: 3}\n")
    out = tmp_path / "out"
    code = cli.main(["run", "--plan", str(plan), "--out", str(out), "--quiet"])
    assert code == 2  # bad usage
    assert not list(out.glob("tiny*")) and not (out / "manifest.json").exists()


@pytest.mark.kernel
def test_each_run_publishes_only_files_named_after_it(tmp_path):
    """Runs whose notebook would derive the same name (value 1) each keep their own files."""
    plan = _plan(
        tmp_path,
        "runs:\n  - notebook: @NB/tiny.ipynb\n    parameters: {value: 1}\n"
        "  - notebook: @NB/tiny.ipynb\n    parameters: {value: 1, fail: false}\n"
        "  - notebook: @NB/tiny.ipynb\n    name: tres\n    parameters: {value: 3}\n",
    )
    out = tmp_path / "out"
    result = runner.run_plan(plan, out=out, jobs=2, quiet=True)
    assert dict(zip(result["name"], result["status"])) == {"tiny_1": "ok", "tiny_1_False": "ok", "tres": "ok"}
    for name in ("tiny_1", "tiny_1_False", "tres"):
        assert json.loads((out / f"{name}.summary.json").read_text(encoding="utf-8"))["name"] == name
        assert (out / "figures" / f"{name}.png").is_file()
    assert not list(out.glob("tiny_3*"))  # `name: tres` used to write tiny_3 files
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    files = manifest["runs"]["tres"]["last_success"]["files"]
    assert sorted(files) == ["figures/thumbs/tres.png", "figures/tres.png", "tres.code.html", "tres.html",
                             "tres.ipynb", "tres.summary.json"]
    assert files["tres.ipynb"] == hashlib.sha256((out / "tres.ipynb").read_bytes()).hexdigest()

    # a notebook that ignores run_name is not published: its files could be another run's
    nb = tmp_path / "own.ipynb"
    nb.write_text((NB_DIR / "tiny.ipynb").read_text(encoding="utf-8").replace(", run_name=run_name)", ")"),
                  encoding="utf-8")
    plan = _plan(tmp_path, f"runs:\n  - notebook: {nb}\n    name: mine\n    parameters: {{value: 1}}\n")
    before = (out / "tiny_1.summary.json").read_bytes()
    result = runner.run_plan(plan, out=out, quiet=True)
    assert result["status"].tolist() == ["failed"]
    assert "no llevan el nombre de la ejecución" in result["error"].iloc[0] and "tiny_1.summary.json" in result["error"].iloc[0]
    assert (out / "tiny_1.summary.json").read_bytes() == before and not (out / "mine.ipynb").exists()


@pytest.mark.kernel
def test_changed_or_missing_outputs_are_rebuilt(tmp_path):
    """A run is skipped only when every file it published is there and unchanged."""
    plan = _plan(tmp_path, "runs:\n  - notebook: @NB/tiny.ipynb\n    parameter_sets: [{value: 1}, {value: 2}]\n")
    out = tmp_path / "out"
    assert runner.run_plan(plan, out=out, jobs=2, quiet=True)["status"].tolist() == ["ok", "ok"]
    good = (out / "tiny_1.summary.json").read_bytes()
    # a manual papermill run into reports/ overwrites a managed file; another file disappears
    (out / "tiny_1.summary.json").write_text(good.decode("utf-8").replace('"Prueba 1"', '"Otra cosa"'), encoding="utf-8")
    (out / "figures" / "tiny_2.png").unlink()
    result = runner.run_plan(plan, out=out, jobs=2, quiet=True)
    assert result["status"].tolist() == ["ok", "ok"]  # both executed again, not skipped
    assert json.loads((out / "tiny_1.summary.json").read_text(encoding="utf-8"))["title"] == "Prueba 1"
    assert (out / "figures" / "tiny_2.png").is_file()
    assert runner.run_plan(plan, out=out, quiet=True)["status"].tolist() == ["skipped", "skipped"]


@pytest.mark.kernel
def test_a_later_success_removes_the_failed_copy(tmp_path):
    nb = tmp_path / "nb.ipynb"
    good = (NB_DIR / "tiny.ipynb").read_text(encoding="utf-8")
    nb.write_text(good.replace("if fail:", "if True:"), encoding="utf-8")
    plan = _plan(tmp_path, f"runs:\n  - notebook: {nb}\n    parameters: {{value: 5}}\n")
    out = tmp_path / "out"
    assert runner.run_plan(plan, out=out, quiet=True)["status"].tolist() == ["failed"]
    assert (out / "failed" / "nb_5.ipynb").is_file() and (out / "failed" / "nb_5.html").is_file()
    nb.write_text(good, encoding="utf-8")
    assert runner.run_plan(plan, out=out, quiet=True)["status"].tolist() == ["ok"]
    assert not (out / "failed" / "nb_5.ipynb").exists() and not (out / "failed" / "nb_5.html").exists()
    assert "failed/nb_5" not in _index(out)


@pytest.mark.kernel
def test_a_second_call_into_the_same_folder_fails_at_once(tmp_path, capsys):
    import fcntl

    plan = _plan(tmp_path, "runs:\n  - notebook: @NB/tiny.ipynb\n")
    out = tmp_path / "out"
    out.mkdir()
    with open(runner.lock_path(out), "a") as held:  # what a running `pnt run` holds (beside the folder)
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        with pytest.raises(RunLockedError, match=re.escape(f"another pnt run or pnt extract is writing into {out}")):
            runner.run_plan(plan, out=out, quiet=True)
        assert cli.main(["run", "--plan", str(plan), "--out", str(out), "--quiet"]) == 3  # locked
        assert f"another pnt run or pnt extract is writing into {out}" in capsys.readouterr().err
        assert not (out / "manifest.json").exists()
    # a folder left by a call that was killed (SIGKILL) is cleared; each call stages in its own folder
    (out / ".staging-old").mkdir()
    assert runner.run_plan(plan, out=out, quiet=True)["status"].tolist() == ["ok"]
    assert not list(out.glob(".staging*"))


def test_plan_wide_parameters_do_not_change_run_names(tmp_path):
    report = PROJ_ROOT / "data" / "raw" / "pntdp-2022-2024_avance-y-resultados_2023-01_2024-06.txt"
    plan = _plan(tmp_path, f"parameters: {{report: {report}}}\nruns:\n  - notebook: @REAL/overview.ipynb\n"
                           "  - notebook: @REAL/objective.ipynb\n    parameters: {objective: 2}\n")
    runs = runner.load_plan(plan)
    assert [r.name for r in runs] == ["overview", "objective_2"]
    assert all(r.parameters["report"] == str(report) for r in runs)
    # ... and reach only notebooks that declare them
    plan = _plan(tmp_path, f"parameters: {{report: {report}}}\nruns:\n  - notebook: @NB/tiny.ipynb\n")
    with pytest.raises(PlanError, match=re.escape("tiny.ipynb does not declare the parameters ['report']")):
        runner.load_plan(plan)


@pytest.mark.kernel
def test_no_state_passes_from_one_notebook_to_the_next(tmp_path):
    """One worker runs a notebook that leaves a global, a module attribute, an environment
    variable and an import behind, then one that checks that none is there: every notebook
    gets a kernel of its own, forked by the kernel server with the heavy imports done."""
    plan = _plan(tmp_path, "runs:\n  - notebook: @NB/leak.ipynb\n    parameter_sets: [{leave: true}, {leave: false}]\n")
    out = tmp_path / "out"
    result = runner.run_plan(plan, out=out, jobs=1, quiet=True)
    assert result["status"].tolist() == ["ok", "ok"], result["error"].tolist()
    kernels = []
    for name in result["name"]:
        summary = json.loads((out / f"{name}.summary.json").read_text(encoding="utf-8"))
        kernels.append({f["label"]: f["value"] for f in summary["key_figures"]})
    assert kernels[0]["pid"] != kernels[1]["pid"]
    assert all("pntlib/run/kernel_server.py" in k["parent"] for k in kernels)


def test_index_groups_runs_by_objective_and_words_key_figures():
    from pntlib.run.index import _format_value, index_sections

    def row(name, objective=None, objective_page=False, title=None):
        return {"name": name, "objective": objective, "is_objective_page": objective_page, "objective_title": title}

    rows = [row("overview"), row("data_quality"), row("objective_1", 1, True, "Promover"),
            row("objective_2", 2, True), row("indicator_1.1", 1), row("indicator_2.1", 2, title="Coordinar")]
    sections = index_sections(rows)
    assert [s["title"] for s in sections] == ["El programa en conjunto", "Objetivo prioritario 1. Promover",
                                              "Objetivo prioritario 2. Coordinar"]
    assert [[r["name"] for r in s["rows"]] for s in sections] == [
        ["overview", "data_quality"], ["objective_1", "indicator_1.1"], ["objective_2", "indicator_2.1"]]
    assert _format_value({"value": 66.0, "raw": "66/P", "unit": "Porcentaje", "note": "preliminar"}) == "66 % (preliminar)"
    assert _format_value({"value": None, "raw": "N/D", "note": "no disponible (ND)"}) == "N/D (no disponible (ND))"
    assert _format_value({"value": 33.333, "unit": "Documento"}) == "33.33 documento"
    assert _format_value({"value": "Meta alcanzada"}) == "Meta alcanzada"


def test_every_form_of_parameter_annotation_is_read(tmp_path, capsys):
    # Found: a parameter annotated `str | None` (or `int | None`) was reported as not declared
    # (papermill's inference drops PEP 604 unions). pnt reads the parameters cell with ast.
    import nbformat

    source = "\n".join([
        'indicator: str | None = None  # el indicador',
        'objective: int | None = None',
        'name: Optional[str] = "x"',
        'level: "str" = "a"',
        'ratio: float = 0.5',
        'items: list[dict[str, int]] = [{"a": 1},',
        '                               {"b": 2}]  # varias líneas',
        'plain = 3',
        'a = b = "dos"',
        'declared_only: int',
        'output_dir: str = ""',
        'run_name: str = ""',
    ])
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("import os"),
                                         nbformat.v4.new_code_cell(source, metadata={"tags": ["parameters"]})])
    path = tmp_path / "annotated.ipynb"
    nbformat.write(nb, path)
    declared = runner.declared_parameters(path)
    assert list(declared) == ["indicator", "objective", "name", "level", "ratio", "items", "plain", "a", "b",
                              "declared_only", "output_dir", "run_name"]
    assert declared["indicator"] == {"name": "indicator", "inferred_type_name": "str | None", "default": "None",
                                     "help": "el indicador"}
    assert declared["objective"]["inferred_type_name"] == "int | None"
    assert declared["items"]["default"] == '[{"a": 1},\n                               {"b": 2}]'
    assert declared["items"]["help"] == "varias líneas"
    assert declared["plain"]["inferred_type_name"] == "None" and declared["declared_only"]["default"] == "None"
    # such parameters may be given, and a number for a text one is refused as for `str`
    plan = _plan(tmp_path, f"runs:\n  - notebook: {path}\n    parameters: {{indicator: '3.2', objective: 3}}\n")
    assert runner.load_plan(plan)[0].parameters == {"indicator": "3.2", "objective": 3}
    for key in ("indicator", "name", "level"):
        bad = _plan(tmp_path, f"runs:\n  - notebook: {path}\n    parameters: {{{key}: 3.10}}\n")
        with pytest.raises(PlanError, match=f'{key}: "3.10"'):
            runner.load_plan(bad)
    assert [runner.is_text_type(t) for t in ("str", "str | None", "Optional[str]", "'str'", "int | str", "int")] == [
        True, True, True, True, False, False]
    # `pnt parameters` lists them as pnt run reads them (papermill --help-notebook misses unions)
    assert cli.main(["parameters", str(path)]) == 0
    assert "  indicator: str | None = None  # el indicador\n  objective: int | None = None\n" in capsys.readouterr().out
    # a parameters cell that is not Python names the line
    nb.cells[1].source = "value: int = 1\nvalue = = 2"
    nbformat.write(nb, path)
    with pytest.raises(PlanError, match="its parameters cell is not Python \\(line 2"):
        runner.declared_parameters(path)
