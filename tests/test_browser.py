"""The rendered reports opened in Debian's headless chromium.

Every page of the session's executed collection (``executed_collection`` in
conftest.py: the whole plan on the real report, six runs on a hostile copy of the
report whose text fields hold markup, Markdown links and images, scripts and `$`,
and whose values include NA/ND where numbers were, and one run that fails) loads
without console errors, every link and image resolves, and on the hostile pages the
report text shows literally and makes no link, image, script, emphasis or math.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

from .conftest import CHROMEDRIVER, CHROMIUM, FAILING_RUN, MARKUP, MARKUP_RUNS, RAW_REPORT, headless_chrome, hostile_report


# Skipped on a developer machine without chromium; never in CI (CI=true), where
# `make test` installs it and a missing browser must fail the run.
pytestmark = pytest.mark.skipif(
    not (CHROMIUM.exists() and CHROMEDRIVER.exists()) and not os.environ.get("CI"),
    reason="Debian's chromium/chromium-driver are not installed (make test installs them as root)",
)


@pytest.fixture(scope="module")
def reports(executed_collection) -> Path:
    return executed_collection


@pytest.fixture(scope="module")
def browser():
    driver = headless_chrome(logs=("browser",))
    yield driver
    driver.quit()


def _pages(out: Path) -> list[Path]:
    return sorted(p for p in out.rglob("*.html") if ".staging" not in p.parts)


def _local_target(url: str) -> Path | None:
    parsed = urlparse(url)
    if parsed.scheme == "file":
        return Path(unquote(parsed.path))
    return None


def test_every_page_loads_without_console_errors_and_its_links_resolve(reports, browser):
    pages = _pages(reports)
    names = {p.relative_to(reports).as_posix() for p in pages}
    assert {"index.html", "overview.html", "overview.code.html", "indicator_1.1.html", "indicator_5.3.html",
            "indicator_1.1.code.html", "markup_overview.html", f"failed/{FAILING_RUN}.html"} <= names
    for page in pages:
        browser.get(page.as_uri())
        errors = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
        assert errors == [], f"{page.name}: {errors}"
        hrefs = browser.execute_script("return Array.from(document.querySelectorAll('a[href]'), a => a.href)")
        for href in hrefs:
            href = href.split("#")[0]
            if not href or href.startswith("data:"):
                continue
            target = _local_target(href)
            assert target is not None, f"{page.name} links outside the reports: {href}"
            assert target.is_file(), f"{page.name}: broken link {href}"
        images = browser.execute_script(
            "return Array.from(document.images, i => [i.currentSrc || i.src, i.complete, i.naturalWidth])"
        )
        for src, complete, width in images:
            assert complete and width > 0, f"{page.name}: image does not load: {src[:80]}"
        external = browser.execute_script(
            "return Array.from(document.querySelectorAll('script[src], link[href]'), e => e.src || e.href)"
        )
        assert [u for u in external if u.startswith("http")] == [], f"{page.name} loads {external}"


@pytest.fixture(scope="module")
def shown() -> dict[str, list[str]]:
    """For each markup run, the report texts its pages show (see conftest.hostile_report)."""
    return hostile_report(RAW_REPORT.read_text(encoding="utf-8"))[1]


def _flat(text: str) -> str:
    return " ".join(text.split())


# What the hostile copy's text would make if it were read as markup: links, images, scripts,
# emphasis, code, math. None of it may be on a page.
MADE_BY_REPORT_TEXT = """
    const made = [];
    for (const a of document.querySelectorAll('a[href]:not([href^="#"])'))  // not nbconvert's heading anchors
        if (/javascript:|127\\.0\\.0\\.1|example\\.com/.test(a.getAttribute('href'))) made.push(a.outerHTML);
    for (const i of document.querySelectorAll('img, image, iframe, object, embed'))
        if (/nowhere|127\\.0\\.0\\.1/.test(i.getAttribute('src') || i.getAttribute('href') || '')) made.push(i.outerHTML);
    for (const s of document.querySelectorAll('script'))
        if (/pwned/.test(s.textContent)) made.push(s.outerHTML);
    for (const e of document.querySelectorAll('a, b, strong, em, i, code, h1, h2, h3, h4, h5, h6'))
        if (['x', 'b', 'enlace', 'negrita', 'doble', 'sub', 'código', 'título'].includes(e.textContent.trim()))
            made.push(e.outerHTML);
    for (const m of document.querySelectorAll('.MathJax, mjx-container, math, .katex')) made.push(m.outerHTML);
    return made;
"""


@pytest.mark.parametrize(("run", "suffix"), [(r, s) for r in MARKUP_RUNS for s in (".html", ".code.html")]
                         + [("index", ".html")])
def test_report_text_shows_literally_and_makes_nothing(reports, browser, shown, run, suffix):
    browser.get((reports / f"{run}{suffix}").as_uri())
    assert browser.execute_script("return window.pwned === undefined"), run
    assert browser.execute_script(MADE_BY_REPORT_TEXT) == [], run
    text = _flat(browser.execute_script("return document.body.innerText"))
    for expected in (shown[run] if run != "index" else [MARKUP]):
        assert _flat(expected) in text, f"{run}{suffix} does not show {expected!r} as text"


def test_index_shows_the_failure(reports, browser):
    browser.get((reports / "index.html").as_uri())
    text = browser.execute_script("return document.getElementById('run-' + arguments[0]).innerText", FAILING_RUN)
    assert "falló" in text and "ValueError" in text
    assert "fallo a propósito con value=1 <b>sin marcado</b>" in text  # the error text, escaped


def _reader_pages(out: Path) -> list[Path]:
    """The pages of pntlib's notebooks and the index (not the failed tiny test notebook)."""
    return [p for p in _pages(out) if "failed" not in p.relative_to(out).parts]


def test_every_page_reads_as_published(reports, browser):
    """Spanish headings only, no <NA>, a non-empty alt on every image, the data under every figure,
    the provenance note, and the page's own title in the browser tab."""
    from pntlib.schema import TABLES

    english = {c.name for _, cols in TABLES.values() for c in cols} | {"annex", "summary", "razon", "linear", "opensdg"}
    pages = _reader_pages(reports)
    assert len(pages) >= 2 * 23 + 1
    for page in pages:
        browser.get(page.as_uri())
        name = page.relative_to(reports).as_posix()
        headings = browser.execute_script("return Array.from(document.querySelectorAll('th'), t => t.innerText.trim())")
        assert not [h for h in headings if h in english or "_" in h], f"{name}: headings {headings}"
        text = browser.execute_script("return document.body.innerText")
        assert "<NA>" not in text and "NaN" not in text, name
        alts = browser.execute_script("return Array.from(document.images, i => (i.getAttribute('alt') || '').trim())")
        assert all(alts), f"{name}: an image without alt text"
        note = browser.execute_script("const n = document.querySelector('.pnt-source'); return n ? n.innerText : ''")
        assert "Avance y Resultados" in note and "sha256" in note, f"{name}: no provenance note"
        figures = browser.execute_script(
            "return Array.from(document.querySelectorAll('figure.pnt-figure'), f => {"
            " const a = f.querySelector('a[href$=\".csv\"]'); return [f.querySelector('img').alt, a ? a.href : ''] })"
        )
        for alt, href in figures:
            assert href and _local_target(href).is_file(), f"{name}: figure without its data: {alt[:60]}"
        if name != "index.html":
            title = browser.execute_script("return document.title")
            assert title and not title.startswith(page.name.split(".")[0]), f"{name}: tab title {title!r}"


def test_titles_alt_text_and_data_of_indicator_3_2(reports, browser):
    browser.get((reports / "indicator_3.2.html").as_uri())
    assert browser.execute_script("return document.title").startswith("Indicador 3.2: Porcentaje de Instituciones")
    alt = browser.execute_script("return document.querySelector('figure.pnt-figure img').alt")
    # annex line 703: N/A 0 66 66 66 66/P, Meta 100
    assert alt == ("Indicador 3.2: sin dato (N/A) en 2019; 0 en 2020; 66 de 2021 a 2023; 66 preliminar en 2024; "
                   "Meta 2024: 100")
    # the explore page keeps its code; the others' pages for readers do not
    browser.get((reports / "explore.html").as_uri())
    assert browser.execute_script("return document.querySelectorAll('.jp-CodeMirrorEditor').length") > 0
    browser.get((reports / "overview.html").as_uri())
    assert browser.execute_script("return document.querySelectorAll('.jp-CodeMirrorEditor').length") == 0


def test_index_is_grouped_by_objective(reports, browser):
    browser.get((reports / "index.html").as_uri())
    sections = browser.execute_script(
        "return Array.from(document.querySelectorAll('section.group'), s => "
        "[s.querySelector('h2').innerText, Array.from(s.querySelectorAll('article'), a => a.id)])"
    )
    assert sections[0][1][:2] == ["run-overview", "run-data_quality"]
    objective_3 = next(s for s in sections if s[0].startswith("Objetivo prioritario 3. Fortalecer la atención"))
    real = [a for a in objective_3[1] if not a.startswith("run-markup_")]  # the hostile copy's runs sit beside
    assert real[:4] == ["run-objective_3", "run-indicator_3.1", "run-indicator_3.2", "run-indicator_3.3"]
    card = browser.execute_script("return document.getElementById('run-indicator_3.2').innerText")
    assert "66 % (preliminar)" in card and "66/P" not in card


def test_index_first_screen_gives_the_headline_the_key_and_the_citation(reports, browser):
    """What a reader sees without scrolling (a 1280x1000 window): the headline the library writes, a key to
    every verdict and evidence grade (the labels of pntlib.labels), and the suggested citation."""
    from pntlib import progress, provenance
    from pntlib.evidence import progress_headline
    from pntlib.labels import EVIDENCE_LABELS, OUTCOME_LABELS, STATUS_LABELS

    browser.set_window_size(1280, 1000)
    browser.get((reports / "index.html").as_uri())
    height = browser.execute_script("return window.innerHeight")

    def shown(selector: str) -> str:
        found = browser.execute_script(
            "const e = document.querySelector(arguments[0]); if (!e) return null;"
            "const r = e.getBoundingClientRect(); return [e.innerText, r.top, r.bottom];", selector)
        assert found is not None, selector
        text, top, bottom = found
        assert 0 <= top and bottom <= height, f"{selector} is not on the first screen ({top}-{bottom} of {height})"
        return _flat(text)

    assert shown("#titular .lead") == progress_headline(progress())
    key = shown("#clave")  # the outcomes at the Meta's year, then the trajectories
    assert all(label in key for label in OUTCOME_LABELS.values())
    assert all(label in key for label in STATUS_LABELS.values())
    assert key.index(OUTCOME_LABELS["achieved"]) < key.index(STATUS_LABELS["achieved"])
    grades = shown("#evidencia")
    assert all(label[0].upper() + label[1:] in grades for label in EVIDENCE_LABELS.values())
    citation = shown("#citar .pnt-citation")
    assert citation.startswith(provenance.suggested_citation().removesuffix("."))  # then the processing date
    # the run status is in the footer, after every card; no card ends in a run line
    footer = browser.execute_script("return document.querySelector('footer').getBoundingClientRect().top")
    last = browser.execute_script("const a = document.querySelectorAll('article'); "
                                  "return a[a.length - 1].getBoundingClientRect().bottom")
    assert footer > last
    assert "Correctos:" in browser.execute_script("return document.querySelector('footer').innerText")
    assert "ejecución" not in browser.execute_script("return document.getElementById('run-indicator_3.2').innerText")


def test_an_indicator_page_names_its_indicator_and_cites_its_pages(reports, browser):
    from pntlib import provenance

    browser.get((reports / "indicator_3.2.html").as_uri())
    h1 = browser.execute_script("return Array.from(document.querySelectorAll('h1'), h => h.innerText.trim())")
    assert h1[0].startswith("Indicador 3.2: Porcentaje de Instituciones"), h1
    citation = _flat(browser.execute_script("return document.querySelector('.pnt-citation').innerText"))
    assert citation.startswith(provenance.suggested_citation().removesuffix("."))
    pages = _flat(browser.execute_script("return document.querySelector('.pnt-pages').innerText"))
    # Índice (lines 33, 49): section 3's Objetivo prioritario 3 from p. 20, the annex's from p. 46;
    # card 3.2 starts at line 687, its summary row is line 305
    assert pages == ("Ficha del anexo: Anexo, Objetivo prioritario 3, pp. 46–51; línea 687 del texto · "
                     "Fila de la tabla de resumen: Avances y Resultados, Objetivo prioritario 3, pp. 20–23; "
                     "línea 305 del texto")
    # the audit's rows say where their values are, by page too
    cells = browser.execute_script("return Array.from(document.querySelectorAll('td'), t => t.innerText)")
    assert any("Anexo, Objetivo prioritario 3, pp. 46–51; línea 703 del texto" in c for c in cells)
    browser.get((reports / "objective_3.html").as_uri())
    assert browser.execute_script("return document.querySelector('h1').innerText.trim()") == "Objetivo prioritario 3"


def test_the_archive_opens_offline(reports, browser, tmp_path):
    """pnt run --zip: unpacked anywhere, every link and image of every page resolves inside it,
    the index links the tables of data/, and nothing but what the index links is in it."""
    import zipfile
    from html.parser import HTMLParser

    from pntlib.run.bundle import write_zip

    archive = write_zip(reports, tmp_path / "paginas.zip")
    with zipfile.ZipFile(archive) as z:
        names = z.namelist()
        z.extractall(tmp_path / "unpacked")
    root = tmp_path / "unpacked" / reports.name
    assert not [n for n in names if n.endswith(("manifest.json", ".lock")) or "/manual" in n or ".staging" in n]
    assert {f"{reports.name}/data/series.csv", f"{reports.name}/data/series.dta",
            f"{reports.name}/data/pntdp.xlsx", f"{reports.name}/indicator_3.2.code.html"} <= set(names)

    class Links(HTMLParser):
        def __init__(self):
            super().__init__()
            self.found = []

        def handle_starttag(self, tag, attrs):
            self.found += [v for k, v in attrs if k in ("href", "src") and v]

    pages = sorted(root.rglob("*.html"))
    assert len(pages) >= 2 * 23 + 1
    for page in pages:
        parser = Links()
        parser.feed(page.read_text(encoding="utf-8"))
        for link in parser.found:
            parts = urlparse(link)
            if link.startswith(("#", "data:")) or parts.scheme in ("http", "https", "mailto"):
                continue
            target = (page.parent / unquote(parts.path)).resolve()
            assert target.is_relative_to(root) and target.is_file(), f"{page.name}: {link} does not resolve"
    # a page and its code version show the same figure file, which loads from the unpacked folder
    for name in ("indicator_3.2.html", "indicator_3.2.code.html", "index.html"):
        browser.get((root / name).as_uri())
        images = browser.execute_script(
            "return Array.from(document.images, i => [i.getAttribute('src'), i.complete, i.naturalWidth])")
        assert images and all(complete and width > 0 for _, complete, width in images), name
        if name != "index.html":
            assert "figures/indicator_3.2.png" in [src for src, _, _ in images], name
