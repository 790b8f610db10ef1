"""End to end, as a manager and a report author in headless Chromium (the server pattern of
``test_app_e2e``): the Services page opens on the ranking, worst-rated first; clicking a row opens that
service's brief; an edited brief downloads as a DOCX (A4) that holds the edit."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from test_app import ranked_store  # noqa: F401  (the demo store with priorities and quotes: a fixture)
from test_app_e2e import ARGS, CHROMIUM, ROOT, _free_port, _wait_healthy, _wait_idle, sync_api

EDIT = "Автордың түзетуі: кезекті қысқарту бірінші кезекте."


@pytest.fixture(scope="module")
def server(ranked_store: Path, tmp_path_factory: pytest.TempPathFactory):  # noqa: F811
    port = _free_port()
    env = {**os.environ, "TEXTMINE_STORE": str(ranked_store),
           "TEXTMINE_TAXONOMY_DRAFT": str(tmp_path_factory.mktemp("e2e_manager") / "draft.yaml")}
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.address", "127.0.0.1", "--server.port", str(port),
         "--server.headless", "true", "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, process)
        yield url, ranked_store
    finally:
        process.terminate()
        process.wait(timeout=20)


def _cell(grid, column: int, row: int) -> str:
    """The text of a data grid cell (glide-data-grid keeps an accessible copy of the visible cells)."""
    return grid.locator(f'[id$="glide-cell-{column}-{row}"]').first.inner_text()


def test_ranking_opens_the_clicked_service_and_the_edited_brief_downloads(server, tmp_path: Path) -> None:
    url, store = server
    shots = Path(os.environ.get("TEXTMINE_SCREENSHOTS", tmp_path))
    shots.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(store), read_only=True) as con:
        order = con.execute("SELECT service_no, service_name FROM services ORDER BY rank DESC, avg_score, service_no "
                            "LIMIT 2").fetchall()
    (worst, _), (second, second_name) = order
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = browser.new_page(viewport={"width": 1500, "height": 1100}, accept_downloads=True)
        page.goto(url)
        sidebar = page.locator('[data-testid="stSidebar"]')
        sidebar.get_by_text("Қызметтер", exact=True).wait_for(timeout=60_000)
        sidebar.get_by_text("Қызметтер", exact=True).click()
        page.get_by_role("heading", name="Қызметтер рейтингі (ең төмені жоғарыда)").wait_for(timeout=60_000)
        grid = page.locator('[data-testid="stDataFrame"]').first
        grid.wait_for(timeout=30_000)
        _wait_idle(page)
        assert _cell(grid, 1, 0).startswith(f"{worst}.") and _cell(grid, 1, 1).startswith(f"{second}.")
        page.get_by_role("heading", level=1, name=re.compile(rf"^{worst}\. ")).wait_for(timeout=30_000)  # opens on the worst
        page.screenshot(path=shots / "manager_ranking.png")

        box = grid.bounding_box()
        header = 36  # the grid's header row and each row are 35 px tall (plus borders)
        page.mouse.click(box["x"] + 12, box["y"] + header + 35 + 17)  # the row marker of the second row
        page.get_by_role("heading", level=1, name=re.compile(rf"^{second}\. ")).wait_for(timeout=30_000)
        _wait_idle(page)
        page.screenshot(path=shots / "manager_service.png")

        page.get_by_text("Мәтінді өңдеу (Markdown)").first.click()
        editor = page.get_by_role("textbox", name="Мәтінді өңдеу (Markdown)")
        editor.wait_for(timeout=30_000)
        editor.fill(editor.input_value() + f"\n\n**{EDIT}**\n")
        editor.press("Control+Enter")
        # the preview below the editor renders the committed edit (bold), after the download buttons
        page.locator('[data-testid="stMarkdownContainer"] strong').filter(has_text=EDIT).wait_for(timeout=30_000)
        _wait_idle(page)
        page.screenshot(path=shots / "author_brief.png")  # the report author's view: the brief being edited
        with page.expect_download(timeout=30_000) as download_info:
            page.get_by_role("button", name="DOCX жүктеу (жоба)").click()
        saved = tmp_path / "brief.docx"
        download_info.value.save_as(saved)
        browser.close()
    from docx import Document

    document = Document(io.BytesIO(saved.read_bytes()))
    paragraphs = [p for p in document.paragraphs if p.text]
    assert paragraphs[0].text.startswith(f"{second}. {second_name.split()[0]}")
    edited = next((p for p in paragraphs if p.text == EDIT), None)
    assert edited is not None, [p.text for p in paragraphs][-5:]
    assert all(run.bold for run in edited.runs)
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
