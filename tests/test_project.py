"""Project hygiene: the raw copy, environment.yml in step with pyproject.toml."""

from __future__ import annotations

import hashlib
import re
import tomllib

import pytest
import yaml

from .conftest import PROJ_ROOT, RAW_REPORT, SHARED_REPORT


def test_raw_report_is_the_published_file():
    digest = hashlib.sha256(RAW_REPORT.read_bytes()).hexdigest()
    sums = (PROJ_ROOT / "data" / "raw" / "SHA256SUMS").read_text().split()
    assert sums == [digest, RAW_REPORT.name]
    assert digest in (PROJ_ROOT / "data" / "raw" / "README.md").read_text()
    if not SHARED_REPORT.exists():
        pytest.skip("../shared/data is not beside this checkout")
    assert RAW_REPORT.read_bytes() == SHARED_REPORT.read_bytes()


def _name(spec: str) -> str:
    return re.split(r"[<>=!~ \[;]", spec.strip(), maxsplit=1)[0].lower().replace("_", "-")


def _norm(spec: str) -> str:
    return re.sub(r"\s+", "", spec).lower().replace("_", "-")


def test_environment_yml_matches_pyproject():
    project = tomllib.loads((PROJ_ROOT / "pyproject.toml").read_text())["project"]
    wanted = list(project["dependencies"])
    for extra in project.get("optional-dependencies", {}).values():
        wanted += extra
    env = yaml.safe_load((PROJ_ROOT / "environment.yml").read_text())
    conda = [d for d in env["dependencies"] if isinstance(d, str)]
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert "-e ." in pip
    python = next(d for d in conda if _name(d) == "python")
    assert python.split("=")[-1] in {"3.11", "3.12"}
    assert project["requires-python"] == ">=3.11"
    listed = {_name(d): _norm(d) for d in conda if _name(d) not in {"python", "pip"}}
    assert listed == {_name(d): _norm(d) for d in wanted}


def test_data_dictionary_page_is_current():
    from pntlib import schema

    readme = (PROJ_ROOT / "docs" / "data-dictionary.md").read_text(encoding="utf-8")
    start = readme.index("<!-- data-dictionary:start -->\n") + len("<!-- data-dictionary:start -->\n")
    end = readme.index("<!-- data-dictionary:end -->")
    assert readme[start:end] == schema.markdown(), "regenerate it with: python -m pntlib.schema"


def test_readme_starts_with_the_two_commands():
    readme = (PROJ_ROOT / "README.md").read_text(encoding="utf-8")
    first_block = readme.split("```")[1]
    assert "make report" in first_block and "make test" in first_block
