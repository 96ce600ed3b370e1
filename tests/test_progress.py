"""Tests of pntlib.progress: the real report judged by hand, and every edge case on tiny tables."""

from __future__ import annotations

import pandas as pd
import pytest

import pntlib
from pntlib import schema
from pntlib.exceptions import ParameterError
from pntlib.extract import DERIVED_TABLES, extract
from pntlib.progress import (
    DEFAULT_THRESHOLDS,
    compare_methods,
    objective_summary,
    progress,
    progress_from_frames,
)
from pntlib.trends import trends, trends_from_frames

from .facts import ANNEX
from .hostile import MISSING_VALUES

# --------------------------------------------------------------------------- the real report, by hand
#
# Every number below is worked out by hand from the annex cards' SERIE HISTÓRICA
# (línea base, Resultado 2019 ... 2024, Meta 2024) as read in tests/facts.py (ANNEX);
# the test checks the baseline, target and latest value of each row against it.
#
# Columns: id, baseline, baseline year, latest year, latest value, latest status,
# target, achievement %, distance covered %, expected %, pace, status.
EXPECTED_ANNEX = [
    # 1.1: latest 2024 = 20; achievement 20/15*100 = 133.33; distance (20-5)/(15-5)*100 = 150;
    #      expected (2024-2019)/(2024-2019)*100 = 100; pace 150/100 = 1.5; 20 >= 15 -> achieved
    ("1.1", 5.0, 2019, 2024, 20.0, "normal", 15.0, 20 / 15 * 100, 150.0, 100.0, 1.5, "achieved"),
    # 1.2: 100/100 = 100 %; (100-33.33)/(100-33.33) = 100 %; (2024-2021)/(2024-2021) = 100 %; 1.0
    ("1.2", 33.33, 2021, 2024, 100.0, "normal", 100.0, 100.0, 100.0, 100.0, 1.0, "achieved"),
    # 1.3: 16/16 = 100 %; (16-4)/(16-4) = 100 %; expected 100 %; 1.0; 16 >= 16 -> achieved
    ("1.3", 4.0, 2021, 2024, 16.0, "normal", 16.0, 100.0, 100.0, 100.0, 1.0, "achieved"),
    # 2.1: (100-66.67)/(100-66.67) = 100 %
    ("2.1", 66.67, 2021, 2024, 100.0, "normal", 100.0, 100.0, 100.0, 100.0, 1.0, "achieved"),
    # 2.2: baseline 0: (100-0)/(100-0) = 100 %
    ("2.2", 0.0, 2021, 2024, 100.0, "normal", 100.0, 100.0, 100.0, 100.0, 1.0, "achieved"),
    # 2.3: baseline 0 (2020); (2024-2020)/(2024-2020) = 100 %
    ("2.3", 0.0, 2020, 2024, 100.0, "normal", 100.0, 100.0, 100.0, 100.0, 1.0, "achieved"),
    # 3.1: 2024 is N/D -> 2023 = 86; 86/100 = 86 %; (86-0)/(100-0) = 86 %;
    #      expected (2023-2020)/(2024-2020) = 3/4 = 75 %; pace 86/75 = 1.14667 >= 0.95 -> on_track
    ("3.1", 0.0, 2020, 2023, 86.0, "normal", 100.0, 86.0, 86.0, 75.0, 86 / 75, "on_track"),
    # 3.2: 2024 = 66/P (provisional); 66 %; 66 %; expected 4/4 = 100 %; pace 0.66 in [0.60, 0.95)
    ("3.2", 0.0, 2020, 2024, 66.0, "provisional", 100.0, 66.0, 66.0, 100.0, 0.66, "needs_acceleration"),
    # 3.3: 2024 = 77/P; 77 %; 77 %; 100 %; pace 0.77 -> needs_acceleration
    ("3.3", 0.0, 2020, 2024, 77.0, "provisional", 100.0, 77.0, 77.0, 100.0, 0.77, "needs_acceleration"),
    # 4.1: 100/100; (100-0)/(100-0) = 100 %; (2024-2021)/(2024-2021) = 100 %
    ("4.1", 0.0, 2021, 2024, 100.0, "normal", 100.0, 100.0, 100.0, 100.0, 1.0, "achieved"),
    # 4.2: 2024 = 0; 0/50 = 0 %; (0-0)/(50-0) = 0 %; expected 100 %; pace 0/100 = 0 in [0, 0.60) -> limited
    ("4.2", 0.0, 2021, 2024, 0.0, "normal", 50.0, 0.0, 0.0, 100.0, 0.0, "limited"),
    # 4.3: 100/100 -> achieved
    ("4.3", 0.0, 2021, 2024, 100.0, "normal", 100.0, 100.0, 100.0, 100.0, 1.0, "achieved"),
    # 5.1: 100/100 -> achieved
    ("5.1", 0.0, 2021, 2024, 100.0, "normal", 100.0, 100.0, 100.0, 100.0, 1.0, "achieved"),
    # 5.2: 2024 N/D -> 2023 = 66.66; 66.66 %; 66.66 %; expected (2023-2021)/(2024-2021) = 2/3 = 66.667 %;
    #      pace 66.66 / 66.667 = 0.9999 >= 0.95 -> on_track
    ("5.2", 0.0, 2021, 2023, 66.66, "normal", 100.0, 66.66, 66.66, 200 / 3, 66.66 / (200 / 3), "on_track"),
    # 5.3: 2024 N/D -> 2023 = 33; 33 %; 33 %; expected 66.667 %; pace 33 / 66.667 = 0.495 -> limited
    ("5.3", 0.0, 2021, 2023, 33.0, "normal", 100.0, 33.0, 33.0, 200 / 3, 33 / (200 / 3), "limited"),
]


def test_progress_real_report_every_indicator_by_hand():
    table = progress()
    # indexed like load_indicators(); progress.csv keeps indicator_id as its first column
    assert table.index.name == "indicator_id" and str(table.index.dtype) == "string"
    assert list(table.index) == list(pntlib.load_indicators().index)
    table = table.reset_index()
    assert list(table.columns) == [c.name for c in schema.columns("progress")]
    assert list(table["indicator_id"]) == [row[0] for row in EXPECTED_ANNEX]
    for row, expected in zip(table.itertuples(index=False), EXPECTED_ANNEX):
        (ind, base, base_year, latest_year, latest, latest_status, target,
         achievement, covered, expected_pct, pace, status) = expected
        facts = ANNEX[ind]
        assert (base, base_year, target) == (float(facts.baseline), facts.baseline_year, float(facts.target)), ind
        assert facts.result(latest_year) in (f"{latest:g}", f"{latest:g}/P"), ind
        assert row.indicator_id == ind
        assert row.baseline_value == pytest.approx(base), ind
        assert row.baseline_year == base_year, ind
        assert row.latest_year == latest_year, ind
        assert row.latest_value == pytest.approx(latest), ind
        assert row.latest_status == latest_status, ind
        assert row.target_value == pytest.approx(target), ind
        assert row.target_year == 2024, ind
        assert row.achievement_pct == pytest.approx(achievement), ind
        assert row.distance_covered_pct == pytest.approx(covered), ind
        assert row.expected_pct == pytest.approx(expected_pct), ind
        assert row.pace_ratio == pytest.approx(pace), ind
        assert row.status == status, ind


def test_progress_real_report_notes_and_fields():
    table = progress()
    # 3.1, 5.2, 5.3: 2024 printed "N/D" -> 2023 used, and said in Spanish
    for ind in ("3.1", "5.2", "5.3"):
        assert "El valor de 2024 es N/D; se usó el de 2023" in table.loc[ind, "method_note"]
    # 3.2 and 3.3: provisional 2024 values "66/P" and "77/P"
    assert "preliminar (66/P)" in table.loc["3.2", "method_note"]
    assert "preliminar (77/P)" in table.loc["3.3", "method_note"]
    # 1.1: 20 beyond the Meta 2024 of 15
    assert "El último valor (20) supera la Meta 2024 (15)" in table.loc["1.1", "method_note"]
    # cumulative vs periodic, from the card field "Acumulado o periódico" (line 440: 1.1 Acumulado; 621: 2.3 Periódico)
    assert table.loc["1.1", "accumulation"] == "Acumulado"
    assert "Indicador acumulado" in table.loc["1.1", "method_note"]
    assert table.loc["2.3", "accumulation"] == "Periódico"
    assert "Indicador periódico" in table.loc["2.3", "method_note"]
    assert table.loc["4.2", "method_note"].startswith("Progreso limitado o nulo; sin cambio desde 2021.")  # 0 since 2021
    assert table.loc["3.1", "method_note"].startswith(
        "Progreso sustancial / en camino, con datos hasta 2023; sin dato 2024; sin cambio desde 2021.")


def test_progress_as_of_2022_by_hand():
    table = progress(as_of=2022)
    # 1.1: 2022 = 10; (10-5)/(15-5) = 50 %; expected (2022-2019)/(2024-2019) = 60 %; pace 50/60 = 0.8333
    assert table.loc["1.1", "latest_year"] == 2022
    assert table.loc["1.1", "distance_covered_pct"] == pytest.approx(50.0)
    assert table.loc["1.1", "expected_pct"] == pytest.approx(60.0)
    assert table.loc["1.1", "pace_ratio"] == pytest.approx(50 / 60)
    assert table.loc["1.1", "status"] == "needs_acceleration"
    # 3.1: 2022 = 86; 86 %; expected (2022-2020)/(2024-2020) = 50 %; pace 1.72 -> on_track (no N/D note as of 2022)
    assert table.loc["3.1", "pace_ratio"] == pytest.approx(1.72)
    assert table.loc["3.1", "status"] == "on_track"
    assert "N/D" not in table.loc["3.1", "method_note"]
    assert "Juicio con datos hasta 2022." in table.loc["3.1", "method_note"]
    # 5.3: 2022 = 33; 33 %; expected (2022-2021)/(2024-2021) = 33.33 %; pace 0.99 -> on_track
    assert table.loc["5.3", "pace_ratio"] == pytest.approx(33 / (100 / 3))
    assert table.loc["5.3", "status"] == "on_track"


def test_progress_summary_table_takes_target_from_card():
    # section-3 summary tables: 1.2 baseline printed "33.3 (2021)" (line 189), 4.2 2024 printed "ND" (line 353)
    table = progress(table="summary")
    assert table.loc["1.2", "baseline_value"] == pytest.approx(33.3)
    # (100 - 33.3) / (100 - 33.3) = 100 %
    assert table.loc["1.2", "distance_covered_pct"] == pytest.approx(100.0)
    assert table.loc["4.2", "latest_year"] == 2023
    assert table.loc["4.2", "target_value"] == pytest.approx(50.0)  # Meta 2024 of the annex card (line 804)
    assert "El valor de 2024 es ND; se usó el de 2023" in table.loc["4.2", "method_note"]
    assert all("tomadas de la ficha del anexo" in note for note in table["method_note"])


def test_trends_real_report_by_hand():
    table = trends()
    assert list(table.columns) == [c.name for c in schema.columns("trends")]
    assert len(table) == 15 * 6  # 15 cards x Resultado 2019-2024
    t31 = table[table["indicator_id"] == "3.1"].set_index("year")
    # 3.1 (line 668): N/A 0 86 86 86 N/D; change 2021 = 86 - 0 = 86, 2022 = 0; 2024 N/D has no change
    assert t31.loc[2021, "change"] == pytest.approx(86.0)
    assert t31.loc[2022, "change"] == pytest.approx(0.0)
    assert pd.isna(t31.loc[2024, "change"]) and t31.loc[2024, "raw"] == "N/D"
    # straight path 0 (2020) -> 100 (2024): 2022 -> 50; gap 86 - 50 = 36
    assert t31.loc[2022, "expected_value"] == pytest.approx(50.0)
    assert t31.loc[2022, "gap_to_expected"] == pytest.approx(36.0)
    assert pd.isna(t31.loc[2019, "expected_value"])  # before the baseline year
    assert t31.loc[2019, "first_reported_year"] == 2020
    assert t31.loc[2019, "last_reported_year"] == 2023
    assert t31.loc[2019, "n_reported_years"] == 4  # 2020, 2021, 2022, 2023
    # 86, 86, 86 in 2021-2023 below the target of 100: stagnant since 2021
    assert bool(t31.loc[2019, "stagnation"]) and t31.loc[2019, "stagnant_since"] == 2021
    assert t31.loc[2019, "observed_trend"] == "Ascendente" and bool(t31.loc[2019, "trend_agrees"])
    # 4.2 (line 804): 0 0 0 0 -> no change: "Sin cambio", disagrees with Ascendente, stagnant since 2021
    t42 = table[table["indicator_id"] == "4.2"].iloc[0]
    assert t42["observed_trend"] == "Sin cambio" and not bool(t42["trend_agrees"])
    assert bool(t42["stagnation"]) and t42["stagnant_since"] == 2021
    # 2.1 (line 562): 100 in 2021-2024 equals the target -> a plateau at the target is not stagnation
    t21 = table[table["indicator_id"] == "2.1"].iloc[0]
    assert not bool(t21["stagnation"]) and pd.isna(t21["stagnant_since"])
    # 4.3 (line 841): 25, 50, 75, 100 -> +25 each year; path 0 (2021) -> 100 (2024): 2022 -> 33.33
    t43 = table[table["indicator_id"] == "4.3"].set_index("year")
    assert list(t43.loc[2022:2024, "change"]) == [25.0, 25.0, 25.0]
    assert t43.loc[2022, "expected_value"] == pytest.approx(100 / 3)


def test_objective_summary_by_hand():
    table = objective_summary()
    assert list(table.columns) == [c.name for c in schema.columns("objective_summary")]
    rows = table.set_index("objective")
    # objective 1: 1.1, 1.2, 1.3 achieved; mean distance (150 + 100 + 100) / 3 = 116.67
    assert rows.loc[1, "n_achieved"] == 3
    assert rows.loc[1, "mean_distance_covered_pct"] == pytest.approx(350 / 3)
    # objective 3: 3.1 on_track, 3.2 and 3.3 needs_acceleration; (86 + 66 + 77) / 3 = 76.33
    assert (rows.loc[3, "n_on_track"], rows.loc[3, "n_needs_acceleration"]) == (1, 2)
    assert rows.loc[3, "mean_distance_covered_pct"] == pytest.approx(229 / 3)
    # objective 5: 5.1 achieved, 5.2 on_track, 5.3 limited; (100 + 66.66 + 33) / 3
    assert (rows.loc[5, "n_achieved"], rows.loc[5, "n_on_track"], rows.loc[5, "n_limited"]) == (1, 1, 1)
    assert rows.loc[5, "mean_distance_covered_pct"] == pytest.approx((100 + 66.66 + 33) / 3)
    assert list(rows["n_indicators"]) == [3, 3, 3, 3, 3]


def test_public_names_exported():
    for name in ("progress", "trends", "objective_summary"):
        assert name in pntlib.__all__ and callable(getattr(pntlib, name))


def test_extract_writes_derived_tables(tmp_path):
    assert {"progress", "trends", "objective_summary"} <= set(DERIVED_TABLES)
    written = extract(out=tmp_path)
    for name in ("progress", "trends", "objective_summary"):
        assert f"{name}.csv" in written and f"{name}.parquet" in written
    back = pd.read_csv(tmp_path / "progress.csv", dtype={"indicator_id": str})
    assert list(back["status"]) == [row[-1] for row in EXPECTED_ANNEX]


# --------------------------------------------------------------------------- parameters


def test_as_of_given_as_text_or_float_means_the_year():
    # "3" and 3 mean the same everywhere: so do "2022", 2022.0 and 2022
    assert progress(as_of="2022").equals(progress(as_of=2022))
    assert progress(as_of=2022.0).equals(progress(as_of=2022))


@pytest.mark.parametrize("bad", [2018, 2030, "2030", 2022.5, "dos mil", True])
def test_as_of_invalid_lists_choices(bad):
    with pytest.raises(ParameterError, match="2019, 2020, 2021, 2022, 2023, 2024"):
        progress(as_of=bad)


def test_table_invalid_lists_choices():
    with pytest.raises(ParameterError, match="'annex', 'summary'"):
        progress(table="anexo")
    with pytest.raises(ParameterError, match="'annex', 'summary'"):
        trends(table="Annex")


@pytest.mark.parametrize("bad", [{"fast": 1.0}, (0.5, 0.9, 0.0), (0.9, 0.5), "high", {"limited": "x"}])
def test_thresholds_invalid(bad):
    with pytest.raises(ParameterError, match="thresholds"):
        progress(thresholds=bad)


def test_thresholds_override():
    # 3.2 pace 0.66: with needs_acceleration from 0.70 it becomes limited
    table = progress(thresholds={"needs_acceleration": 0.70})
    assert table.loc["3.2", "status"] == "limited"
    assert progress(thresholds=(0.95, 0.60, 0.0)).equals(progress())
    assert DEFAULT_THRESHOLDS == {"on_track": 0.95, "needs_acceleration": 0.60, "limited": 0.0}


# --------------------------------------------------------------------------- edge cases on tiny tables


def _frames(results, *, base=0.0, base_year=2020, target=100.0, target_year=2024,
            trend="Ascendente", accumulation="Acumulado", ind="9.1"):
    """series + indicators frames for one synthetic indicator; results = {year: raw token}."""
    rows = [{"indicator_id": ind, "measure": "baseline", "year": base_year, "raw": f"{base:g}",
             "value": base, "status": "normal"}]
    for year, raw in results.items():
        token = pntlib.report.parse_token(raw)
        rows.append({"indicator_id": ind, "measure": "result", "year": year, "raw": raw,
                     "value": token.value, "status": token.status})
    rows.append({"indicator_id": ind, "measure": "target", "year": target_year, "raw": f"{target:g}",
                 "value": target, "status": "normal"})
    series = pd.DataFrame(rows)
    series["value"] = series["value"].astype("Float64")
    indicators = pd.DataFrame(
        [{"indicator_id": ind, "objective": 9, "kind": "parametro", "unit": "Porcentaje",
          "expected_trend": trend, "accumulation": accumulation, "baseline_value": base,
          "baseline_year": base_year, "target_value": target, "target_year": target_year}]
    ).set_index("indicator_id")
    return series, indicators


def _one(results, **kwargs):
    as_of = kwargs.pop("as_of", None)
    series, indicators = _frames(results, **kwargs)
    return progress_from_frames(series, indicators, as_of=as_of).iloc[0]


def test_baseline_zero_is_judged():
    # 0 (2020) -> 100 (2024); 2022 = 40: 40 %; expected 2/4 = 50 %; pace 0.8 -> needs_acceleration
    row = _one({2021: "20", 2022: "40"})
    assert row["distance_covered_pct"] == pytest.approx(40.0)
    assert row["expected_pct"] == pytest.approx(50.0)
    assert row["pace_ratio"] == pytest.approx(0.8)
    assert row["status"] == "needs_acceleration"
    assert "Línea base 0" in row["method_note"]


def test_target_equal_to_baseline():
    # 50 -> 50: no distance to cover; holding 50 is achieved, falling to 45 is deterioration
    held = _one({2021: "50", 2022: "50"}, base=50.0, target=50.0)
    assert held["status"] == "achieved"
    assert pd.isna(held["distance_covered_pct"]) and pd.isna(held["pace_ratio"])
    assert held["achievement_pct"] == pytest.approx(100.0)
    assert "igual a la línea base" in held["method_note"]
    fell = _one({2021: "50", 2022: "45"}, base=50.0, target=50.0)
    assert fell["status"] == "deterioration"
    assert fell["achievement_pct"] == pytest.approx(90.0)  # 45 / 50


def test_latest_beyond_target():
    # 10 (2020) -> 20; 2023 = 30: achievement 150 %, distance (30-10)/(20-10) = 200 %
    row = _one({2023: "30"}, base=10.0, target=20.0)
    assert row["status"] == "achieved"
    assert row["achievement_pct"] == pytest.approx(150.0)
    assert row["distance_covered_pct"] == pytest.approx(200.0)
    assert "supera la Meta 2024 (20)" in row["method_note"]


@pytest.mark.parametrize("token", ["N/D", "ND", "NA", "N/A"])
def test_latest_year_missing_uses_latest_reported(token):
    # 2024 missing -> 2023 = 60; expected (2023-2020)/4 = 75 %; pace 0.8
    row = _one({2022: "50", 2023: "60", 2024: token})
    assert row["latest_year"] == 2023
    assert row["latest_value"] == pytest.approx(60.0)
    assert row["pace_ratio"] == pytest.approx(60 / 75)
    assert f"El valor de 2024 es {token}; se usó el de 2023" in row["method_note"]


def test_two_trailing_missing_years_are_named():
    row = _one({2022: "50", 2023: "N/D", 2024: "ND"})
    assert row["latest_year"] == 2022
    assert "El valor de 2023 y 2024 son N/D / ND; se usó el de 2022" in row["method_note"]


def test_latest_provisional():
    row = _one({2023: "60", 2024: "90/P"})
    assert row["latest_status"] == "provisional"
    assert row["latest_value"] == pytest.approx(90.0)
    assert row["status"] == "needs_acceleration"  # 90 / 100 = 0.90
    assert "El valor de 2024 es preliminar (90/P)." in row["method_note"]


def test_no_reported_value():
    row = _one({2021: "N/A", 2022: "N/D"})
    assert row["status"] == "no_data"
    assert pd.isna(row["latest_year"]) and pd.isna(row["latest_value"]) and pd.isna(row["latest_status"])
    assert pd.isna(row["distance_covered_pct"]) and pd.isna(row["pace_ratio"])
    assert "Sin valores reportados (solo N/A / N/D)" in row["method_note"]


def test_latest_year_not_after_baseline_is_no_data():
    row = _one({2020: "0"}, as_of=2020)
    assert row["status"] == "no_data"
    assert "no es posterior a la línea base" in row["method_note"]


def test_descending_indicator():
    # 40 (2020) -> 20 (2024), descending; 2022 = 35: achievement 20/35 = 57.14 %;
    # distance (35-40)/(20-40) = 25 %; expected 50 %; pace 0.5 -> limited
    row = _one({2021: "38", 2022: "35"}, base=40.0, target=20.0, trend="Descendente")
    assert row["achievement_pct"] == pytest.approx(20 / 35 * 100)
    assert row["distance_covered_pct"] == pytest.approx(25.0)
    assert row["pace_ratio"] == pytest.approx(0.5)
    assert row["status"] == "limited"
    assert "Tendencia descendente" in row["method_note"]
    # 2022 = 45: moving away: (45-40)/(20-40) = -25 % -> deterioration
    worse = _one({2022: "45"}, base=40.0, target=20.0, trend="Descendente")
    assert worse["distance_covered_pct"] == pytest.approx(-25.0)
    assert worse["status"] == "deterioration"
    # 2023 = 18 below the target of 20: achieved
    done = _one({2023: "18"}, base=40.0, target=20.0, trend="Descendente")
    assert done["status"] == "achieved"
    assert done["achievement_pct"] == pytest.approx(20 / 18 * 100)


def test_ascending_deterioration():
    row = _one({2022: "-10"}, base=0.0)
    assert row["pace_ratio"] == pytest.approx(-10 / 50)
    assert row["status"] == "deterioration"


@pytest.mark.parametrize("accumulation, phrase", [("Acumulado", "Indicador acumulado"), ("Periódico", "Indicador periódico")])
def test_periodic_and_cumulative_values_are_never_summed(accumulation, phrase):
    # 30 every year: the latest value (30) is judged, not 30 + 30 + 30 = 90
    row = _one({2021: "30", 2022: "30", 2023: "30"}, accumulation=accumulation)
    assert row["latest_value"] == pytest.approx(30.0)
    assert row["distance_covered_pct"] == pytest.approx(30.0)
    assert row["accumulation"] == accumulation
    assert phrase in row["method_note"]


def test_thresholds_boundaries():
    # pace exactly 0.95 is on_track, exactly 0.60 needs_acceleration, exactly 0 limited (Open SDG uses >=)
    for value, status in (("95", "on_track"), ("60", "needs_acceleration"), ("0", "limited")):
        assert _one({2024: value})["status"] == status


def test_trends_stagnation_and_gaps_synthetic():
    series, indicators = _frames({2020: "0", 2021: "40", 2022: "N/D", 2023: "40", 2024: "40"})
    table = trends_from_frames(series, indicators).set_index("year")
    # change is from the previous REPORTED year: 2023 vs 2021 = 0; the N/D year has none
    assert pd.isna(table.loc[2022, "change"])
    assert table.loc[2023, "change"] == pytest.approx(0.0)
    assert table.loc[2021, "change"] == pytest.approx(40.0)
    assert bool(table.loc[2020, "stagnation"]) and table.loc[2020, "stagnant_since"] == 2021
    assert table.loc[2020, "n_reported_years"] == 4
    # path 0 (2020) -> 100 (2024): 2023 -> 75; gap 40 - 75 = -35
    assert table.loc[2023, "gap_to_expected"] == pytest.approx(-35.0)


def test_trends_descending_direction():
    series, indicators = _frames({2021: "38", 2022: "35"}, base=40.0, target=20.0, trend="Descendente")
    row = trends_from_frames(series, indicators).iloc[0]
    assert row["observed_trend"] == "Descendente" and bool(row["trend_agrees"])
    assert not bool(row["stagnation"])


def test_trends_single_value_has_no_direction():
    series, indicators = _frames({2021: "N/A", 2022: "35"})
    row = trends_from_frames(series, indicators).iloc[0]
    assert pd.isna(row["observed_trend"]) and pd.isna(row["trend_agrees"])
    assert row["n_reported_years"] == 1


# --------------------------------------------------------------------------- evidence of each verdict
#
# The value judged is latest_value of latest_year (EXPECTED_ANNEX); its evidence is the relation of
# that year's annex result to the card's variables (APLICACIÓN DEL MÉTODO DE CÁLCULO, 2023 and 2024).
EXPECTED_EVIDENCE = {
    # id: (evidence, computed_value, tables_agree, stagnant_since)
    "1.1": ("reproduced_as_accumulated", 20.0, True, None),  # NRR = 5: 15 (2023) + 5 = 20 = 2024
    "1.2": ("not_reproduced", 100 / 3, True, None),  # NEC/NEP*100 = 2/6*100 = 33.33, printed 100
    "1.3": ("reproduced_as_accumulated", 16.0, True, None),  # NPS = 4: 12 + 4 = 16
    "2.1": ("not_reproduced", 200 / 3, True, None),  # 2/3*100 = 66.67, printed 100
    "2.2": ("unchanged_as_accumulated", 100.0, True, None),  # 0/3*100 = 0: 100 (2023) + 0 = 100, increment 0
    "2.3": ("not_reproduced", 0.0, True, None),  # Periódico: 0/7*100 = 0, printed 100
    "3.1": ("not_reproduced", 0.0, True, 2021),  # 2023 (2024 N/D): 0/7*100 = 0 vs 86; 86 since 2021
    "3.2": ("unchanged_as_accumulated", 66.0, True, 2021),  # 0/13*100 = 0: 66 (2023) + 0 = 66/P; 66 since 2021
    "3.3": ("not_reproduced", 0.0, True, 2022),  # Periódico: 0 vs 77/P; 77 since 2022
    "4.1": ("unverifiable", None, True, None),  # formula names NAAC, undefined: cannot be evaluated
    "4.2": ("reproduced", 0.0, False, 2021),  # 0/13*100 = 0 = 0; summary 2024 is ND (l.356); 0 since 2021
    "4.3": ("not_reproduced", 0.0, True, None),  # 0/13*100 = 0; 75 + 0 = 75; printed 100
    "5.1": ("not_reproduced", 0.0, True, None),  # 0/3*100 = 0; 66 + 0 = 66; printed 100
    "5.2": ("unchanged_as_accumulated", 66.66, True, 2022),  # 2023: 0/1*100 = 0: 66.66 (2022) + 0; since 2022
    "5.3": ("unverifiable", None, True, 2022),  # 2023: 0/0; 33 since 2022 (2024 N/D)
}

# Both methods (annex, all years). opensdg: CAGR = (value / base) ** (1 / years) - 1, base 0 -> 0.001;
# ratio = CAGR observed / |CAGR required|; thresholds 0.95 / 0.60 / 0; target achieved checked first.
EXPECTED_METHODS = {
    # id: (linear status, opensdg status, opensdg ratio or None)
    **{i: ("achieved", "achieved", None) for i in ("1.1", "1.2", "1.3", "2.1", "2.2", "2.3", "4.1", "4.3", "5.1")},
    # 3.1: 86 (2023), base 0 (2020), Meta 100 (2024): (86/0.001)**(1/3)-1 = 43.14; (100/0.001)**(1/4)-1 = 16.78
    "3.1": ("on_track", "on_track", (86 / 0.001) ** (1 / 3) - 1, (100 / 0.001) ** (1 / 4) - 1),
    # 3.2: 66 (2024): (66000)**(1/4)-1 = 15.03 / 16.78 = 0.90 -> needs_acceleration (linear 0.66 too)
    "3.2": ("needs_acceleration", "needs_acceleration", (66 / 0.001) ** (1 / 4) - 1, (100 / 0.001) ** (1 / 4) - 1),
    # 3.3: 77 (2024): (77000)**(1/4)-1 = 15.66 / 16.78 = 0.93
    "3.3": ("needs_acceleration", "needs_acceleration", (77 / 0.001) ** (1 / 4) - 1, (100 / 0.001) ** (1 / 4) - 1),
    # 4.2: 0 (2024), base 0 (2021), Meta 50: (0/0.001)**(1/3)-1 = -1; (50/0.001)**(1/3)-1 = 35.84;
    #      -1/35.84 = -0.028 -> deterioration, where the straight path says limited (0 % of the way)
    "4.2": ("limited", "deterioration", -1.0, (50 / 0.001) ** (1 / 3) - 1),
    # 5.2: 66.66 (2023), base 0 (2021): (66660)**(1/2)-1 = 257.19; (100000)**(1/3)-1 = 45.42; 5.66
    "5.2": ("on_track", "on_track", (66.66 / 0.001) ** (1 / 2) - 1, (100 / 0.001) ** (1 / 3) - 1),
    # 5.3: 33 (2023): (33000)**(1/2)-1 = 180.66 / 45.42 = 3.98 -> on_track; linear 33 % / 66.67 % = 0.495
    #      -> limited: a zero baseline makes any growth look fast
    "5.3": ("limited", "on_track", (33 / 0.001) ** (1 / 2) - 1, (100 / 0.001) ** (1 / 3) - 1),
}


def test_every_verdict_with_its_evidence():
    table = progress()
    for ind, (evidence, computed, agree, since) in EXPECTED_EVIDENCE.items():
        row = table.loc[ind]
        assert row["evidence"] == evidence, ind
        if computed is None:
            assert pd.isna(row["computed_value"]), ind
        else:
            assert row["computed_value"] == pytest.approx(computed), ind
        assert row["tables_agree"] == agree, ind
        assert (pd.isna(row["stagnant_since"]) if since is None else row["stagnant_since"] == since), ind
    # 9 targets met according to the report; in 5 the card's own variables do not reproduce the result,
    # in 1 (4.1) the formula cannot be evaluated, in 1 (2.2) they add 0; solid: 1.1 and 1.3
    met = table[table["outcome"] == "achieved"]
    assert len(met) == 9 and sorted(met.index[met["evidence"] == "not_reproduced"]) == ["1.2", "2.1", "2.3", "4.3", "5.1"]
    assert sorted(met.index[met["evidence"].isin(["reproduced", "reproduced_as_accumulated"])]) == ["1.1", "1.3"]


# The outcome: the value printed for 2024 (annex SERIE HISTÓRICA) against the Meta 2024, Ascendente.
EXPECTED_OUTCOME = {
    # id: (outcome, outcome_preliminary)
    "1.1": ("achieved", False),  # 20 >= 15 (l.451)
    "1.2": ("achieved", False),  # 100 >= 100 (l.490)
    "1.3": ("achieved", False),  # 16 >= 16 (l.518)
    "2.1": ("achieved", False),  # 100 >= 100 (l.562)
    "2.2": ("achieved", False),  # 100 >= 100 (l.594)
    "2.3": ("achieved", False),  # 100 >= 100 (l.629)
    "3.1": ("no_data", None),  # 2024 printed N/D
    "3.2": ("not_achieved", True),  # 66/P < 100 (l.703)
    "3.3": ("not_achieved", True),  # 77/P < 100
    "4.1": ("achieved", False),  # 100 >= 100
    "4.2": ("not_achieved", False),  # 0 < 50 (l.804)
    "4.3": ("achieved", False),  # 100 >= 100 (l.841)
    "5.1": ("achieved", False),  # 100 >= 100 (l.884)
    "5.2": ("no_data", None),  # 2024 printed N/D (l.919)
    "5.3": ("no_data", None),  # 2024 printed N/D (l.955)
}


def test_outcome_at_the_target_year():
    table = progress()
    for ind, (outcome, preliminary) in EXPECTED_OUTCOME.items():
        assert table.loc[ind, "outcome"] == outcome, ind
        if preliminary is None:
            assert pd.isna(table.loc[ind, "outcome_preliminary"]), ind
        else:
            assert table.loc[ind, "outcome_preliminary"] == preliminary, ind
    # as of 2023 no value of 2024 is looked at: every outcome is no_data
    assert set(progress(as_of=2023)["outcome"]) == {"no_data"}


def test_both_methods_on_every_indicator():
    compared = compare_methods()
    assert list(compared.columns) == [c.name for c in schema.columns("progress_methods")]
    assert len(compared) == 30 and list(compared["method"][:2]) == ["linear", "opensdg"]
    linear = compared[compared["method"] == "linear"].set_index("indicator_id")
    opensdg = compared[compared["method"] == "opensdg"].set_index("indicator_id")
    pd.testing.assert_series_equal(linear["progress_value"], progress()["pace_ratio"], check_names=False)
    for ind, expected in EXPECTED_METHODS.items():
        assert linear.loc[ind, "status"] == expected[0], ind
        assert opensdg.loc[ind, "status"] == expected[1], ind
        if expected[2] is None:
            assert pd.isna(opensdg.loc[ind, "progress_value"]), ind
        else:
            assert opensdg.loc[ind, "progress_value"] == pytest.approx(expected[2] / abs(expected[3])), ind
    assert list(progress(method="opensdg")["status"]) == [EXPECTED_METHODS[i][1] for i in progress().index]
    with pytest.raises(ParameterError, match="method='sdg' is not valid; choose one of: 'linear', 'opensdg'"):
        progress(method="sdg")


def test_extract_writes_the_evidence_and_both_methods(tmp_path):
    extract(out=tmp_path)
    back = pd.read_csv(tmp_path / "progress.csv", dtype={"indicator_id": str}).set_index("indicator_id")
    assert list(back["evidence"]) == [e[0] for e in EXPECTED_EVIDENCE.values()]
    methods = pd.read_csv(tmp_path / "progress_methods.csv", dtype={"indicator_id": str})
    assert list(methods.columns) == ["indicator_id", "method", "status", "progress_value"]
    opensdg = methods[methods["method"] == "opensdg"]
    assert list(opensdg["status"]) == [EXPECTED_METHODS[i][1] for i in opensdg["indicator_id"]]


def _evidence_of(relation, computed, *, year=2022, accumulation="Acumulado"):
    series, indicators = _frames({2021: "20", 2022: "40"}, accumulation=accumulation)
    relations = pd.DataFrame({"indicator_id": ["9.1"], "year": [year], "relation": [relation],
                              "computed_value": pd.array([computed], dtype="Float64")})
    return progress_from_frames(series, indicators, relations=relations).iloc[0]


@pytest.mark.parametrize(("relation", "computed", "evidence"), [
    ("reproduced", 40.0, "reproduced"),                         # the formula gives 40
    ("reproduced_as_accumulated", 40.0, "reproduced_as_accumulated"),  # 20 (2021) + 20 = 40
    ("not_reproduced", 10.0, "not_reproduced"),                 # the formula gives 10, printed 40
    ("unevaluable", None, "unverifiable"),                      # 0/0, undefined symbol or NA variable
])
def test_each_evidence_value_on_a_synthetic_card(relation, computed, evidence):
    row = _evidence_of(relation, computed)
    assert row["evidence"] == evidence
    assert (pd.isna(row["computed_value"]) if computed is None else row["computed_value"] == computed)


def test_no_variables_for_the_year_judged():
    row = _evidence_of("reproduced", 20.0, year=2021)  # variables for 2021 only; 2022 is judged
    assert row["evidence"] == "no_variables" and pd.isna(row["computed_value"])
    assert pd.isna(row["tables_agree"])  # no other table given


def test_stagnant_since_one_rule():
    # 10, 30, 30, 30 (2021-2024), Meta 100: 30 since 2022, not reached
    row = _one({2021: "10", 2022: "30", 2023: "30", 2024: "30"})
    assert row["stagnant_since"] == 2022
    held = _one({2022: "100", 2023: "100"})  # the target held is not stagnation
    assert pd.isna(held["stagnant_since"])
    moving = _one({2022: "30", 2023: "30", 2024: "31"})
    assert pd.isna(moving["stagnant_since"])


def test_opensdg_edge_cases():
    # base 0 -> 0.001; 50 in 2022 (2 years): (50000)**(1/2)-1 = 222.6; required (100000)**(1/4)-1 = 16.78
    series, indicators = _frames({2022: "50"})
    row = progress_from_frames(series, indicators, method="opensdg").iloc[0]
    assert row["pace_ratio"] == pytest.approx(((50 / 0.001) ** 0.5 - 1) / ((100 / 0.001) ** 0.25 - 1))
    assert row["status"] == "on_track" and "0.001" in row["method_note"]
    # target achieved checked first: no ratio
    series, indicators = _frames({2022: "120"})
    row = progress_from_frames(series, indicators, method="opensdg").iloc[0]
    assert row["status"] == "achieved" and pd.isna(row["pace_ratio"])
    # descending, 80 -> 40 by 2024; 60 in 2022: observed (60/80)**(1/2)-1 = -0.134, required
    # (40/80)**(1/4)-1 = -0.159; ratio -1 * -0.134 / 0.159 = 0.84 -> needs_acceleration
    series, indicators = _frames({2022: "60"}, base=80.0, target=40.0, trend="Descendente")
    row = progress_from_frames(series, indicators, method="opensdg").iloc[0]
    assert row["pace_ratio"] == pytest.approx(-((60 / 80) ** 0.5 - 1) / abs((40 / 80) ** 0.25 - 1))
    assert row["status"] == "needs_acceleration"
    # the baseline year itself: no growth to measure
    series, indicators = _frames({2020: "5"})
    assert progress_from_frames(series, indicators, method="opensdg").iloc[0]["status"] == "no_data"


# --------------------------------------------------------------------------- values printed as NA/ND


@pytest.mark.parametrize("case", list(MISSING_VALUES))
def test_any_value_may_be_missing(damaged_report, case):
    path = damaged_report(edits=MISSING_VALUES[case])
    annex = pntlib.progress(report=path).loc["3.1"]
    tables = {"annex": annex, "summary": pntlib.progress(report=path, table="summary").loc["3.1"],
              "opensdg": pntlib.progress(report=path, method="opensdg").loc["3.1"]}
    pntlib.objective_summary(report=path)
    pntlib.compare_methods(report=path)
    rows = pntlib.trends(report=path).query("indicator_id == '3.1'")
    assert list(rows["year"]) == [2019, 2020, 2021, 2022, 2023, 2024]
    if case in ("baseline", "all"):  # annex l.668: línea base 2020 printed ND / NA
        assert pd.isna(annex["baseline_value"]) and annex["baseline_year"] == 2020
        assert annex["status"] == "no_data" == tables["opensdg"]["status"]
        assert f"La línea base (2020) se imprime {'ND' if case == 'baseline' else 'NA'} (sin valor)." in annex["method_note"]
        if case == "baseline":
            assert "Falta la línea base o la Meta 2024: no puede medirse el avance." in annex["method_note"]
        assert tables["summary"]["baseline_value"] == 0.0  # the summary table (l.301) still prints 0.0 (2020)
    if case == "target":  # Meta 2024 printed NA: the summary table takes it from the card, so neither judges
        assert pd.isna(annex["target_value"]) and pd.isna(annex["distance_covered_pct"])
        assert annex["status"] == tables["summary"]["status"] == "no_data"
        assert "La Meta 2024 se imprime NA (sin valor)." in annex["method_note"]
        assert "La Meta 2024 no tiene valor." in tables["summary"]["method_note"]
    if case == "result":  # 2022 printed ND: still 86 in 2023, 0 -> 100 from 2020: 86 % covered, 75 % expected
        assert annex["latest_year"] == 2023 and annex["latest_value"] == 86.0 and annex["status"] == "on_track"
        assert rows.set_index("year").loc[2022, "status"] == "not_available"
    if case == "variable":  # the variables of 2023 (l.673) are ND: the evidence cannot be checked
        assert annex["status"] == "on_track" and annex["evidence"] == "unverifiable"
    if case == "all":  # no number left in the annex row: judged on nothing
        assert pd.isna(annex["latest_value"]) and annex["status"] == "no_data"
        assert "Sin valores reportados (solo N/A / N/D / NA / ND): no puede juzgarse el avance." in annex["method_note"]


def test_cards_that_contradict_themselves_get_no_trajectory():
    # Ascendente, línea base 4, Meta 2 (below): (16-4)/(2-4)*100 = -600 would read as achieved at pace -6
    row = _one({2022: "8", 2023: "12", 2024: "16"}, base=4.0, base_year=2021, target=2.0)
    assert row["status"] == "no_data" and pd.isna(row["distance_covered_pct"]) and pd.isna(row["pace_ratio"])
    assert row["outcome"] == "achieved" and not row["outcome_preliminary"]  # 16 >= 2: the value against the Meta
    assert row["achievement_pct"] == pytest.approx(800.0)  # 16 / 2 * 100
    assert "con tendencia esperada ascendente, la Meta 2024 (2) queda por debajo de la línea base (4)" in row["method_note"]
    # Descendente, línea base 10, Meta 20 (above); 2024 = 15: 15 <= 20 reaches the Meta in the stated direction
    row = _one({2023: "12", 2024: "15"}, base=10.0, base_year=2021, target=20.0, trend="Descendente")
    assert row["status"] == "no_data" and row["outcome"] == "achieved"
    assert "con tendencia esperada descendente, la Meta 2024 (20) queda por encima de la línea base (10)" in row["method_note"]
    # Descendente, 10 -> 5, 2024 = 7/P: a consistent card, outcome not achieved (7 > 5), preliminary
    row = _one({2023: "8", 2024: "7/P"}, base=10.0, base_year=2021, target=5.0, trend="Descendente")
    assert row["status"] != "no_data" and row["outcome"] == "not_achieved" and row["outcome_preliminary"]
    # línea base year 2030, after every result: expected (2024-2030)/(2024-2030) = 100 % would judge 0 as limited
    row = _one({2022: "0", 2023: "0", 2024: "0"}, base=0.0, base_year=2030, target=50.0)
    assert row["status"] == "no_data" and pd.isna(row["expected_pct"])
    assert row["outcome"] == "not_achieved"  # 0 < 50
    assert "la línea base es de 2030, posterior a todos los resultados que reporta (el último, de 2024)" in row["method_note"]
    # results of years before the línea base are history, not a contradiction (1.2 prints 2019 and 2020, base 2021)
    row = _one({2019: "10", 2020: "20", 2022: "60", 2024: "100"}, base=30.0, base_year=2021)
    assert row["status"] == "achieved" and "se contradice" not in row["method_note"]


def test_a_stalled_series_says_so_and_the_outcome_says_the_year():
    from pntlib.evidence import outcome_text, trajectory_text

    # 0 (2020) -> 100 (2024); 60 in 2022 and 2023, 2024 N/D: judged on 2023, flat since 2022
    row = _one({2021: "30", 2022: "60", 2023: "60", 2024: "N/D"})
    # 60 %; expected (2023-2020)/(2024-2020) = 75 %; pace 0.8 -> needs_acceleration
    assert row["status"] == "needs_acceleration" and row["stagnant_since"] == 2022
    assert row["outcome"] == "no_data" and pd.isna(row["outcome_preliminary"])
    assert trajectory_text(row) == ("Progreso justo, pero requiere acelerar, con datos hasta 2023; sin dato 2024; "
                                    "sin cambio desde 2022")
    assert outcome_text(row) == "Sin dato de 2024"
    # 0 in every year against a Meta of 50: the UN chart's "limited or no progress"
    row = _one({2021: "0", 2022: "0", 2023: "0", 2024: "0"}, target=50.0)
    assert row["status"] == "limited" and row["stagnant_since"] == 2021
    assert trajectory_text(row) == "Progreso limitado o nulo; sin cambio desde 2021"
    assert outcome_text(row) == "No alcanzó la Meta 2024"
