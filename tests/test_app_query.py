"""The app's query layer over the read model, checked against SQL on the store's own tables: filters,
paging, scores, full-text search, the in-memory fallback for an unpublished store, and reopening after a
newer snapshot replaced the file."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from test_app import HOSTILE, _build, _sql

from textmine.app.query import (
    NOT_STATED,
    Filters,
    Selection,
    count,
    crosstab,
    open_corpus,
    options,
    rows,
    select,
    theme_counts,
    theme_scores,
    value_counts,
    with_positions,
    with_theme,
)
from textmine.app.search import (
    WordIndex,
    build_index,
    highlight,
    index_words,
    with_forms,
)
from textmine.store import Store, snapshot_path


@pytest.fixture(scope="module")
def store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _build(tmp_path_factory.mktemp("query") / "demo.duckdb")


def test_filters_count_what_the_store_tables_hold(store_path: Path) -> None:
    corpus = open_corpus(store_path)
    region, agency = _sql(store_path, "SELECT region, agency FROM comments WHERE region IS NOT NULL AND agency IS NOT NULL "
                                      "GROUP BY ALL ORDER BY count(*) DESC LIMIT 1")[0]
    chosen = select(corpus, Filters(regions=(region,), agencies=(agency,), themes=("queues", "costs")))
    (expected,) = _sql(store_path, """SELECT count(*) FROM comments c JOIN comment_themes t USING (id)
        WHERE c.region = ? AND c.agency = ? AND (list_contains(string_split(t.themes, ';'), 'queues')
              OR list_contains(string_split(t.themes, ';'), 'costs'))""", [region, agency])[0]
    assert count(corpus, chosen) == expected > 0
    assert corpus.size == _sql(store_path, "SELECT count(*) FROM comments")[0][0]
    counts = theme_counts(corpus, Selection())
    (complaints,) = _sql(store_path, "SELECT count(*) FROM comment_themes WHERE polarity = 'complaint' "
                                     "AND list_contains(string_split(themes, ';'), 'documents')")[0]
    assert counts.set_index(["theme", "polarity"]).loc[("documents", "complaint"), "count"] == complaints


def test_pages_follow_source_order_and_a_page_equals_the_slice(store_path: Path) -> None:
    corpus = open_corpus(store_path)
    everything = rows(corpus, Selection())
    ordered = _sql(store_path, "SELECT id FROM comments ORDER BY source_file, source_line, id")
    assert everything["id"].tolist() == [row[0] for row in ordered]
    assert everything["pos"].tolist() == list(range(len(everything)))
    page = rows(corpus, Selection(), limit=20, offset=40)
    pd.testing.assert_frame_equal(page, everything.iloc[40:60].reset_index(drop=True))
    queues = with_theme(corpus, Selection(), "queues")
    by_score = rows(corpus, queues, order=f"{corpus.score('queues')} DESC NULLS LAST, pos", limit=5, offset=3,
                    extra=(f"{corpus.score('queues')} AS score",))
    full = rows(corpus, queues, order=f"{corpus.score('queues')} DESC NULLS LAST, pos", extra=(f"{corpus.score('queues')} AS score",))
    pd.testing.assert_frame_equal(by_score, full.iloc[3:8].reset_index(drop=True))
    assert full["score"].is_monotonic_decreasing


def test_scores_and_uncertainty_come_from_the_stored_json(store_path: Path) -> None:
    corpus = open_corpus(store_path)
    row = rows(corpus, with_positions(Selection(), [7])).iloc[0]
    (stored,) = _sql(store_path, "SELECT theme_scores FROM comment_themes WHERE id = ?", [row["id"]])[0]
    expected = json.loads(stored)
    assert theme_scores(corpus, 7).round(6).to_dict() == pytest.approx(expected)
    assert row["uncertainty"] == pytest.approx(min(abs(score - 0.5) for score in expected.values()))


@pytest.fixture(scope="module")
def word_index(store_path: Path) -> WordIndex:
    return build_index(open_corpus(store_path))


def test_full_text_search_is_literal_and_case_insensitive(store_path: Path, word_index: WordIndex) -> None:
    corpus = open_corpus(store_path)
    assert rows(corpus, with_forms(Selection(), word_index, "(JAVASCRIPT [click]")[0])["text"].tolist() == [HOSTILE]
    assert count(corpus, with_forms(Selection(), word_index, ".*")[0]) == 0


def test_full_text_search_finds_kazakh_word_forms(store_path: Path, word_index: WordIndex) -> None:
    corpus = open_corpus(store_path)
    selection, forms = with_forms(Selection(), word_index, "КЕЗЕК")
    assert {"кезек", "кезегін", "кезегі", "кезекте"} <= forms
    (expected,) = _sql(store_path, "SELECT count(*) FROM comments WHERE regexp_matches(lower(text), 'кезек|кезег')")[0]
    (literal,) = _sql(store_path, "SELECT count(*) FROM comments WHERE contains(lower(text), 'кезек')")[0]
    assert count(corpus, selection) == expected > literal
    (both,) = _sql(store_path, "SELECT count(*) FROM comments WHERE regexp_matches(lower(text), 'кезек|кезег') "
                               "AND regexp_matches(lower(text), 'портал')")[0]
    assert count(corpus, with_forms(Selection(), word_index, "кезек порталға")[0]) == both > 0


def test_russian_word_forms_share_their_lemma() -> None:
    index = index_words(pd.DataFrame({"word": ["очереди", "очередями", "очередь", "срок", "кезегін"],
                                      "lang": ["ru", "ru", "ru", "ru", "kk"]}))
    assert index.forms_of("Очередь") == {"очередь", "очереди", "очередями"}
    assert index.forms_of("очередей") == {"очередей", "очередь", "очереди", "очередями"}
    assert "кезегін" in index.forms_of("кезек")


def test_highlight_marks_hits_and_escapes_everything_else() -> None:
    assert highlight("**Кезегін** <b>кезек</b>", frozenset({"кезегін", "кезек"})) == (
        r"\*\*:orange-background[Кезегін]\*\* \<b\>:orange-background[кезек]\</b\>")


def test_empty_region_and_service_are_a_not_stated_value(store_path: Path) -> None:
    corpus = open_corpus(store_path)
    (no_region,) = _sql(store_path, "SELECT count(*) FROM comments WHERE region IS NULL")[0]
    (region, in_region), = _sql(store_path, "SELECT region, count(*) n FROM comments WHERE region IS NOT NULL "
                                           "GROUP BY region ORDER BY n DESC LIMIT 1")
    assert options(corpus, "region")[-1] == NOT_STATED and options(corpus, "lang")[-1] != NOT_STATED
    assert count(corpus, select(corpus, Filters(regions=(NOT_STATED,)))) == no_region > 0
    assert count(corpus, select(corpus, Filters(regions=(NOT_STATED, region)))) == no_region + in_region
    assert value_counts(corpus, Selection(), "region").set_index("value").loc[NOT_STATED, "count"] == no_region
    table = crosstab(corpus, Selection(), "region")
    (queues,) = _sql(store_path, "SELECT count(*) FROM comments c JOIN comment_themes t USING (id) WHERE c.region IS NULL "
                                 "AND list_contains(string_split(t.themes, ';'), 'queues')")[0]
    assert table.columns[-1] == NOT_STATED and table.loc["queues", NOT_STATED] == queues
    (no_service,) = _sql(store_path, "SELECT count(*) FROM comments WHERE service_name IS NULL")[0]
    assert count(corpus, select(corpus, Filters(services=(NOT_STATED,)))) == no_service


def test_an_unpublished_store_gets_the_same_answers_and_is_not_held(store_path: Path, tmp_path: Path) -> None:
    bare = Path(shutil.copy(store_path, tmp_path / "bare.duckdb"))
    assert not snapshot_path(bare).exists()
    fallback, published = open_corpus(bare), open_corpus(store_path)
    pd.testing.assert_frame_equal(rows(fallback, Selection()), rows(published, Selection()))
    assert fallback.theme_ids == published.theme_ids
    pd.testing.assert_frame_equal(fallback.services, published.services)
    with Store(bare) as writer:  # the open corpus holds no handle on the store
        writer.count("comments")


def test_reopening_after_a_new_snapshot_sees_the_new_state(store_path: Path, tmp_path: Path) -> None:
    path = Path(shutil.copy(store_path, tmp_path / "live.duckdb"))
    shutil.copy(snapshot_path(store_path), snapshot_path(path))
    before = open_corpus(path)
    with Store(path) as store:
        extra = store.read("comments").iloc[[0]].assign(id="added00000000001", text="Жаңа пікір", raw_text="Жаңа пікір",
                                                        source_file="added.csv", source_line=1)
        store.replace_source("added.csv", extra, store.read("rejects").iloc[0:0])
    after = open_corpus(path)
    assert after.size == before.size + 1
    assert count(before, Selection()) == before.size  # the older corpus keeps reading its own snapshot
    with duckdb.connect(str(snapshot_path(path)), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM app_comments").fetchone()[0] == after.size
