"""CSV and Parquet say the same thing: every table of `pnt extract`, on the real
report and on edited copies, read back from CSV (empty field = missing, as the
Data Package declares; `NA`, `N/D` and every other text kept) equals its Parquet."""

from __future__ import annotations

import json

import pandas as pd
import pytest

import pntlib
from pntlib import schema
from pntlib.extract import extract

# Card 3.2's 2023 substitution (line 710) and the start of card 1.1's Observaciones (line 445),
# as printed in data/raw/.
SUBSTITUTION_3_2 = "Sustitución en método de cálculo para 2023\t$IA\\%=(0/13)*100$"
OBSERVATIONS_1_1 = "Observaciones\t1) Se entenderá por espacios de participación"


def assert_csv_equals_parquet(out) -> None:
    package = json.loads((out / "datapackage.json").read_text(encoding="utf-8"))
    assert package["resources"]
    for resource in package["resources"]:
        name = resource["name"]
        assert resource["schema"]["missingValues"] == [""]
        from_csv = schema.read_csv(out / f"{name}.csv", name)
        from_parquet = pd.read_parquet(out / f"{name}.parquet")
        pd.testing.assert_frame_equal(from_csv, from_parquet, check_exact=True, obj=name)


def _edited(report_text: str, old: str, new: str) -> str:
    """The report with the first line that starts with ``old`` replaced by ``new``."""
    lines = report_text.split("\n")
    i = next(k for k, line in enumerate(lines) if line.startswith(old))
    return "\n".join(lines[:i] + [new] + lines[i + 1 :])


def test_real_report(tmp_path):
    extract(out=tmp_path)
    assert_csv_equals_parquet(tmp_path)


@pytest.mark.parametrize(
    "old, new",
    [
        (SUBSTITUTION_3_2, "Sustitución en método de cálculo para 2023\t"),  # empty substitution
        (OBSERVATIONS_1_1, "Observaciones\tNA\t\t"),  # text that pandas would read as missing
        (OBSERVATIONS_1_1, 'Observaciones\tN/D, "null" ; nan;None\t\t'),
        ("Tipo\tEstratégico\tAcumulado", "Tipo\tN/A\tAcumulado o periódico\tAcumulado"),  # line 440
    ],
    ids=["empty substitution", "NA as text", "null-like text", "N/A as a card field"],
)
def test_edited_copies(report_text, write_report, tmp_path, old, new):
    path = write_report(_edited(report_text, old, new))
    extract(report=path, out=tmp_path / "out")
    assert_csv_equals_parquet(tmp_path / "out")


def test_an_empty_substitution_is_missing_everywhere(report_text, write_report, tmp_path):
    path = write_report(_edited(report_text, SUBSTITUTION_3_2, "Sustitución en método de cálculo para 2023\t"))
    extract(report=path, out=tmp_path / "out")
    for frame in (
        pntlib.load_substitutions(report=path),
        pd.read_parquet(tmp_path / "out" / "substitutions.parquet"),
        schema.read_csv(tmp_path / "out" / "substitutions.csv", "substitutions"),
    ):
        row = frame[(frame.indicator_id == "3.2") & (frame.year == 2023)]
        assert len(row) == 1 and pd.isna(row.text.iloc[0]) and row.source_line.iloc[0] == 710
    # The line is kept: the substitution is there, with no text.
    assert len(pntlib.load_substitutions(report=path)) == 30


def test_text_that_looks_missing_is_kept(report_text, write_report):
    path = write_report(_edited(report_text, OBSERVATIONS_1_1, "Observaciones\tNA\t\t"))
    assert pntlib.load_indicators(report=path).at["1.1", "observations"] == "NA"
