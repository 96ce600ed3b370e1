"""Hostile report text: what the safety tests put into copies of the report, and where.

:data:`FRAGMENTS` are texts that would be markup somewhere (HTML, Markdown links and
images, ``$`` mathtext, autolinks, CSV formulas, invisible characters);
:func:`text_targets` lists the report's text fields the tables keep as printed;
:func:`insert` puts a text into one; :func:`markdown_text` renders Markdown as the
pages do (nbconvert) and returns what a reader sees and which elements it made.
"""

from __future__ import annotations

import random
import string
from dataclasses import dataclass

from pntlib.report import parse_report
from pntlib.report.lines import strip_quotes

FRAGMENTS = [
    "[x](javascript:alert(1))",
    "![b](http://127.0.0.1:8765/b.png)",
    "<script>alert(1)</script>",
    "<b>negrita</b> <p>párrafo</p>",
    "<!-- comentario -->",
    "**doble** _sub_ `código` # título",
    "$",
    "$x^2$",
    "Monto en $ por persona^$ atendida",
    "Recursos ejercidos ($) respecto a los programados ($)",
    "\\(x\\) \\[y\\] \\%",
    "{{ variable }} {% bloque %}",
    "&amp; &lt;b&gt; &#x27;",
    "=HYPERLINK(\"http://x\")",
    "+1+2 -3 @SUM(A1)",
    '"comillas" \'simples\' ,;',
    "NA",
    "N/D",
    "66/P",
    "nan None null",
    "100%",
    "\u202eRTL\u202c",
    "a\u200bb\u200dc",
    "\ufeffBOM",
    "línea\u2028separador\u2029párrafo",
    "😀 ñ Ü ß 中文",
]
# What the pages' copy puts into random text fields: markup, `$`, links, images and scripts
# (no invisible characters or very long strings, which the fuzz test of extract covers).
PAGE_FRAGMENTS = [
    "[x](javascript:alert(1))",
    "![b](http://127.0.0.1:8765/b.png)",
    "<script>window.pwned = 2</script>",
    '<img src="http://127.0.0.1:8765/i.png" onerror="window.pwned = 3">',
    '<a href="http://127.0.0.1:8765/a">enlace</a>',
    "<b>negrita</b> <!-- comentario -->",
    "**doble** _sub_ `código` # título",
    "$x^2$",
    "Monto en $ por persona^$ atendida",
    "Recursos ejercidos ($) respecto a los programados ($)",
    "\\(x\\) \\[y\\] \\%",
    "&amp; &lt;b&gt; &#x27;",
    "http://127.0.0.1:8765/auto www.example.com",
]
CONTROL = ["\x00", "\x01", "\x07", "\x08", "\x0b", "\x0c", "\x0e", "\x1b", "\x1f", "\x7f", "\x80", "\x85", "\x9f"]


@dataclass(frozen=True)
class Target:
    """A text the tables keep as printed: where it is, and where it lands."""

    line: int  # 1-based
    cell: int  # tab-separated cell of that line
    value: str  # as the table holds it
    table: str
    key: tuple[tuple[str, object], ...]
    column: str


def text_targets(report_text: str) -> list[Target]:
    """Every text field of the report the tables keep as printed, found in one cell of its line."""
    report = parse_report(report_text)
    lines = report_text.split("\n")
    found: list[tuple[int, str, str, tuple, str]] = []
    found += [(o.line, o.title, "objectives", (("objective", o.objective),), "title") for o in report.objectives]
    found += [(s.line, s.title, "strategies", (("strategy_id", s.strategy_id),), "title") for s in report.strategies]
    found += [(r.line, r.name, "indicators", (("indicator_id", r.indicator_id),), "summary_name") for r in report.summary]
    for card in report.cards:
        for name, value in card.fields.items():
            if name not in ("method", "objective_text") and value:
                found.append((card.field_lines[name], value, "indicators", (("indicator_id", card.indicator_id),), name))
    seen = set()
    for v in report.variables:
        if (v.indicator_id, v.variable) not in seen:
            seen.add((v.indicator_id, v.variable))
            key = (("indicator_id", v.indicator_id), ("variable", v.variable))
            found += [(v.source_line, v.name, "variables", key, "name"), (v.source_line, v.source, "variables", key, "source")]
    targets = []
    for line, value, table, key, column in found:
        cells = lines[line - 1].split("\t")
        holding = [k for k, c in enumerate(cells) if value in c]
        exact = [k for k in holding if strip_quotes(cells[k].strip()) == value]
        chosen = exact or holding
        if len(chosen) == 1:  # a name mended across lines is not one cell: left out
            targets.append(Target(line, chosen[0], value, table, key, column))
    return targets


def payload(rng: random.Random) -> str:
    parts = rng.sample(FRAGMENTS, rng.randint(1, 3))
    if rng.random() < 0.3:
        alphabet = string.ascii_letters + string.digits + " $%^_*[](){}<>!#&|\\/'\",;:.-+=" + "áéíóúñ"
        parts.append("".join(rng.choice(alphabet) for _ in range(rng.randint(2_000, 20_000))))
    rng.shuffle(parts)
    return " ".join(parts).strip()


def insert(lines: list[str], target: Target, payload: str) -> str:
    """Insert ``payload`` after the first word of the target's text; return the text the table should hold."""
    cells = lines[target.line - 1].split("\t")
    at = target.value.find(" ")
    at = len(target.value) if at < 0 else at
    start = cells[target.cell].find(target.value) + at
    cells[target.cell] = cells[target.cell][:start] + " " + payload + cells[target.cell][start:]
    lines[target.line - 1] = "\t".join(cells)
    return target.value[:at] + " " + payload + target.value[at:]


# Values of a card or table printed as NA/ND instead of a number: edits (line, cell, old,
# new) of indicator 3.1 (annex SERIE HISTÓRICA l.668 "0 | N/A | 0 | 86 | 86 | 86 | N/D | 100",
# línea base 2020; its variables l.673-674: 0, 0 and 7, 7), for damaged_report(edits=...).
MISSING_VALUES = {
    "baseline": [(668, 0, "0", "ND")],
    "target": [(668, 7, "100", "NA")],
    "result": [(668, 4, "86", "ND")],
    "variable": [(673, 2, "0", "ND"), (674, 3, "7", "NA")],
    "all": [(668, 0, "0", "NA"), (668, 7, "100", "ND"), (668, 2, "0", "ND"), (668, 3, "86", "NA"),
            (668, 4, "86", "ND"), (668, 5, "86", "ND"), (673, 2, "0", "ND")],
}


def markdown_text(source: str) -> tuple[str, set[str]]:
    """Markdown rendered as nbconvert renders a notebook's Markdown output in a page.

    Returns the text a reader sees and the names of the HTML elements made, other than
    the paragraphs, lists, headings (without nbconvert's ¶ anchor), emphasis and quotes
    pntlib writes itself.
    """
    from bs4 import BeautifulSoup
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    soup = BeautifulSoup(markdown2html_mistune(source), "html.parser")
    for anchor in soup.select("a.anchor-link"):  # the ¶ nbconvert adds to every heading
        anchor.decompose()
    ours = {"p", "ul", "ol", "li", "strong", "em", "blockquote", "br", "h1", "h2", "h3", "h4"}
    return soup.get_text(), {t.name for t in soup.find_all(True)} - ours


# --------------------------------------------------------------------------- reports a later edition could bring

#: Every result of indicator 3.1 printed ND, in its card (annex l.668: N/A 0 86 86 86 N/D) and in
#: the summary table (l.301: 0.0 0.0 86 86 86 ND); its línea base and Meta 2024 stay.
EVERY_RESULT_ND = (
    [(668, cell, old, "ND") for cell, old in zip(range(1, 7), ["N/A", "0", "86", "86", "86", "N/D"])]
    + [(301, cell, old, "ND") for cell, old in zip(range(3, 9), ["0.0", "0.0", "86", "86", "86", "ND"])]
)


def with_sixth_objective(text: str) -> str:
    """The report with a sixth objective: objective 5's section-3 block (ll.370-415: heading,
    strategies, summary table; up to the page header of l.417) and its annex cards (ll.862-975) copied after objective 5's, every
    "5.N" made "6.N" and "Objetivo prioritario 5" made "... 6" (18 indicators, 6 objectives)."""
    import re

    lines = text.split("\n")
    assert lines[369].startswith("Objetivo prioritario 5.-") and lines[861].startswith("Objetivo prioritario 5.-")
    assert lines[416] == "GOBERNACIÓN" and lines[975] == "GOBERNACIÓN"

    def six(block: list[str]) -> list[str]:
        out = [re.sub(r"(?<![\d.])5\.([1-3])(?![\d])", r"6.\1", line) for line in block]
        return [line.replace("Objetivo prioritario 5", "Objetivo prioritario 6") for line in out]

    lines = lines[:975] + six(lines[861:975]) + lines[975:]
    lines = lines[:416] + six(lines[369:416]) + lines[416:]
    return "\n".join(lines)
