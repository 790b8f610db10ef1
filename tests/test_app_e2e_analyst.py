"""End to end, as an analyst in headless Debian Chromium (server fixture of ``test_app_e2e``): filters set
in Kazakh survive switching the interface to Russian, English and back (same count, labels in the new
language, ids in the URL); a shared link opens the page and filters it names; the full-text search finds
Kazakh word forms ("кезек" finds "кезегін") and highlights them."""

from __future__ import annotations

import os
import re
from pathlib import Path

import duckdb
import pytest
from test_app_e2e import ARGS, CHROMIUM, _wait_idle, pick, server, sync_api  # noqa: F401  (server is a fixture)

COUNTS = {"kk": "{n} / {total}", "ru": "{n} из {total}", "en": "{n} of {total}"}
LANGUAGES = {"kk": "Қазақша", "ru": "Русский", "en": "English"}
QUEUES = {"kk": "Кезектер", "ru": "Очереди", "en": "Queues"}


def _sql(store: Path, query: str) -> tuple:
    con = duckdb.connect(str(store), read_only=True)
    try:
        return con.execute(query).fetchone()
    finally:
        con.close()


@pytest.fixture()
def browser():
    with sync_api.sync_playwright() as playwright:
        opened = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield opened
        opened.close()


def _shots(tmp_path: Path) -> Path:
    shots = Path(os.environ.get("TEXTMINE_SCREENSHOTS", tmp_path))
    shots.mkdir(parents=True, exist_ok=True)
    return shots


def test_language_switch_keeps_the_filters(server, browser, tmp_path: Path) -> None:  # noqa: F811
    url, store = server
    from textmine.classify.taxonomy import load_taxonomy

    taxonomy = load_taxonomy()
    assert {lang: getattr(taxonomy.theme("queues").name, lang) for lang in QUEUES} == QUEUES
    complaint = {lang: next(getattr(p.name, lang) for p in taxonomy.polarities if p.id == "complaint") for lang in QUEUES}
    (total,) = _sql(store, "SELECT count(*) FROM comments")
    (expected,) = _sql(store, "SELECT count(*) FROM comment_themes WHERE polarity = 'complaint' "
                              "AND list_contains(string_split(themes, ';'), 'queues')")
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(url)
    sidebar = page.locator('[data-testid="stSidebar"]')
    sidebar.get_by_text(f"{total} / {total}").wait_for(timeout=60_000)
    for label, option in (("Тақырып", QUEUES["kk"]), ("Бағыты", complaint["kk"])):
        pick(page, sidebar.locator('[data-testid="stMultiSelect"]').filter(has_text=label), option)
    sidebar.get_by_text(COUNTS["kk"].format(n=expected, total=total)).wait_for(timeout=30_000)
    for lang in ("ru", "en", "kk"):
        sidebar.get_by_text(LANGUAGES[lang], exact=True).click()
        _wait_idle(page)
        sidebar.get_by_text(COUNTS[lang].format(n=expected, total=total)).wait_for(timeout=30_000)
        removable = sidebar.locator('[data-testid="stMultiSelect"] [aria-label^="Remove "]')
        chosen = {label.removeprefix("Remove ") for label in (e.get_attribute("aria-label") for e in removable.all())}
        assert chosen == {QUEUES[lang], complaint[lang]}
        if lang == "en":
            page.screenshot(path=_shots(tmp_path) / "analyst_filters_en.png")
    assert "theme=queues" in page.url and "polarity=complaint" in page.url and "ui=kk" in page.url


def test_a_shared_link_opens_the_page_with_its_filters(server, browser) -> None:  # noqa: F811
    url, store = server
    (total,) = _sql(store, "SELECT count(*) FROM comments")
    (expected,) = _sql(store, "SELECT count(*) FROM comment_themes WHERE list_contains(string_split(themes, ';'), 'queues')")
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(f"{url}/quotes?ui=ru&theme=queues")
    page.get_by_role("heading", name="Цитаты").wait_for(timeout=60_000)
    page.locator('[data-testid="stSidebar"]').get_by_text(COUNTS["ru"].format(n=expected, total=total)).wait_for(timeout=30_000)


def test_full_text_search_finds_kazakh_word_forms_and_highlights_them(server, browser, tmp_path: Path) -> None:  # noqa: F811
    url, store = server
    (total,) = _sql(store, "SELECT count(*) FROM comments")
    (expected,) = _sql(store, "SELECT count(*) FROM comments WHERE regexp_matches(lower(text), 'кезек|кезег')")
    (literal,) = _sql(store, "SELECT count(*) FROM comments WHERE contains(lower(text), 'кезек')")
    assert expected > literal
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(f"{url}/quotes")
    search = page.get_by_label("Мәтін бойынша іздеу")
    search.wait_for(timeout=60_000)
    search.fill("кезек")
    search.press("Enter")
    page.get_by_text(f"Таңдалған пікірлер: {expected} / {total}").first.wait_for(timeout=60_000)
    _wait_idle(page)
    highlights = page.locator('[data-testid="stMarkdownContainer"] span')
    highlights.filter(has_text=re.compile(r"^кезег", re.IGNORECASE)).first.wait_for(timeout=30_000)  # a slow box
    hits = [text.lower() for text in highlights.all_inner_texts()]
    assert {hit[:5] for hit in hits if hit.startswith("кезе")} == {"кезек", "кезег"}
    page.screenshot(path=_shots(tmp_path) / "analyst_search.png")
    search.fill("zzzqqq")
    search.press("Enter")
    page.get_by_text("«zzzqqq» табылмады").wait_for(timeout=30_000)
    page.get_by_role("button", name="Мағыналық іздеумен іздеу").wait_for(timeout=30_000)
