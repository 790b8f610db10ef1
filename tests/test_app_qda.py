"""The app's Agreement, Words and Waves pages through ``streamlit.testing.v1.AppTest`` on the demo store
(bundled seed comments): two coders label a sample blind, the table and a settled disagreement follow; word
frequencies and KWIC of a selection; a synthetic second wave shows its changes. Expected values come from
the store."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import duckdb
import pytest

pytest.importorskip("streamlit")
from app_pages import open_page
from streamlit.testing.v1 import AppTest

from textmine.app.demo import build_demo_store
from textmine.qda import waves
from textmine.store import Store

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        return build_demo_store(tmp_path_factory.mktemp("qda") / "demo.duckdb")
    finally:
        os.chdir(cwd)


def _app(path: Path, monkeypatch: pytest.MonkeyPatch, page: str) -> AppTest:
    monkeypatch.setenv("TEXTMINE_STORE", str(path))
    at = AppTest.from_file(APP, default_timeout=90)
    at.run()
    return open_page(at, page)


def _sql(path: Path, query: str, params: list | None = None) -> list[tuple]:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(query, params or []).fetchall()


def _frame(at: AppTest, column: str):
    """The first table shown that has ``column``."""
    return next(frame.value for frame in at.dataframe if column in frame.value.columns)


def _label(at: AppTest, coder: str, choices: list[list[str]]) -> None:
    """``coder`` labels the sample's comments in order with the given themes."""
    at.sidebar.text_input(key="coder").set_value(coder).run()
    for themes in choices:
        form = next(m for m in at.multiselect if m.key.startswith(f"ag_themes_{coder}_"))
        form.set_value(themes)
        next(b for b in at.button if b.label == "Белгіні сақтау").click().run()
        assert not at.exception, at.exception


def test_two_coders_label_blind_then_agreement_and_settling(demo: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    own = Path(shutil.copy(demo, tmp_path / "agree.duckdb"))
    at = _app(own, monkeypatch, "agreement")
    at.number_input(key="ag_n").set_value(2).run()
    assert "Белгілеу үшін" in at.info[0].value  # no coder named yet
    _label(at, "Айгерім", [["queues"], ["queues", "documents"]])
    # a second coder sees none of the first one's labels while labelling
    at.sidebar.text_input(key="coder").set_value("Борис").run()
    assert at.tabs[1].info and not at.tabs[1].table
    _label(at, "Борис", [["queues"], ["queues"]])
    saved = _sql(own, "SELECT coder, count(DISTINCT comment_id), count(*) FILTER (present) FROM coder_labels GROUP BY 1 ORDER BY 1")
    assert saved == [("Айгерім", 2, 3), ("Борис", 2, 2)]
    table = at.tabs[1].table[0].value
    # queues: both coders present on both comments -> 100 %; documents: one of two comments differs -> 50 %
    assert table.loc["Кезектер", "Келісім, %"] == "100.0" and table.loc["Кезектер", "Салыстырылған пікірлер"] == 2
    assert table.loc["Құжаттар және бюрократия", "Келісім, %"] == "50.0"
    disagreements = _frame(at, "Бар дейді")
    assert disagreements[["Тақырып", "Бар дейді", "Жоқ дейді"]].values.tolist() == [
        ["Құжаттар және бюрократия", "Айгерім", "Борис"]]
    at.sidebar.text_input(key="coder").set_value("").run()  # no name: the disagreement shows, settling waits
    assert "Келіспеушілікті шешу үшін" in at.tabs[2].info[0].value and not [b for b in at.button if b.label == "Шешу"]
    at.sidebar.text_input(key="coder").set_value("Борис").run()
    next(b for b in at.button if b.label == "Шешу").click().run()
    assert not at.exception, at.exception
    assert _sql(own, "SELECT theme, decision, reviewer FROM label_feedback") == [("documents", "accept", "Борис")]
    assert "Келіспеушілік жоқ." in [i.value for i in at.info]


def test_words_page_frequencies_and_kwic(demo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _app(demo, monkeypatch, "words")
    assert not at.exception, at.exception
    freq = _frame(at, "Кездесу саны")
    assert freq.iloc[0]["Лемма"] == "құжат"  # the commonest content lemma of the seed comments
    at.radio(key="wd_view").set_value("kwic").run()
    at.text_input(key="wd_kwic").set_value("кезек").run()
    lines = _frame(at, "keyword")
    (with_kezek,) = _sql(demo, "SELECT count(*) FROM comments WHERE regexp_matches(lower(text), 'кезе[кг]')")[0]
    assert len(lines) >= with_kezek > 0
    assert lines["keyword"].str.lower().str.startswith("кезе").all()
    at.radio(key="wd_view").set_value("compare_words").run()
    assert "Сүзгіге сәйкес пікір жоқ." in [i.value for i in at.info]  # no filter: no "other comments"
    at.selectbox(key="wd_compare").set_value("polarity:praise").run()
    compare = _frame(at, "Кімге тән")
    assert set(compare["Кімге тән"]) <= {"Таңдалған", "мақтау"} and len(compare) > 0


def test_a_saved_stop_word_leaves_the_word_frequencies(demo: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    own = Path(shutil.copy(demo, tmp_path / "words.duckdb"))
    at = _app(own, monkeypatch, "words")
    assert _frame(at, "Кездесу саны").iloc[0]["Лемма"] == "құжат"
    at.text_input(key="wd_stop_words").set_value("құжат")
    next(b for b in at.button if b.label == "Тоқтау сөзге қосу").click().run()
    assert not at.exception, at.exception
    assert "құжат" not in _frame(at, "Кездесу саны")["Лемма"].tolist()  # the edits are read again once saved
    assert [s.value for s in at.success] == ["Сақталды: 1 сөз."]


def test_waves_page_shows_a_synthetic_second_wave(demo: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    own = Path(shutil.copy(demo, tmp_path / "waves.duckdb"))
    at = _app(own, monkeypatch, "waves")
    assert "бір ғана толқын" in at.info[0].value
    report = _frame(at, "Қанағаттану, өткен жыл, %")  # the report's own previous-year figures
    (with_previous,) = _sql(own, "SELECT count(*) FROM services WHERE prev_satisfaction_pct IS NOT NULL")[0]
    assert len(report) == with_previous > 0
    with Store(own) as store:
        comments, themes = store.read("comments"), store.read("comment_themes")
        new_comments, new_themes, row = waves.synthetic_wave(comments, themes, "2019", {"queues": 0.0}, seed=1)
        store.replace_source(row.iloc[0]["source_file"], new_comments, store.read("rejects").iloc[0:0])
        store.replace_themes(new_themes)
        store.append("waves", row)
    at = _app(own, monkeypatch, "waves")
    assert "Синтетикалық толқын" in at.warning[0].value
    table = _frame(at, "Не өзгерді")
    everyone = table[(table["Қызмет"] == "Барлық қызметтер") & (table["Тақырып"] == "Кезектер")]
    assert everyone["Не өзгерді"].tolist() == ["жоғалды"] and everyone["% 2019"].tolist() == [0.0]
