"""The evidence shown with every verdict: headline, box, narrative, key figures, charts."""

from __future__ import annotations

import json

import matplotlib.pyplot as plt

import pntlib
import pytest
from pntlib import briefing

from .hostile import markdown_text


def test_overview_headline_counts_the_weak_evidence():
    import pntlib
    from pntlib import evidence

    # outcomes (test_progress.EXPECTED_OUTCOME): 9 achieved, 3 not (3.2 66/P, 3.3 77/P, 4.2 0), 3 N/D (3.1, 5.2, 5.3)
    # solid: 1.1 (15 + 5 = 20) and 1.3 (12 + 4 = 16); not reproduced: 1.2 (2/6*100 = 33.33 vs 100), 2.1 (66.67),
    # 2.3, 4.3, 5.1 (0 vs 100); 4.1's formula names NAAC, which the card does not define; 2.2: 100 + 0 = 100
    # trajectories (test_progress.EXPECTED_ANNEX): 9 achieved, 3.1 and 5.2 on track, 3.2 and 3.3 needs
    # acceleration, 4.2 and 5.3 limited; 3.1, 5.2, 5.3 judged on 2023
    assert evidence.progress_headline(pntlib.progress()) == (
        "9 de 15 alcanzaron su Meta 2024 según el informe, 2 con evidencia sólida (las variables de la ficha "
        "reproducen el valor); 3 no la alcanzaron (2 con cifra preliminar); 3 sin dato de 2024. "
        "De las 9 alcanzadas, en 5 las variables de la ficha no reproducen el valor, en 1 la fórmula de la "
        "ficha no puede evaluarse y en 1 las variables de la ficha suman 0 al resultado anterior: el valor se "
        "arrastra y nada en ellas lo respalda. Trayectoria con el último dato (3 con datos anteriores al año de "
        "la Meta): Meta alcanzada: 9; Progreso sustancial / en camino: 2; Progreso justo, pero requiere "
        "acelerar: 2; Progreso limitado o nulo: 2."
    )
    table = briefing.status_table()
    assert table.loc["2.3", "evidence"] == "not_reproduced" and table.loc["2.3", "computed_value"] == 0.0
    shown = briefing.for_readers(table)
    assert shown.loc["1.1", "Evidencia"] == "las variables de la ficha reproducen el valor leído como acumulado"


def test_indicator_box_and_narrative_say_how_far_the_verdict_holds():
    from pntlib import evidence

    source = evidence.indicator_box("2.3")
    assert source.startswith("> **Alcanzó la Meta 2024** ") and "> **Evidencia débil.** " in source
    box = markdown_text(source)[0]  # as the page shows it
    # ARAR% = (NAR/TAO) * 100 with NAR = 0, TAO = 7 gives 0; the card prints 100 for 2024
    assert box.strip().startswith("Alcanzó la Meta 2024 — 100 % en 2024, frente a una Meta 2024 de 100 %; "
                                  "logro: 100 % de la Meta 2024.")
    # (100-0)/(100-0) = 100 % of the way
    assert "Trayectoria: Meta alcanzada — 100 % en 2024: 100 % del camino de la línea base a la Meta 2024." in box
    assert "Evidencia débil. Las variables de la ficha no reproducen el valor: dan 0 para 2024, frente a 100 impreso." in box
    box = markdown_text(evidence.indicator_box("5.3"))[0]
    # 5.3: 33 (2023), base 0: straight path 33 % / 66.67 % = 0.495 -> limited; Open SDG 3.98 -> on track
    assert "Con el método Open SDG (tasas de crecimiento): Progreso sustancial / en camino." in box
    assert ("Trayectoria: Progreso limitado o nulo, con datos hasta 2023; sin dato 2024; sin cambio desde 2022 — "
            "33 % en 2023: 33 % del camino de la línea base a la Meta 2024.") in box
    assert box.strip().startswith("Sin dato de 2024 — para 2024 el informe imprime N/D, frente a una Meta 2024 de 100 %.")
    box = markdown_text(evidence.indicator_box("1.1"))[0]
    # 20 / 15 = 133.3 %; (20-5)/(15-5) = 150 %: two measures, each named, each over 100 % says so
    assert "logro: 133.3 % de la Meta 2024 (supera la Meta)." in box
    assert "150 % del camino de la línea base a la Meta 2024 (supera la Meta)." in box
    box = markdown_text(evidence.indicator_box("2.2"))[0]
    # MCEF% = 0/3*100 = 0 in 2024: 100 (2023) + 0 = 100 is only carried over
    assert ("Evidencia débil. Las variables de la ficha suman 0 al resultado anterior: el valor se arrastra y nada "
            "en ellas lo respalda (100 + 0 = 100 para 2024).") in box
    text = markdown_text(briefing.objective_narrative(2))[0]
    assert "Veredictos que las variables de la propia ficha no respaldan: 2.1, 2.2, 2.3." in text
    assert "(con evidencia sólida: ninguno)" in text
    assert "Indicador 2.1: Las variables de la ficha no reproducen el valor: dan 66.67 para 2024" in text


def test_where_the_two_methods_disagree():
    import pntlib
    from pntlib import evidence

    found = evidence.method_disagreements(pntlib.compare_methods(), pntlib.progress())
    # 4.2: 0 -> 0 (base 0.001): CAGR -100 % -> Retroceso vs limited; 5.3: base 0, any growth looks fast
    assert list(found.index) == ["4.2", "5.3"]
    assert list(found["linear"]) == ["Progreso limitado o nulo", "Progreso limitado o nulo"]
    assert list(found["opensdg"]) == ["Deterioro", "Progreso sustancial / en camino"]
    assert "cualquier crecimiento parece rápido" in found.loc["5.3", "razon"]
    assert evidence.methods_sentence(found).endswith("difieren en 2 indicadores: 4.2, 5.3.")


def test_key_figures_carry_the_evidence(tmp_path):
    from pntlib import notebook

    run = notebook.setup("overview", output_dir=str(tmp_path))
    figures = {k["label"]: k["value"] for k in notebook.key_figures(run)}
    # outcomes first (test_progress.EXPECTED_OUTCOME), then trajectories (EXPECTED_ANNEX)
    assert list(figures)[:4] == ["Alcanzaron su Meta 2024 según el informe (de 15)",
                                 "… de ellos con evidencia sólida (las variables de la ficha reproducen el valor)",
                                 "No alcanzaron su Meta 2024", "Sin dato de 2024"]
    assert [figures[k] for k in list(figures)[:4]] == [9, 2, 3, 3]
    assert figures["Trayectoria: Meta alcanzada"] == 9 and figures["Trayectoria: Progreso limitado o nulo"] == 2
    assert figures["Metas alcanzadas que las variables de la ficha no respaldan"] == 7  # 5 + 4.1 + 2.2
    assert figures["Indicadores en que los dos métodos difieren"] == 2
    run = notebook.setup("indicator", indicator="1.1", output_dir=str(tmp_path))
    figures = {k["label"]: k["value"] for k in notebook.key_figures(run)}
    assert figures["Evidencia"] == "las variables de la ficha reproducen el valor leído como acumulado"
    assert figures["Resultado en el año de la Meta"] == "Alcanzó la Meta 2024; logro: 133.3 % de la Meta 2024 (supera la Meta)"
    run = notebook.setup("objective", objective=2, output_dir=str(tmp_path))
    figures = {k["label"]: k["value"] for k in notebook.key_figures(run)}
    # 2.2: 100 + 0 = 100 is weak evidence now
    assert figures == {f"Indicador 2.{k}": "Alcanzó la Meta 2024 (evidencia débil) · trayectoria: Meta alcanzada"
                       for k in (1, 2, 3)}


def test_computed_value_drawn_where_it_differs():
    # 2.3: ARAR% = (NAR/TAO) * 100 = 0 in 2023 and 2024, printed 100 -> two crosses at 0
    fig = pntlib.plot_indicator("2.3")
    ax = fig.axes[0]
    marks = {line.get_gid(): line for line in ax.get_lines() if (line.get_gid() or "").startswith("computed-2")}
    assert sorted(marks) == ["computed-2023", "computed-2024"]
    assert [float(marks["computed-2024"].get_ydata()[0])] == [0.0]
    assert any("según las variables" in t.get_text() for t in ax.get_legend().get_texts())
    plt.close(fig)
    # 1.1: 10 + 5 = 15 and 15 + 5 = 20 as printed (accumulated): nothing drawn
    fig = pntlib.plot_indicator("1.1")
    assert not [ln for ln in fig.axes[0].get_lines() if (ln.get_gid() or "").startswith("computed-")]
    plt.close(fig)


def test_progress_overview_marks_weak_evidence():
    fig = pntlib.plot_progress_overview()
    ax = fig.axes[0]
    labels = {t.get_gid(): t.get_text() for t in ax.texts if (t.get_gid() or "").startswith("bar-label-")}
    assert labels["bar-label-2.3"].endswith("evidencia débil")  # 0 vs 100
    assert not labels["bar-label-1.1"].endswith("evidencia débil")  # reproduced as accumulated
    bars = {p.get_gid(): p for p in ax.patches if (p.get_gid() or "").startswith("bar-")}
    assert bars["bar-2.3"].get_hatch() == "///" and bars["bar-1.1"].get_hatch() is None
    plt.close(fig)


def test_indicator_box_gives_the_unit_and_says_preliminar():
    from pntlib import evidence

    from .hostile import markdown_text

    # 3.2 (annex, l.703): 2024 printed 66/P, unit Porcentaje, Meta 2024 100
    box, made = markdown_text(evidence.indicator_box("3.2"))
    assert made == set() and ("No alcanzó la Meta 2024 (cifra preliminar) — 66 % (preliminar) en 2024, frente a una "
                              "Meta 2024 de 100 %; logro: 66 % de la Meta 2024.") in box


def test_an_outcome_without_a_meta_says_the_meta_is_missing(damaged_report):
    # Found: with 3.2's Meta 2024 printed ND (annex l.703) and 66/P printed for 2024, the box said
    # "Sin dato de 2024" although the report gives 2024's value: the Meta is what is missing.
    import pntlib
    from pntlib.evidence import outcome_text

    path = damaged_report(edits=[(703, 7, "100", "ND")])
    row = pntlib.progress(report=path).loc["3.2"]
    assert str(row["outcome"]) == "no_data" and row["latest_year"] == 2024 and row["latest_value"] == 66
    assert outcome_text(row) == "Meta 2024 sin valor: no puede juzgarse"
    assert outcome_text(pntlib.progress().loc["3.1"]) == "Sin dato de 2024"  # 3.1: 2024 printed N/D (l.668)


def test_where_refuses_what_is_not_a_line():
    from pntlib import ParameterError, provenance

    assert provenance.where(703) == "Anexo, Objetivo prioritario 3, pp. 46–51; línea 703 del texto"
    for bad in ("x", None, 0, -1, 3.7, True):
        with pytest.raises(ParameterError, match="is not a line of the report's text"):
            provenance.where(bad)
