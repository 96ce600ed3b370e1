"""Formulas of the report's *Método de cálculo*: splitting, symbols, evaluating, comparing.

A card's *Método de cálculo* holds a formula and the definitions of its
symbols (``"$PEPC\\% = (NEC/NEP) * 100$ <p>NEC: ...</p> <p>NEP: ...</p>"``).
This module

* splits it into the formula and the definitions (:func:`split_method`) and
  names the formula's input variables (:func:`input_symbols`);
* reads the symbols of an expression (:func:`symbols`, :func:`norm_symbol`);
* evaluates an arithmetic expression safely (:func:`evaluate_formula`): the
  text is parsed with :mod:`ast` and the tree walked, allowing only numbers,
  symbols, ``+ - * /`` and parentheses; nothing is passed to :func:`eval`;
* compares a printed substitution with the formula (:func:`canonical`,
  :func:`constants`).
"""

from __future__ import annotations

import ast
import math
import re

from .report.lines import MATH_RE, clean_markup

__all__ = [
    "FormulaError",
    "SYMBOL_RE",
    "norm_symbol",
    "split_method",
    "defined_symbols",
    "input_symbols",
    "split_formula",
    "symbols",
    "parse_expression",
    "evaluate_formula",
    "canonical",
    "constants",
]


class FormulaError(ValueError):
    """A formula that cannot be evaluated; the message says why, in Spanish."""


#: Bounds of an expression the evaluator accepts: characters, operators
#: (``+ - * /``, each a node of the tree) and nesting of brackets. A formula of
#: the report has a handful of each; the bounds keep parsing, evaluating and
#: comparing within fixed time, memory and recursion depth whatever the text.
MAX_LENGTH = 2000
MAX_OPERATORS = 100
MAX_NESTING = 50

#: A symbol of a formula: letters, digits, ``_``, an optional final ``%`` ("PEPC%", "DPVT %").
SYMBOL_RE = re.compile(r"[^\W\d]\w*(?:\s?%)?")
_DEFINITION_RE = re.compile(r"(?:(?<=^)|(?<=\s))([A-Z][A-Z0-9]*\s?%?)\s*:\s")


def _text(value: object) -> str:
    """A table cell as text: a missing value (None, ``pd.NA``) is empty text."""
    return value if isinstance(value, str) else ""


def norm_symbol(symbol: str) -> str:
    """A symbol without spaces and ``%``: ``"DPVT %"`` -> ``"DPVT"``."""
    return re.sub(r"[\s%]", "", symbol)


# --------------------------------------------------------------------------- the method's text


def split_method(text: str) -> tuple[str, str]:
    """Split a card's *Método de cálculo* into its formula and its definitions.

    Parameters
    ----------
    text : str
        The field as extracted, e.g. ``"$PEPC\\% = (NEC/NEP) * 100$ <p>NEC: ...</p>"``.

    Returns
    -------
    formula : str
        The formula without markup (``"PEPC% = (NEC/NEP) * 100"``). A card that
        defines the indicator as a single variable (``"NRR: Número de ..."``) has
        that symbol as its formula (``"NRR"``).
    definitions : str
        One ``"SYMBOL: definition"`` per line, in the card's order.
    """
    math = MATH_RE.search(text)
    if math:
        formula = clean_markup(math.group(0))
        rest = clean_markup(text[: math.start()] + " " + text[math.end() :])
    else:
        formula = ""
        rest = clean_markup(text)
    flat = " ".join(rest.split("\n"))
    starts = list(_DEFINITION_RE.finditer(flat))
    if not starts:
        return formula, rest
    parts = []
    for k, m in enumerate(starts):
        end = starts[k + 1].start() if k + 1 < len(starts) else len(flat)
        symbol = m.group(1).replace(" ", "")
        parts.append(f"{symbol}: {flat[m.end():end].strip()}")
    if not formula:
        formula = starts[0].group(1).replace(" ", "")
    return formula, "\n".join(parts)


def defined_symbols(definitions: str | None) -> list[str]:
    """The symbols defined by :func:`split_method`'s definitions, as printed, in order.

    A missing value (``None``, ``pd.NA``: a card without definitions) defines none.
    """
    return [line.split(":", 1)[0].strip() for line in _text(definitions).split("\n") if ":" in line]


def input_symbols(formula: str, definitions: str) -> list[str]:
    """The input variables of a card's *Método de cálculo*, in the card's order.

    Parameters
    ----------
    formula, definitions : str
        The two parts returned by :func:`split_method` (``indicators.method``
        and ``indicators.method_variables``).

    Returns
    -------
    list of str
        The symbols defined under the formula, as printed, less the formula's
        own left-hand side: ``"PEPC% = (NEC/NEP) * 100"`` defining NEC, NEP and
        PEPC% has inputs ``["NEC", "NEP"]``; a card whose method is one variable
        (``"NRR: ..."``) has that variable.
    """
    own = None
    if "=" in _text(formula):
        lhs, _ = split_formula(formula)
        own = norm_symbol(lhs or "").upper()
    return [d for d in defined_symbols(definitions) if norm_symbol(d).upper() != own]


# --------------------------------------------------------------------------- expressions


def split_formula(method: str | None) -> tuple[str | None, str]:
    """``"PEPC% = (NEC/NEP) * 100"`` -> ``("PEPC%", "(NEC/NEP) * 100")``; ``"NRR"`` -> ``(None, "NRR")``.

    A missing value (``None``, ``pd.NA``) is ``(None, "")``.
    """
    text = _text(method).strip()
    if "=" in text:
        lhs, rhs = text.rsplit("=", 1)
        lhs = lhs.strip().rstrip(":").strip()
        return (lhs or None), rhs.strip()
    return None, text


def symbols(expression: str) -> list[str]:
    """Symbols named by an expression (normalised by :func:`norm_symbol`), in order of first appearance."""
    seen = dict.fromkeys(norm_symbol(m.group(0)) for m in SYMBOL_RE.finditer(expression))
    return list(seen)


def _shown(expression: str, limit: int = 80) -> str:
    """The expression for a message: whole when short, else its start."""
    return expression if len(expression) <= limit else expression[: limit - 1] + "…"


def _check_size(expression: str) -> None:
    """Refuse an expression beyond :data:`MAX_LENGTH`, :data:`MAX_OPERATORS` or :data:`MAX_NESTING`."""
    if len(expression) > MAX_LENGTH:
        raise FormulaError(
            f"la expresión «{_shown(expression)}» es demasiado larga para evaluarla "
            f"({len(expression)} caracteres; el máximo es {MAX_LENGTH})"
        )
    operators = sum(expression.count(op) for op in "+-*/")
    if operators > MAX_OPERATORS:
        raise FormulaError(
            f"la expresión «{_shown(expression)}» tiene demasiadas operaciones para evaluarla "
            f"({operators}; el máximo es {MAX_OPERATORS})"
        )
    depth = deepest = 0
    for char in expression:
        if char in "([{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in ")]}":
            depth -= 1
    if deepest > MAX_NESTING:
        raise FormulaError(
            f"la expresión «{_shown(expression)}» anida demasiados paréntesis para evaluarla "
            f"({deepest} niveles; el máximo es {MAX_NESTING})"
        )


def parse_expression(expression: str) -> tuple[ast.Expression, dict[str, str]]:
    """Parse an arithmetic expression whose symbols may end in ``%``.

    Returns
    -------
    tree : ast.Expression
        The expression, symbols renamed ``_s0``, ``_s1``, ...
    renaming : dict of str to str
        ``_sK`` -> the symbol (normalised).

    Raises
    ------
    FormulaError
        The text is not arithmetic, uses something other than numbers,
        symbols, ``+ - * /`` and parentheses, or is beyond the bounds
        :data:`MAX_LENGTH`, :data:`MAX_OPERATORS`, :data:`MAX_NESTING`.
    """
    _check_size(expression)
    names: dict[str, str] = {}

    def rename(m: re.Match) -> str:
        name = norm_symbol(m.group(0))
        names.setdefault(name, f"_s{len(names)}")
        return names[name]

    text = SYMBOL_RE.sub(rename, expression)
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as exc:
        raise FormulaError(f"la expresión «{_shown(expression)}» no es aritmética") from exc
    for node in ast.walk(tree):
        allowed = (
            isinstance(node, (ast.Expression, ast.BinOp, ast.UnaryOp, ast.Name, ast.Load))
            or isinstance(node, (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.UAdd, ast.USub))
            or (isinstance(node, ast.Constant) and type(node.value) in (int, float))
        )
        if not allowed:
            raise FormulaError(
                f"la expresión «{_shown(expression)}» usa algo distinto de números, símbolos, + - * / y paréntesis"
            )
        if isinstance(node, ast.Constant) and not _finite(node.value):
            raise FormulaError(f"la expresión «{_shown(expression)}» usa un número demasiado grande")
    return tree, {v: k for k, v in names.items()}


def _finite(value: float) -> bool:
    try:
        return math.isfinite(float(value))
    except OverflowError:
        return False


def _evaluate(node: ast.AST, values: dict[str, float]) -> float:
    result = _evaluate_node(node, values)
    if not math.isfinite(result):
        raise FormulaError("el resultado es demasiado grande para representarlo")
    return result


def _evaluate_node(node: ast.AST, values: dict[str, float]) -> float:
    if isinstance(node, ast.Expression):
        return _evaluate(node.body, values)
    if isinstance(node, ast.Constant):
        return float(node.value)
    if isinstance(node, ast.Name):
        return float(values[node.id])
    if isinstance(node, ast.UnaryOp):
        operand = _evaluate(node.operand, values)
        return -operand if isinstance(node.op, ast.USub) else operand
    if isinstance(node, ast.BinOp):
        left, right = _evaluate(node.left, values), _evaluate(node.right, values)
        if isinstance(node.op, ast.Add):
            return left + right
        if isinstance(node.op, ast.Sub):
            return left - right
        if isinstance(node.op, ast.Mult):
            return left * right
        if right == 0:
            raise ZeroDivisionError
        return left / right
    raise FormulaError(f"nodo no permitido: {type(node).__name__}")  # pragma: no cover (parse_expression rejects it)


def evaluate_formula(expression: str, values: dict[str, float] | None = None) -> float:
    """Evaluate an arithmetic expression safely.

    Parameters
    ----------
    expression : str
        Numbers, symbols (letters, digits, ``_``, an optional final ``%``),
        ``+ - * /`` and parentheses, e.g. ``"(NEC/NEP) * 100"``.
    values : dict of str to float, optional
        Value of each symbol (keys without spaces).

    Returns
    -------
    float

    Raises
    ------
    FormulaError
        The expression is not arithmetic, uses another operation or function,
        is beyond the evaluator's bounds (:func:`parse_expression`), or names a
        symbol without a value.
    ZeroDivisionError
        It divides by zero.
    """
    values = values or {}
    tree, renaming = parse_expression(expression)
    missing = [name for name in renaming.values() if name not in values]
    if missing:
        raise FormulaError(f"sin valor para {', '.join(missing)}")
    return _evaluate(tree, {alias: values[name] for alias, name in renaming.items()})


# --------------------------------------------------------------------------- comparing


def canonical(expression: str, values: dict[str, float]) -> str:
    """The expression's tree with symbols replaced by ``values``, as comparable text.

    ``canonical("(0/13)*100", {}) == canonical("(A/B)*100", {"A": 0, "B": 13})``.
    """
    tree, renaming = parse_expression(expression)

    class _Substitute(ast.NodeTransformer):
        def visit_Name(self, node: ast.Name) -> ast.AST:
            return ast.copy_location(ast.Constant(float(values[renaming[node.id]])), node)

        def visit_Constant(self, node: ast.Constant) -> ast.AST:
            return ast.copy_location(ast.Constant(float(node.value)), node)

    return ast.dump(_Substitute().visit(tree))


def constants(expression: str) -> list[float]:
    """The numbers written in an expression, in tree order."""
    tree, _ = parse_expression(expression)
    return [float(n.value) for n in ast.walk(tree) if isinstance(n, ast.Constant)]
