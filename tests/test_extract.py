"""`pnt extract`: the files, their determinism, atomicity, and data/processed/ freshness."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pandas as pd
import pytest

from pntlib import config, schema
from pntlib.cli import main
from pntlib.exceptions import OutputError
from pntlib.extract import extract

from .conftest import PROJ_ROOT



def test_writes_every_table_as_csv_parquet_and_datapackage(extracted):
    package = json.loads((extracted / "datapackage.json").read_text(encoding="utf-8"))
    names = [r["name"] for r in package["resources"]]
    for base in ("objectives", "strategies", "indicators", "series", "variables", "substitutions"):
        assert base in names
    for res in package["resources"]:
        frame = pd.read_csv(extracted / res["path"], dtype=str, keep_default_na=False)
        assert list(frame.columns) == [f["name"] for f in res["schema"]["fields"]]
        assert all(f["description"] and f["type"] for f in res["schema"]["fields"])
        parquet = pd.read_parquet(extracted / f"{res['name']}.parquet")
        assert list(parquet.columns) == list(frame.columns)
        assert len(parquet) == len(frame)
    assert package["sources"][0]["hash"] == "sha256:" + config.CHECKSUM_FILE.read_text().split()[0]


def test_csv_keeps_tokens_and_missing_values(extracted):
    series = pd.read_csv(extracted / "series.csv", dtype=str, keep_default_na=False)
    row = series[(series.indicator_id == "3.1") & (series.table == "annex") & (series.year == "2024") & (series.measure == "result")]
    assert row[["raw", "value", "status", "obs_status"]].values.tolist() == [["N/D", "", "not_available", "L"]]
    typed = pd.read_parquet(extracted / "series.parquet")
    assert str(typed["value"].dtype) == "Float64" and typed["status"].cat.ordered


def test_rerun_is_byte_identical(extracted, tmp_path):
    extract(out=tmp_path)
    for path in extracted.iterdir():
        assert (tmp_path / path.name).read_bytes() == path.read_bytes(), path.name


def test_processed_data_is_not_stale(extracted):
    """data/processed/ is committed; it must be what `pnt extract` makes of data/raw/ today."""
    committed = PROJ_ROOT / "data" / "processed"
    fresh = sorted(p.name for p in extracted.iterdir() if not p.name.startswith("."))  # not the lock file
    assert sorted(p.name for p in committed.iterdir() if not p.name.startswith(".")) == fresh
    for name in fresh:
        if name.endswith(".parquet"):  # bytes depend on the pyarrow version: compare content
            pd.testing.assert_frame_equal(pd.read_parquet(committed / name), pd.read_parquet(extracted / name))
        else:
            assert (committed / name).read_bytes() == (extracted / name).read_bytes(), (
                f"data/processed/{name} is stale: run `make extract` and commit it"
            )


def test_bad_report_exits_nonzero_and_writes_nothing(damaged_report, tmp_path, capsys):
    bad = damaged_report(edits=[(306, 8, "77/P", "77/Q")])  # summary table, 3.3 2024
    out = tmp_path / "out"
    assert main(["extract", "--report", str(bad), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "line 306" in err and "indicator 3.3" in err and "'77/Q'" in err
    assert not out.exists()


def test_failed_write_keeps_previous_files(extracted, tmp_path, monkeypatch):
    out = tmp_path / "out"
    extract(out=out)
    before = {p.name: p.read_bytes() for p in out.iterdir()}

    def boom(self, *args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(pd.DataFrame, "to_parquet", boom)
    with pytest.raises(OutputError, match="No space left"):
        extract(out=out)
    after = {p.name: p.read_bytes() for p in out.iterdir()}
    assert after == before  # every file as before, no staging folder left behind


def test_out_must_be_a_folder(tmp_path, capsys):
    afile = tmp_path / "afile"
    afile.write_text("keep me")
    assert main(["extract", "--out", str(afile)]) == 1
    assert "is a file; expected a folder" in capsys.readouterr().err
    assert afile.read_text() == "keep me"
    assert main(["extract", "--out", str(afile / "sub")]) == 1
    assert "afile" in capsys.readouterr().err


@pytest.mark.parametrize("argv", [["extract", "--out", ""], ["extract", "--report", " "], ["run", "--out", ""],
                                  ["run", "--plan", ""]])
def test_an_empty_path_is_refused_not_read_as_the_current_folder(tmp_path, monkeypatch, capsys, argv):
    # Found by the break-it pass: `pnt extract --out ""` wrote its 24 files into the current folder.
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    assert exit_.value.code == 2
    assert f"argument {argv[1]}: an empty path; give a path, or leave the option out" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_a_folder_that_cannot_be_written_is_named_with_the_fix(tmp_path, monkeypatch, capsys):
    # Found by the break-it pass: `--out /proc` failed with "No such file or directory:
    # /proc/.staging-…", naming a folder the user never gave. A read-only folder, as root cannot
    # make one, is simulated where the staging folder is made.
    import tempfile

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "mkdtemp", refuse)
    assert main(["extract", "--out", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert f"cannot write in the output folder {tmp_path} (Permission denied); choose a writable folder" in err
    assert list(tmp_path.iterdir()) == []


def test_report_that_is_a_folder(tmp_path, capsys):
    assert main(["extract", "--report", str(tmp_path), "--out", str(tmp_path / "o")]) == 1
    assert "is not a file" in capsys.readouterr().err


def test_cli_runs_as_a_console_script(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "pntlib.cli", "extract", "--out", str(tmp_path)],
        capture_output=True, text=True, check=False,
    )
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "series.csv").exists()


def test_missing_report_file_is_a_clear_error(tmp_path, capsys):
    assert main(["extract", "--report", str(tmp_path / "nope.txt"), "--out", str(tmp_path / "o")]) == 1
    assert "nope.txt" in capsys.readouterr().err


def test_every_written_table_is_declared():
    for name, (description, cols) in schema.TABLES.items():
        assert description and cols and len({c.name for c in cols}) == len(cols)


def test_an_obstacle_is_named_and_nothing_moves(extracted, tmp_path, capsys):
    """A folder where trends.csv goes: the error names it, and no file of the folder changes."""
    out = tmp_path / "out"
    shutil.copytree(extracted, out)
    (out / "series.csv").write_text("old\n", encoding="utf-8")  # an older file that must survive the failure
    (out / "trends.csv").unlink()
    (out / "trends.csv").mkdir()
    before = {p.relative_to(out): (p.read_bytes() if p.is_file() else None) for p in out.rglob("*")}
    assert main(["extract", "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert f"{out / 'trends.csv'} is in the way" in err and ".staging" not in err
    after = {p.relative_to(out): (p.read_bytes() if p.is_file() else None) for p in out.rglob("*")}
    assert after == before


def test_a_failing_move_puts_every_file_back(extracted, tmp_path, monkeypatch):
    """The move fails half-way (a disk error on the 5th file): the files already moved are put back."""
    import os

    from pntlib import files

    out = tmp_path / "out"
    shutil.copytree(extracted, out)
    (out / "series.csv").write_text("old\n", encoding="utf-8")
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    real, calls = os.replace, []

    def flaky(src, dst):
        calls.append(dst)
        if len(calls) == 9:  # each file: set the old one aside, then move the new one in
            raise OSError(5, "Input/output error", str(dst))
        return real(src, dst)

    monkeypatch.setattr(files.os, "replace", flaky)
    with pytest.raises(OutputError, match="Input/output error") as info:
        extract(out=out)
    assert str(out) in str(info.value)
    monkeypatch.setattr(files.os, "replace", real)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_workbook_has_every_table_and_a_data_dictionary(extracted):
    from openpyxl import load_workbook

    book = load_workbook(extracted / "pntdp.xlsx", read_only=True)
    tables = [r["name"] for r in json.loads((extracted / "datapackage.json").read_text(encoding="utf-8"))["resources"]]
    assert book.sheetnames == ["data_dictionary", *tables]
    for name in tables:
        csv = pd.read_csv(extracted / f"{name}.csv", dtype=str, keep_default_na=False)
        rows = list(book[name].iter_rows(values_only=True))
        assert list(rows[0]) == list(csv.columns) and len(rows) == len(csv) + 1, name
    series = pd.DataFrame(list(book["series"].iter_rows(values_only=True))[1:],
                          columns=next(book["series"].iter_rows(values_only=True)))
    # annex 3.2, 2024 (line 703): "66/P" stays text with its number; 3.1, 2024: N/D stays, the value is empty
    row = series[(series.indicator_id == "3.2") & (series.table == "annex") & (series.year == 2024)
                 & (series.measure == "result")]
    assert row[["raw", "value", "status"]].values.tolist() == [["66/P", 66, "provisional"]]
    row = series[(series.indicator_id == "3.1") & (series.table == "annex") & (series.year == 2024)
                 & (series.measure == "result")]
    assert row["raw"].tolist() == ["N/D"] and row["value"].isna().all()  # an empty cell
    dictionary = list(book["data_dictionary"].iter_rows(values_only=True))
    assert dictionary[2][:2] == ("sha256", config.CHECKSUM_FILE.read_text().split()[0])
    described = {(t, c) for t, c, _, _ in dictionary if t in tables and c}
    assert described == {(t, c.name) for t in tables for c in schema.columns(t)}


def test_pnt_alone_prints_help_and_version(capsys):
    assert main([]) == 0
    printed = capsys.readouterr().out
    assert "usage: pnt" in printed and "extract" in printed and "run" in printed
    with pytest.raises(SystemExit) as stop:
        main(["--version"])
    assert stop.value.code == 0
    from pntlib import __version__

    assert capsys.readouterr().out.strip() == f"pnt {__version__}"


def test_the_raw_report_survives_a_windows_style_clone(tmp_path):
    """core.autocrlf=true would turn the report's LF into CRLF and fail its checksum: .gitattributes
    keeps data/raw byte-exact, and the checksum error's advice (git checkout -- FILE) restores it."""
    git = shutil.which("git")
    head = subprocess.run([git, "-C", str(PROJ_ROOT), "rev-parse", "HEAD"], capture_output=True, text=True) if git else None
    if head is None or head.returncode != 0:
        pytest.skip("not a git checkout")
    clone = tmp_path / "clone"
    subprocess.run([git, "clone", "-q", "--no-checkout", str(PROJ_ROOT), str(clone)], check=True)
    windows = [git, "-C", str(clone), "-c", "core.autocrlf=true"]
    subprocess.run([*windows, "checkout", "-q", head.stdout.strip()], check=True)
    raw = PROJ_ROOT / "data" / "raw"
    for path in raw.iterdir():
        assert (clone / "data" / "raw" / path.name).read_bytes() == path.read_bytes(), path.name
    copy = clone / "data" / "raw" / config.REPORT_FILENAME
    copy.write_bytes(copy.read_bytes().replace(b"\n", b"\r\n"))  # what a converting editor does
    subprocess.run([*windows, "checkout", "--", f"data/raw/{config.REPORT_FILENAME}"], check=True)
    assert copy.read_bytes() == (raw / config.REPORT_FILENAME).read_bytes()


def test_a_folder_that_is_not_an_extract_folder_is_refused(tmp_path):
    """Like pnt run (issue 11.3): a non-empty folder without datapackage.json is not ours to write in."""
    from pntlib import OutputError
    from pntlib.extract import extract

    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(OutputError, match=r"holds other files \(notes.txt\)"):
        extract(out=out)
    assert sorted(p.name for p in out.iterdir()) == ["notes.txt"]
    assert (out / "notes.txt").read_text(encoding="utf-8") == "keep me"
    fresh = tmp_path / "new"
    extract(out=fresh)  # a new folder, then the same folder again (it has its datapackage.json)
    extract(out=fresh)
    assert (fresh / "datapackage.json").is_file()
