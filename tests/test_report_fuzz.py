"""Random report text: `pnt extract` keeps it verbatim, or refuses the report.

Copies of the real report get random text (markup, `$`, links, CSV formulas,
invisible characters, very long strings) inserted into text fields that the
tables keep as printed: objective and strategy titles, summary-table names,
card fields, variable names and sources. :func:`pntlib.extract.extract` must
then write that text, character for character, to Parquet and CSV (which agree
on every table), or raise ReportFormatError; a control character must be
refused naming its line. Seeded and bounded: a few seconds.
"""

from __future__ import annotations

import random
import string
from dataclasses import dataclass

import pandas as pd
import pytest

from pntlib import schema
from pntlib.exceptions import ReportFormatError
from pntlib.extract import extract
from pntlib.report import parse_report
from pntlib.report.lines import strip_quotes

from .test_report_csv_parquet import assert_csv_equals_parquet

SEED = 20241
TEXT_COPIES = 3  # each a full extract (about a second)
FIELDS_PER_COPY = 8
CONTROL_COPIES = 24  # refused while parsing: fast

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


def _targets(report_text: str) -> list[Target]:
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


def _payload(rng: random.Random) -> str:
    parts = rng.sample(FRAGMENTS, rng.randint(1, 3))
    if rng.random() < 0.3:
        alphabet = string.ascii_letters + string.digits + " $%^_*[](){}<>!#&|\\/'\",;:.-+=" + "áéíóúñ"
        parts.append("".join(rng.choice(alphabet) for _ in range(rng.randint(2_000, 20_000))))
    rng.shuffle(parts)
    return " ".join(parts).strip()


def _insert(lines: list[str], target: Target, payload: str) -> str:
    """Insert ``payload`` after the first word of the target's text; return the text the table should hold."""
    cells = lines[target.line - 1].split("\t")
    at = target.value.find(" ")
    at = len(target.value) if at < 0 else at
    start = cells[target.cell].find(target.value) + at
    cells[target.cell] = cells[target.cell][:start] + " " + payload + cells[target.cell][start:]
    lines[target.line - 1] = "\t".join(cells)
    return target.value[:at] + " " + payload + target.value[at:]


def _cells(frame: pd.DataFrame, key: tuple, column: str) -> list:
    """The ``column`` of the rows with ``key`` (a variable has one row per year)."""
    mask = pd.Series(True, index=frame.index)
    for name, value in key:
        mask &= frame[name].astype(str) == str(value)
    assert mask.sum() >= 1, key
    return frame.loc[mask, column].tolist()


@pytest.fixture(scope="module")
def targets(report_text):
    found = _targets(report_text)
    tables = {t.table for t in found}
    assert tables == {"objectives", "strategies", "indicators", "variables"}
    assert len(found) > 150
    return found


def test_random_text_is_kept_verbatim(report_text, targets, tmp_path):
    rng = random.Random(SEED)
    written = 0
    for copy in range(TEXT_COPIES):
        lines = report_text.split("\n")
        chosen = rng.sample(targets, FIELDS_PER_COPY)
        expected = {}
        for target in sorted(chosen, key=lambda t: (t.line, -t.cell)):
            if any(t.line == target.line and t.cell == target.cell for t in expected):
                continue  # one insertion per cell
            expected[target] = _insert(lines, target, _payload(rng))
        path = tmp_path / f"copy{copy}.txt"
        path.write_text("\n".join(lines), encoding="utf-8")
        out = tmp_path / f"out{copy}"
        try:
            extract(report=path, out=out)
        except ReportFormatError:
            continue  # refused: allowed, and nothing to compare
        written += 1
        assert_csv_equals_parquet(out)
        for target, text in expected.items():
            for frame in (pd.read_parquet(out / f"{target.table}.parquet"),
                          schema.read_csv(out / f"{target.table}.csv", target.table)):
                assert set(_cells(frame, target.key, target.column)) == {text}, (target, text[:200])
    assert written >= 2  # the test compared something


def test_control_characters_anywhere_are_refused(report_text, targets, tmp_path):
    rng = random.Random(SEED + 1)
    for copy in range(CONTROL_COPIES):
        lines = report_text.split("\n")
        char = rng.choice(CONTROL)
        if copy % 2:  # in a field the tables keep
            target = rng.choice(targets)
            _insert(lines, target, f"a{char}b")
            line = target.line
        else:  # on any line of the file, read or not
            line = rng.randrange(1, len(lines) + 1)
            at = rng.randint(0, len(lines[line - 1]))
            lines[line - 1] = lines[line - 1][:at] + char + lines[line - 1][at:]
        path = tmp_path / f"copy{copy}.txt"
        path.write_text("\n".join(lines), encoding="utf-8")
        with pytest.raises(ReportFormatError, match=f"control character U\\+{ord(char):04X}") as err:
            extract(report=path, out=tmp_path / f"out{copy}")
        assert err.value.line == line
        assert not (tmp_path / f"out{copy}").exists()
