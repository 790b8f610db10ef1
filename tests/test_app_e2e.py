"""End to end: `streamlit run app.py` on loopback, driven in headless Debian Chromium through Playwright
(the system browser; no `playwright install`). Clicks a region filter, opens the Quotes page (quote cards
show their themes' evidence words), downloads the CSV export and checks it, saving screenshots (under $TEXTMINE_SCREENSHOTS when set, else tmp)."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from textmine.app.demo import build_demo_store
from textmine.app.local_server import free_port as _free_port
from textmine.app.local_server import wait_healthy as _wait_healthy

CHROMIUM = Path("/usr/bin/chromium")
ROOT = Path(__file__).resolve().parents[1]
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]

if not CHROMIUM.exists():
    pytest.skip("Debian chromium is not installed (apt-get install -y chromium)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright-python is not installed (pip install playwright)")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("e2e")
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        store = build_demo_store(folder / "demo.duckdb")
    finally:
        os.chdir(cwd)
    port = _free_port()
    env = {**os.environ, "TEXTMINE_STORE": str(store), "TEXTMINE_TAXONOMY_DRAFT": str(folder / "draft.yaml")}
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.address", "127.0.0.1", "--server.port", str(port),
         "--server.headless", "true", "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, process)
        yield url, store
    finally:
        process.terminate()
        process.wait(timeout=20)


def _wait_idle(page) -> None:
    """Wait until the app's script run has finished (Streamlit shows its status widget while running), so
    a click never lands on an element that the running script is about to replace."""
    page.locator('[data-testid="stStatusWidget"]').wait_for(state="hidden", timeout=60_000)


def pick(page, box, option: str, tries: int = 3) -> None:
    """Choose ``option`` in the multiselect ``box``: a click made while the first script run (and its
    warm-up) still redraws the sidebar can leave the list closed, so open it again until the option shows."""
    choice = page.get_by_role("option", name=option, exact=True)
    for _ in range(tries):
        _wait_idle(page)
        sync_api.expect(box).to_have_count(1, timeout=30_000)  # a slow rerun can show the old form beside the new
        box.click()
        try:
            choice.wait_for(timeout=10_000)
            break
        except sync_api.TimeoutError:
            page.keyboard.press("Escape")
    choice.click()
    page.keyboard.press("Escape")
    _wait_idle(page)


def test_filter_and_export_in_chromium(server, tmp_path: Path) -> None:
    url, store = server
    shots = Path(os.environ.get("TEXTMINE_SCREENSHOTS", tmp_path))
    shots.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(store), read_only=True)
    region, expected = con.execute("SELECT region, count(*) n FROM comments WHERE region IS NOT NULL "
                                   "GROUP BY region ORDER BY n DESC LIMIT 1").fetchone()
    (total,) = con.execute("SELECT count(*) FROM comments").fetchone()
    con.close()
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
        page.goto(url)
        page.get_by_role("heading", name="Шолу").wait_for(timeout=60_000)
        page.locator('[data-testid="stVegaLiteChart"]').first.wait_for(timeout=60_000)
        page.screenshot(path=shots / "overview.png", full_page=False)

        sidebar = page.locator('[data-testid="stSidebar"]')
        sidebar.locator('[data-testid="stMultiSelect"]').filter(has_text="Өңір").click()
        page.get_by_role("option", name=region, exact=True).click()
        page.keyboard.press("Escape")
        sidebar.get_by_text(f"{expected} / {total}").wait_for(timeout=30_000)
        page.screenshot(path=shots / "overview_filtered.png")

        sidebar.get_by_text("Дәйексөздер", exact=True).click()
        page.get_by_role("heading", name="Дәйексөздер").wait_for(timeout=30_000)
        page.locator('[data-testid="stText"]').first.wait_for(timeout=30_000)
        # each themed quote card says which words its themes were assigned on
        page.get_by_text("Дәлел сөздер —").first.wait_for(timeout=30_000)
        export = page.get_by_role("button", name="Сүзілген пікірлерді CSV-ге")
        export.wait_for(timeout=30_000)
        _wait_idle(page)
        page.screenshot(path=shots / "quotes.png")
        with page.expect_download(timeout=30_000) as download_info:
            export.click()
        saved = tmp_path / "comments.csv"
        download_info.value.save_as(saved)
        browser.close()
    exported = pd.read_csv(io.BytesIO(saved.read_bytes()), encoding="utf-8-sig")
    assert len(exported) == expected
    assert set(exported["region"]) == {region}
    assert all((shots / name).stat().st_size > 10_000 for name in ("overview.png", "overview_filtered.png", "quotes.png"))


HOSTILE = ('xsscheck <img src=x onerror="window.__xss=1"> <script>window.__xss=2</script> **bold** '
           '[link](javascript:window.__xss=3) <b>markup</b> кезек')


def test_hostile_comment_text_is_shown_literally_in_chromium(server) -> None:
    """A comment carrying HTML, JavaScript and Markdown is displayed as its literal characters: no script
    runs, no element is created from it, no Markdown renders."""
    url, store = server
    from textmine.store import Store

    with Store(store) as opened:
        row = opened.read("comments").iloc[[0]].assign(id="hostile00000000e2", text=HOSTILE, raw_text=HOSTILE,
                                                       source_file="hostile.csv", source_line=1)
        opened.replace_source("hostile.csv", row, opened.read("rejects").iloc[0:0])
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(url)
        sidebar = page.locator('[data-testid="stSidebar"]')
        sidebar.get_by_text("Дәйексөздер", exact=True).wait_for(timeout=60_000)
        sidebar.get_by_text("Дәйексөздер", exact=True).click()
        search = page.get_by_label("Мәтін бойынша іздеу")
        search.wait_for(timeout=30_000)
        search.fill("xsscheck")
        search.press("Enter")
        shown = page.locator('[data-testid="stMarkdownContainer"]').filter(has_text="xsscheck")  # hits highlighted
        shown.first.wait_for(timeout=30_000)
        text = shown.first.inner_text()
        xss = page.evaluate("() => window.__xss === undefined ? null : window.__xss")
        injected = page.locator('img[src="x"], a[href^="javascript"]').count()
        bold = page.locator("strong, b").filter(has_text="bold").count() + page.locator("b").filter(has_text="markup").count()
        browser.close()
    assert xss is None
    assert injected == 0 and bold == 0
    assert "<script>window.__xss=2</script>" in text and "**bold**" in text and '<img src=x onerror=' in text
