"""End to end in headless Debian Chromium (server fixture of ``test_app_e2e``): two named coders label the
same seeded sample of two comments blind on the Agreement page, then the per-theme agreement table shows
the values worked out by hand below, and the labels are in the store."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
from test_app_e2e import ARGS, CHROMIUM, _wait_idle, pick, server, sync_api  # noqa: F401  (server is a fixture)

QUEUES, DOCUMENTS = "Кезектер", "Құжаттар және бюрократия"


def _label(page, coder: str, choices: list[str]) -> None:
    """``coder`` names themself in the sidebar and gives each sample comment, in order, one theme."""
    name = page.locator('[data-testid="stSidebar"]').get_by_label("Кодер аты")
    name.fill(coder)
    name.press("Enter")
    for done, theme in enumerate(choices):
        page.get_by_text(f"Сіз белгілегені: {done} / {len(choices)}").wait_for(timeout=60_000)
        _wait_idle(page)
        themes = page.locator('[data-testid="stMultiSelect"]').filter(has_text="Пікірдегі тақырыптар")
        sync_api.expect(themes).to_have_count(1, timeout=30_000)  # the previous comment's form is gone
        pick(page, themes, theme)
        page.get_by_role("button", name="Белгіні сақтау").click()
    page.get_by_text(f"Сіз белгілегені: {len(choices)} / {len(choices)}").wait_for(timeout=60_000)
    _wait_idle(page)


def test_two_coders_label_and_the_agreement_table_shows(server, tmp_path: Path) -> None:  # noqa: F811
    url, store = server
    shots = Path(os.environ.get("TEXTMINE_SCREENSHOTS", tmp_path))
    shots.mkdir(parents=True, exist_ok=True)
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1100})
        page.goto(url)
        sidebar = page.locator('[data-testid="stSidebar"]')
        sidebar.get_by_text("Кодерлер келісімі", exact=True).wait_for(timeout=60_000)
        sidebar.get_by_text("Кодерлер келісімі", exact=True).click()
        size = page.get_by_label("Іріктеме көлемі")
        size.wait_for(timeout=30_000)
        size.fill("2")
        size.press("Enter")
        _wait_idle(page)
        _label(page, "Айгерім", [QUEUES, QUEUES])
        _label(page, "Борис", [QUEUES, DOCUMENTS])
        page.get_by_role("tab", name="Келісім").click()
        table = page.locator('[data-testid="stTable"]')
        table.wait_for(timeout=30_000)
        page.screenshot(path=shots / "agreement.png", full_page=True)
        queues = table.locator("tr").filter(has_text=QUEUES).inner_text().split("\t")
        documents = table.locator("tr").filter(has_text=DOCUMENTS).inner_text().split("\t")
        browser.close()
    # queues: Айгерім 1,1 / Борис 1,0 -> 1 of 2 agree; kappa (.5-.5)/(1-.5) = 0; alpha 1 - 3*2/(2*3*1) = 0
    assert [cell.strip() for cell in queues] == [QUEUES, "2", "50.0", "0.000", "0.000"]
    # documents: 0,0 / 0,1 -> 50 %, kappa 0, alpha 1 - 3*2/(2*3*1) = 0
    assert [cell.strip() for cell in documents] == [DOCUMENTS, "2", "50.0", "0.000", "0.000"]
    with duckdb.connect(str(store), read_only=True) as con:
        saved = con.execute("SELECT coder, count(DISTINCT comment_id) FROM coder_labels GROUP BY 1 ORDER BY 1").fetchall()
    assert saved == [("Айгерім", 2), ("Борис", 2)]
    assert (shots / "agreement.png").stat().st_size > 10_000
