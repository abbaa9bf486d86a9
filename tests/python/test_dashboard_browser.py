"""The dashboard in a real browser: headless Debian chromium opens every page of the Streamlit app.

The app is served (`cx_metrics.dashboard.serve_command`, as `cx-metrics dashboard`
does) over the small demo warehouse of the `demo_warehouse` fixture. Each page must
render without a Streamlit exception and without a SEVERE browser console entry;
a screenshot of each is written to build/test/screenshots/<page>.png (README,
"Dashboard"). The figures shown for the newest month are compared with the marts,
formatted here independently of the app: FCR, NPS and IXS on the executive page,
FCR on effectiveness, NPS on experience, and every queue's service level on
operations (a ratio of mart_queue_daily's sums over the month).

chromium and chromium-driver are installed with apt-get when missing (the test
skips where there is no apt-get and no chromium). Bounded: about 20 s after the
demo warehouse exists.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

from engines import REPO

pytest.importorskip("streamlit", reason="the [bi] extra (streamlit, selenium) is not installed")
pytest.importorskip("selenium", reason="the [bi] extra (streamlit, selenium) is not installed")

SCREENSHOTS = REPO / "build" / "test" / "screenshots"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-dev-shm-usage",
    "--window-size=1400,2200",
]
PAGE_TIMEOUT = 60


def _chromium() -> tuple[str, str]:
    """Paths of chromium and chromedriver, installing Debian's packages when missing."""
    if not (shutil.which("chromium") and shutil.which("chromedriver")):
        if not shutil.which("apt-get"):
            pytest.skip("chromium/chromedriver missing and no apt-get to install them")
        done = subprocess.run(
            "apt-get update -qq && apt-get install -y -qq chromium chromium-driver",
            shell=True,
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, f"installing chromium failed:\n{done.stderr[-2000:]}"
    return shutil.which("chromium"), shutil.which("chromedriver")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def dashboard_url(demo_warehouse: Path):
    from cx_metrics.dashboard import serve_command

    port = _free_port()
    env = {**os.environ, "CX_DUCKDB_PATH": str(demo_warehouse / "cx_metrics.duckdb"), "PYTHONPATH": str(REPO)}
    log = open(demo_warehouse / "streamlit.log", "w")  # noqa: SIM115 (closed when the server stops)
    server = subprocess.Popen(serve_command(port), env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + PAGE_TIMEOUT
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            assert server.poll() is None, (demo_warehouse / "streamlit.log").read_text()
            assert time.monotonic() < deadline, "the dashboard did not start within 60 s"
            time.sleep(0.5)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


@pytest.fixture(scope="module")
def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    chromium, chromedriver = _chromium()
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    profile = tempfile.mkdtemp(prefix="cx_chromium_")
    options.add_argument(f"--user-data-dir={profile}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(chromedriver), options=options)
    driver.set_page_load_timeout(PAGE_TIMEOUT)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture(scope="module")
def expected(demo_warehouse: Path) -> dict:
    """The newest month's figures from the marts, formatted as the page should show them."""
    import duckdb

    con = duckdb.connect(str(demo_warehouse / "cx_metrics.duckdb"), read_only=True)
    try:
        month, fcr, nps, ixs = con.execute(
            "select month, fcr_rate, nps, ixs from marts.mart_scorecard_monthly order by month desc limit 1"
        ).fetchone()
        queues = con.execute(
            "select queue, sum(answered_within_sl) / nullif(sum(offered_legs), 0) from marts.mart_queue_daily "
            "where date_trunc('month', date_day) = ? group by queue",
            [month],
        ).fetchall()
    finally:
        con.close()
    assert fcr is not None and nps is not None and ixs is not None and queues, "nothing to compare"
    return {
        "FCR": f"{100 * fcr:.1f}%",
        "NPS": f"{nps:,.1f}",
        "IXS": f"{ixs:,.1f}",
        **{f"Service level: {queue}": "—" if sl is None else f"{100 * sl:.1f}%" for queue, sl in queues},
    }


def _render(browser, url: str, page: str, title: str) -> dict[str, str]:
    """Open one page, wait until its script finished, screenshot it; its metric tiles {label: value}."""
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get_log("browser")  # drop entries of earlier pages
    wait = WebDriverWait(browser, PAGE_TIMEOUT, ignored_exceptions=(StaleElementReferenceException,))
    # Open the app at its root and move between pages with the sidebar, as a reader does (a deep
    # link makes Streamlit's frontend probe <page>/_stcore/health first, a 404 in the console).
    if not browser.current_url.startswith(url):
        browser.get(url)
    if page != "executive":
        selector = f'[data-testid="stSidebarNav"] a[href$="/{page}"]'
        wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, selector))
        browser.find_element(By.CSS_SELECTOR, selector).click()
    else:
        browser.get(url)
    wait.until(lambda d: any(h.text.strip() == title for h in d.find_elements(By.CSS_SELECTOR, "h1")))
    # Streamlit shows its status widget while the script runs; wait for it to go, then for charts to draw.
    wait.until(lambda d: not d.find_elements(By.CSS_SELECTOR, '[data-testid="stStatusWidget"]'))
    time.sleep(1.5)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    browser.save_screenshot(str(SCREENSHOTS / f"{page}.png"))
    exceptions = [e.text for e in browser.find_elements(By.CSS_SELECTOR, '[data-testid="stException"]')]
    assert not exceptions, f"{page}: Streamlit exception:\n" + "\n".join(exceptions)
    errors = [entry["message"] for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]
    assert not errors, f"{page}: browser console errors:\n" + "\n".join(errors)
    return wait.until(lambda d: _tiles(d))


def _tiles(browser) -> dict[str, str]:
    from selenium.webdriver.common.by import By

    tiles = {}
    for tile in browser.find_elements(By.CSS_SELECTOR, '[data-testid="stMetric"]'):
        label = tile.find_element(By.CSS_SELECTOR, '[data-testid="stMetricLabel"]').text.strip()
        tiles[label] = tile.find_element(By.CSS_SELECTOR, '[data-testid="stMetricValue"]').text.strip()
    return tiles or {"(no tiles)": ""}


PAGES = {
    "executive": ("Executive scorecard", ["FCR", "NPS", "IXS"]),
    "operations": ("Operations", ["Service level: *"]),
    "effectiveness": ("Effectiveness", ["FCR"]),
    "experience": ("Experience", ["NPS"]),
    "value": ("Value", []),
}


def test_pages_match_the_dashboard_module() -> None:
    from cx_metrics.dashboard import PAGES as APP_PAGES

    assert tuple(PAGES) == APP_PAGES


@pytest.mark.parametrize("page", list(PAGES))
def test_page_renders_and_shows_the_marts_figures(
    page: str, browser, dashboard_url: str, expected: dict
) -> None:
    title, labels = PAGES[page]
    tiles = _render(browser, dashboard_url, page, title)
    assert (SCREENSHOTS / f"{page}.png").stat().st_size > 10_000, "screenshot looks empty"
    for label in labels:
        wanted = [k for k in expected if k.startswith(label[:-1])] if label.endswith("*") else [label]
        assert wanted, f"{page}: no expected figure for {label}"
        for key in wanted:
            shown = tiles.get(key)
            assert shown == expected[key], f"{page}: {key} shows {shown!r}, mart says {expected[key]!r}"


def test_every_page_has_an_exposure_naming_the_relations_it_reads() -> None:
    """models/exposures: one exposure per page, whose depends_on is exactly what the page queries."""
    import inspect
    import re

    import yaml

    from cx_metrics import dashboard

    exposures = {}
    for path in (REPO / "models" / "exposures").glob("*.yml"):
        for exposure in yaml.safe_load(path.read_text()).get("exposures") or []:
            exposures[exposure["name"]] = {
                re.fullmatch(r"ref\('(\w+)'\)", d).group(1) for d in exposure["depends_on"]
            }
    # the month picker reads mart_scorecard_monthly on every page that has one
    picker = set(re.findall(r"marts\.(\w+)", inspect.getsource(dashboard.months)))
    for page in dashboard.PAGES:
        source = inspect.getsource(getattr(dashboard, f"page_{page}"))
        reads = set(re.findall(r"marts\.(\w+)", source)) | (picker if "_month_picker" in source else set())
        exposed = exposures.get(f"dashboard_{page}")
        assert exposed == reads, f"{page}: exposure {exposed} != reads {reads}"
