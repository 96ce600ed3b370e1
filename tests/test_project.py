"""Project hygiene: the raw copy, the lock file and environment.yml in step with pyproject.toml, imports, function length."""

from __future__ import annotations

import ast
import hashlib
import io
import tokenize
import tomllib
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

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
    return canonicalize_name(Requirement(spec).name)


def _pyproject_requirements() -> list[Requirement]:
    """pyproject.toml's dependencies: runtime, then the dev extra."""
    project = tomllib.loads((PROJ_ROOT / "pyproject.toml").read_text())["project"]
    assert project["requires-python"] == ">=3.11"
    assert set(project.get("optional-dependencies", {})) <= {"dev"}
    wanted = list(project["dependencies"]) + list(project.get("optional-dependencies", {}).get("dev", []))
    return [Requirement(spec) for spec in wanted]


def _locked() -> dict[str, Version]:
    """requirements/lock.txt as {canonical name: version}; every requirement line pins one version."""
    pins = {}
    for line in (PROJ_ROOT / "requirements" / "lock.txt").read_text().splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        requirement = Requirement(line)
        (spec,) = requirement.specifier  # exactly one specifier ...
        assert spec.operator == "==", line  # ... an exact version
        pins[canonicalize_name(requirement.name)] = Version(spec.version)
    return pins


def test_lock_pins_every_dependency_within_pyproject_bounds():
    # make lock (uv pip compile) writes requirements/lock.txt from pyproject.toml; make installs it.
    pins = _locked()
    for requirement in _pyproject_requirements():
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{name} is not in requirements/lock.txt: run `make lock`"
        assert requirement.specifier.contains(pins[name], prereleases=True), (
            f"requirements/lock.txt pins {name}=={pins[name]}, outside pyproject's {requirement}: run `make lock`"
        )


def test_environment_yml_matches_pyproject_and_lock():
    # environment.yml is written by `make lock` (requirements/environment.py): pyproject's
    # dependencies, in its order, at the lock's versions.
    env = yaml.safe_load((PROJ_ROOT / "environment.yml").read_text())
    conda = [d for d in env["dependencies"] if isinstance(d, str)]
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert pip == ["-e ."]
    assert conda[:2] == ["python=3.11", "pip"]
    pins = _locked()
    listed = [tuple(d.split("==")) for d in conda[2:]]
    wanted = [(_name(str(r)), str(pins[_name(str(r))])) for r in _pyproject_requirements()]
    assert [(canonicalize_name(n), v) for n, v in listed] == wanted, "run `make lock`"


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


def _imports(module: Path) -> set[str]:
    """The pntlib modules one file imports (relative imports resolved), at any depth of its code."""
    package = module.relative_to(PROJ_ROOT / "src").with_suffix("").parts[:-1]
    found = set()
    for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            base = list(package[: len(package) - node.level + 1]) if node.level else []
            name = ".".join(base + ([node.module] if node.module else []))
            found |= {name} | {f"{name}.{a.name}" for a in node.names}
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
    return {n for n in found if n.startswith("pntlib")}


def test_validation_does_not_read_the_report():
    # The validators take the report's choices (parsed.indicator_ids ...): pntlib.tables imports
    # pntlib.validation, never the other way round, not even inside a function.
    src = PROJ_ROOT / "src" / "pntlib"
    assert "pntlib.validation" in _imports(src / "tables.py")
    assert not {n for n in _imports(src / "validation.py") if n.startswith(("pntlib.tables", "pntlib.report"))}


def _code_lines(source: str) -> dict[str, int]:
    """{qualified name: lines of code} of every function in ``source``: lines holding code,
    not blank, not only a comment, not part of a docstring (the function's or a nested one's)."""
    tree = ast.parse(source)
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and ast.get_docstring(
            node, clean=False
        ) is not None:
            docstrings |= set(range(node.body[0].lineno, node.body[0].end_lineno + 1))
    code = set()
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type not in (tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT,
                              tokenize.ENDMARKER):
            code |= set(range(token.start[0], token.end[0] + 1))
    code -= docstrings
    found = {}

    def visit(node, prefix):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                name = f"{prefix}{child.name}"
                if not isinstance(child, ast.ClassDef):
                    found[name] = len(code & set(range(child.lineno, child.end_lineno + 1)))
                visit(child, name + ".")
            else:
                visit(child, prefix)

    visit(tree, "")
    return found


#: Functions over the limit: none (issue 21 split the last ones); the test fails when one grows past it.
LONG_FUNCTIONS = set()


def test_no_function_over_80_lines_of_code():
    assert _code_lines('def f():\n    """Doc.\n\n    More."""\n    # a comment\n\n    x = 1\n    return x\n') == {"f": 3}
    src = PROJ_ROOT / "src" / "pntlib"
    long = {}
    for path in sorted(src.rglob("*.py")):
        module = ".".join(path.relative_to(src).with_suffix("").parts)
        for name, lines in _code_lines(path.read_text(encoding="utf-8")).items():
            if lines > 80:
                long[f"{module}.{name}"] = lines
    assert set(long) == LONG_FUNCTIONS, long


def test_shared_docstring_pieces_are_filled_in():
    import importlib
    import inspect

    from pntlib import docstrings, tables

    doc = docstrings.fill('"""Title.\n\n    Parameters\n    ----------\n    {report}\n    x : {0, 1}\n    """')
    assert "    report : str or Path, optional\n        Report file; default the verified copy" in doc
    assert "x : {0, 1}" in doc  # other braces stay as written
    with pytest.raises(KeyError):
        docstrings.fill("    {no_such_piece}")
    assert docstrings.PIECES["report_errors"] in inspect.getdoc(tables.load_series)  # dedented as help() shows it
    # no placeholder left in any docstring of pntlib (a function using one without @shared)
    src = PROJ_ROOT / "src" / "pntlib"
    for path in sorted(src.rglob("*.py")):
        module = importlib.import_module(".".join(("pntlib", *path.relative_to(src).with_suffix("").parts)).removesuffix(".__init__"))
        for name, obj in vars(module).items():
            if inspect.isfunction(obj) and obj.__module__ == module.__name__ and obj.__doc__:
                assert not any(line.strip() in {f"{{{k}}}" for k in docstrings.PIECES} for line in obj.__doc__.splitlines()), (
                    f"{module.__name__}.{name}: decorate it with pntlib.docstrings.shared"
                )
