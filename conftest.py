"""Suite-wide set-up, for tests/ and for the notebooks nbval executes."""

import os
import tempfile


def pytest_configure(config):
    # Notebooks executed by the suite write their figures to a temporary folder,
    # never into the working tree (see pntlib.params.validate_output_dir).
    os.environ.setdefault("PNTLIB_OUTPUT_DIR", tempfile.mkdtemp(prefix="pntlib-nbval-"))
