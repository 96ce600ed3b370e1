"""Project paths: the one place where pntlib learns where its data lives.

Every path is derived from :data:`PROJ_ROOT` and may be overridden by the
caller's arguments; nothing is read or logged at import time.
"""

from __future__ import annotations

from pathlib import Path

PROJ_ROOT = Path(__file__).resolve().parents[2]
RAW_DATA_DIR = PROJ_ROOT / "data" / "raw"
PROCESSED_DATA_DIR = PROJ_ROOT / "data" / "processed"
REPORTS_DIR = PROJ_ROOT / "reports"
#: Where a notebook run by hand (JupyterLab, papermill) writes its figures and summary
#: when given no ``output_dir``: beside, never inside, the reports ``pnt run`` manages and
#: publishes. The environment variable ``PNTLIB_OUTPUT_DIR``, read when a notebook starts,
#: overrides it.
MANUAL_REPORTS_DIR = PROJ_ROOT / "reports-manual"
NOTEBOOKS_DIR = PROJ_ROOT / "notebooks"

#: File name of the progress report kept verbatim under ``data/raw/``.
REPORT_FILENAME = "pntdp-2022-2024_avance-y-resultados_2023-01_2024-06.txt"
#: The report read when the caller names none.
DEFAULT_REPORT = RAW_DATA_DIR / REPORT_FILENAME
#: ``sha256sum``-format file holding the expected checksum of the default report.
CHECKSUM_FILE = RAW_DATA_DIR / "SHA256SUMS"
