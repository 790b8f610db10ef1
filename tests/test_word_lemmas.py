"""The word lemmas published with each snapshot: the search index read from them equals the one lemmatised in
the app, and a later publish lemmatises only the words of new or changed comments."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pytest
from test_store import _rejects, comment_rows

from textmine import word_lemmas
from textmine.app.query import Selection, open_corpus
from textmine.app.search import build_index, index_words
from textmine.qda import words
from textmine.store import Store, snapshot_path
from textmine.topics import lemmas

BUNDLED = Path(__file__).resolve().parents[1] / "data" / "comments" / "comments.csv"

SEED = [  # two Kazakh comments of the 2018 report, and a Russian one written here
    "ХҚКОда айғай-шу, кімге бірінші бару керектігін көрсететін көрсеткіштер жоқ",
    "Өз кезегімізді көшеде күттік",
    "Очереди большие, в очереди стояли долго",
]


def _rows(source: str, texts: list[str]) -> pd.DataFrame:
    return comment_rows(source, texts).assign(lang=["ru" if "Очереди" in t else "kk" for t in texts])


def _published_rows(path: Path) -> set[tuple[str, str, str]]:
    with duckdb.connect(str(snapshot_path(path)), read_only=True) as con:
        return set(con.execute(f"SELECT word, lang, lemma FROM {word_lemmas.TABLE}").fetchall())


def _asked_lemmatiser(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The words the lemmatisers are asked for from now on (with no word forms remembered yet)."""
    asked: list[str] = []
    original = lemmas.word_lemmas

    def recorded(words: list[str], lang: str) -> list[str]:
        asked.extend(words)
        return original(words, lang)

    monkeypatch.setattr(lemmas, "word_lemmas", recorded)
    monkeypatch.setattr(lemmas, "_FORMS", {"kk": {}, "ru": {}})
    return asked


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
    asked = _asked_lemmatiser(monkeypatch)
    with Store(path) as store:  # a new Russian comment, and a Kazakh one whose text changed
        store.replace_source("b.csv", _rows("b.csv", [SEED[2]]), _rejects("b.csv").iloc[:0])
        store.replace_source("a.csv", _rows("a.csv", [SEED[0], "Өз кезегімізді көшеде күттік, терезе біреу ғана"]),
                             _rejects("a.csv"))
    assert sorted(asked) == sorted(["очереди", "большие", "в", "стояли", "долго", "терезе", "біреу", "ғана"])
    second = _published_rows(path)
    assert first <= second and ("очереди", "ru", "очередь") in second


def test_an_unreadable_previous_snapshot_means_lemmatising_everything(tmp_path: Path) -> None:
    path = tmp_path / "s.duckdb"
    with Store(path) as store:
        store.replace_source("a.csv", _rows("a.csv", SEED), _rejects("a.csv"))
    whole = _published_rows(path)
    snapshot_path(path).write_bytes(b"not a database")
    with Store(path) as store:
        store.replace_source("b.csv", _rows("b.csv", SEED[:1]), _rejects("b.csv").iloc[:0])
    assert _published_rows(path) == whole


def test_a_snapshot_without_languages_is_lemmatised_again(tmp_path: Path) -> None:
    path = tmp_path / "s.duckdb"
    with Store(path) as store:
        store.replace_source("a.csv", _rows("a.csv", SEED), _rejects("a.csv"))
    whole = _published_rows(path)
    with duckdb.connect(str(snapshot_path(path))) as con:  # as published before words had a language
        con.execute(f"ALTER TABLE {word_lemmas.TABLE} DROP COLUMN lang")
        assert not word_lemmas.is_current(con)
    assert not word_lemmas.is_current(open_corpus(path).connection)  # the Words page lemmatises on its own
    with Store(path) as store:
        store.replace_source("b.csv", _rows("b.csv", SEED[:1]), _rejects("b.csv").iloc[:0])
    assert _published_rows(path) == whole


def test_the_words_page_reads_the_published_lemmas_and_gets_the_same_word_forms(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """On the 986 quotes of the 2018 report: the lemmatisers are asked only for words the snapshot cannot
    answer (capitalised, with digits), and every word form equals the one lemmatised without it."""
    bundled = pd.read_csv(BUNDLED)
    path = tmp_path / "s.duckdb"
    with Store(path) as store:
        store.replace_source("a.csv", comment_rows("a.csv", bundled["text"].tolist()).assign(lang=bundled["lang"]),
                             _rejects("a.csv"))
    corpus = open_corpus(path)
    assert word_lemmas.is_current(corpus.connection)
    stops = words.stop_words(pd.DataFrame(columns=["word", "lang", "stop", "at"]))
    asked = _asked_lemmatiser(monkeypatch)
    found, _, forms = words.selection_words(corpus, Selection(), stops, limit=len(bundled))
    assert len(found) == len(bundled) and asked
    assert not [word for word in asked if word.islower() and word.isalpha()]
    monkeypatch.setattr(lemmas, "_FORMS", {"kk": {}, "ru": {}})
    assert forms == words.lemmatised(found["text"].tolist(), found["lang"].tolist())[0]
