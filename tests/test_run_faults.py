"""`pnt run` under faults (issue 11): each test injects one fault and checks the outcome.

Most tests publish hand-made staging folders (no kernel); the few that start
kernels use the tiny notebooks of tests/data/notebooks/.
"""

from __future__ import annotations

import errno
import json
import os
import re
import stat
from pathlib import Path

import pytest

from pntlib import OutputError, PlanError, RunLockedError, cli
from pntlib import run as pntrun
from pntlib.files import Publication, write_atomic
from pntlib.run import pipeline
from pntlib.run.pool import Task
from pntlib.run.state import MANIFEST_NAME

from .conftest import is_kernel

NB_DIR = Path(__file__).resolve().parent / "data" / "notebooks"


def _plan(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "plan.yaml"
    path.write_text(text.replace("@NB", str(NB_DIR)), encoding="utf-8")
    return path


def _files(folder: Path) -> dict:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _stage(tmp_path: Path, name: str, text: str) -> Path:
    """A staging folder as a successful run leaves it."""
    stage = tmp_path / f"stage-{text}" / name
    (stage / "figures").mkdir(parents=True)
    for rel in (f"{name}.ipynb", f"{name}.html", f"{name}.code.html", f"figures/{name}.png"):
        (stage / rel).write_text(f"{text} {rel}", encoding="utf-8")
    (stage / f"{name}.summary.json").write_text(json.dumps({"name": name, "title": text}), encoding="utf-8")
    return stage


def _publish(tmp_path, out, runs, manifest, name, text, status="ok"):
    stage = _stage(tmp_path, name, text) if status == "ok" else None
    run = next(r for r in runs if r.name == name)
    result = pntrun.RunResult(name, status, 0.0, 1.0, None if status == "ok" else pntrun.ErrorDetails("E", "e"))
    scratch = tmp_path / "scratch"
    scratch.mkdir(exist_ok=True)
    pipeline._publish(runs, Task(run, {"key": text}, stage or tmp_path / "none", out), result, out, manifest, scratch)


@pytest.fixture()
def folder(tmp_path):
    """An output folder with one published run (``tiny``), its manifest and index."""
    plan = _plan(tmp_path, "runs:\n  - notebook: @NB/tiny.ipynb\n")
    runs = pntrun.load_plan(plan)
    out = tmp_path / "out"
    out.mkdir()
    manifest = pntrun.read_manifest(out)
    _publish(tmp_path, out, runs, manifest, "tiny", "primera")
    return out, runs, manifest


# --------------------------------------------------------------------------- 11.2 manifest paths


def test_a_manifest_cannot_remove_files_outside_the_folder(folder, tmp_path):
    out, runs, _ = folder
    victim = tmp_path / "victim.txt"
    victim.write_text("mine", encoding="utf-8")
    manifest = json.loads((out / MANIFEST_NAME).read_text(encoding="utf-8"))
    files = manifest["runs"]["tiny"]["last_success"]["files"]
    files["../victim.txt"] = "0" * 64
    files[str(victim)] = "0" * 64
    (out / MANIFEST_NAME).write_text(json.dumps(manifest), encoding="utf-8")
    read = pntrun.read_manifest(out)
    assert "last_success" not in read["runs"]["tiny"]  # not trusted: the run executes again
    _publish(tmp_path, out, runs, read, "tiny", "segunda")
    assert victim.read_text(encoding="utf-8") == "mine"
    # and whatever the caller passes, a path outside is refused before anything moves
    before = _files(out)
    read["runs"]["tiny"]["last_success"]["files"]["../victim.txt"] = "0" * 64
    with pytest.raises(OutputError, match=re.escape("'../victim.txt' is outside the output folder")):
        _publish(tmp_path, out, runs, read, "tiny", "tercera")
    assert victim.exists() and _files(out) == before


# --------------------------------------------------------------------------- 11.3 any folder


@pytest.mark.parametrize("leftover", ["notes.txt", "sub/file.txt"])
def test_a_folder_that_is_not_an_output_folder_is_refused(tmp_path, capsys, leftover):
    plan = _plan(tmp_path, "runs:\n  - notebook: @NB/tiny.ipynb\n")
    out = tmp_path / "home"
    (out / leftover).parent.mkdir(parents=True, exist_ok=True)
    (out / leftover).write_text("not pnt's", encoding="utf-8")
    before = _files(out)
    assert cli.main(["run", "--plan", str(plan), "--out", str(out), "--quiet"]) == 2  # bad usage
    err = capsys.readouterr().err
    assert f"--out {out} is not empty" in err and "not a pnt run output folder" in err
    assert _files(out) == before and sorted(p.name for p in out.iterdir()) == [Path(leftover).parts[0]]


def test_the_root_folder_is_refused(tmp_path, capsys):
    plan = _plan(tmp_path, "runs:\n  - notebook: @NB/tiny.ipynb\n")
    assert cli.main(["run", "--plan", str(plan), "--out", "/", "--quiet"]) == 2
    assert "--out / is not empty" in capsys.readouterr().err
    assert not Path("/index.html").exists() and not Path("/manifest.json").exists()


# --------------------------------------------------------------------------- 11.6 disk full


@pytest.mark.parametrize("victim", ["index.html", "manifest.json", "tiny.html"])
def test_disk_full_while_publishing_leaves_files_manifest_and_index_agreeing(folder, tmp_path, monkeypatch, victim):
    out, runs, manifest = folder
    before = _files(out)
    real, failed = os.replace, []

    def full(src, dst, *args, **kwargs):
        if Path(dst).name == victim and Path(dst).parent == out and not failed:  # once: the rollback may rename
            failed.append(dst)
            raise OSError(errno.ENOSPC, "No space left on device", str(dst))
        return real(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, "replace", full)
    with pytest.raises(OutputError, match=re.escape(f"{out / victim}: No space left on device")):
        _publish(tmp_path, out, runs, manifest, "tiny", "segunda")
    monkeypatch.setattr(os, "replace", real)
    assert _files(out) == before  # the previous files, manifest and index, which agree
    assert manifest["runs"]["tiny"]["last_success"]["key"] == "primera"
    assert not [p for p in out.rglob("*") if p.name.startswith(".") or p.name.endswith(".tmp")]


def test_a_failed_write_leaves_no_temporary_file(tmp_path, monkeypatch):
    target = tmp_path / "manifest.json"
    target.write_text("old", encoding="utf-8")

    class Full:  # a file on a full disk: opening works, writing does not
        def __init__(self, fd, mode):
            self.fd = fd

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            os.close(self.fd)

        def write(self, data):
            raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fdopen", Full)
    with pytest.raises(OSError):
        write_atomic(target, "new")
    monkeypatch.undo()
    assert [p.name for p in tmp_path.iterdir()] == ["manifest.json"] and target.read_text() == "old"


def test_a_truncated_failed_notebook_is_not_kept(folder, tmp_path):
    out, runs, manifest = folder
    stage = tmp_path / "cut"
    stage.mkdir()
    (stage / "tiny.ipynb").write_text('{"cells": [{"cell_type": "code", "sour', encoding="utf-8")
    (stage / "tiny.html").write_text("<html>", encoding="utf-8")
    result = pntrun.RunResult("tiny", "failed", 0.0, 1.0, pntrun.ErrorDetails("OSError", "[Errno 28] No space left"))
    pipeline._publish(runs, Task(runs[0], {"key": "x"}, stage, out), result, out, manifest, tmp_path / "scratch")
    assert not (out / "failed").exists()
    saved = json.loads((out / MANIFEST_NAME).read_text(encoding="utf-8"))["runs"]["tiny"]
    assert saved["status"] == "failed" and saved["last_success"]["key"] == "primera"
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "No space left" in index and "failed/tiny.html" not in index


# --------------------------------------------------------------------------- 11.10 permissions


def test_every_file_written_honours_the_umask(tmp_path):
    from pntlib import outputs

    old = os.umask(0o027)
    try:
        summary = outputs.write_summary(tmp_path, "x", title="t")
        plain = tmp_path / "plain"
        plain.write_text("")
        index = write_atomic(tmp_path / "index.html", "<html>")
    finally:
        os.umask(old)
    modes = {stat.S_IMODE(p.stat().st_mode) for p in (summary, plain, index)}
    assert modes == {0o640}


def test_publication_rolls_back_what_it_replaced(tmp_path):
    out, scratch = tmp_path / "out", tmp_path / "scratch"
    out.mkdir()
    scratch.mkdir()
    (out / "a.txt").write_text("old a")
    (out / "gone.txt").write_text("old gone")
    new = tmp_path / "new-a"
    new.write_text("new a")
    with pytest.raises(RuntimeError), Publication(out, scratch) as publication:
        publication.place(new, "a.txt")
        publication.remove("gone.txt")
        publication.write("b/c.txt", "new c")
        raise RuntimeError("fault")
    assert _files(out) == {"a.txt": b"old a", "gone.txt": b"old gone"}


# --------------------------------------------------------------------------- 11.4 / 10.8 the plan's YAML

_BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, "
    f"*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n" for i in range(8))


@pytest.mark.parametrize("where", ["runs", "plan"])
def test_an_alias_bomb_is_refused_at_once(tmp_path, where):
    import resource
    import time

    body = "".join("  " + line + "\n" for line in _BOMB.splitlines())
    text = (f"parameters:\n{body}runs:\n  - notebook: @NB/tiny.ipynb\n" if where == "plan" else
            f"runs:\n  - notebook: @NB/tiny.ipynb\n    parameters:\n" + "".join("  " + line + "\n" for line in body.splitlines()))
    assert len(text) < 1000
    plan = _plan(tmp_path, text)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    with pytest.raises(PlanError, match=re.escape("found the anchor &a: a plan may not use YAML anchors or aliases")):
        pntrun.load_plan(plan)
    assert time.perf_counter() - start < 1
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak < 50_000  # KiB


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("runs:\n  - notebook: @NB/tiny.ipynb\n    parameters: {value: 1, value: 2}\n",
         "found the key 'value' twice (first on line 3)"),
        ("timeout: 5\ntimeout: 6\nruns: []\n", "found the key 'timeout' twice (first on line 1)"),
        ("runs:\n  - notebook: @NB/tiny.ipynb\n    parameters: {indicator: 3.10}\n",
         "parameter indicator: 3.10 is read by YAML as the number 3.1, not the id '3.10'; quote it: indicator: \"3.10\""),
        ("parameters: {indicator: 3.2}\nruns:\n  - notebook: @NB/tiny.ipynb\n",
         "plan.yaml: parameter indicator: 3.2 is read by YAML as the number 3.2"),
        ("runs: " + "[" * 100000 + "]" * 100000 + "\n", "nested more than 50 levels deep"),
    ],
)
def test_plans_pnt_reads_itself(tmp_path, text, message):
    with pytest.raises(PlanError, match=re.escape(message)):
        pntrun.load_plan(_plan(tmp_path, text))


def test_a_number_for_a_text_parameter_is_refused(tmp_path):
    """tiny.ipynb declares no text id, so a notebook that does: `label: str`."""
    nb = tmp_path / "label.ipynb"
    nb.write_text((NB_DIR / "tiny.ipynb").read_text(encoding="utf-8").replace(
        '"value: int = 1  # número que se dibuja y se resume\\n",',
        '"value: int = 1  # número que se dibuja y se resume\\n",\n    "label: str = \\"1.10\\"  # etiqueta\\n",'),
        encoding="utf-8")
    with pytest.raises(PlanError, match=re.escape("parameter label: 1.10 is read by YAML as the number 1.1")):
        pntrun.load_plan(_plan(tmp_path, f"runs:\n  - notebook: {nb}\n    parameters: {{label: 1.10}}\n"))
    assert pntrun.load_plan(_plan(tmp_path, f"runs:\n  - notebook: {nb}\n    parameters: {{label: '1.10'}}\n"))


def test_a_large_plan_is_refused_before_it_is_read(tmp_path):
    plan = _plan(tmp_path, "runs: []\n" + "#" * (2 << 20) + "\n")
    with pytest.raises(PlanError, match="a plan is at most 1048576 bytes"):
        pntrun.load_plan(plan)



@pytest.mark.parametrize("where, problem", [("folder", "a folder"), ("missing.yaml", "no such file")])
def test_a_plan_that_is_not_a_file_names_it_and_the_default(tmp_path, capsys, where, problem):
    (tmp_path / "folder").mkdir()
    out = tmp_path / "out"
    assert cli.main(["run", "--plan", str(tmp_path / where), "--out", str(out), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert f"cannot be read ({problem}); give the path of a run plan YAML file" in err
    assert "notebooks/plan.yaml" in err and "Traceback" not in err and not out.exists()


# --------------------------------------------------------------------------- kernels: 11.7, 11.8, 11.2


def _notebook(tmp_path: Path, name: str, change) -> Path:
    """A copy of tiny.ipynb changed by ``change(dict)``."""
    nb = json.loads((NB_DIR / "tiny.ipynb").read_text(encoding="utf-8"))
    change(nb)
    path = tmp_path / f"{name}.ipynb"
    path.write_text(json.dumps(nb, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def _set_source(index: int, text: str):
    def change(nb):
        nb["cells"][index]["source"] = text
    return change


@pytest.mark.kernel
def test_runs_that_stop_early_fail_and_a_missing_kernelspec_runs(tmp_path):
    """sys.exit(0) and a missing summary fail the run; no kernelspec (or no language) runs on the project's
    kernel; a worker process that dies fails its run only."""
    _notebook(tmp_path, "stops", _set_source(3, "import sys\nsys.exit(0)"))
    _notebook(tmp_path, "nosummary", _set_source(5, "summary = None"))
    def bare(nb):  # no kernelspec; prints its output folder, which is the staging folder while it runs
        nb["metadata"].clear()
        nb["cells"][2]["source"].append('\nprint(f"figuras en {out}")')

    _notebook(tmp_path, "bare", bare)
    _notebook(tmp_path, "nolanguage", lambda nb: nb["metadata"]["kernelspec"].pop("language"))
    # JPY_PARENT_PID: the worker that started the kernel (its parent, or pnt run's kernel server's client)
    _notebook(tmp_path, "dies", _set_source(3, "import os, signal\nos.kill(int(os.environ['JPY_PARENT_PID']), signal.SIGKILL)"))
    plan = _plan(tmp_path, "timeout: 120\nruns:\n" + "".join(
        f"  - notebook: {n}.ipynb\n" for n in ("stops", "nosummary", "bare", "nolanguage", "dies")))
    out = tmp_path / "out"
    out.mkdir()
    victim = tmp_path / "victim.txt"
    victim.write_text("mine", encoding="utf-8")
    # a restored manifest naming files outside the folder (11.2)
    manifest = {"version": 2, "runs": {"bare": {"status": "ok", "last_success": {
        "key": "x", "files": {"../victim.txt": "0" * 64, str(victim): "0" * 64}}}}}
    (out / MANIFEST_NAME).write_text(json.dumps(manifest), encoding="utf-8")
    result = pntrun.run_plan(plan, out=out, jobs=2, quiet=True)
    status = dict(zip(result["name"], result["status"]))
    errors = dict(zip(result["name"], result["error"]))
    assert status == {"stops": "failed", "nosummary": "failed", "bare": "ok", "nolanguage": "ok", "dies": "failed"}, errors
    assert errors["dies"].startswith("WorkerError: el proceso que ejecutaba el cuaderno terminó de forma inesperada")
    assert errors["stops"].startswith("SystemExit: el cuaderno se detuvo con sys.exit en la celda 4")
    assert "no escribió su resumen nosummary.summary.json" in errors["nosummary"]
    assert not (out / "stops.ipynb").exists() and (out / "failed" / "stops.ipynb").is_file()
    assert victim.read_text(encoding="utf-8") == "mine"
    manifest = json.loads((out / MANIFEST_NAME).read_text(encoding="utf-8"))
    assert manifest["runs"]["stops"]["error"]["cell_number"] == 4
    assert set(manifest["runs"]["bare"]["last_success"]["files"]) == {
        "bare.ipynb", "bare.html", "bare.code.html", "bare.summary.json", "figures/bare.png", "figures/thumbs/bare.png"}
    # the published notebook does not point at the deleted staging folder, and its injected cell has a fixed id
    published = json.loads((out / "bare.ipynb").read_text(encoding="utf-8"))
    injected = next(c for c in published["cells"] if "injected-parameters" in c["metadata"].get("tags", []))
    assert injected["id"] == "injected-parameters" and 'output_dir = ""' in "".join(injected["source"])
    assert f"figuras en {out}" in (out / "bare.html").read_text(encoding="utf-8")
    for page in ("bare.ipynb", "bare.html", "bare.code.html", "failed/stops.ipynb"):
        assert ".staging" not in (out / page).read_text(encoding="utf-8"), page
    assert published["metadata"]["papermill"]["parameters"]["output_dir"] == ""


# --------------------------------------------------------------------------- kernels: 11.10, 11.11


def _without_timing(nb: dict) -> dict:
    for key in ("start_time", "end_time", "duration"):
        nb["metadata"].get("papermill", {}).pop(key, None)
    for cell in nb["cells"]:
        for key in ("start_time", "end_time", "duration"):
            cell["metadata"].get("papermill", {}).pop(key, None)
        cell["metadata"].pop("execution", None)
    return nb


@pytest.mark.kernel
def test_two_calls_give_the_same_files_whatever_the_environment(tmp_path):
    """Locale, timezone, umask, a read-only HOME and MPLBACKEND=Agg change nothing a reader sees."""
    import subprocess
    import sys

    def change(nb):
        nb["cells"][4]["source"] = nb["cells"][4]["source"][:2] + [
            "ax.set_title(f\"Valor {value}: fiscalías eficientes\")\n"] + nb["cells"][4]["source"][3:]
        nb["cells"][5]["source"] = [
            "import matplotlib\n",
            "summary = outputs.write_summary(out, name, title=f\"Prueba {value}\", figures=paths,\n",
            "    key_figures=[{\"label\": \"idioma del texto\", \"value\": matplotlib.rcParams[\"text.language\"]}])"]

    _notebook(tmp_path, "same", change)
    plan = _plan(tmp_path, "runs:\n  - notebook: same.ipynb\n")
    out = tmp_path / "out"
    src = str(Path(__file__).resolve().parents[1] / "src")
    calls = [
        {"LANG": "C.UTF-8", "TZ": "UTC", "umask": 0o022},
        {"LANG": "es_MX.UTF-8", "LC_ALL": "es_MX.UTF-8", "TZ": "America/Mexico_City", "umask": 0o077,
         "HOME": "/proc/self", "XDG_CACHE_HOME": "", "MPLBACKEND": "Agg"},
    ]
    seen = []
    for call in calls:
        umask = call.pop("umask")
        env = {k: v for k, v in os.environ.items() if k not in {"LC_ALL", "MPLCONFIGDIR", "XDG_CACHE_HOME"}}
        env.update(call, PYTHONPATH=src)
        proc = subprocess.run(
            [sys.executable, "-c", f"import os, sys; os.umask({umask}); from pntlib.cli import main; sys.exit(main())",
             "run", "--plan", str(plan), "--out", str(out), "--force", "--quiet"],
            env=env, capture_output=True, text=True, timeout=300)
        assert proc.returncode == 0, proc.stderr
        files = _files(out)
        assert stat.S_IMODE((out / "same.summary.json").stat().st_mode) == 0o666 & ~umask
        seen.append(files)
    first, second = seen
    for rel in first:
        if rel.endswith((".html", ".png", ".svg", ".summary.json")) and rel != "index.html":
            assert first[rel] == second[rel], rel
    assert _without_timing(json.loads(first["same.ipynb"])) == _without_timing(json.loads(second["same.ipynb"]))
    summary = json.loads(second["same.summary.json"])
    assert summary["key_figures"] == [{"label": "idioma del texto", "value": "en"}]
    page = second["same.html"].decode("utf-8")
    assert "Matplotlib" not in page and "temporary cache" not in page
    assert page.count("<img") >= 1  # the inline figure, although MPLBACKEND=Agg


# --------------------------------------------------------------------------- 11.5 signals


@pytest.mark.kernel
def test_sighup_and_sigterm_stop_like_ctrl_c():
    import signal

    from pntlib.run.pool import StopSignals, Stopped

    for signum in (signal.SIGHUP, signal.SIGTERM):
        with StopSignals() as guard, pytest.raises(Stopped) as info:
            with guard.critical():
                os.kill(os.getpid(), signum)  # held back until the section ends
                assert guard.pending == signum
        assert info.value.signum == signum
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL


@pytest.mark.kernel
@pytest.mark.parametrize("signame", ["SIGTERM", "SIGKILL"])
def test_no_process_outlives_pnt_run(tmp_path, signame):
    """SIGTERM: exit 143, everything killed at once. SIGKILL: workers and kernels notice and exit in seconds."""
    import signal
    import subprocess
    import sys
    import time

    psutil = pytest.importorskip("psutil")
    _notebook(tmp_path, "nb", _set_source(3, "import time\ntime.sleep(120)"))
    plan = _plan(tmp_path, "runs:\n  - notebook: nb.ipynb\n")
    out = tmp_path / "out"
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1] / "src")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "pntlib.cli", "run", "--plan", str(plan), "--out", str(out), "--quiet"],
        start_new_session=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )
    deadline = time.monotonic() + 60
    started = []
    while time.monotonic() < deadline and not any(is_kernel(p) for p in started):
        time.sleep(0.5)
        try:
            started = psutil.Process(proc.pid).children(recursive=True)
        except psutil.Error:
            started = []
    assert any(is_kernel(p) for p in started), "the kernel never started"
    time.sleep(1)
    # forkserver, resource tracker, worker, kernel server, kernel
    started = psutil.Process(proc.pid).children(recursive=True)
    os.kill(proc.pid, getattr(signal, signame))
    _, stderr = proc.communicate(timeout=60)
    if signame == "SIGTERM":
        assert proc.returncode == 143, stderr
        assert "interrupted (SIGTERM)" in stderr and "Traceback" not in stderr
    else:
        assert proc.returncode == -signal.SIGKILL
    _, alive = psutil.wait_procs(started, timeout=10)
    assert alive == [], [p.cmdline() for p in alive]


# --------------------------------------------------------------------------- issue 18: the runner


def test_a_second_extract_into_a_folder_being_written_fails_and_changes_nothing(tmp_path, capsys):
    # Found: two `pnt extract` of different reports into one folder at once left one report's
    # audit.csv beside the other's audit.parquet. Extract takes pnt run's lock: while another
    # call holds it (injected here: the lock held as a running call holds it), the second fails.
    from pntlib.extract import extract
    from pntlib.lock import LOCK_NAME, exclusive, lock_path

    out = tmp_path / "processed"
    extract(out=out)
    before = _files(out)
    assert LOCK_NAME not in before  # the lock sits beside the folder, never in it (issue 20)
    assert lock_path(out) == tmp_path / f".processed{LOCK_NAME}" and lock_path(out).read_bytes() == b""
    with exclusive(out, "pnt run"):
        with pytest.raises(RunLockedError, match=re.escape(f"another pnt run or pnt extract is writing into {out}")):
            extract(out=out)
        assert cli.main(["extract", "--out", str(out)]) == 3
        assert "is writing into" in capsys.readouterr().err
    assert _files(out) == before
    reports = tmp_path / "reports"
    reports.mkdir()
    with exclusive(reports, "pnt extract"):  # pnt run waits for no one either
        assert cli.main(["run", "--plan", str(_plan(tmp_path, "runs:\n  - notebook: @NB/tiny.ipynb\n")),
                         "--out", str(reports), "--quiet"]) == 3
    assert list(reports.iterdir()) == []  # nothing written, not even the lock
    extract(out=out)  # released: the next call writes



@pytest.mark.kernel
def test_a_report_changed_during_the_run_is_named_and_every_page_comes_from_one_version(tmp_path):
    # Found: a report replaced between the objective and indicator pages left pages of two
    # reports in one folder, and the manifest gave the first file's sha256 for pages made from
    # the second. Injected: the first notebook rewrites the report after reading it.
    import hashlib

    from pntlib import ReportChangedError

    report = tmp_path / "informe.txt"
    report.write_text("primer informe\n", encoding="utf-8")
    first = hashlib.sha256(report.read_bytes()).hexdigest()
    plan = _plan(tmp_path, f"parameters: {{report: informe.txt}}\nruns:\n"
                           f"  - notebook: @NB/report_bytes.ipynb\n    name: a\n    parameters: {{target: '{report}'}}\n"
                           f"  - notebook: @NB/report_bytes.ipynb\n    name: b\n")
    out = tmp_path / "out"
    with pytest.raises(ReportChangedError, match=re.escape(f"the report {report} changed while pnt run was running "
                                                           f"(sha256 {first} at the start")):
        pntrun.run_plan(plan, out=out, jobs=1, quiet=True)
    assert report.read_text(encoding="utf-8") == "otro informe\n"  # the fault happened
    summaries = {name: json.loads((out / f"{name}.summary.json").read_text(encoding="utf-8")) for name in "ab"}
    # every page of the run read the same bytes: those of the start
    assert [s["key_figures"][0]["value"] for s in summaries.values()] == [first, first]
    # and the summary and notebook name the report, not the private copy the notebooks read
    assert {s["parameters"]["report"] for s in summaries.values()} == {str(report)}
    assert str(report) in (out / "b.ipynb").read_text(encoding="utf-8") and ".staging" not in (out / "b.ipynb").read_text(encoding="utf-8")
    manifest = json.loads((out / MANIFEST_NAME).read_text(encoding="utf-8"))
    assert {manifest["runs"][n]["last_success"]["data"] for n in "ab"} == {first}  # the hash really read
    # the file as it is now is another report: both runs execute again
    report.write_text("segundo informe\n", encoding="utf-8")
    plan_b = _plan(tmp_path, f"parameters: {{report: informe.txt}}\nruns:\n  - notebook: @NB/report_bytes.ipynb\n"
                             f"    name: a\n  - notebook: @NB/report_bytes.ipynb\n    name: b\n    parameters: {{target: ''}}\n")
    assert pntrun.run_plan(plan_b, out=out, jobs=1, quiet=True)["status"].tolist() == ["ok", "ok"]
    # restoring the first file: the pages made from it are not those published now, so they run again
    report.write_text("primer informe\n", encoding="utf-8")
    assert pntrun.run_plan(plan_b, out=out, jobs=1, quiet=True)["status"].tolist() == ["ok", "ok"]
    assert pntrun.run_plan(plan_b, out=out, jobs=1, quiet=True)["status"].tolist() == ["skipped", "skipped"]


@pytest.mark.parametrize("where, why", [
    ("data/raw", "it holds the report verbatim"),
    ("data/raw/reports", "it holds the report verbatim"),
    ("src/pntlib", "change pntlib's source hash"),
    ("src/pntlib/run/out", "change pntlib's source hash"),
])
def test_an_output_folder_inside_the_sources_is_refused(tmp_path, where, why):
    # Found: --out inside data/raw/ or src/pntlib/ was accepted (and output in src/pntlib/ changes
    # the source hash, so every later run re-executed).
    from pntlib import config
    from pntlib.exceptions import OutputFolderError

    plan = _plan(tmp_path, "runs:\n  - notebook: @NB/tiny.ipynb\n")
    out = config.PROJ_ROOT / where
    existed = out.exists()
    with pytest.raises(OutputFolderError, match=re.escape(f"--out {out} is inside {where.split('/')[0]}/") + ".*" + re.escape(why)):
        pntrun.run_plan(plan, out=out, quiet=True)
    assert out.exists() == existed


@pytest.mark.kernel
@pytest.mark.parametrize("kernels", ["server", "plain"])
def test_no_process_a_notebook_starts_outlives_the_run(tmp_path, kernels):
    # Found: a notebook's child started with setsid outlived pnt run. Injected: one child in a
    # session of its own (setsid) still held by the kernel, and one daemon whose parent exits.
    import time

    psutil = pytest.importorskip("psutil")
    pids = tmp_path / "pids"
    _notebook(tmp_path, "nb", _set_source(3, (
        "import subprocess\n"
        "held = subprocess.Popen(['setsid', 'sleep', '300'])\n"
        f"subprocess.run('setsid sleep 301 > /dev/null 2>&1 & echo $! > {pids}-daemon', shell=True, check=True)\n"
        f"open('{pids}-held', 'w').write(str(held.pid))")))
    plan = _plan(tmp_path, "runs:\n  - notebook: nb.ipynb\n")
    assert pntrun.run_plan(plan, out=tmp_path / "out", quiet=True, kernels=kernels)["status"].tolist() == ["ok"]
    started = [int(Path(f"{pids}-{which}").read_text().strip()) for which in ("held", "daemon")]

    def running(pid):
        try:
            return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
        except psutil.NoSuchProcess:
            return False

    deadline = time.monotonic() + 5  # killed by the time pnt run returns; a moment for the system
    while time.monotonic() < deadline and any(running(pid) for pid in started):
        time.sleep(0.1)
    assert not [pid for pid in started if running(pid)]


@pytest.mark.parametrize("raised, status, shown", [
    (None, 1, "FAILED tiny"),  # a notebook failed
    (PlanError("plan.yaml: run 1: bad"), 2, "error: plan.yaml: run 1: bad"),
    (RunLockedError("another pnt run or pnt extract is writing into out"), 3, "is writing into"),
    (OutputError("cannot write into the output folder: No space left on device"), 4, "No space left"),
    ("changed", 4, "changed while pnt run was running"),
])
def test_exit_statuses_tell_failed_notebooks_from_usage_from_a_locked_folder(monkeypatch, capsys, raised, status, shown):
    # Found: `pnt run` exited 1 for failed notebooks, a bad plan and a locked folder alike.
    import pandas as pd

    from pntlib import ReportChangedError

    def run_plan(*args, **kwargs):
        if raised == "changed":
            raise ReportChangedError("the report x.txt changed while pnt run was running (sha256 a at the start)")
        if raised is not None:
            raise raised
        return pd.DataFrame({"name": ["tiny"], "notebook": ["tiny.ipynb"], "status": ["failed"],
                             "error": ["ValueError: x"], "cell": pd.array([4], dtype="Int64")})

    monkeypatch.setattr(pntrun, "run_plan", run_plan)
    assert cli.main(["run", "--quiet"]) == status
    assert shown in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_:  # argparse: bad usage too
        cli.main(["run", "--jobs", "0"])
    assert exit_.value.code == 2


def test_pnt_run_help_and_the_docs_list_the_exit_statuses(capsys):
    with pytest.raises(SystemExit):
        cli.main(["run", "--help"])
    text = capsys.readouterr().out
    docs = (Path(__file__).resolve().parents[1] / "docs" / "running.md").read_text(encoding="utf-8")
    makefile = (Path(__file__).resolve().parents[1] / "Makefile").read_text(encoding="utf-8")
    for code, meaning in cli.RUN_EXIT_CODES.items():
        assert f"  {code:<4} {meaning}" in text
        assert f"| {code} |" in docs
    for code in (1, 2, 3, 4):
        assert f"{code}) echo" in makefile  # make report names the meaning of pnt run's status


_STAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d ")


@pytest.mark.kernel
def test_every_log_line_is_timestamped_off_a_terminal_and_a_failure_names_notebook_and_cell(tmp_path, capsys):
    # Found: `make report >> reports.log` gave lines without a time, and a failure line named
    # neither the notebook nor the cell. (capsys is not a terminal, as a log file is not.)
    plan = _plan(tmp_path, "runs:\n  - notebook: @NB/tiny.ipynb\n    parameter_sets: [{value: 1}, {value: 2, fail: true}]\n")
    assert cli.main(["run", "--plan", str(plan), "--out", str(tmp_path / "out")]) == 1
    captured = capsys.readouterr()
    lines = [text for text in (captured.out + captured.err).splitlines() if text]
    assert lines and all(_STAMP.match(text) for text in lines), lines
    failed = [text for text in lines if "FAILED" in text]
    assert len(failed) == 2  # as it ends, and in the summary
    assert all("tiny_2_True (tiny.ipynb, cell 4): ValueError: fallo a propósito con value=2" in t for t in failed), failed
    assert any(re.search(r" ok tiny_1 \(\d+\.\d s\)$", text) for text in lines), lines
    assert cli.main(["extract", "--out", str(tmp_path / "processed")]) == 0
    out = capsys.readouterr().out
    assert _STAMP.match(out) and re.search(rf"pnt extract: wrote \d+ files to {re.escape(str(tmp_path / 'processed'))}$", out)


# --------------------------------------------------------------------------- issue 21: the runner


@pytest.mark.kernel
def test_the_kernel_server_forks_with_one_thread_and_reports_real_exit_codes(tmp_path):
    # Found: forked kernels always reported exit code 0, and the server forked its kernels with
    # 15 threads alive (OpenBLAS workers, pyarrow's jemalloc background thread).
    import signal
    import sys

    from pntlib.run.kernels import KernelClient, KernelServer, _ForkedKernel, kernel_environment

    env = kernel_environment(str(Path(pntrun.__file__).resolve().parents[2]), str(tmp_path))
    env["OPENBLAS_NUM_THREADS"] = "2"  # what the kernels must get back, whatever the server runs with
    server = KernelServer(2, [], env)
    client = KernelClient(server.address)
    try:
        for number, signum in enumerate((signal.SIGTERM, signal.SIGKILL)):
            answer = client.spawn([sys.executable, "-m", "ipykernel_launcher", "-f", str(tmp_path / f"k{number}.json")],
                                  str(tmp_path), env)
            threads = os.listdir(f"/proc/{server.process.pid}/task")  # the server, having forked
            assert len(threads) == 1, threads
            kernel = _ForkedKernel(int(answer["pid"]), client)
            assert kernel.poll() is None
            os.kill(kernel.pid, signum)
            assert kernel.wait(20) == -signum  # as Popen.returncode gives it (it was 0)
    finally:
        client.close()
        server.close()


@pytest.mark.kernel
def test_plain_kernels_run_without_the_server_and_kernels_get_the_blas_threads_of_a_new_process(tmp_path):
    # `pnt run --kernels plain` starts each kernel as a new process (diagnosis); a kernel forked by
    # the server (which runs with one thread) gets back the BLAS threads such a kernel has.
    _notebook(tmp_path, "blas", _set_source(5, (
        "import os\nimport psutil\nfrom threadpoolctl import threadpool_info\n"
        "blas = [p['num_threads'] for p in threadpool_info() if p['user_api'] == 'blas']\n"
        "parent = ' '.join(psutil.Process(os.getppid()).cmdline())\n"
        "summary = outputs.write_summary(out, name, title='BLAS', figures=paths, key_figures=[\n"
        "    {'label': 'blas', 'value': blas}, {'label': 'server', 'value': 'kernel_server.py' in parent}])")))
    plan = _plan(tmp_path, "runs:\n  - notebook: blas.ipynb\n")
    seen = {}
    for kernels in ("server", "plain"):
        out = tmp_path / kernels
        assert cli.main(["run", "--plan", str(plan), "--out", str(out), "--quiet", "--kernels", kernels]) == 0
        figures = json.loads((out / "blas.summary.json").read_text(encoding="utf-8"))["key_figures"]
        seen[kernels] = {f["label"]: f["value"] for f in figures}
    assert str(seen["server"]["server"]) in ("True", "Sí") and str(seen["plain"]["server"]) in ("False", "No")
    assert seen["server"]["blas"] == seen["plain"]["blas"] == str([len(os.sched_getaffinity(0))])  # one library


def test_the_cache_folder_is_where_platformdirs_puts_it_and_a_read_only_home_falls_back(tmp_path, monkeypatch):
    from pntlib.run.worker import MATPLOTLIBRC, matplotlib_config_dir

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    folder = matplotlib_config_dir(tmp_path / "scratch")
    assert folder == tmp_path / "cache" / "pntlib" / "matplotlib"
    assert (folder / "matplotlibrc").read_text(encoding="utf-8") == MATPLOTLIBRC
    monkeypatch.setenv("XDG_CACHE_HOME", "/proc/self/nothing")  # cannot be written
    (tmp_path / "scratch").mkdir()
    assert matplotlib_config_dir(tmp_path / "scratch") == tmp_path / "scratch" / "matplotlib"


@pytest.mark.kernel
def test_an_error_names_the_report_not_its_private_copy(tmp_path):
    # the copy every notebook reads lives in the call's staging folder; a failure names the report
    nb = json.loads((NB_DIR / "report_bytes.ipynb").read_text(encoding="utf-8"))
    nb["cells"][3]["source"] = 'raise ValueError(f"informe ilegible: {report}")'
    (tmp_path / "broken.ipynb").write_text(json.dumps(nb), encoding="utf-8")
    report = tmp_path / "informe.txt"
    report.write_text("informe\n", encoding="utf-8")
    plan = _plan(tmp_path, "parameters: {report: informe.txt}\nruns:\n  - notebook: broken.ipynb\n")
    out = tmp_path / "out"
    assert pntrun.run_plan(plan, out=out, quiet=True)["error"].tolist() == [f"ValueError: informe ilegible: {report}"]
    error = json.loads((out / MANIFEST_NAME).read_text(encoding="utf-8"))["runs"]["broken"]["error"]
    assert error["evalue"] == f"informe ilegible: {report}"
    assert ".staging" not in (out / "index.html").read_text(encoding="utf-8")
    assert ".staging" not in (out / "failed" / "broken.ipynb").read_text(encoding="utf-8")


# --------------------------------------------------------------------------- break-it, after issues 16-21


@pytest.mark.parametrize("dest", ["RAW", "README", "SRC", "NOTZIP", "FOLDER", "INSIDE", "", "TXT"])
def test_zip_destination_refuses_what_it_must_not_overwrite(tmp_path, capsys, dest):
    # Found: `pnt run --zip data/raw/<report>.txt` replaced the verified report with an archive (exit 0).
    # A --zip that is not a new or existing .zip file outside the sources and the output folder is bad
    # usage, named before anything runs: exit 2, nothing written.
    from pntlib import config

    other = tmp_path / "notes.zip"
    other.write_text("not an archive", encoding="utf-8")
    (tmp_path / "folder.zip").mkdir()
    out = tmp_path / "reports"
    target = {"RAW": config.DEFAULT_REPORT, "README": config.RAW_DATA_DIR / "README.md",
              "SRC": config.PROJ_ROOT / "src" / "pntlib" / "x.zip", "NOTZIP": other, "FOLDER": tmp_path / "folder.zip",
              "INSIDE": out / "inside.zip", "": "", "TXT": tmp_path / "archive.txt"}[dest]
    before = {p: p.read_bytes() for p in (config.DEFAULT_REPORT, config.RAW_DATA_DIR / "README.md", other)}
    plan = _plan(tmp_path, "runs:\n  - notebook: @NB/tiny.ipynb\n")
    assert cli.main(["run", "--plan", str(plan), "--out", str(out), "--quiet", "--zip", str(target)]) == 2
    assert "--zip" in capsys.readouterr().err
    assert not out.exists()  # refused before anything ran
    assert {p: p.read_bytes() for p in before} == before


def test_extract_refuses_a_folder_inside_the_sources(tmp_path):
    # Found: `pnt extract --out data/raw/sub` wrote 35 files beside the verified report
    # (pnt run refused the same folder).
    from pntlib import config
    from pntlib.exceptions import OutputFolderError
    from pntlib.extract import extract

    for folder in (config.RAW_DATA_DIR / "sub", config.PROJ_ROOT / "src" / "pntlib" / "x"):
        with pytest.raises(OutputFolderError, match=r"--out .* is inside (data/raw|src/pntlib)/"):
            extract(out=folder)
        assert not folder.exists()


def test_an_unreadable_raw_readme_is_named_not_a_traceback(tmp_path, monkeypatch):
    # Found: data/raw/README.md not in UTF-8 ended pnt run with a UnicodeDecodeError traceback.
    from pntlib.run import index

    bad = tmp_path / "README.md"
    bad.write_bytes(b"\x95\xff")
    monkeypatch.setattr(index, "RAW_README", bad)
    with pytest.raises(OutputError, match=r"cannot publish .*README\.md, which every page's source note links to"):
        index.provenance_files()
