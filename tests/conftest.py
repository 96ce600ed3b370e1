"""Shared fixtures: paths resolved from this file, the real report, damaged copies."""

from __future__ import annotations

from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")  # tests only: charts render off-screen; src/ never chooses a backend

TESTS_DIR = Path(__file__).resolve().parent
PROJ_ROOT = TESTS_DIR.parent
RAW_REPORT = PROJ_ROOT / "data" / "raw" / "pntdp-2022-2024_avance-y-resultados_2023-01_2024-06.txt"
SHARED_REPORT = PROJ_ROOT.parent / "shared" / "data" / RAW_REPORT.name


@pytest.fixture(scope="session")
def report_text() -> str:
    return RAW_REPORT.read_text(encoding="utf-8")


@pytest.fixture()
def write_report(tmp_path):
    """Write a (possibly damaged) copy of the report and return its path."""

    def _write(text: str, name: str = "report.txt") -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return _write
