"""Tests of pntlib.plots: what is drawn (artists), not pixels; reproducible files."""

from __future__ import annotations

import math

import matplotlib.colors as mcolors
import matplotlib.pyplot as plt
from matplotlib.backends.backend_agg import FigureCanvasAgg
import pytest

import pntlib
from pntlib.exceptions import OutputError, ParameterError, UnknownIndicatorError
from pntlib.plots import STATUS_COLORS
from pntlib.progress import STATUS_LABELS

from .hostile import MISSING_VALUES


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def chart():
    """``chart("plot_indicator", "3.2")``: a chart of the verified copy, made once per module.

    The tests read its artists (and may draw it), never change them. It is taken out of
    pyplot's figure list (its own Agg canvas), so closing every figure after a test
    leaves it whole.
    """
    made = {}

    def _chart(name: str, *args):
        if (name, args) not in made:
            fig = getattr(pntlib, name)(*args)
            plt.close(fig)
            FigureCanvasAgg(fig)
            made[name, args] = fig
        return made[name, args]

    return _chart


def _by_gid(fig, gid):
    found = [a for a in fig.findobj() if getattr(a, "get_gid", lambda: None)() == gid]
    assert found, f"no artist with gid {gid!r}"
    return found[0]


def _same_color(a, b) -> bool:
    return mcolors.to_hex(a, keep_alpha=False) == mcolors.to_hex(b, keep_alpha=False)


def _inside_figure(fig, artists=None) -> list[str]:
    """Drawn texts whose extent leaves the figure canvas (clipped names); [] when none."""
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    tight = fig.get_tightbbox(renderer)  # inches, only what is drawn
    width, height = fig.get_size_inches()
    if tight.x0 >= -0.01 and tight.y0 >= -0.01 and tight.x1 <= width + 0.01 and tight.y1 <= height + 0.01:
        return []
    box = fig.bbox
    out = []
    for artist in fig.findobj(plt.Text):
        if not artist.get_visible() or not artist.get_text():
            continue
        ext = artist.get_window_extent(renderer)
        if ext.x0 < box.x0 - 1 or ext.x1 > box.x1 + 1 or ext.y0 < box.y0 - 1 or ext.y1 > box.y1 + 1:
            out.append(artist.get_text())
    return out or ["(an artist leaves the canvas)"]


def test_plot_indicator_target_baseline_path_latest(chart):
    # card 1.1, line 451: línea base 5 (2019) | 5 NA NA 10 15 20 | Meta 2024 15
    fig = chart("plot_indicator", "1.1")
    assert isinstance(fig, plt.Figure)
    target = _by_gid(fig, "target")
    assert list(target.get_ydata()) == [15.0, 15.0]
    baseline = _by_gid(fig, "baseline")
    assert (list(baseline.get_xdata()), list(baseline.get_ydata())) == ([2019], [5.0])
    path = _by_gid(fig, "path")
    assert list(path.get_xdata()) == [2019, 2024] and list(path.get_ydata()) == [5.0, 15.0]
    assert path.get_linestyle() == "--"
    latest = _by_gid(fig, "latest")
    # the outcome at 2024 (20 >= 15), then the trajectory
    assert latest.get_text() == f"20 (2024)\nAlcanzó la Meta 2024\nTrayectoria: {STATUS_LABELS['achieved']}"
    assert _same_color(latest.get_bbox_patch().get_edgecolor(), STATUS_COLORS["achieved"])
    ax = fig.axes[0]
    assert ax.get_xlabel() == "Año" and ax.get_ylabel() == "Recomendaciones"


def test_plot_indicator_gaps_are_visible_and_labelled(chart):
    # 1.1: 2020 and 2021 printed "NA" -> NaN in the line (a break) and a label "NA" at those years
    fig = chart("plot_indicator", "1.1")
    line = _by_gid(fig, "results-line")
    ys = dict(zip(line.get_xdata(), line.get_ydata()))
    assert math.isnan(ys[2020]) and math.isnan(ys[2021])
    assert ys[2019] == 5.0 and ys[2022] == 10.0
    assert _by_gid(fig, "gap-label-2020").get_text() == "NA"
    assert _by_gid(fig, "gap-label-2021").get_text() == "NA"
    _by_gid(fig, "gap-2020")  # the shaded band
    # 3.1, line 668: 2024 printed "N/D"
    fig = chart("plot_indicator", "3.1")
    assert _by_gid(fig, "gap-label-2024").get_text() == "N/D"
    assert math.isnan(dict(zip(*_by_gid(fig, "results-line").get_data()))[2024])


def test_plot_indicator_provisional_is_hollow(chart):
    # 3.2, line 703: 2024 printed "66/P"
    fig = chart("plot_indicator", "3.2")
    prov = _by_gid(fig, "results-provisional")
    assert list(prov.get_xdata()) == [2024] and list(prov.get_ydata()) == [66.0]
    assert _same_color(prov.get_markerfacecolor(), "white")
    normal = _by_gid(fig, "results-normal")
    assert 2024 not in list(normal.get_xdata())
    assert not _same_color(normal.get_markerfacecolor(), "white")
    # 66 / 100 on a straight path 0 (2020) -> 100 (2024): pace 0.66 -> needs acceleration
    latest = _by_gid(fig, "latest")
    # 66/P < 100: not achieved, preliminary; flat at 66 since 2021; 0/13*100 = 0 added to 66: weak evidence
    assert latest.get_text() == ("66/P (2024)\nNo alcanzó la Meta 2024\n(cifra preliminar)\nTrayectoria: Progreso justo,\n"
                                 "pero requiere acelerar; sin\ncambio desde 2021\nevidencia débil")
    assert _same_color(latest.get_bbox_patch().get_edgecolor(), STATUS_COLORS["needs_acceleration"])


def test_plot_indicator_as_of_and_existing_axes():
    fig, ax = plt.subplots()
    out = pntlib.plot_indicator("3.1", ax=ax, as_of=2022)
    assert out is fig
    assert max(_by_gid(fig, "results-line").get_xdata()) == 2022
    assert _by_gid(fig, "latest").get_text().startswith("86 (2022)")  # line 668: 2022 = 86
    assert "datos hasta 2022" in ax.get_title(loc="left")


def test_plot_indicator_title_wrapped_and_not_clipped(chart):
    fig = chart("plot_indicator", "3.2")  # the longest card name
    title = fig.axes[0].get_title(loc="left")
    assert title.startswith("3.2 Porcentaje de Instituciones") and "\n" in title
    assert all(len(line) <= 70 for line in title.splitlines())
    assert _inside_figure(fig) == []


def test_plot_indicator_invalid_arguments():
    with pytest.raises(UnknownIndicatorError, match="choose one of: '1.1', '1.2'"):
        pntlib.plot_indicator("9.9")
    with pytest.raises(ParameterError, match="indicator='9.9'"):  # UnknownIndicatorError is a ParameterError
        pntlib.plot_indicator("9.9")
    with pytest.raises(ParameterError, match="as_of"):
        pntlib.plot_indicator("1.1", as_of=2031)


def test_plot_objective_small_multiples(chart):
    fig = chart("plot_objective", 3)
    assert len(fig.axes) == 3
    assert fig.get_suptitle().startswith("Objetivo prioritario 3. Fortalecer la atención")
    titles = [ax.get_title(loc="left").split(" ")[0] for ax in fig.axes]
    assert titles == ["3.1", "3.2", "3.3"]
    assert _inside_figure(fig) == []
    with pytest.raises(ParameterError, match="1, 2, 3, 4, 5"):
        pntlib.plot_objective(6)
    with pytest.raises(ParameterError):
        pntlib.plot_objective("uno")
    # "3" and 3 mean the same objective everywhere
    assert [ax.get_title(loc="left") for ax in pntlib.plot_objective("3").axes] == [
        ax.get_title(loc="left") for ax in fig.axes
    ]


def test_plot_progress_overview_bars_and_colours(chart):
    fig = chart("plot_progress_overview")
    # verdicts computed by hand in test_progress.EXPECTED_ANNEX
    expected = {"1.1": ("achieved", 150.0), "3.1": ("on_track", 86.0), "3.2": ("needs_acceleration", 66.0),
                "5.3": ("limited", 33.0), "4.2": ("limited", 0.0)}
    for ind, (status, width) in expected.items():
        bar = _by_gid(fig, f"bar-{ind}")
        assert bar.get_width() == pytest.approx(width)
        assert _same_color(bar.get_facecolor(), STATUS_COLORS[status])
        assert _same_color(_by_gid(fig, f"bar-end-{ind}").get_color(), STATUS_COLORS[status])
    assert list(_by_gid(fig, "target").get_xdata()) == [100, 100]
    # 3.1 judged on 2023: expected share (2023-2020)/(2024-2020) = 75 %
    assert list(_by_gid(fig, "expected-3.1").get_xdata()) == [75.0, 75.0]
    _by_gid(fig, "objective-1")
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert len(labels) == 15 and all(max(len(line) for line in lab.splitlines()) <= 58 for lab in labels)
    assert _inside_figure(fig) == []
    # wrapped names do not run into each other
    renderer = fig.canvas.get_renderer()
    boxes = sorted((t.get_window_extent(renderer) for t in ax.get_yticklabels()), key=lambda b: -b.y1)
    for upper, lower in zip(boxes, boxes[1:]):
        assert lower.y1 <= upper.y0 + 0.5


def test_plot_status_heatmap_tokens_and_verdicts(chart):
    fig = chart("plot_status_heatmap")
    # tokens exactly as printed: 3.2 2024 "66/P" (line 703), 3.1 2024 "N/D" (line 668), 1.1 2020 "NA" (line 451)
    assert _by_gid(fig, "cell-3.2-2024").get_text() == "66/P"
    assert _by_gid(fig, "cell-3.1-2024").get_text() == "N/D"
    assert _by_gid(fig, "cell-1.1-2020").get_text() == "NA"
    _by_gid(fig, "missing-3.1-2024")  # hatched cell where there is no number
    with pytest.raises(AssertionError):
        _by_gid(fig, "missing-3.2-2024")  # 66/P is a number
    assert _same_color(_by_gid(fig, "status-3.1").get_facecolor(), STATUS_COLORS["on_track"])
    assert _same_color(_by_gid(fig, "status-4.2").get_facecolor(), STATUS_COLORS["limited"])
    assert _inside_figure(fig) == []


def test_status_palette_is_complete_and_distinct():
    assert set(STATUS_COLORS) == set(STATUS_LABELS)
    assert len({c.lower() for c in STATUS_COLORS.values()}) == len(STATUS_COLORS)


@pytest.mark.parametrize("make", [lambda: pntlib.plot_indicator("3.2"), lambda: pntlib.plot_status_heatmap()])
def test_save_figure_is_byte_identical(tmp_path, make):
    # two new figures (not the module's charts: a figure drawn before it is saved is laid out anew)
    first = pntlib.save_figure(make(), tmp_path / "a" / "chart")
    second = pntlib.save_figure(make(), tmp_path / "b" / "chart.png")  # suffix replaced
    assert [p.name for p in first] == ["chart.png", "chart.svg"] == [p.name for p in second]
    for one, two in zip(first, second):
        assert one.read_bytes() == two.read_bytes()
    svg = first[1].read_text(encoding="utf-8")
    assert "<dc:date>" not in svg and "Matplotlib v" not in svg
    assert b"Software" not in first[0].read_bytes()


def test_save_figure_where_it_cannot_write_is_an_output_error(tmp_path, chart):
    # Found by the break-it pass: a FileNotFoundError/NotADirectoryError escaped save_figure.
    afile = tmp_path / "afile"
    afile.write_text("keep me")
    fig = chart("plot_indicator", "1.1")
    with pytest.raises(OutputError, match=f"cannot save the figure: {afile}") as err:
        pntlib.save_figure(fig, afile / "chart")
    assert isinstance(err.value.__cause__, OSError) and afile.read_text() == "keep me"


def test_save_figure_rejects_unknown_format(tmp_path, chart):
    with pytest.raises(ParameterError, match="'png', 'svg'"):
        pntlib.save_figure(chart("plot_indicator", "1.1"), tmp_path / "x", formats=("pdf",))
    assert list(tmp_path.iterdir()) == []  # nothing written


def test_public_names_exported():
    for name in ("plot_indicator", "plot_objective", "plot_progress_overview", "plot_status_heatmap", "save_figure"):
        assert name in pntlib.__all__ and callable(getattr(pntlib, name))


def test_plot_disagreements_one_cell_per_disagreement(chart):
    found = pntlib.summary_disagreements(pntlib.audit())
    fig = chart("plot_disagreements")
    ax = fig.axes[0]
    cells = {t.get_gid(): t.get_text() for t in ax.texts}
    assert len(cells) == len(found) > 0
    for row in found.itertuples(index=False):
        annex = row.annex_raw if isinstance(row.annex_raw, str) else "—"
        summary = row.summary_raw if isinstance(row.summary_raw, str) else "—"
        assert cells[f"cell-{row.indicator_id}-{row.year}"] == f"{annex} | {summary}"
    assert [t.get_text() for t in ax.get_yticklabels()] == list(pntlib.load_indicators().index)


def test_heatmap_and_indicator_box_mark_weak_evidence(chart):
    fig = chart("plot_status_heatmap")
    patches = {p.get_gid(): p for p in fig.axes[1].patches}
    assert patches["status-2.3"].get_hatch() == "///"  # 0 vs 100: not reproduced
    assert patches["status-1.1"].get_hatch() is None  # 10 + 5 = 15, 15 + 5 = 20: reproduced as accumulated
    assert patches["status-2.2"].get_hatch() == "///"  # 100 + 0 = 100: unchanged as accumulated, weak
    fig = chart("plot_indicator", "2.1")  # 2/3*100 = 66.67 vs 100
    latest = [t for t in fig.axes[0].texts if t.get_gid() == "latest"][0]
    assert latest.get_text() == "100 (2024)\nAlcanzó la Meta 2024\nTrayectoria: Meta alcanzada\nevidencia débil"


# --------------------------------------------------------------------------- report text and values that are hostile

# Indicator 3.1's card name (l.653) and unit (l.658), 3.2's card name (l.688), objective 3's title (l.266).
DOLLAR_NAME = "Recursos ejercidos ($) respecto a los programados ($)"
DOLLAR_CARET = "Monto en $ por persona^$ atendida"
DOLLAR_UNIT = "Pesos ($) por persona^$"
DOLLAR_TITLE = "$x^2$ y \\$ [x](javascript:alert(1))"
DOLLAR_EDITS = [
    (653, None, "3.1 Porcentaje de autoridades", f"3.1 {DOLLAR_NAME} Porcentaje de autoridades"),
    (658, 1, "Porcentaje", DOLLAR_UNIT),
    (688, None, "3.2 Porcentaje de Instituciones", f"3.2 {DOLLAR_CARET} Porcentaje de Instituciones"),
    (266, None, "Objetivo prioritario 3.- Fortalecer", f"Objetivo prioritario 3.- {DOLLAR_TITLE} Fortalecer"),
]


def _drawn_texts(fig) -> list[tuple[str, bool]]:
    """(string drawn, read as mathtext) for every text of ``fig``, ticks and legends included."""
    from matplotlib.text import Text

    fig.canvas.draw()  # mathtext errors are raised here; ticks are made here
    return [t._preprocess_math(t.get_text()) for t in fig.findobj(Text) if t.get_text()]


def test_report_text_in_charts_is_drawn_literally(damaged_report):
    path = damaged_report(edits=DOLLAR_EDITS)
    figures = {
        "indicator 3.1": pntlib.plot_indicator("3.1", report=path),
        "indicator 3.2": pntlib.plot_indicator("3.2", report=path),  # used to raise ValueError
        "objective 3": pntlib.plot_objective(3, report=path),
        "overview": pntlib.plot_progress_overview(report=path),
        "heatmap": pntlib.plot_status_heatmap(report=path),
        "disagreements": pntlib.plot_disagreements(report=path),
    }
    expected = {
        "indicator 3.1": [DOLLAR_NAME, DOLLAR_UNIT], "indicator 3.2": [DOLLAR_CARET],
        "objective 3": [DOLLAR_NAME, DOLLAR_CARET, DOLLAR_UNIT, DOLLAR_TITLE],
        "overview": [DOLLAR_NAME, DOLLAR_CARET], "heatmap": [DOLLAR_NAME, DOLLAR_CARET], "disagreements": [],
    }
    for name, fig in figures.items():
        drawn = _drawn_texts(fig)
        assert not any(math for _, math in drawn), name
        shown = " ".join(" ".join(text.split()) for text, _ in drawn)  # wrapping makes spaces line breaks
        for text in expected[name]:
            assert text in shown, (name, text)


def test_charts_never_go_through_latex(damaged_report):
    with plt.rc_context({"text.usetex": True}):  # a user's setting: report text would be LaTeX
        fig = pntlib.plot_indicator("3.1", report=damaged_report(edits=DOLLAR_EDITS))
    assert not any(t.get_usetex() for t in fig.findobj(plt.Text))


def _texts(where, prefix: str) -> dict[str, str]:
    """{gid: text} of the texts of a figure (or one axes) whose gid starts with ``prefix``."""
    return {t.get_gid(): t.get_text() for t in where.findobj(plt.Text) if (t.get_gid() or "").startswith(prefix)}


@pytest.mark.parametrize("case", list(MISSING_VALUES))
def test_missing_values_are_labelled_gaps_in_every_chart(damaged_report, case):
    # Card 3.1, line 668 as printed: línea base 0 (2020) | N/A 0 86 86 86 N/D | Meta 2024 100;
    # MISSING_VALUES[case] prints ND/NA in some of those cells (and in its variables, l.673-674).
    path = damaged_report(edits=MISSING_VALUES[case])
    fig = pntlib.plot_indicator("3.1", report=path)
    gids = {a.get_gid() for a in fig.findobj() if getattr(a, "get_gid", lambda: None)()}
    if case in ("baseline", "all"):
        assert "baseline" not in gids and "path" not in gids
        label = "Línea base 2020: ND, sin valor" if case == "baseline" else "Línea base 2020: NA, sin valor"
        assert _by_gid(fig, "baseline-missing").get_text() == label
    if case in ("target", "all"):
        assert "target" not in gids and "path" not in gids
        label = "Meta 2024: NA, sin valor" if case == "target" else "Meta 2024: ND, sin valor"
        assert _by_gid(fig, "target-missing").get_text() == label
    if case in ("result", "all"):
        assert _by_gid(fig, "gap-label-2022").get_text() == "ND"
    if case in ("result", "variable"):  # the anchors are drawn as usual
        assert {"baseline", "target", "path"} <= gids and "baseline-missing" not in gids
    if case == "all":  # no number at all: the verdict in the middle, no latest value
        assert _by_gid(fig, "latest").get_text() == STATUS_LABELS["no_data"]

    # Every other chart shows the same values as missing, with the report's tokens.
    gaps = {int(gid.rsplit("-", 1)[1]): text for gid, text in _texts(fig, "gap-label-").items()}
    # 2019 N/A and 2024 N/D as printed; 2022 ND (result); 2020 ND, 2021 NA, 2022 ND, 2023 ND (all)
    assert gaps == {2019: "N/A", 2024: "N/D"} | {
        "result": {2022: "ND"}, "all": {2020: "ND", 2021: "NA", 2022: "ND", 2023: "ND"},
    }.get(case, {})
    anchors = _texts(fig, "baseline-missing") | _texts(fig, "target-missing")
    early = pntlib.plot_indicator("3.1", as_of=2021, report=path)  # the same gaps up to 2021, the same anchors
    assert _texts(early, "gap-label-") == {f"gap-label-{y}": t for y, t in gaps.items() if y <= 2021}
    assert _texts(early, "baseline-missing") | _texts(early, "target-missing") == anchors
    panel = pntlib.plot_objective(3, report=path).axes[0]  # 3.1's panel
    assert _texts(panel, "gap-label-") == _texts(fig, "gap-label-")
    assert _texts(panel, "baseline-missing") | _texts(panel, "target-missing") == anchors
    heatmap = pntlib.plot_status_heatmap(report=path)
    for year, token in gaps.items():  # the token as printed, in a hatched cell
        assert _by_gid(heatmap, f"cell-3.1-{year}").get_text() == token
    hatched = {p.get_gid() for p in heatmap.axes[0].patches if (p.get_gid() or "").startswith("missing-3.1-")}
    if case in ("target", "all"):  # no Meta 2024: no share of it in any year, every cell hatched
        assert {g.replace("missing-", "cell-") for g in hatched} == set(_texts(heatmap, "cell-3.1-"))
    else:  # exactly the gaps
        assert hatched == {f"missing-3.1-{year}" for year in gaps}
    overview = pntlib.plot_progress_overview(report=path)
    if case in ("baseline", "target", "all"):  # no distance to measure: no bar, the verdict in words
        assert "bar-3.1" not in {p.get_gid() for p in overview.axes[0].patches}
        assert _texts(overview, "bar-label-3.1") == {"bar-label-3.1": STATUS_LABELS["no_data"]}
    else:  # 86 (2023) of 100 from 0: 86 %, judged on 2023 (2024 is N/D)
        assert _by_gid(overview, "bar-3.1").get_width() == pytest.approx(86.0)
        assert _by_gid(overview, "bar-label-3.1").get_text().startswith("86 % · 2023")
    cells = _texts(pntlib.plot_disagreements(report=path), "cell-3.1-")
    # the summary table (section 3, line 301) prints 0.0 0.0 86 86 86 ND for 2019-2024: every annex
    # gap but 2024 (ND in both) is a disagreement, the annex token first
    assert {gid: text.split(" | ")[0] for gid, text in cells.items()} == {
        f"cell-3.1-{year}": token for year, token in gaps.items() if year != 2024
    }


@pytest.mark.parametrize(("fig", "path", "named"), [  # named: a regular expression
    (None, "chart", "fig=None is not a matplotlib Figure"),
    ("figura", "chart", "fig='figura' is not a matplotlib Figure"),
    ("FIG", "a\x00b", r"path='a\\x00b' is not valid"),
    ("FIG", None, "path=None is not valid"),
])
def test_save_figure_refuses_what_is_not_a_figure_or_a_path(tmp_path, fig, path, named):
    import matplotlib.pyplot as plt

    figure = plt.figure()
    try:
        with pytest.raises(ParameterError, match=named):
            pntlib.save_figure(figure if fig == "FIG" else fig, path if path is None or "\x00" in path else tmp_path / path)
    finally:
        plt.close(figure)
    assert not list(tmp_path.iterdir())
