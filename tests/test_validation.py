"""pntlib.validation: every value a user gives, typed as in Python or on the papermill command line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from pntlib import ParameterError, ReportFormatError, ReportNotFoundError
from pntlib import validation as params

from .conftest import PROJ_ROOT

def _parsed():
    from pntlib.tables import get_report

    return get_report()  # the verified copy: objectives 1-5 (section 3), the 15 ids below (annex cards)


IDS = ["1.1", "1.2", "1.3", "2.1", "2.2", "2.3", "3.1", "3.2", "3.3", "4.1", "4.2", "4.3", "5.1", "5.2", "5.3"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [(3, 3), ("3", 3), (" 3 ", 3), (3.0, 3), (1, 1), (5, 5)],  # -p objective 3 / -r / -y "3" / -p 3.0
)
def test_objective_accepts_what_a_person_types(value, expected):
    assert params.validate_objective(value, _parsed().objective_numbers) == expected


@pytest.mark.parametrize("value", [0, 6, -1, 3.5, "3.2", "tres", "", True, None, [3]])
def test_objective_rejects_with_the_choices(value):
    with pytest.raises(ParameterError) as err:
        params.validate_objective(value, _parsed().objective_numbers)
    message = str(err.value)
    assert f"objective={value!r}" in message
    assert "choose one of: 1, 2, 3, 4, 5" in message


@pytest.mark.parametrize(
    ("value", "expected"),
    # -r indicator 3.2 / -y 'indicator: "3.2"' give text; -p indicator 3.2 gives the float 3.2
    [("3.2", "3.2"), (" 5.3 ", "5.3"), (3.2, "3.2"), (1.1, "1.1"), (5.3, "5.3"), (4.1, "4.1")],
)
def test_indicator_accepts_text_and_the_float_papermill_makes(value, expected):
    assert params.validate_indicator(value, _parsed().indicator_ids) == expected


@pytest.mark.parametrize("value", [3, 3.0, 3.20001, "3.20", "3,2", "6.1", "", True, None, float("nan")])
def test_indicator_rejects_ambiguous_values_with_the_choices(value):
    with pytest.raises(ParameterError) as err:
        params.validate_indicator(value, _parsed().indicator_ids)
    assert f"indicator={value!r}" in str(err.value)
    assert "choose one of: " + ", ".join(repr(i) for i in IDS) in str(err.value)


def test_report_and_output_dir(tmp_path, damaged_report):
    assert params.validate_report("") is None
    report = damaged_report()  # an intact copy
    assert params.validate_report(str(report)) == report.resolve()
    with pytest.raises(ReportNotFoundError, match="no such file"):
        params.validate_report(str(tmp_path / "missing.txt"))
    with pytest.raises(ReportNotFoundError, match="is a folder"):
        params.validate_report(str(tmp_path))
    with pytest.raises(ParameterError, match="give the path"):
        params.validate_report(3)
    out = params.validate_output_dir(str(tmp_path / "out"))
    assert (out / "figures").is_dir()
    with pytest.raises(ParameterError, match="is a file"):
        params.validate_output_dir(str(report))
    with pytest.raises(ParameterError, match="cannot create"):
        params.validate_output_dir(str(report / "sub"))


def test_a_damaged_report_fails_in_validation(damaged_report, tmp_path):
    # annex 3.2 (line 703): 66/P -> 66/Q is not a token of the report
    from pntlib import notebook

    damaged = damaged_report({"66\t66/P\t100": "66\t66/Q\t100"})
    with pytest.raises(ReportFormatError, match="line 703"):
        notebook.setup("overview", report=str(damaged), output_dir=str(tmp_path))  # the notebooks' first cell


def test_an_indicator_float_that_could_mean_two_ids():
    # A report with indicators 1.1 and 1.10: the float 1.1 (papermill's -p indicator 1.10) is ambiguous.
    ids = ["1.1", "1.10", "2.1"]
    with pytest.raises(ParameterError, match="ambiguous"):
        params.validate_indicator(1.1, ids)
    assert params.validate_indicator("1.10", ids) == "1.10"
    assert params.validate_indicator(2.1, ids) == "2.1"


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
    assert "UnknownIndicatorError" in bad.stderr  # a ParameterError
    assert "parameter indicator=3 is not valid; choose one of: '1.1'" in bad.stderr


@pytest.mark.kernel
def test_papermill_yaml_objective(tmp_path):
    nb = str(PROJ_ROOT / "notebooks" / "objective.ipynb")
    bad = _papermill(nb, str(tmp_path / "bad.ipynb"), "-y", "objective: 7", "-p", "output_dir", str(tmp_path),
                     tmp_path=tmp_path)
    assert bad.returncode != 0
    assert "parameter objective=7 is not valid; choose one of: 1, 2, 3, 4, 5" in bad.stderr


# --------------------------------------------------------------------------- one validation everywhere


def test_objective_given_as_text_is_the_same_objective_in_the_library():
    import pntlib

    # series.objective: the objective of the indicator ("3.2" -> 3); 3 and "3" select the same rows
    three = pntlib.load_series(objective=3)
    assert set(three["indicator_id"]) == {"3.1", "3.2", "3.3"} and (three["objective"] == 3).all()
    pd.testing.assert_frame_equal(three, pntlib.load_series(objective="3"))
    one = pntlib.load_series(indicator="3.2", table="annex")
    assert set(one["indicator_id"]) == {"3.2"} and set(one["table"]) == {"annex"}


def test_library_errors_name_the_fix(tmp_path):
    import pntlib

    with pytest.raises(ParameterError, match="table='anexo' is not valid; choose one of: 'annex', 'summary'"):
        pntlib.load_series(table="anexo")
    with pytest.raises(ParameterError, match="choose one of: 1, 2, 3, 4, 5"):
        pntlib.load_series(objective=6)
    missing = tmp_path / "nope.txt"
    for call in (pntlib.load_indicators, pntlib.progress, pntlib.audit):
        with pytest.raises(ReportNotFoundError, match="nope.txt' does not exist") as err:
            call(report=missing)
        assert isinstance(err.value, FileNotFoundError)  # as before, for callers catching OSError


def test_library_report_argument_of_the_wrong_kind(tmp_path):
    import pntlib
    from pntlib.tables import get_report

    with pytest.raises(ParameterError, match="report=3 is not valid; give the path of a report file as text"):
        pntlib.load_series(report=3)
    not_a_folder = tmp_path / "a.txt"
    not_a_folder.write_text("x", encoding="utf-8")
    with pytest.raises(ReportNotFoundError, match=r"a\.txt/r\.txt' cannot be read \(Not a directory\)"):
        pntlib.audit(report=not_a_folder / "r.txt")
    assert get_report("") is get_report(None)  # "" means the verified copy, as in the notebooks


def test_the_parsed_report_is_built_once_per_file(report_text, tmp_path):
    from pntlib.tables import get_report

    assert get_report() is get_report()
    path = tmp_path / "r.txt"
    path.write_text(report_text, encoding="utf-8")
    first = get_report(path)
    assert get_report(str(path)) is first and first.sha256 and first.path == path.resolve()
    # the tables carry the lines the audit cites: card 1.1's name (annex) and its summary row
    assert first.line("1.1", "summary_row") == int(
        first.series.query("indicator_id == '1.1' and table == 'summary'")["source_line"].iloc[0]
    )


def test_notebook_setup_validates_and_names(tmp_path):
    from pntlib import notebook

    run = notebook.setup("objective", objective="3", report="", output_dir=str(tmp_path), run_name="")
    assert (run.objective, run.indicator, run.name, run.report) == (3, None, "objective_3", None)
    assert run.figures_dir == tmp_path / "figures" and run.figures_dir.is_dir()
    assert run.given == {"objective": 3, "report": ""}
    run = notebook.setup("indicator", indicator=3.2, output_dir=str(tmp_path), run_name="mine")
    assert (run.indicator, run.name) == ("3.2", "mine")
    with pytest.raises(ParameterError, match="indicator=9.9"):
        notebook.setup("indicator", indicator=9.9, output_dir=str(tmp_path))
    # Found by the break-it pass: a 500-character run_name passed the first cell, and the run
    # then failed saving its first figure (a file name holds 255 bytes).
    assert notebook.setup("overview", output_dir=str(tmp_path), run_name="a" * 100).name == "a" * 100
    with pytest.raises(ParameterError, match="run_name='a{101}' is not valid.*at most 100"):
        notebook.setup("overview", output_dir=str(tmp_path), run_name="a" * 101)


# --------------------------------------------------------------------------- issue 18: values no call can use


def test_a_report_path_with_a_nul_byte_is_a_parameter_error_naming_it():
    import pntlib
    from pntlib import notebook

    for call in (lambda: pntlib.load_series(report="/tmp/a\x00b.txt"), lambda: pntlib.progress(report="a\x00"),
                 lambda: params.validate_report("/tmp/a\x00b.txt"), lambda: notebook.setup("overview", report="a\x00b"),
                 lambda: pntlib.report.read_report("/tmp/a\x00b.txt")):
        with pytest.raises(ParameterError, match=r"report='[^']*\\x00[^']*' is not valid: a path cannot hold a NUL byte"):
            call()


def test_an_indicator_outside_the_objective_is_a_parameter_error_naming_both():
    import pntlib
    from pntlib.tables import get_report

    parsed = get_report()
    # 3.2 is objective 3's (annex card l.684); objective 1's cards are 1.1-1.3 (ll.431-539)
    message = r"indicator='?3\.2'? is not an indicator of objective='?1'? \(it belongs to objective 3\); " \
              r"objective 1's indicators are: '1\.1', '1\.2', '1\.3'"  # each value as given: '3.2', 3.2, '1', 1
    for call in (lambda: pntlib.audit(indicator="3.2", objective=1),
                 lambda: pntlib.load_series(indicator="3.2", objective="1"),
                 lambda: params.validate_scope(1, 3.2, parsed)):
        with pytest.raises(ParameterError, match=message):
            call()
    assert params.validate_scope("3", 3.2, parsed) == (3, "3.2")
    assert params.validate_scope(None, "3.2", parsed) == (None, "3.2")
    assert params.validate_scope(3, None, parsed) == (3, None)
    assert set(pntlib.load_series(indicator="3.2", objective=3)["indicator_id"]) == {"3.2"}
