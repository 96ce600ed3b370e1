"""The run plan: the YAML file that lists what ``pnt run`` executes.

Format (every key is optional except ``runs`` and each run's ``notebook``;
unknown keys are an error)::

    timeout: 900                 # seconds allowed per notebook (default 900)
    parameters: {}               # passed to every run, e.g. {report: other.txt}
                                 # (a report path is relative to the plan's folder)
    runs:
      - notebook: overview.ipynb           # path relative to the plan file
      - notebook: objective.ipynb
        for_each: objective                # one run per objective of the report
      - notebook: indicator.ipynb
        for_each: indicator                # one run per indicator of the report
      - notebook: indicator.ipynb
        parameters: {indicator: "3.2"}     # one run with these parameters
      - notebook: objective.ipynb
        parameter_sets: [{objective: 1}, {objective: 2}]
        timeout: 120                       # overrides the plan's timeout

Each run is named by :func:`pntlib.outputs.run_name` from the notebook stem
and its own parameter values (``indicator_3.2``) unless the entry gives
``name``; names match ``^[A-Za-z0-9][A-Za-z0-9_.-]*$`` and must be unique
(ignoring case), and no two runs may execute the same notebook with equal
parameters. A run's parameters must be declared in the notebook's
``parameters`` cell. Every run also receives ``output_dir`` (its staging
folder) and ``run_name`` (its name), so every notebook must declare both: it
saves ``figures/`` and its summary in ``output_dir`` and names every file
after ``run_name``; files not named after the run are not published.

The model of the file is :class:`PlanFile` (pydantic, extra keys forbidden);
:func:`load_plan` reads it and expands it into :class:`Run` records.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from .. import config
from ..exceptions import PlanError
from ..outputs import RUN_NAME_PATTERN, run_name
from . import yaml_loader
from .state import sha256_file

__all__ = [
    "DEFAULT_PLAN",
    "DEFAULT_TIMEOUT",
    "TIMEOUT_RANGE",
    "FOR_EACH",
    "RUNNER_PARAMETERS",
    "PlanFile",
    "PlanEntry",
    "Run",
    "load_plan",
    "declared_parameters",
    "read_parameters_cell",
    "is_text_type",
    "check_parameters_declared",
]

#: The run plan used when none is given.
DEFAULT_PLAN = config.NOTEBOOKS_DIR / "plan.yaml"
#: Seconds allowed per notebook when the plan does not say.
DEFAULT_TIMEOUT = 900.0
#: The timeouts a plan may give (seconds, inclusive): nbclient waits for a kernel in whole
#: seconds (under 1 s it fails every run), and a wait beyond a week overflows the poll
#: of the kernel's messages (1e308 s fails every run with OverflowError).
TIMEOUT_RANGE = (1.0, 7 * 24 * 3600.0)
#: ``for_each`` values: one run per objective or per indicator of the report.
FOR_EACH = ("objective", "indicator")
#: Parameters ``pnt run`` gives every run itself; a plan may not set them.
RUNNER_PARAMETERS = ("output_dir", "run_name")
#: Run names that would overwrite the runner's own files.
RESERVED_NAMES = frozenset({"index", "manifest"})


@dataclass(frozen=True)
class Run:
    """One notebook execution of a plan (built by :func:`load_plan`).

    Attributes: ``name`` (the stem of every file it publishes), ``notebook``
    (absolute path), ``parameters`` (plan-wide ones merged with the entry's,
    ``report`` made absolute) and ``timeout`` (seconds for the whole notebook).
    """

    name: str
    notebook: Path
    parameters: dict = field(default_factory=dict)
    timeout: float = DEFAULT_TIMEOUT

    @property
    def report(self) -> Path:
        """The report file the run reads (its ``report`` parameter, else the default)."""
        value = self.parameters.get("report")
        return Path(value).resolve() if value else config.DEFAULT_REPORT


# --------------------------------------------------------------------------- the file's model


def _timeout(value: object) -> float:
    """A timeout in seconds, within :data:`TIMEOUT_RANGE`."""
    low, high = TIMEOUT_RANGE
    if (isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value)
            or not low <= value <= high):
        raise ValueError(f"timeout={value!r} is not valid: give a number of seconds from {low:g} to {high:g} "
                         f"(a week)")
    return float(value)


def _mapping(value: object, what: str) -> dict:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ValueError(f"{what} must be a mapping, found {value!r}")
    return value


class PlanEntry(BaseModel):
    """One entry of ``runs``: a notebook and its parameter sets (at most one of
    ``parameters``, ``parameter_sets``, ``for_each``)."""

    model_config = ConfigDict(extra="forbid")

    notebook: str = Field(description="notebook file, relative to the plan's folder")
    name: str | None = Field(None, description="run name (one run only); default: notebook stem and parameter values")
    parameters: dict[str, Any] | None = Field(None, description="one run with these parameters")
    parameter_sets: list[dict[str, Any]] | None = Field(None, description="one run per mapping (a non-empty list)")
    for_each: Literal["objective", "indicator"] | None = Field(
        None, description="one run per objective or per indicator of the report, in report order")
    timeout: float | None = Field(None, description="seconds for the whole notebook; default: the plan's")

    @field_validator("notebook", mode="before")
    @classmethod
    def _notebook(cls, value: object) -> str:
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise ValueError(f"notebook={value!r} must be a file name")
        return str(value)

    @field_validator("name", mode="before")
    @classmethod
    def _name(cls, value: object) -> object:
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            raise ValueError(f"name={value!r} must be text")
        return str(value)

    @field_validator("parameters", mode="before")
    @classmethod
    def _parameters(cls, value: object) -> dict:
        return _mapping(value, "parameters")

    @field_validator("parameter_sets", mode="before")
    @classmethod
    def _parameter_sets(cls, value: object) -> list:
        if not isinstance(value, list) or not value or not all(isinstance(s, dict) for s in value):
            raise ValueError(f"parameter_sets must be a non-empty list of mappings, found {value!r}")
        return value

    @field_validator("for_each", mode="before")
    @classmethod
    def _for_each(cls, value: object) -> object:
        if value not in FOR_EACH:
            raise ValueError(f"for_each={value!r} is not valid; choose one of: {', '.join(FOR_EACH)}")
        return value

    @field_validator("timeout", mode="before")
    @classmethod
    def _timeout(cls, value: object) -> float:
        return _timeout(value)

    @model_validator(mode="before")
    @classmethod
    def _one_way_to_give_parameters(cls, data: object) -> object:
        if not isinstance(data, dict) or "notebook" not in data:
            raise ValueError(f"each run is a mapping with a 'notebook' key, found {data!r}")
        given = [k for k in ("parameters", "parameter_sets", "for_each") if k in data]
        if len(given) > 1:
            raise ValueError(f"give only one of parameters, parameter_sets, for_each (found {given})")
        return data


class PlanFile(BaseModel):
    """The whole plan file: ``timeout``, plan-wide ``parameters`` and ``runs``."""

    model_config = ConfigDict(extra="forbid")

    timeout: float = Field(DEFAULT_TIMEOUT, description="seconds allowed per notebook (1 to 604800)")
    parameters: dict[str, Any] = Field(
        default_factory=dict, description="given to every run; a report path is relative to the plan's folder")
    runs: list[PlanEntry] = Field(description="the plan's entries, in order")

    @field_validator("timeout", mode="before")
    @classmethod
    def _timeout(cls, value: object) -> float:
        return _timeout(value)

    @field_validator("parameters", mode="before")
    @classmethod
    def _parameters(cls, value: object) -> dict:
        return _mapping(value, "parameters")

    @model_validator(mode="before")
    @classmethod
    def _shape(cls, data: object) -> object:
        if not isinstance(data, dict) or not isinstance(data.get("runs"), list):
            raise ValueError("a plan is a mapping with a list under 'runs'")
        return data


def _plan_error(path: Path, exc: ValidationError) -> PlanError:
    """The first problem of a plan, as a PlanError naming the entry."""
    errors = exc.errors()
    first = errors[0]
    loc = first["loc"]
    where = path.name
    if len(loc) >= 2 and loc[0] == "runs" and isinstance(loc[1], int):
        where, loc = f"{path.name}: run {loc[1] + 1}", loc[2:]
    if first["type"] == "extra_forbidden":
        model = PlanEntry if where != path.name else PlanFile
        unknown = sorted(str(e["loc"][-1]) for e in errors if e["type"] == "extra_forbidden"
                         and e["loc"][:-1] == first["loc"][:-1])
        return PlanError(f"{where}: unknown keys {unknown}; valid keys: {sorted(model.model_fields)}")
    error = (first.get("ctx") or {}).get("error")
    message = str(error) if error is not None else f"{'.'.join(map(str, loc))}: {first['msg']}"
    return PlanError(f"{where}: {message}")


# --------------------------------------------------------------------------- expanding it into runs


def _report_parameter(params: dict, base: Path, where: str) -> dict:
    """``report`` made absolute (relative to the plan's folder) and checked."""
    if not params.get("report"):
        return params
    report = (base / str(params["report"])).resolve()
    if not report.is_file():
        raise PlanError(f"{where}: report {params['report']!r} not found at {report}")
    return {**params, "report": str(report)}


def _parameter_sets(entry: PlanEntry, report: str | None) -> list[dict]:
    """The parameter sets of one entry, ``for_each`` expanded in report order."""
    if entry.for_each == "objective":
        from ..tables import load_objectives

        return [{"objective": int(o)} for o in load_objectives(report=report)["objective"]]
    if entry.for_each == "indicator":
        from ..tables import load_indicators

        return [{"indicator": str(i)} for i in load_indicators(report=report).index]
    if entry.parameter_sets is not None:
        return [dict(s) for s in entry.parameter_sets]
    return [dict(entry.parameters or {})]


def _check_name(name: str, where: str) -> None:
    """A run name: a safe file-name stem that does not clash with the runner's files."""
    if not RUN_NAME_PATTERN.fullmatch(name):
        raise PlanError(
            f"{where}: run name {name!r} is not valid; a name starts with a letter or digit and holds only "
            f"letters, digits, '_', '.' and '-', at most 100 of them ({RUN_NAME_PATTERN.pattern})"
        )
    if name.casefold() in RESERVED_NAMES:
        raise PlanError(f"{where}: run name {name!r} is reserved by pnt run (reserved: {sorted(RESERVED_NAMES)})")


def _entry_runs(entry: PlanEntry, where: str, base: Path, common: dict, timeout: float) -> list[Run]:
    """The runs of one plan entry."""
    notebook = (base / entry.notebook).resolve()
    if not notebook.is_file():
        raise PlanError(f"{where}: notebook {entry.notebook!r} not found at {notebook}")
    if notebook.suffix.lower() != ".ipynb":  # refused here, before the output folder is made
        raise PlanError(f"{where}: notebook {entry.notebook!r} is not a Jupyter notebook; give an .ipynb file")
    sets = _parameter_sets(entry, common.get("report"))
    if entry.name is not None and len(sets) > 1:
        raise PlanError(f"{where}: 'name' applies to a single run, but the entry makes {len(sets)}")
    runs = []
    for params in sets:
        given = sorted(set({**common, **params}) & set(RUNNER_PARAMETERS))
        if given:
            raise PlanError(f"{where}: parameters {given} are set by pnt run itself; remove them from the plan")
        yaml_loader.check_ids(params, where)
        name = entry.name if entry.name is not None else run_name(notebook.name, params)
        _check_name(name, where)
        parameters = _report_parameter({**common, **params}, base, where)
        runs.append(Run(name, notebook, parameters, entry.timeout if entry.timeout is not None else timeout))
    return runs


def _check_unique(runs: list[Run], plan_name: str) -> None:
    """No two runs with the same name (ignoring case), notebook and parameters."""
    seen: dict[str, Run] = {}
    for number, run in enumerate(runs):
        other = seen.get(run.name.casefold())
        if other is not None:
            same = "" if other.name == run.name else f" and {other.name!r} (names differ only in case)"
            raise PlanError(f"{plan_name}: two runs are named {run.name!r}{same}; give one a 'name'")
        seen[run.name.casefold()] = run
        for earlier in runs[:number]:
            if earlier.notebook == run.notebook and earlier.parameters == run.parameters:
                raise PlanError(
                    f"{plan_name}: runs {earlier.name!r} and {run.name!r} execute {run.notebook.name} with "
                    f"the same parameters {run.parameters!r}; remove one"
                )


def load_plan(plan: str | Path | None = None, *, check_parameters: bool = True) -> list[Run]:
    """Read a run plan and expand it into runs.

    Parameters
    ----------
    plan : str or Path, optional
        YAML file (format in the module docstring); default
        ``notebooks/plan.yaml``. Notebook paths are relative to its folder.
    check_parameters : bool, default True
        Check every run's parameters against its notebook's parameters cell
        (:func:`check_parameters_declared`; imports papermill).

    Returns
    -------
    list of Run
        In plan order; ``for_each`` entries expand in report order
        (objectives 1-5, indicators 1.1-5.3, from the report named by the
        plan's ``parameters.report`` or the default report).

    Raises
    ------
    PlanError
        Not YAML, or YAML pnt does not accept (anchors and aliases, a key
        given twice, a file over 1 MiB: :mod:`pntlib.run.yaml_loader`); a
        number where an id is expected (``indicator: 3.10``: quote it);
        unknown keys; a missing notebook; a bad ``for_each``; a bad timeout (not a number of seconds from 1 to 604800); a bad run name; two runs with the
        same name (ignoring case) or the same notebook and parameters; a
        parameter the notebook does not declare (the message lists the
        declared ones) or one that ``pnt run`` sets itself. The message names
        the entry. The plan file cannot be read (missing, a folder).
    """
    path = Path(DEFAULT_PLAN if plan is None else plan).resolve()
    data = yaml_loader.load(path)
    try:
        model = PlanFile.model_validate(data)
    except ValidationError as exc:
        raise _plan_error(path, exc) from None
    yaml_loader.check_ids(model.parameters, path.name)
    common = _report_parameter(model.parameters, path.parent, path.name)
    runs: list[Run] = []
    for number, entry in enumerate(model.runs, start=1):
        runs += _entry_runs(entry, f"{path.name}: run {number}", path.parent, common, model.timeout)
    _check_unique(runs, path.name)
    if check_parameters:
        check_parameters_declared(runs)
    return runs


# --------------------------------------------------------------------------- the notebooks' parameters


_DECLARED: dict[tuple[Path, str], dict] = {}
_PARAMETERS_TAG = "parameters"


def _comments(source: str) -> dict[int, str]:
    """The comment ending each line of ``source`` (1-based line -> text after ``#``)."""
    import io
    import tokenize

    found = {}
    try:
        for token in tokenize.generate_tokens(io.StringIO(source).readline):
            if token.type == tokenize.COMMENT:
                found[token.start[0]] = token.string.lstrip("#").strip()
    except (tokenize.TokenError, IndentationError):  # the ast parse names the problem
        pass
    return found


def read_parameters_cell(source: str) -> dict:
    """The parameters a notebook's ``parameters`` cell declares, read with :mod:`ast`.

    Every top-level assignment is a parameter: ``name = value``,
    ``name: annotation = value`` with any annotation Python allows
    (``str | None``, ``Optional[int]``, ``"str"``, ``list[dict[str, int]]``),
    and ``name: annotation`` without a value. papermill's own reader (the
    private ``papermill.translators.PythonTranslator.inspect`` behind
    ``papermill --help-notebook``) matches each line against a regular
    expression of ``name: type = value`` in which a type is one word and
    brackets, so it drops a PEP 604 union such as ``str | None``; papermill
    has no public function that reads a parameters cell, so pnt reads it itself.

    Parameters
    ----------
    source : str
        The cell's code.

    Returns
    -------
    dict
        ``{name: {"name", "inferred_type_name", "default", "help"}}`` in cell
        order: the annotation as written (``"None"`` without one), the value's
        source (``"None"`` without one) and the comment ending the statement.

    Raises
    ------
    SyntaxError
        The cell is not Python.
    """
    import ast

    tree = ast.parse(source)
    comments = _comments(source)
    found: dict[str, dict] = {}
    for node in tree.body:
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            targets, annotation = [node.target], ast.unparse(node.annotation)
        elif isinstance(node, ast.Assign):
            targets, annotation = [t for t in node.targets if isinstance(t, ast.Name)], "None"
        else:
            continue
        default = "None" if node.value is None else (ast.get_source_segment(source, node.value) or ast.unparse(node.value))
        for target in targets:
            found[target.id] = {"name": target.id, "inferred_type_name": annotation, "default": default,
                                "help": comments.get(node.end_lineno, "")}
    return found


def _union_members(node) -> list:
    """The members of a union annotation (``a | b``, ``Optional[a]``, ``Union[a, b]``), else the node itself."""
    import ast

    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        return _union_members(node.left) + _union_members(node.right)
    if isinstance(node, ast.Subscript):
        name = node.value.attr if isinstance(node.value, ast.Attribute) else getattr(node.value, "id", "")
        if name in ("Optional", "Union"):
            inner = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
            return [m for part in inner for m in _union_members(part)]
    if isinstance(node, ast.Constant) and isinstance(node.value, str):  # a string annotation: "str | None"
        try:
            return _union_members(ast.parse(node.value, mode="eval").body)
        except SyntaxError:
            return [node]
    return [node]


def is_text_type(annotation: str) -> bool:
    """Whether a parameter's annotation is text, or text or nothing (``str``, ``str | None``,
    ``Optional[str]``, ``"str"``): a number given for it is then refused (``3.10`` would be 3.1)."""
    import ast

    try:
        members = _union_members(ast.parse(annotation, mode="eval").body)
    except SyntaxError:
        return False
    names = {ast.unparse(m) for m in members} - {"None"}
    return bool(names) and names <= {"str", "builtins.str"}


def declared_parameters(notebook: str | Path) -> dict:
    """The parameters a notebook declares in its ``parameters`` cell (:func:`read_parameters_cell`).

    The cell is the first one tagged ``parameters``, as papermill finds it.

    Returns
    -------
    dict
        ``{name: {"name", "inferred_type_name", "default", "help"}}`` in cell
        order (empty without a parameters cell); cached by the notebook's sha256.

    Raises
    ------
    PlanError
        The notebook cannot be read, or its parameters cell is not Python (the message gives the line).
    """
    path = Path(notebook).resolve()
    key = (path, sha256_file(path))
    if key not in _DECLARED:
        import nbformat

        try:
            nb = nbformat.read(path, as_version=4)
        except Exception as exc:  # not a notebook, bad JSON, ...
            raise PlanError(f"{path}: cannot read its parameters: {exc}") from exc
        cell = next((c for c in nb.cells if _PARAMETERS_TAG in c.get("metadata", {}).get("tags", [])), None)
        try:
            _DECLARED[key] = read_parameters_cell(cell.source) if cell is not None else {}
        except SyntaxError as exc:
            raise PlanError(f"{path}: its parameters cell is not Python (line {exc.lineno}: {exc.msg})") from exc
    return _DECLARED[key]


def check_parameters_declared(runs: Iterable[Run]) -> None:
    """Check that every run gives only parameters its notebook declares.

    The notebook must also declare the parameters ``pnt run`` passes itself
    (:data:`RUNNER_PARAMETERS`: ``output_dir`` and ``run_name``). A number
    given for a parameter the notebook declares as text (``name: str``) is
    refused: YAML reads ``3.10`` as the number 3.1, so such values are quoted.

    Raises
    ------
    PlanError
        Naming the run, the undeclared parameters and the declared ones.
    """
    for run in runs:
        declared = declared_parameters(run.notebook)
        listing = ", ".join(declared) or "none"
        missing = [p for p in RUNNER_PARAMETERS if p not in declared]
        if missing:
            raise PlanError(
                f"run {run.name!r}: {run.notebook.name} does not declare {missing}, which pnt run passes to every "
                f"notebook (its parameters cell needs e.g. run_name: str = \"\"); it declares: {listing}"
            )
        unknown = [p for p in run.parameters if p not in declared]
        if unknown:
            raise PlanError(
                f"run {run.name!r}: {run.notebook.name} does not declare the parameters {unknown}; "
                f"its parameters are: {listing}"
            )
        text = {p for p in run.parameters if is_text_type(declared[p]["inferred_type_name"])}
        yaml_loader.check_ids(run.parameters, f"run {run.name!r}", names=text)
