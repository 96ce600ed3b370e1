"""`pnt extract`'s Stata files: version 118, Spanish variable labels, value labels, the same values back."""

from __future__ import annotations

import json

import pandas as pd

from pntlib import schema
from pntlib.extract import extract



def test_every_table_round_trips_through_stata(extracted):
    package = json.loads((extracted / "datapackage.json").read_text(encoding="utf-8"))
    assert sorted(r["stata"]["path"] for r in package["resources"]) == sorted(f"{t}.dta" for t in schema.TABLES)
    for table in schema.TABLES:
        path = extracted / f"{table}.dta"
        assert path.read_bytes().startswith(b"<stata_dta><header><release>118</release>"), table
        typed = pd.read_parquet(extracted / f"{table}.parquet")
        pd.testing.assert_frame_equal(schema.read_stata(path, table), typed, check_exact=True, obj=table)
        plain = pd.read_stata(path)  # what a pandas user gets without pntlib: the same rows and columns
        assert list(plain.columns) == list(typed.columns) and len(plain) == len(typed), table
        with pd.read_stata(path, iterator=True) as reader:
            labels = reader.variable_labels()
        assert labels == {c.name: schema.spanish_label(table, c.name) for c in schema.columns(table)}, table
        assert all(0 < len(label) <= 80 for label in labels.values()), table


def test_values_and_missing_values_as_stata_sees_them(extracted):
    with pd.read_stata(extracted / "series.dta", iterator=True) as reader:
        value_labels = reader.value_labels()
    assert value_labels["status"] == {0: "normal", 1: "provisional", 2: "not_applicable", 3: "not_available"}
    series = pd.read_stata(extracted / "series.dta")
    # annex line 703 (card 3.2, SERIE HISTÓRICA): N/A 0 66 66 66 66/P
    row = series[(series.indicator_id == "3.2") & (series.table == "annex") & (series.measure == "result")]
    assert row[["year", "raw", "status"]].astype(str).values.tolist() == [
        ["2019", "N/A", "not_applicable"], ["2020", "0", "normal"], ["2021", "66", "normal"],
        ["2022", "66", "normal"], ["2023", "66", "normal"], ["2024", "66/P", "provisional"]]
    assert pd.isna(row.value.iloc[0]) and row.value.iloc[1:].tolist() == [0.0, 66.0, 66.0, 66.0, 66.0]
    assert set(row.source_line) == {703}
    # a yes/no column: 0/1 labelled No/Sí; its missing values stay missing
    progress = pd.read_stata(extracted / "progress.dta")
    assert set(progress["tables_agree"].dropna().astype(str)) <= {"No", "Sí"}
    typed = pd.read_parquet(extracted / "progress.parquet")
    assert progress["tables_agree"].isna().tolist() == typed["tables_agree"].isna().tolist()


def test_stata_files_are_byte_identical_from_one_extract_to_the_next(extracted, tmp_path):
    extract(out=tmp_path)
    for table in schema.TABLES:
        assert (tmp_path / f"{table}.dta").read_bytes() == (extracted / f"{table}.dta").read_bytes(), table
