"""The Streamlit app driven through ``streamlit.testing.v1.AppTest`` on a demo store built from the
bundled seed comments: every page, the sidebar filters, full-text and semantic search, the basket and
its exports, label review, the crosstab and topic promotion. Expected values come from the store."""

from __future__ import annotations

import io
import os
import re
import shutil
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest
import yaml

pytest.importorskip("streamlit")
from app_pages import open_page as _page
from streamlit.testing.v1 import AppTest

from textmine.app.demo import build_demo_store
from textmine.app.insights_adapter import escape_markdown, export_csv, export_docx, export_markdown
from textmine.app.query import NOT_STATED, Selection, crosstab, open_corpus, percentages, rows, value_counts, with_ids
from textmine.app.taxonomy_edit import promote_theme
from textmine.classify.taxonomy import Names, Theme, default_taxonomy_path, load_taxonomy
from textmine.insights.markdown import escape
from textmine.store import Store

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
HOSTILE = "<b>bold</b> **x** [click](javascript:alert(1)) <script>alert(1)</script> кезек"


def _build(path: Path) -> Path:
    """Demo store plus one hostile comment, so escaping is checked on real pages."""
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        build_demo_store(path)
    finally:
        os.chdir(cwd)
    with Store(path) as store:
        comments = store.read("comments")
        hostile = comments.iloc[[0]].assign(id="hostile0000000001", text=HOSTILE, raw_text=HOSTILE,
                                            source_file="hostile.csv", source_line=1)
        store.replace_source("hostile.csv", hostile, store.read("rejects").iloc[0:0])
        themes = store.read("comment_themes")
        row = themes.iloc[[0]].assign(id="hostile0000000001", themes="queues", polarity="complaint")
        store.replace_themes(row)
    return path


@pytest.fixture(scope="module")
def store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _build(tmp_path_factory.mktemp("app") / "demo.duckdb")


@pytest.fixture()
def app(store_path: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> AppTest:
    return _open_app(store_path, monkeypatch, tmp_path)


def _open_app(store_path: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> AppTest:
    """The app on ``store_path``, first page drawn."""
    monkeypatch.setenv("TEXTMINE_STORE", str(store_path))
    monkeypatch.setenv("TEXTMINE_TAXONOMY_DRAFT", str(tmp_path / "taxonomy_draft.yaml"))
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    return at


def _sql(path: Path, query: str, params: list | None = None):
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(query, params or []).fetchall()
    finally:
        con.close()


def _metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def _frame(at: AppTest, column: str) -> pd.DataFrame:
    """The first table shown that has ``column``."""
    return next(frame.value for frame in at.dataframe if column in frame.value.columns)


def _texts(at: AppTest) -> list[str]:
    return [element.value for element in at.text]


def test_overview_counts_follow_the_store_and_the_region_filter(app: AppTest, store_path: Path) -> None:
    (total,) = _sql(store_path, "SELECT count(*) FROM comments")[0]
    assert _metric(app, "Пікірлер").replace(" ", "") == str(total)
    region, in_region = _sql(store_path, "SELECT region, count(*) n FROM comments WHERE region IS NOT NULL "
                                         "GROUP BY region ORDER BY n DESC LIMIT 1")[0]
    app.sidebar.multiselect(key="f_region").set_value([region]).run()
    assert _metric(app, "Пікірлер") == str(in_region)
    assert f"{in_region} / {total}" in app.sidebar.caption[0].value
    app.sidebar.button(key="f_reset").click().run()
    assert _metric(app, "Пікірлер").replace(" ", "") == str(total)


def test_interface_language_switch(app: AppTest) -> None:
    assert app.header[0].value == "Шолу"
    app.sidebar.radio(key="ui_lang").set_value("ru").run()
    assert app.header[0].value == "Обзор"
    assert app.title[0].value == "Отзывы о госуслугах"
    assert "Услуга" in [widget.label for widget in app.sidebar.multiselect]


def test_language_switch_keeps_the_filters(app: AppTest, store_path: Path) -> None:
    (expected,) = _sql(store_path, "SELECT count(*) FROM comments c JOIN comment_themes t USING (id) WHERE c.region IS NULL "
                                   "AND list_contains(string_split(t.themes, ';'), 'queues') AND t.polarity = 'complaint'")[0]
    (total,) = _sql(store_path, "SELECT count(*) FROM comments")[0]
    app.sidebar.multiselect(key="f_theme").set_value(["queues"])
    app.sidebar.multiselect(key="f_polarity").set_value(["complaint"])
    app.sidebar.multiselect(key="f_region").set_value([NOT_STATED]).run()
    taxonomy = load_taxonomy()
    names = {"kk": "Өңір көрсетілмеген", "ru": "Регион не указан", "en": "Region not stated"}
    for lang in ("kk", "ru", "en", "kk"):
        app.sidebar.radio(key="ui_lang").set_value(lang).run()
        assert not app.exception, app.exception
        assert f"{expected} " in app.sidebar.caption[0].value and f"{total}" in app.sidebar.caption[0].value
        theme = app.sidebar.multiselect(key="f_theme")
        assert theme.value == ["queues"] and theme.format_func("queues") == getattr(taxonomy.theme("queues").name, lang)
        assert app.sidebar.multiselect(key="f_region").format_func(NOT_STATED) == names[lang]
        assert app.sidebar.multiselect(key="f_polarity").value == ["complaint"]
    assert dict(app.query_params) == {"ui": "kk", "theme": "queues", "polarity": "complaint", "region": NOT_STATED}


def test_a_shared_link_restores_the_filters_and_language(store_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEXTMINE_STORE", str(store_path))
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update({"ui": "ru", "theme": ["queues", "costs"], "region": "no such region"})
    at.run()
    (expected,) = _sql(store_path, "SELECT count(*) FROM comment_themes WHERE list_has_any(string_split(themes, ';'), "
                                   "['queues', 'costs'])")[0]
    assert at.header[0].value == "Обзор"
    assert at.sidebar.multiselect(key="f_theme").value == ["queues", "costs"]
    assert at.sidebar.multiselect(key="f_region").value == []
    assert f"Выбрано отзывов: {expected} " in at.sidebar.caption[0].value


def test_themes_page_shows_the_theme_and_its_quotes(app: AppTest, store_path: Path) -> None:
    _page(app, "themes").selectbox(key="th_theme").set_value("queues").run()
    (size,) = _sql(store_path, "SELECT count(*) FROM comment_themes WHERE list_contains(string_split(themes, ';'), 'queues')")[0]
    assert _metric(app, "Көлемі") == str(size)
    assert load_taxonomy().theme("queues").definition_kk.strip() in _texts(app)
    all_quotes = _frame(app, "Балл")
    assert len(all_quotes) == size
    assert all("Кезектер" in chips for chips in all_quotes["Тақырыптар"])


def test_services_page_card_matches_the_services_table(app: AppTest, store_path: Path) -> None:
    number, avg, n, rank = _sql(store_path, "SELECT service_no, avg_score, n, rank FROM services ORDER BY service_no LIMIT 1")[0]
    (ranked,) = _sql(store_path, "SELECT max(rank) FROM services")[0]
    _page(app, "services").selectbox(key="sv_service").set_value(number).run()
    assert _metric(app, "Орташа балл") == f"{avg:.2f}"
    assert _metric(app, "Респонденттер (N)") == str(n)
    assert _metric(app, "Рейтингтегі орны") == f"{rank} / {ranked}"
    assert not any("Қызмет көрсету нысаны" in caption.value for caption in app.caption)  # service 1 states none


def test_services_page_names_the_delivery_form_the_report_states(app: AppTest, store_path: Path) -> None:
    number, line = _sql(store_path, "SELECT service_no, delivery_form_line FROM services "
                                    "WHERE delivery_form = 'paper' ORDER BY service_no LIMIT 1")[0]
    _page(app, "services").selectbox(key="sv_service").set_value(number).run()
    assert f"Қызмет көрсету нысаны: тек қағаз түрінде (есеп, {line}-жол)" in [c.value for c in app.caption]


def _found(at: AppTest) -> list[str]:
    """Quote texts shown with highlighted search hits, as plain text (highlight markup and escapes removed)."""
    marked = [m.value for m in at.markdown if ":orange-background[" in m.value]
    return [re.sub(r"\\(.)", r"\1", re.sub(r":orange-background\[((?:\\.|[^\]\\])*)\]", r"\1", m)) for m in marked]


def _hits(at: AppTest) -> list[str]:
    """The highlighted words of the shown quotes."""
    return [hit for m in at.markdown for hit in re.findall(r":orange-background\[((?:\\.|[^\]\\])*)\]", m.value)]


def test_quotes_full_text_search_finds_kazakh_word_forms_and_fills_the_basket(app: AppTest, store_path: Path) -> None:
    _page(app, "quotes").text_input(key="q_text").input("кезек").run()
    (plain,) = _sql(store_path, "SELECT count(*) FROM comments WHERE contains(lower(text), 'кезек')")[0]
    (expected,) = _sql(store_path, "SELECT count(*) FROM comments WHERE regexp_matches(lower(text), 'кезек|кезег')")[0]
    assert expected > plain  # кезегін, кезегі… are found too
    assert f"{expected} / " in app.caption[0].value
    shown = _found(app)
    assert len(shown) == 20 and all(re.search("кезек|кезег", text.lower()) for text in shown)
    assert {hit.lower()[:5] for hit in _hits(app)} == {"кезек", "кезег"}
    first = next(b for b in app.button if b.label == "Себетке")
    first.click().run()
    assert app.expander[0].label == "Себетте 1 дәйексөз"
    basket = _frame(app, "Мәтін")
    assert basket["Мәтін"].tolist() == [shown[0]]
    app.button(key="q_clear").click().run()
    assert app.expander[0].label == "Себетте 0 дәйексөз"


def test_search_without_hits_says_so_and_offers_the_semantic_search(app: AppTest) -> None:
    _page(app, "quotes").text_input(key="q_text").input("zzzqqq").run()
    assert "0 / " in app.caption[0].value and "«zzzqqq» табылмады" in app.caption[0].value
    app.button(key="q_try_semantic").click().run()
    assert app.text_input(key="q_semantic").value == "zzzqqq" and app.text_input(key="q_text").value == ""


def test_comment_text_is_never_rendered_as_markup(app: AppTest) -> None:
    _page(app, "quotes").text_input(key="q_text").input("javascript").run()
    assert _found(app) == [HOSTILE] and _hits(app) == ["javascript"]
    markup = [e.value for e in app.markdown] + [e.value for e in app.caption]
    assert not any("<b>" in value or "<script>" in value or "**x**" in value for value in markup)


def test_exports_carry_the_quotes(store_path: Path) -> None:
    quotes = rows(open_corpus(store_path), with_ids(Selection(), ["hostile0000000001"]))
    markdown = export_markdown(quotes, "Basket")
    from markdown_it import MarkdownIt

    assert escape(HOSTILE) in markdown and "<script>" not in MarkdownIt("commonmark").render(markdown)
    from docx import Document

    paragraphs = [p.text for p in Document(io.BytesIO(export_docx(quotes, "Basket"))).paragraphs]
    assert f"«{HOSTILE}»" in paragraphs
    table = pd.read_csv(io.BytesIO(export_csv(quotes)), encoding="utf-8-sig")
    assert table["text"].tolist() == [HOSTILE]


def test_label_review_writes_feedback(store_path: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    own = Path(shutil.copy(store_path, tmp_path / "review.duckdb"))
    monkeypatch.setenv("TEXTMINE_STORE", str(own))
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    _page(at, "review")
    shown = _texts(at)[0]
    (comment_id, themes, polarity), *_ = _sql(own, "SELECT c.id, t.themes, t.polarity FROM comments c JOIN comment_themes t "
                                                   "USING (id) WHERE c.text = ?", [shown])
    before = [t for t in themes.split(";") if t]
    after = [t for t in ("queues", "costs") if t not in before][:1] + before[1:]
    new_polarity = "praise" if polarity != "praise" else "complaint"
    at.multiselect(key=f"rv_themes_{comment_id}").set_value(after)
    at.selectbox(key=f"rv_polarity_{comment_id}").set_value(new_polarity)
    next(b for b in at.button if b.label == "Сақтау").click().run()
    assert not at.exception, at.exception
    # no reviewer named yet: nothing is saved, and the page says why
    assert [e.value for e in at.error] == ["Сақтау үшін бүйірлік панельде тексерушінің атын жазыңыз: әр түзетуде "
                                           "оны кім жасағаны сақталады."]
    assert _sql(own, "SELECT count(*) FROM label_feedback") == [(0,)]
    at.sidebar.text_input(key="reviewer").input("  Әлия Қасымқызы ").run()
    at.multiselect(key=f"rv_themes_{comment_id}").set_value(after)
    at.selectbox(key=f"rv_polarity_{comment_id}").set_value(new_polarity)
    next(b for b in at.button if b.label == "Сақтау").click().run()
    assert not at.exception, at.exception
    saved = _sql(own, "SELECT theme, decision, polarity, reviewer FROM label_feedback WHERE comment_id = ?", [comment_id])
    assert {(t, d) for t, d, _, _ in saved if d != "polarity"} == (
        {(t, "accept") for t in after} | {(t, "reject") for t in before if t not in after})
    assert [p for _, d, p, _ in saved if d == "polarity"] == [new_polarity]
    assert {r for *_, r in saved} == {"Әлия Қасымқызы"}
    taxonomy = load_taxonomy()
    corrections = _frame(at, "Түзетілген тақырыптар")
    assert corrections["Мәтін"].tolist() == [shown]
    assert corrections["Түзетілген тақырыптар"].iloc[0] == " · ".join(taxonomy.theme(t).name.kk for t in sorted(after))
    assert corrections["Түзетілген бағыты"].iloc[0] == next(p.name.kk for p in taxonomy.polarities if p.id == new_polarity)
    assert corrections["Тексеруші"].tolist() == ["Әлия Қасымқызы"]
    (size,) = _sql(own, "SELECT count(*) FROM comments")[0]
    assert [bar.proto.text for bar in at.get("progress")] == [f"Тексерілді: 1 / {size}"]
    assert _texts(at)[0] != shown  # the reviewed comment left the queue
    _page(at, "quotes").text_input(key="q_text").input(shown).run()
    card = [c.value for c in at.caption if c.value.startswith("✎ түзетілді")]
    assert len(card) == 1 and escape_markdown(corrections["Түзетілген тақырыптар"].iloc[0]) in card[0]
    assert escape_markdown("(Тексеруші: Әлия Қасымқызы):") in card[0]
    _page(at, "review")  # the name typed survives a visit to another page
    assert at.sidebar.text_input(key="reviewer").value == "  Әлия Қасымқызы "


def test_corrections_keep_each_comments_latest_decisions() -> None:
    from textmine.classify.feedback import corrections

    decided = pd.DataFrame([
        ("a", "queues", "accept", None, "2026-01-01T10:00:00"), ("a", "costs", "reject", None, "2026-01-01T10:00:00"),
        ("a", "costs", "accept", None, "2026-01-02T10:00:00"), ("a", "documents", "accept", None, "2026-01-02T10:00:00"),
        ("a", None, "polarity", "praise", "2026-01-02T10:00:00"), ("b", "queues", "reject", None, "2026-01-01T09:00:00"),
    ], columns=["comment_id", "theme", "decision", "polarity", "at"])
    decided["reviewer"] = ["Айгерім", "Айгерім", "Борис", "Борис", "Борис", None]  # b: saved before version 3
    found = corrections(decided).set_index("comment_id")
    assert found.loc["a"].tolist() == ["costs;documents", "praise", "2026-01-02T10:00:00", "Борис"]
    assert found.loc["b", "themes"] == "" and pd.isna(found.loc["b", "polarity"]) and pd.isna(found.loc["b", "reviewer"])
    assert found.index.tolist() == ["a", "b"]  # newest first


def test_crosstab_counts_percentages_and_cell_quotes(app: AppTest, store_path: Path) -> None:
    _page(app, "crosstab").selectbox(key="xt_attribute").set_value("region").run()
    table = app.dataframe(key="xt_table_region_counts").value
    region = table.columns[0]
    (expected,) = _sql(store_path, "SELECT count(*) FROM comments c JOIN comment_themes t USING (id) WHERE c.region = ? "
                                   "AND list_contains(string_split(t.themes, ';'), 'queues')", [region])[0]
    assert table.loc["Кезектер", region] == expected
    app.selectbox(key="xt_theme").set_value("queues")
    app.selectbox(key="xt_value").set_value(region).run()
    assert len(_frame(app, "Мәтін")) == expected
    app.radio(key="xt_mode").set_value("row_pct").run()
    rows = app.dataframe(key="xt_table_region_row_pct").value
    assert rows.sum(axis=1).round(0).eq(100).all()


def test_percentages_are_shares_of_rows_and_of_column_sizes(store_path: Path) -> None:
    corpus = open_corpus(store_path)
    counts = crosstab(corpus, Selection(), "region")
    column = percentages(counts, corpus, Selection(), "region", "column")
    row = percentages(counts, corpus, Selection(), "region", "row")
    sizes = value_counts(corpus, Selection(), "region").set_index("value")["count"]
    region = sizes.index[0]
    (in_region,) = _sql(store_path, "SELECT count(*) FROM comments c JOIN comment_themes t USING (id) WHERE c.region = ? "
                                    "AND list_contains(string_split(t.themes, ';'), 'queues')", [region])[0]
    assert counts.loc["queues", region] == in_region
    assert sizes[region] == _sql(store_path, "SELECT count(*) FROM comments WHERE region = ?", [region])[0][0]
    assert column.loc["queues", region] == round(100 * in_region / sizes[region], 1)
    assert row.loc["queues", region] == round(100 * in_region / counts.loc["queues"].sum(), 1)


def test_promote_appends_a_theme_to_a_copy_and_bumps_the_version(tmp_path: Path) -> None:
    packaged = default_taxonomy_path().read_text(encoding="utf-8")
    target = tmp_path / "taxonomy.yaml"
    theme = Theme(id="parking", name=Names(kk="Көлік тұрағы", ru="Парковка", en="Parking"), definition="Parking near the office.")
    new = promote_theme(theme, target)
    assert new.version == load_taxonomy().version + 1
    assert load_taxonomy(target).theme("parking").name.ru == "Парковка"
    assert target.read_text(encoding="utf-8").startswith(packaged.split("version:")[0])  # header comments kept
    with pytest.raises(ValueError, match="already exists"):
        promote_theme(theme, target)
    with pytest.raises(ValueError, match="must be"):
        promote_theme(theme.model_copy(update={"id": "Bad Id"}), target)
    with pytest.raises(ValueError, match="packaged taxonomy"):
        promote_theme(theme.model_copy(update={"id": "other"}), default_taxonomy_path())
    assert default_taxonomy_path().read_text(encoding="utf-8") == packaged
    assert yaml.safe_load(target.read_text(encoding="utf-8"))["version"] == new.version


@pytest.fixture(scope="module")
def embedded_store(store_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the demo store where 20 queue and 20 deadline comments have cached passage vectors
    (embedded with the app's own cached embedder, so the model loads once)."""
    from textmine.app.data import embedder as app_embedder
    from textmine.embed.cache import embed_with_cache

    try:
        embedder = app_embedder()
    except FileNotFoundError as error:
        pytest.skip(f"no embedding model built: {error}")
    path = Path(shutil.copy(store_path, tmp_path_factory.mktemp("embedded") / "demo.duckdb"))
    with Store(path) as store:
        texts = store.read("comments")["text"]
        queues = texts[texts.str.contains("кезек", case=False)].head(20)
        deadlines = texts[texts.str.contains("мерзім", case=False) & ~texts.str.contains("кезек", case=False)].head(20)
        embed_with_cache(store, embedder, [*queues, *deadlines], show_progress=False)
    return path


def _embedded_app(path: Path, monkeypatch: pytest.MonkeyPatch, draft: Path) -> AppTest:
    monkeypatch.setenv("TEXTMINE_STORE", str(path))
    monkeypatch.setenv("TEXTMINE_TAXONOMY_DRAFT", str(draft))
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    return at


def test_semantic_search_in_russian_finds_kazakh_quotes(embedded_store: Path, monkeypatch: pytest.MonkeyPatch,
                                                        tmp_path: Path) -> None:
    at = _page(_embedded_app(embedded_store, monkeypatch, tmp_path / "d.yaml"), "quotes")

    def shown(query: str) -> list[str]:
        at.text_input(key="q_semantic").input(query).run()
        assert not at.exception, at.exception
        return _texts(at)

    def queue_share(texts: list[str]) -> float:
        return sum("кезек" in text.lower() for text in texts) / max(len(texts), 1)

    queues = shown("очередь в ЦОНе, талоны")
    deadlines = shown("сроки оказания услуги затянуты")
    assert queues and deadlines and queue_share(queues) > queue_share(deadlines)
    assert shown("рецепт борща") == []  # nothing is close: no 50 unrelated quotes
    assert any(info.value.startswith("Мағынасы жақын пікір жоқ") for info in at.info)


def test_discovery_clusters_feed_the_quotes_filter_and_promote(embedded_store: Path, monkeypatch: pytest.MonkeyPatch,
                                                               tmp_path: Path) -> None:
    draft = tmp_path / "taxonomy_draft.yaml"
    at = _page(_embedded_app(embedded_store, monkeypatch, draft), "discovery")
    at.button(key="dc_run").click().run()
    assert not at.exception, at.exception
    clusters = _frame(at, "Кілт сөздер")
    assert 2 <= len(clusters) and clusters["Көлемі"].sum() <= 40
    first = int(clusters["Кластер"].iloc[0])
    at.text_input(key=f"dc_id_{first}").input("parking_test")
    next(b for b in at.button if b.label == "Таксономияға қосу").click().run()
    assert not at.exception, at.exception
    assert load_taxonomy(draft).theme("parking_test") and load_taxonomy(draft).version == load_taxonomy().version + 1
    at.sidebar.radio(key="ui_lang").set_value("en").run()
    english = _frame(at, "Keywords")
    assert english["Label"].str.strip().ne("").all() and english["Label"].is_unique
    assert english["Keywords"].str.strip().ne("").all() and "ru" not in english.columns
    at.sidebar.radio(key="ui_lang").set_value("kk").run()
    _page(at, "quotes").multiselect(key="q_cluster").set_value([first]).run()
    assert len(_texts(at)) == min(int(clusters["Көлемі"].iloc[0]), 20)


def test_representative_quotes_use_cached_vectors_when_present(embedded_store: Path) -> None:
    from textmine.app.data import embedder as app_embedder
    from textmine.app.insights_adapter import representative_quotes
    from textmine.app.query import vectors, with_positions

    corpus = open_corpus(embedded_store, load_taxonomy().theme_ids)
    model = app_embedder()
    cached = vectors(corpus, Selection(), model.model_id, model.dim)
    assert len(cached.rows) == 40
    embedded = with_positions(Selection(), cached.rows)
    picked = representative_quotes(corpus, embedded, theme="queues", k=3, embedder=model)
    fallback = representative_quotes(corpus, embedded, theme="queues", k=3)
    assert len(picked) == 3 and picked["text"].is_unique and set(picked["pos"]) <= set(cached.rows)
    assert all("queues" in themes.split(";") for themes in picked["themes"])
    assert list(picked["id"]) != list(fallback["id"])  # the vectors changed the choice


@pytest.fixture(scope="module")
def ranked_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo store plus priorities, quotes (picked with seeded stand-in vectors) and the bundled aspect scores."""
    from textmine.insights.brief import priority_quotes
    from textmine.insights.priority import priorities
    from textmine.pipeline import themed_comments

    path = _build(tmp_path_factory.mktemp("ranked") / "demo.duckdb")
    with Store(path) as store:
        store.replace_aspects(pd.read_csv(ROOT / "data" / "comments" / "aspect_scores.csv"))
        coded = themed_comments(store)
        ranked = priorities(coded, store.read("services"), store.read("aspect_scores"))
        vectors = np.random.default_rng(0).normal(size=(len(coded), 8))
        store.replace_derived("priorities", ranked)
        store.replace_derived("priority_quotes", priority_quotes(ranked, coded, vectors / np.linalg.norm(vectors, axis=1, keepdims=True)))
    return path


def test_services_page_opens_on_the_brief_with_the_top_problem(ranked_store: Path, monkeypatch: pytest.MonkeyPatch,
                                                               tmp_path: Path) -> None:
    at = _open_app(ranked_store, monkeypatch, tmp_path)
    service, theme, n = _sql(ranked_store, "SELECT service_no, theme, n_comments FROM priorities WHERE kind = 'problem' "
                                           "AND rank = 1 ORDER BY n_comments DESC, service_no LIMIT 1")[0]
    _page(at, "services").selectbox(key="sv_service").set_value(service).run()
    brief = at.markdown[0].value
    name = load_taxonomy().theme(theme).name.kk
    assert brief.startswith(f"# {service}.") and f"### 1. {name}" in brief
    assert f"{n} пікір" in brief
    at.radio(key="sv_brief_lang").set_value("ru").run()
    assert f"### 1. {load_taxonomy().theme(theme).name.ru}" in at.markdown[0].value


def test_recommendations_page_counts_top_problems_per_theme(ranked_store: Path, monkeypatch: pytest.MonkeyPatch,
                                                            tmp_path: Path) -> None:
    at = _open_app(ranked_store, monkeypatch, tmp_path)
    _page(at, "recommendations")
    summary = _frame(at, "Үздік 3 мәселе арасында (қызмет саны)")
    counts = dict(_sql(ranked_store, "SELECT theme, count(*) FROM priorities WHERE kind = 'problem' AND rank <= 3 GROUP BY theme"))
    shown = dict(zip(summary["Тақырып"], summary["Үздік 3 мәселе арасында (қызмет саны)"], strict=True))
    taxonomy = load_taxonomy()
    assert {name: count for name, count in shown.items() if count} == {taxonomy.theme(t).name.kk: c for t, c in counts.items()}


def test_cluster_labels_follow_the_interface_language_and_differ() -> None:
    from types import SimpleNamespace

    from textmine.app.context import cluster_labels, keywords

    clusters = pd.DataFrame({
        "label_kk": ["кезек, талон", "кезек, талон", None],
        "label_ru": ["очередь, талон", "талон, очередь", None],
        "keywords_kk": [["кезек", "талон", "терезе"], ["кезек", "талон", "күту"], ["портал", "жүйе"]],
        "keywords_ru": [["очередь", "талон"], ["талон", "очередь", "ожидание"], ["сайт"]],
    })
    assert cluster_labels(SimpleNamespace(lang="kk"), clusters) == ["кезек, талон", "кезек, талон · күту", "портал, жүйе, сайт"]
    assert cluster_labels(SimpleNamespace(lang="en"), clusters) == ["очередь, талон", "талон, очередь · ожидание",
                                                                   "сайт, портал, жүйе"]
    assert keywords(SimpleNamespace(lang="ru"), clusters, n=3) == ["очередь, талон, кезек", "талон, очередь, ожидание",
                                                                   "сайт, портал, жүйе"]
