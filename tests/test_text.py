"""pntlib.text: numbers, folding, and report text kept literal in Markdown and in charts."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
import pytest
from matplotlib.text import Text

from pntlib.text import MISSING, markdown_literal, plot_literal

from .hostile import FRAGMENTS, markdown_text

# What else a text could be read as: GFM autolinks, entities, headings and lists at a
# line start, tables, fenced code, footnotes, HTML comments, backslashes before anything.
MORE = [
    "http://127.0.0.1:8765/x www.example.com correo@example.com <http://x.y>",
    "# título", "- viñeta", "1. lista", "> cita", "```código```", "~~~", "| a | b |", "---", "===",
    "[^1] [a]: http://x", "&copy; &#36; &#x24;", "\\$x\\$", "a\\", "\\\\", "<!-- x -->", "$$x$$",
    "***", "~~tachado~~", "- [ ] tarea", "línea\nsegunda\n\n# tercera\n    código",
]


def _shown(text: str) -> str:
    """What a reader sees of ``text`` in HTML: line breaks are spaces."""
    return " ".join(text.replace("\u2028", "\n").replace("\u2029", "\n").split("\n"))


@pytest.mark.parametrize("text", FRAGMENTS + MORE)
def test_markdown_literal_renders_as_written(text):
    for source in (markdown_literal(text), f"- **Título:** {markdown_literal(text)} fin"):
        shown, made = markdown_text(source)
        assert made == set(), (text, source)  # no link, image, script, code, math, table ...
        assert _shown(text) in shown, (text, source, shown)


def test_markdown_literal_is_needed():
    # the same texts, unescaped, are links, images, scripts and math in a page
    for text, element in [("[x](javascript:alert(1))", "a"), ("![b](http://127.0.0.1:8765/b.png)", "img"),
                          ("<script>alert(1)</script>", "script")]:
        assert element in markdown_text(f"- {text}")[1]
    assert markdown_text("$x^2$")[0] != "$x^2$"  # read as math by nbconvert


def test_markdown_literal_of_missing_values():
    assert markdown_literal(pd.NA) == markdown_literal(None) == markdown_literal(float("nan")) == MISSING
    assert markdown_literal(3.1) == "3\\.1"


def _drawn(text: Text) -> str:
    """The string matplotlib draws for ``text`` and whether as mathtext."""
    return text._preprocess_math(text.get_text())


@pytest.mark.filterwarnings("ignore:Glyph .* missing from font")
@pytest.mark.parametrize("text", FRAGMENTS + MORE + [
    "Recursos ejercidos ($) respecto a los programados ($)", "Monto en $ por persona^$ atendida", "\\$", "$$",
])
def test_plot_literal_is_drawn_as_written(text):
    fig, ax = plt.subplots()
    artist = ax.set_title(plot_literal(text))
    assert _drawn(artist) == (text, False)
    fig.canvas.draw()  # mathtext would raise on "persona^$ atendida"
    plt.close(fig)


def test_plot_literal_is_needed():
    fig, ax = plt.subplots()
    ax.set_title("Monto en $ por persona^$ atendida")
    with pytest.raises(ValueError):
        fig.canvas.draw()
    plt.close(fig)
    assert plot_literal(pd.NA) == MISSING


def test_is_percent_is_one_rule_for_pages_charts_and_the_audit():
    from pntlib import load_indicators
    from pntlib.text import is_percent, quantity

    units = load_indicators()["unit"]  # card field "Unidad de medida": 13 "Porcentaje", 1.1 and 1.3 not
    assert sorted(units[~units.map(is_percent)].index) == ["1.1", "1.3"]
    for unit in ("Porcentaje", " PORCENTAJE. ", "Porcentaje de víctimas", "%", "Por ciento"):
        assert is_percent(unit) and quantity(66, unit=unit) == "66 %"
    for unit in ("Recomendaciones", "Pesos", "", None, pd.NA):
        assert not is_percent(unit)
    assert quantity(20, unit="Recomendaciones") == "20 recomendaciones"
