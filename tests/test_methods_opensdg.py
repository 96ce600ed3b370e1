"""pntlib.methods.opensdg against what sdg-build's code gives, case by case.

``tests/data/opensdg_cases.csv`` was computed by running open-sdg/sdg-build
``sdg/ProgressMeasure.py`` (the commit named in its header) outside pntlib on the
datasets of sdg-build's own test folder, with their configs and with added
targets, and on the edge cases of the Open SDG methodology. Its columns
``status`` and ``progress_value`` are pntlib's answer: sdg-build's, except in the
rows whose ``deviation`` says why pntlib follows the methodology instead.
"""

from __future__ import annotations

import csv
import math

import pandas as pd
import pytest

import pntlib
from pntlib.methods import (
    NO_TARGET_THRESHOLDS,
    SDG_BUILD_STATUSES,
    SDG_BUILD_VERSION,
    Point,
    limit_coefficient,
    opensdg,
)
from pntlib.labels import STATUS_LABELS
from pntlib.progress import progress_from_frames
from pntlib.validation import DEFAULT_THRESHOLDS

from .conftest import TESTS_DIR

CASES_FILE = TESTS_DIR / "data" / "opensdg_cases.csv"


def _read_cases() -> tuple[list[str], list[dict[str, str]]]:
    lines = CASES_FILE.read_text(encoding="utf-8").splitlines()
    header = [line for line in lines if line.startswith("#")]
    return header, list(csv.DictReader(line for line in lines if not line.startswith("#")))


HEADER, CASES = _read_cases()


def _float(text: str) -> float | None:
    return None if text == "" else float(text)


def _point(row: dict[str, str]) -> Point:
    return Point(
        base=float(row["base_value"]), base_year=int(row["base_year"]),
        target=_float(row["target"]), target_year=int(row["target_year"]),
        latest=float(row["latest_value"]), latest_year=int(row["latest_year"]),
        direction=int(row["direction"]), limit=_float(row["limit"]),
    )


def _same(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is b
    return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-300)


def test_the_table_names_the_sdg_build_version_and_covers_the_methodology():
    assert any("139fede74ba534d2ed8b9eee4cd878b41f54cb67" in line for line in HEADER)
    assert SDG_BUILD_VERSION.endswith("139fede74ba534d2ed8b9eee4cd878b41f54cb67")
    assert "139fede74ba534d2ed8b9eee4cd878b41f54cb67" in (opensdg.__doc__ or "")
    groups = {row["group"] for row in CASES}
    assert groups == {"test folder", "edge case"}
    assert len(CASES) == 800
    statuses = {row["status"] for row in CASES}
    assert statuses == set(SDG_BUILD_STATUSES.values())  # every verdict occurs
    assert sum(row["target"] == "" for row in CASES) >= 100  # no quantitative target
    names = {row["case"] for row in CASES}
    for edge in ("target0_negative_latest_0.0005", "base_eq_target_positive_latest_40.0",
                 "base0_target0_negative_latest_3.0", "target_year_eq_base_year_latest_60.0",
                 "single_point_50.0_target_80", "all_before_base_year_80", "neg_all_negative_target_up",
                 "neg_negative_values_positive_target"):
        assert edge in names, edge


@pytest.mark.parametrize("row", CASES, ids=[f"{i}-{r['case']}" for i, r in enumerate(CASES)])
def test_opensdg_gives_the_documented_answer(row):
    value, status, notes = opensdg(_point(row), DEFAULT_THRESHOLDS)
    assert status == row["status"]
    assert _same(value, _float(row["progress_value"])), (value, row["progress_value"])
    assert all(isinstance(n, str) and "p.base" not in n for n in notes)
    if status == "no_data" or (row["deviation"] and status != "achieved"):
        assert notes, "a case without a verdict or off sdg-build's code says why"


def test_the_table_agrees_with_sdg_build_except_where_it_says_why():
    differ = []
    for row in CASES:
        sdg_value = _float(row["sdg_progress_value"])
        if row["sdg_error"]:
            assert row["deviation"] and row["sdg_status"] == "", row["case"]
            differ.append(row["case"])
            continue
        sdg_status = SDG_BUILD_STATUSES[row["sdg_status"]]
        reported = None if sdg_status in ("achieved", "no_data") else sdg_value
        same = row["status"] == sdg_status and _same(_float(row["progress_value"]), reported)
        assert same != bool(row["deviation"]), row["case"]
        if not same:
            differ.append(row["case"])
    # Where both compute a progress value it is sdg-build's to 1e-12 (above); pntlib departs
    # from the code only in the methodology's edge cases, never on the test folder's data
    # with its own configs.
    assert sorted(differ) == sorted(
        row["case"] for row in CASES if row["group"] == "edge case" and row["deviation"])
    assert len(differ) == 19


def test_sdg_build_edge_cases_by_hand():
    # target 0, descending: replaced by 0.001 before the achieved check; 0.0005 <= 0.001
    value, status, notes = opensdg(Point(5.0, 2015, 0.0, 2030, 0.0005, 2019, -1), DEFAULT_THRESHOLDS)
    assert (value, status) == (None, "achieved")
    assert notes == ["Meta 2030 de 0: Open SDG la reemplaza por 0.001, como sdg-build."]
    # línea base equal to the Meta, then worse: required rate (50/50)**(1/15)-1 = 0, sdg-build -inf
    value, status, notes = opensdg(Point(50.0, 2015, 50.0, 2030, 40.0, 2019, 1), DEFAULT_THRESHOLDS)
    assert (value, status) == (None, "deterioration")
    assert notes == ["La Meta 2030 es igual a la línea base: la tasa requerida es 0 y la observada "
                     "(-5.43 %, 2015-2019) se aleja de la meta; el cociente no es un número."]
    # línea base 0 and Meta 0, descending, then 3: both 0.001, required 0 -> deterioration
    assert opensdg(Point(0.0, 2015, 0.0, 2030, 3.0, 2019, -1), DEFAULT_THRESHOLDS)[1] == "deterioration"
    # the Meta's year equal to the línea base's: no required rate (sdg-build: ZeroDivisionError)
    value, status, notes = opensdg(Point(50.0, 2015, 80.0, 2015, 60.0, 2019, 1), DEFAULT_THRESHOLDS)
    assert (value, status) == (None, "no_data")
    assert notes == ["La Meta es de 2015, no posterior a la línea base (2015): no hay tasa de crecimiento requerida."]
    # a single point, a value before the línea base year: a status with a note, no exception
    assert opensdg(Point(50.0, 2015, 80.0, 2030, 50.0, 2015, 1), DEFAULT_THRESHOLDS)[1:] == (
        "no_data", ["El último valor reportado (2015) no es posterior a la línea base (2015): "
                    "no puede medirse el crecimiento."])
    assert opensdg(Point(50.0, 2015, 80.0, 2030, 55.0, 2013, 1), DEFAULT_THRESHOLDS)[1:] == (
        "no_data", ["El último valor reportado (2013) es anterior a la línea base (2015): "
                    "Open SDG mide el crecimiento desde la línea base; no puede medirse."])
    # negative values, positive Meta: sdg-build's ratio comes from abs() of a complex power
    assert opensdg(Point(-50.0, 2015, 10.0, 2030, -40.0, 2019, 1), DEFAULT_THRESHOLDS)[:2] == (None, "no_data")


def test_no_target_judges_the_growth_itself():
    # 50 (2015) -> 60 (2019), ascending: (60/50)**(1/4)-1 = 0.046635 >= 0.015 -> on_track
    value, status, notes = opensdg(Point(50.0, 2015, None, None, 60.0, 2019, 1), DEFAULT_THRESHOLDS)
    assert value == pytest.approx(1.2 ** 0.25 - 1) and status == "on_track"
    assert notes == ["Sin meta cuantitativa: Open SDG juzga el crecimiento anual compuesto observado en la "
                     "dirección esperada, 4.66 % (2015-2019), contra umbrales anuales de 1.5 %, 0.5 % y 0 %."]
    # descending: -0.046635 < 0 -> deterioration
    assert opensdg(Point(50.0, 2015, None, None, 60.0, 2019, -1), DEFAULT_THRESHOLDS)[1] == "deterioration"
    # near a maximum of 100: C = 1 - (95/100)**4.44 = 1 - 0.7963 = 0.2037; 1.5 % * C = 0.3055 %,
    # 0.5 % * C = 0.1018 %; (97/95)**(1/4)-1 = 0.522 % >= 0.3055 % -> on_track (1.5 % unscaled: limited)
    c = 1 - 0.95 ** 4.44
    assert limit_coefficient(95.0, 100.0, 1) == pytest.approx(c)
    value, status, notes = opensdg(Point(95.0, 2015, None, None, 97.0, 2019, 1, limit=100.0), DEFAULT_THRESHOLDS)
    assert value == pytest.approx((97 / 95) ** 0.25 - 1) and value >= NO_TARGET_THRESHOLDS["on_track"] * c
    assert status == "on_track" and notes[0].endswith("contra umbrales anuales de 0.3055 %, 0.1018 % y 0 % (límite natural 100: factor 0.2037).")
    # a maximum for a descending indicator is not a limit of its progress (methodology): C = 1
    assert limit_coefficient(95.0, 100.0, -1) == 1.0


def test_a_meta_printed_nd_is_judged_without_a_target(damaged_report):
    # 3.1 (annex l.668): línea base 0 (2020), 86 in 2023 (2024 N/D), its Meta 2024 printed ND:
    # base 0 -> 0.001; (86 / 0.001) ** (1 / 3) - 1 = 43.14 (4314 %) >= 0.015 -> on_track
    path = damaged_report(edits=[(668, 7, "100", "ND")])
    row = pntlib.progress(report=path, method="opensdg").loc["3.1"]
    assert row["status"] == "on_track"
    assert row["pace_ratio"] == pytest.approx((86 / 0.001) ** (1 / 3) - 1)
    assert "La Meta 2024 se imprime ND (sin valor)." in row["method_note"]
    assert "Sin meta cuantitativa: Open SDG juzga el crecimiento anual compuesto observado en la dirección " \
           "esperada, 4314 % (2020-2023), contra umbrales anuales de 1.5 %, 0.5 % y 0 %." in row["method_note"]


def test_real_notes_name_the_base_and_the_target_year():
    table = pntlib.progress(method="opensdg")
    notes = " ".join(table["method_note"])
    assert "p.base" not in notes
    # 3.1: 86 (2023), base 0 -> 0.001 (2020), Meta 100 (2024): (86000)**(1/3)-1 = 43.14 = 4314 %;
    #      (100000)**(1/4)-1 = 16.78 = 1678.28 %; 43.14 / 16.78 = 2.57
    assert ("Línea base 0: Open SDG la reemplaza por 0.001, como sdg-build. Open SDG: crecimiento anual "
            "compuesto observado 4314 % (2020-2023) / requerido 1678.28 % (2020-2024) = 2.57.") in table.loc["3.1", "method_note"]
    # 4.2: 0 (2024) from 0 (2021), Meta 50: (0/0.001)**(1/3)-1 = -1 = -100 %; (50000)**(1/3)-1 = 35.84;
    #      -1 / 35.84 = -0.0279 -> written -0.03
    assert "observado -100 % (2021-2024) / requerido 3584.03 % (2021-2024) = -0.03." in table.loc["4.2", "method_note"]


def test_a_meta_without_value_is_why_the_methods_differ(damaged_report):
    # 3.1 with its Meta 2024 printed ND: straight path no_data, Open SDG on_track (growth 4314 %)
    from pntlib.evidence import method_disagreements

    path = damaged_report(edits=[(668, 7, "100", "ND")])
    differ = method_disagreements(pntlib.compare_methods(report=path), pntlib.progress(report=path))
    assert differ.loc["3.1", "razon"] == ("La Meta no tiene valor: Open SDG juzga el crecimiento de la serie; "
                                          "la trayectoria lineal no puede medirse.")
    assert differ.loc["3.1", "opensdg"] == STATUS_LABELS["on_track"]


def _frames(results, *, base, base_year, target, target_year, trend="Ascendente"):
    """series + indicators frames of one synthetic indicator; results = {year: value}."""
    rows = [{"indicator_id": "9.1", "measure": "baseline", "year": base_year, "raw": str(base), "value": base}]
    rows += [{"indicator_id": "9.1", "measure": "result", "year": y, "raw": str(v), "value": v}
             for y, v in results.items()]
    rows.append({"indicator_id": "9.1", "measure": "target", "year": target_year, "raw": str(target), "value": target})
    series = pd.DataFrame(rows).assign(status="normal")
    series["value"] = series["value"].astype("Float64")
    indicators = pd.DataFrame([{"indicator_id": "9.1", "objective": 9, "kind": "parametro", "unit": "Porcentaje",
                                "expected_trend": trend, "accumulation": "Periódico", "baseline_value": base,
                                "baseline_year": base_year, "target_value": target,
                                "target_year": target_year}]).set_index("indicator_id")
    return series, indicators


@pytest.mark.parametrize(("case", "status", "note"), [
    # Meta year = línea base year (sdg-build: ZeroDivisionError): no required rate
    (dict(results={2022: 60.0}, base=50.0, base_year=2020, target=80.0, target_year=2020), "no_data",
     "La Meta es de 2020, no posterior a la línea base (2020): no hay tasa de crecimiento requerida."),
    # Meta 0, descending, 0.0005 in 2022: 0 -> 0.001 first; 0.0005 <= 0.001 -> achieved
    (dict(results={2022: 0.0005}, base=5.0, base_year=2020, target=0.0, target_year=2024, trend="Descendente"),
     "achieved", "Meta 2024 de 0: Open SDG la reemplaza por 0.001, como sdg-build."),
    # every result before the línea base year: through progress() the card contradicts itself
    # (audit check baseline_after_results), so no method judges its trajectory
    (dict(results={2018: 60.0}, base=50.0, base_year=2020, target=80.0, target_year=2024), "no_data",
     "La ficha se contradice: la línea base es de 2020, posterior a todos los resultados"),
    # línea base = Meta = 50 (2026), 40 in 2022: required rate 0 -> deterioration, no number
    (dict(results={2022: 40.0}, base=50.0, base_year=2020, target=50.0, target_year=2026), "deterioration",
     "La Meta 2026 es igual a la línea base: la tasa requerida es 0"),
])
def test_degenerate_cases_through_progress(case, status, note):
    series, indicators = _frames(**case)
    row = progress_from_frames(series, indicators, method="opensdg").iloc[0]
    assert row["status"] == status and note in row["method_note"]
    assert pd.isna(row["pace_ratio"])
