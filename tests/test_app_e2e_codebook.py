"""End to end in headless Debian Chromium: merge two themes on the Codebook page. The taxonomy in use (a copy
given by $TEXTMINE_TAXONOMY) gets version 2 with the merge, its author and reason in its history, and the page
shows the new version. Server fixture as in tests/test_app_e2e.py."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from test_app_e2e import (
    ARGS,
    CHROMIUM,
    ROOT,
    _free_port,
    _wait_healthy,
    _wait_idle,
    sync_api,
)

from textmine.app.demo import build_demo_store
from textmine.classify.taxonomy import default_taxonomy_path, load_taxonomy


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("e2e_codebook")
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        store = build_demo_store(folder / "demo.duckdb")
    finally:
        os.chdir(cwd)
    taxonomy = shutil.copyfile(default_taxonomy_path(), folder / "taxonomy.yaml")
    port = _free_port()
    env = {**os.environ, "TEXTMINE_STORE": str(store), "TEXTMINE_TAXONOMY": str(taxonomy),
           "TEXTMINE_TAXONOMY_DRAFT": str(folder / "draft.yaml")}
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.address", "127.0.0.1", "--server.port", str(port),
         "--server.headless", "true", "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, process)
        yield url, Path(taxonomy)
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_merge_two_themes_from_the_codebook_page(server, tmp_path: Path) -> None:
    url, taxonomy_file = server
    shots = Path(os.environ.get("TEXTMINE_SCREENSHOTS", tmp_path))
    shots.mkdir(parents=True, exist_ok=True)
    before = load_taxonomy(taxonomy_file)
    attitude, competence = before.theme("staff_attitude").name.kk, before.theme("staff_competence").name.kk
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1200})
        page.goto(url)
        page.get_by_role("heading", name="Шолу").wait_for(timeout=60_000)
        page.locator('[data-testid="stSidebar"]').get_by_text("Кодтар кітабы", exact=True).click()
        page.get_by_role("heading", name="Кодтар кітабы").wait_for(timeout=30_000)
        page.get_by_text("нұсқа 1)").wait_for(timeout=30_000)
        _wait_idle(page)
        author = page.get_by_label("Сіздің атыңыз (тарихқа жазылады)")
        author.fill("Айгерім")
        author.press("Enter")
        _wait_idle(page)
        form = page.locator('[data-testid="stForm"]').first
        form.locator('[data-testid="stSelectbox"]').filter(has_text="Қай тақырыпты").click()
        page.get_by_role("option", name=attitude, exact=True).click()
        form.locator('[data-testid="stSelectbox"]').filter(has_text="Қай тақырыпқа").click()
        page.get_by_role("option", name=competence, exact=True).click()
        form.get_by_label("Себебі").fill("Кодерлер екеуін ажырата алмайды")
        form.get_by_role("button", name="Біріктіру").click()
        page.get_by_text("нұсқа 2)").wait_for(timeout=30_000)
        page.get_by_text("белгілері өзгерген тақырыптар: staff_competence").wait_for(timeout=30_000)
        _wait_idle(page)
        page.screenshot(path=shots / "codebook_merged.png", full_page=True)
        browser.close()
    after = load_taxonomy(taxonomy_file)
    assert after.version == before.version + 1
    assert "staff_attitude" not in after.theme_ids and "staff_competence" in after.theme_ids
    change = after.history[-1]
    assert (change.op, change.sources, change.target, change.by, change.why) == (
        "merge", ["staff_attitude"], "staff_competence", "Айгерім", "Кодерлер екеуін ажырата алмайды")
