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

import pandas as pd
import pytest

from pntlib import schema
from pntlib.exceptions import ReportFormatError
from pntlib.extract import extract

from .hostile import CONTROL, insert, payload, text_targets
from .test_report_csv_parquet import assert_csv_equals_parquet

SEED = 20241
TEXT_COPIES = 3  # each a full extract (about a second)
FIELDS_PER_COPY = 8
CONTROL_COPIES = 24  # refused while parsing: fast

def _cells(frame: pd.DataFrame, key: tuple, column: str) -> list:
    """The ``column`` of the rows with ``key`` (a variable has one row per year)."""
    mask = pd.Series(True, index=frame.index)
    for name, value in key:
        mask &= frame[name].astype(str) == str(value)
    assert mask.sum() >= 1, key
    return frame.loc[mask, column].tolist()


@pytest.fixture(scope="module")
def targets(report_text):
    found = text_targets(report_text)
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
            expected[target] = insert(lines, target, payload(rng))
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
            insert(lines, target, f"a{char}b")
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
