"""The tables of a parsed report, indexed as the audit's checks read them."""

from __future__ import annotations

import pandas as pd

from ..tables import ParsedReport


class _Context:
    """The tables the checks read, indexed for them."""

    def __init__(self, parsed: ParsedReport) -> None:
        self.parsed = parsed
        self.indicators = parsed.indicators.set_index("indicator_id", drop=False)
        self.series = parsed.series
        self.variables = parsed.variables
        self.substitutions = parsed.substitutions

    def rows(self, table: str, measure: str) -> pd.DataFrame:
        return self.parsed.rows(table, measure)

    def field_line(self, indicator_id: str, field: str) -> int | None:
        """Line of a card field (a column name of ``indicators``) or of the summary row."""
        return self.parsed.line(indicator_id, field)
