"""Notebook parameters typed the way papermill's command line types them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from pntlib import ParameterError, ReportFormatError, params

from .conftest import PROJ_ROOT

IDS = ["1.1", "1.2", "1.3", "2.1", "2.2", "2.3", "3.1", "3.2", "3.3", "4.1", "4.2", "4.3", "5.1", "5.2", "5.3"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [(3, 3), ("3", 3), (" 3 ", 3), (3.0, 3), (1, 1), (5, 5)],  # -p objective 3 / -r / -y "3" / -p 3.0
)
def test_objective_accepts_what_a_person_types(value, expected):
    assert params.validate_objective(value) == expected


@pytest.mark.parametrize("value", [0, 6, -1, 3.5, "3.2", "tres", "", True, None, [3]])
def test_objective_rejects_with_the_choices(value):
    with pytest.raises(ParameterError) as err:
        params.validate_objective(value)
    message = str(err.value)
    assert f"objective={value!r}" in message
    assert "choose one of: 1, 2, 3, 4, 5" in message


@pytest.mark.parametrize(
    ("value", "expected"),
    # -r indicator 3.2 / -y 'indicator: "3.2"' give text; -p indicator 3.2 gives the float 3.2
    [("3.2", "3.2"), (" 5.3 ", "5.3"), (3.2, "3.2"), (1.1, "1.1"), (5.3, "5.3"), (4.1, "4.1")],
)
def test_indicator_accepts_text_and_the_float_papermill_makes(value, expected):
    assert params.validate_indicator(value) == expected


@pytest.mark.parametrize("value", [3, 3.0, 3.20001, "3.20", "3,2", "6.1", "", True, None, float("nan")])
def test_indicator_rejects_ambiguous_values_with_the_choices(value):
    with pytest.raises(ParameterError) as err:
        params.validate_indicator(value)
    assert f"indicator={value!r}" in str(err.value)
    assert "choose one of: " + ", ".join(repr(i) for i in IDS) in str(err.value)


def test_report_and_output_dir(tmp_path, damaged_report):
    assert params.validate_report("") is None
    report = damaged_report()  # an intact copy
    assert params.validate_report(str(report)) == report.resolve()
    with pytest.raises(ParameterError, match="no such file"):
        params.validate_report(str(tmp_path / "missing.txt"))
    with pytest.raises(ParameterError, match="is a folder"):
        params.validate_report(str(tmp_path))
    with pytest.raises(ParameterError, match="give the path"):
        params.validate_report(3)
    out = params.validate_output_dir(str(tmp_path / "out"))
    assert (out / "figures").is_dir()
    with pytest.raises(ParameterError, match="is a file"):
        params.validate_output_dir(str(report))
    with pytest.raises(ParameterError, match="cannot create"):
        params.validate_output_dir(str(report / "sub"))


def test_a_damaged_report_fails_in_validation(damaged_report):
    # annex 3.2 (line 703): 66/P -> 66/Q is not a token of the report
    damaged = damaged_report({"66\t66/P\t100": "66\t66/Q\t100"})
    with pytest.raises(ReportFormatError, match="line 703"):
        params.validate_report(str(damaged))


def test_an_indicator_float_that_could_mean_two_ids(monkeypatch):
    # A report with indicators 1.1 and 1.10: the float 1.1 (papermill's -p indicator 1.10) is ambiguous.
    monkeypatch.setattr(params, "_indicator_ids", lambda report: ["1.1", "1.10", "2.1"])
    with pytest.raises(ParameterError, match="ambiguous"):
        params.validate_indicator(1.1)
    assert params.validate_indicator("1.10") == "1.10"
    assert params.validate_indicator(2.1) == "2.1"


def test_choice():
    assert params.validate_choice("table", " annex", ["annex", "summary"]) == "annex"
    with pytest.raises(ParameterError, match="choose one of: 'annex', 'summary'"):
        params.validate_choice("table", "anexo", ["annex", "summary"])


def _papermill(*args: str, tmp_path: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "papermill", *args, "--cwd", str(PROJ_ROOT / "notebooks"), "--no-progress-bar"],
        capture_output=True, text=True, cwd=tmp_path, timeout=300,
    )


@pytest.mark.kernel
def test_papermill_command_line_float_indicator_and_bad_value(tmp_path):
    """`-p indicator 3.2` (a float) runs the indicator notebook; `-p indicator 3` fails clearly."""
    nb = str(PROJ_ROOT / "notebooks" / "indicator.ipynb")
    good = _papermill(nb, str(tmp_path / "ok.ipynb"), "-p", "indicator", "3.2", "-p", "output_dir", str(tmp_path),
                      tmp_path=tmp_path)
    assert good.returncode == 0, good.stderr[-2000:]
    assert (tmp_path / "indicator_3.2.summary.json").is_file()
    bad = _papermill(nb, str(tmp_path / "bad.ipynb"), "-p", "indicator", "3", "-p", "output_dir", str(tmp_path),
                     tmp_path=tmp_path)
    assert bad.returncode != 0
    assert "ParameterError" in bad.stderr
    assert "parameter indicator=3 is not valid; choose one of: '1.1'" in bad.stderr


@pytest.mark.kernel
def test_papermill_yaml_objective(tmp_path):
    nb = str(PROJ_ROOT / "notebooks" / "objective.ipynb")
    bad = _papermill(nb, str(tmp_path / "bad.ipynb"), "-y", "objective: 7", "-p", "output_dir", str(tmp_path),
                     tmp_path=tmp_path)
    assert bad.returncode != 0
    assert "parameter objective=7 is not valid; choose one of: 1, 2, 3, 4, 5" in bad.stderr
