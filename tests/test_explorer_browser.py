"""`make explore` (Voilà) in Debian's headless chromium: the explorer works, offline.

The server is started on a free port in its own process group and stopped (the
whole group) at the end, whatever happens; a screenshot is saved under pytest's
tmp_path when a check fails.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

import pntlib

from .conftest import PROJ_ROOT

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")

pytestmark = [
    pytest.mark.kernel,
    pytest.mark.skipif(
        not (CHROMIUM.exists() and CHROMEDRIVER.exists()) and not os.environ.get("CI"),
        reason="Debian's chromium/chromium-driver are not installed (make test installs them as root)",
    ),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def voila():
    port = _free_port()
    log = tempfile.NamedTemporaryFile(prefix="pnt-voila-", suffix=".log", delete=False)
    proc = subprocess.Popen(["make", "--no-print-directory", "explore", f"EXPLORE_ARGS=--no-browser --port={port}"],
                            cwd=PROJ_ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(url, timeout=5).close()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"voila did not start: {Path(log.name).read_text()[-2000:]}") from None
                time.sleep(0.5)
        yield url
    finally:
        os.killpg(proc.pid, signal.SIGTERM)  # make, voila and its kernels: the group started here
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                os.killpg(proc.pid, 0)
            except ProcessLookupError:
                break
            time.sleep(0.2)
        else:
            os.killpg(proc.pid, signal.SIGKILL)
        Path(log.name).unlink(missing_ok=True)


@pytest.fixture(scope="module")
def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    profile = tempfile.mkdtemp(prefix="pnt-chromium-")
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage", "--window-size=1280,1600", f"--user-data-dir={profile}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()


def _verdict(browser) -> tuple[str | None, str | None, str]:
    return tuple(browser.execute_script(
        "const v = document.querySelector('.pnt-verdict');"
        "return v ? [v.dataset.indicator, v.dataset.method, v.innerText] : [null, null, ''];"))


def _options(browser, label_text: str) -> list[str]:
    """The options of the ipywidgets Dropdown labelled ``label_text`` (ipywidgets writes spaces as no-break spaces)."""
    return [t.replace("\u00a0", " ") for t in browser.execute_script(
        "for (const w of document.querySelectorAll('.widget-dropdown')) {"
        "  const l = w.querySelector('label');"
        "  if (l && l.innerText.trim() === arguments[0]) return Array.from(w.querySelector('select').options, o => o.text);"
        "} return [];", label_text)]


def _choose(browser, label_text: str, starts: str) -> None:
    """Pick the option starting with ``starts`` of the Dropdown labelled ``label_text``."""
    from selenium.webdriver.support.ui import Select

    options = _options(browser, label_text)
    index = next(i for i, t in enumerate(options) if t.startswith(starts))
    select = browser.execute_script(
        "for (const w of document.querySelectorAll('.widget-dropdown')) {"
        "  const l = w.querySelector('label'); if (l && l.innerText.trim() === arguments[0]) return w.querySelector('select');"
        "} return null;", label_text)
    Select(select).select_by_index(index)


def _wait(browser, condition, what: str, timeout: float = 60):
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(browser, timeout, poll_frequency=0.2).until(lambda b: condition(b), message=what)


def test_explore_app_picks_an_indicator_and_a_method_offline(voila, browser, tmp_path):
    try:
        browser.get(voila)
        _wait(browser, lambda b: _verdict(b)[0] is not None, "the explorer shows its verdict")
        indicators = pntlib.load_indicators()
        # choose 5.3 (objective 5), where the two methods disagree on the full data
        objective = int(indicators.loc["5.3", "objective"])
        _choose(browser, "Objetivo", f"{objective}. ")
        _wait(browser, lambda b: _verdict(b)[0] == "5.1", "objective 5 shows its first indicator")
        name = " ".join(str(indicators.loc["5.3", "name"]).split())
        _choose(browser, "Indicador", "5.3 ")
        _wait(browser, lambda b: _verdict(b)[0] == "5.3", "the verdict shows indicator 5.3")
        text = _verdict(browser)[2]
        assert f"Indicador 5.3: {name[:40]}" in " ".join(text.split())
        linear = pntlib.progress().loc["5.3", "status"]
        opensdg = pntlib.progress(method="opensdg").loc["5.3", "status"]
        assert linear != opensdg  # straight path `limited`, Open SDG `on_track` (see test_explorer.py)
        from pntlib.labels import METHOD_LABELS, STATUS_LABELS

        assert f"Veredicto: {STATUS_LABELS[str(linear)]}" in text
        # switch the method: the verdict now leads with the Open SDG verdict
        browser.execute_script(
            "for (const b of document.querySelectorAll('.widget-toggle-buttons button'))"
            "  if (b.innerText.trim() === arguments[0]) { b.click(); return; }", METHOD_LABELS["opensdg"])
        _wait(browser, lambda b: _verdict(b)[1] == "opensdg", "the verdict follows the method")
        text = _verdict(browser)[2]
        assert f"{METHOD_LABELS['opensdg']}, datos hasta 2024" in text
        assert f"): {STATUS_LABELS[str(opensdg)]} —" in text
        # the chart is ipympl's canvas, drawn
        _wait(browser, lambda b: b.execute_script(
            "const c = document.querySelector('.jupyter-matplotlib-figure canvas'); return c && c.width > 0;"),
            "the interactive chart is drawn")
        # nothing was requested from the network: every web request went to the local server
        import json

        requested = [json.loads(e["message"])["message"] for e in browser.get_log("performance")]
        urls = {m["params"]["request"]["url"] for m in requested if m["method"] == "Network.requestWillBeSent"}
        web = [u for u in urls if u.startswith(("http:", "https:", "ws:", "wss:"))]
        assert any(u.startswith(voila + "voila/") for u in web)  # the page's assets, served by voila
        outside = sorted(u for u in web if not u.startswith((voila, voila.replace("http", "ws", 1))))
        assert outside == []
        errors = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
        assert errors == []
    except BaseException:
        browser.save_screenshot(str(tmp_path / "explore-failure.png"))
        print(f"screenshot: {tmp_path / 'explore-failure.png'}")
        raise
