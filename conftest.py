"""Suite-wide set-up, for tests/ and for the notebooks nbval executes."""

import os
import tempfile

import pytest

# Fixtures that execute notebooks: a test that uses one starts Jupyter kernels.
KERNEL_FIXTURES = {"executed_collection"}


def pytest_configure(config):
    # Notebooks executed by the suite write their figures to a temporary folder,
    # never into the working tree (see pntlib.params.validate_output_dir).
    os.environ.setdefault("PNTLIB_OUTPUT_DIR", tempfile.mkdtemp(prefix="pntlib-nbval-"))


def pytest_collection_modifyitems(config, items):
    # `kernel` marks every test that starts a Jupyter kernel, so that
    # `pytest -m "not kernel"` (make test-fast) runs the rest. Tests mark themselves
    # with @pytest.mark.kernel; nbval's notebook cells and the users of a notebook-
    # executing fixture are marked here.
    for item in items:
        if item.path.suffix == ".ipynb" or KERNEL_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.kernel)
