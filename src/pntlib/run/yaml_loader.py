"""Reading a plan's YAML the way pnt needs it: small, plain, unambiguous.

:func:`load` reads a plan with a :class:`PlanLoader`, PyYAML's safe loader
made stricter:

- anchors and aliases (``&a`` / ``*a``) are refused, so a 600-byte file cannot
  expand into gigabytes (the "billion laughs" alias bomb); a plan spells its
  values out;
- a key given twice in one mapping is an error (PyYAML keeps the last);
- a file over :data:`MAX_BYTES` is refused before it is parsed, and one
  nested deeper than :data:`MAX_DEPTH` as soon as the parser gets there;
- a number keeps the text it was written as (``3.10``), so that
  :func:`check_ids` can say that YAML read ``indicator: 3.10`` as the number
  3.1, and how to quote it.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from .. import config
from ..exceptions import PlanError

__all__ = ["MAX_BYTES", "ID_PARAMETERS", "PlanLoader", "load", "check_ids"]

#: Largest plan file accepted (bytes).
MAX_BYTES = 1 << 20
#: Deepest nesting of mappings and lists accepted.
MAX_DEPTH = 50
#: Parameters whose values are ids written like numbers ("3.2"): a YAML number there is refused.
ID_PARAMETERS = ("indicator",)


class YamlNumber(float):
    """A float read from YAML that remembers how it was written (``text``)."""

    text: str

    def __new__(cls, value: float, text: str) -> YamlNumber:
        number = super().__new__(cls, value)
        number.text = text
        return number

    def __reduce__(self):  # pickled (to the workers) as a plain float
        return (float, (float(self),))


class PlanLoader(yaml.SafeLoader):
    """PyYAML's ``SafeLoader`` without anchors, aliases or duplicate keys."""

    def compose_node(self, parent, index):
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            kind = "alias *" if isinstance(event, yaml.AliasEvent) else "anchor &"
            raise yaml.constructor.ConstructorError(
                None, None, f"found the {kind}{event.anchor}: a plan may not use YAML anchors or aliases; "
                "write each value out", event.start_mark)
        self.depth = getattr(self, "depth", 0) + 1
        try:
            if self.depth > MAX_DEPTH:
                raise yaml.composer.ComposerError(
                    None, None, f"nested more than {MAX_DEPTH} levels deep; a plan is shallower", event.start_mark)
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1

    def construct_mapping(self, node, deep=False):
        if isinstance(node, yaml.MappingNode):
            seen = {}
            for key_node, _ in node.value:
                key = self.construct_object(key_node, deep=True)
                try:
                    first = seen.get(key)
                except TypeError:  # an unhashable key: PyYAML's own error follows
                    continue
                if first is not None:
                    raise yaml.constructor.ConstructorError(
                        "while reading a mapping", node.start_mark,
                        f"found the key {key!r} twice (first on line {first.line + 1}); give each key once",
                        key_node.start_mark)
                seen[key] = key_node.start_mark
        return super().construct_mapping(node, deep=deep)

    def construct_yaml_float(self, node):
        value = super().construct_yaml_float(node)
        return YamlNumber(value, self.construct_scalar(node))


PlanLoader.add_constructor("tag:yaml.org,2002:float", PlanLoader.construct_yaml_float)


def load(path: Path) -> object:
    """Read a plan file with :class:`PlanLoader`.

    Raises
    ------
    PlanError
        The file cannot be read (missing, a folder...), is too large, is not
        UTF-8, or is not YAML pnt accepts (the message gives the line and column).
    """
    try:
        problem = None if path.is_file() else "a folder" if path.is_dir() else "no such file"
        size = path.stat().st_size if problem is None else 0
    except OSError as exc:  # a file used as a folder, a name too long, no permission
        problem = exc.strerror
    if problem is not None:
        raise PlanError(
            f"plan {str(path)[:300]!r} cannot be read ({problem}); give the path of a run plan YAML "
            f"file, or leave --plan out for {config.NOTEBOOKS_DIR / 'plan.yaml'}"
        )
    if size > MAX_BYTES:
        raise PlanError(f"{path}: {size} bytes; a plan is at most {MAX_BYTES} bytes")
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=PlanLoader)  # noqa: S506 - a SafeLoader
    except UnicodeDecodeError as exc:
        raise PlanError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    except yaml.YAMLError as exc:
        raise PlanError(f"{path}: not valid YAML: {exc}") from exc


def check_ids(parameters: dict, where: str, names: set[str] | frozenset[str] | tuple = ID_PARAMETERS) -> None:
    """Refuse a number given for an id parameter (``indicator: 3.10``).

    Raises
    ------
    PlanError
        Naming the parameter, how YAML read it, and the quoted spelling.
    """
    for name, value in parameters.items():
        if name in names and isinstance(value, float):
            text = getattr(value, "text", repr(value))
            raise PlanError(
                f"{where}: parameter {name}: {text} is read by YAML as the number {float(value)!r}, not the id "
                f"{text!r}; quote it: {name}: \"{text}\""
            )
