"""The word lemmas published with each snapshot: the search index read from them equals the one lemmatised in
the app, and a later publish lemmatises only the words of new or changed comments."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pytest
from test_store import _rejects, comment_rows

from textmine import word_lemmas
from textmine.app.query import open_corpus
from textmine.app.search import build_index, index_words
from textmine.store import Store, snapshot_path

SEED = [  # two Kazakh comments of the 2018 report, and a Russian one written here
    "ХҚКОда айғай-шу, кімге бірінші бару керектігін көрсететін көрсеткіштер жоқ",
    "Өз кезегімізді көшеде күттік",
    "Очереди большие, в очереди стояли долго",
]


def _rows(source: str, texts: list[str]) -> pd.DataFrame:
    return comment_rows(source, texts).assign(lang=["ru" if "Очереди" in t else "kk" for t in texts])


def _published_rows(path: Path) -> set[tuple[str, str]]:
    with duckdb.connect(str(snapshot_path(path)), read_only=True) as con:
        return set(con.execute(f"SELECT word, lemma FROM {word_lemmas.TABLE}").fetchall())


def test_published_word_lemmas_give_the_index_the_app_would_build(tmp_path: Path) -> None:
    path = tmp_path / "s.duckdb"
    with Store(path) as store:
        store.replace_source("a.csv", _rows("a.csv", SEED), _rejects("a.csv"))
    corpus = open_corpus(path)
    assert corpus.has_table(word_lemmas.TABLE)
    published = build_index(corpus)
    assert published == index_words(corpus.frame(word_lemmas.words_sql("app_comments")))
    assert "кезегімізді" in published.forms_of("кезек")
    assert "очереди" in published.forms_of("очередь")


def test_a_later_publish_lemmatises_only_new_words_and_keeps_the_rest(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "s.duckdb"
    with Store(path) as store:
        store.replace_source("a.csv", _rows("a.csv", SEED[:2]), _rejects("a.csv"))
    first = _published_rows(path)
    from textmine.topics import lemmas

    asked: list[str] = []
    original = lemmas.word_lemmas

    def recorded(words: list[str], lang: str) -> list[str]:
        asked.extend(words)
        return original(words, lang)

    monkeypatch.setattr(lemmas, "word_lemmas", recorded)
    with Store(path) as store:  # a new Russian comment, and a Kazakh one whose text changed
        store.replace_source("b.csv", _rows("b.csv", [SEED[2]]), _rejects("b.csv").iloc[:0])
        store.replace_source("a.csv", _rows("a.csv", [SEED[0], "Өз кезегімізді көшеде күттік, терезе біреу ғана"]),
                             _rejects("a.csv"))
    assert sorted(asked) == sorted(["очереди", "большие", "в", "стояли", "долго", "терезе", "біреу", "ғана"])
    second = _published_rows(path)
    assert first <= second and ("очереди", "очередь") in second


def test_an_unreadable_previous_snapshot_means_lemmatising_everything(tmp_path: Path) -> None:
    path = tmp_path / "s.duckdb"
    with Store(path) as store:
        store.replace_source("a.csv", _rows("a.csv", SEED), _rejects("a.csv"))
    whole = _published_rows(path)
    snapshot_path(path).write_bytes(b"not a database")
    with Store(path) as store:
        store.replace_source("b.csv", _rows("b.csv", SEED[:1]), _rejects("b.csv").iloc[:0])
    assert _published_rows(path) == whole
