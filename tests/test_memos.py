"""Memos on quotes, themes and services: stored one per author and target, edited and deleted; refused for
unknown targets; carried into Markdown/DOCX citations and into .qdpx as REFI-QDA notes (read back with
pyrefiqda, an independent reader)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from app_pages import open_page
from docx import Document
from pyrefiqda import RefiProject
from typer.testing import CliRunner

from textmine import schema
from textmine.cli import app
from textmine.insights import quotes_docx, quotes_markdown
from textmine.insights.qda import export_qdpx, guid, note_guid
from textmine.memos import memos_of, save_memo, with_memos
from textmine.store import Store

BUNDLED = Path(__file__).resolve().parents[1] / "data" / "comments"
MEMO_KK = "Кезек туралы ең нақты дәйексөз, баяндамаға алу керек"


@pytest.fixture()
def comments() -> pd.DataFrame:
    """Five real Kazakh comments of the bundled store (2018 report quotes) with their themes."""
    table = pd.read_csv(BUNDLED / "comments.csv", dtype={"id": str})
    return table[table["lang"] == "kk"].head(5).reset_index(drop=True)


@pytest.fixture()
def store_path(tmp_path: Path, comments: pd.DataFrame) -> Path:
    path = tmp_path / "memos.duckdb"
    services = pd.read_csv(BUNDLED / "services.csv")
    with Store(path) as store:
        store.replace_source(comments["source_file"].iloc[0], comments[list(schema.COMMENTS.columns)],
                             schema.empty(schema.REJECTS))
        store.replace_services(services[list(schema.SERVICES.columns)])
    return path


def test_one_memo_per_author_and_target_edited_and_deleted(store_path: Path, comments: pd.DataFrame) -> None:
    quote = comments["id"].iloc[0]
    with Store(store_path) as store:
        assert save_memo(store, "quote", quote, "aigerim", "бірінші нұсқа", at="2026-01-01T00:00:00+00:00")
        assert save_memo(store, "quote", quote, "aigerim", MEMO_KK, at="2026-01-02T00:00:00+00:00")
        assert save_memo(store, "quote", quote, "dmitry", "Хорошая цитата", at="2026-01-03T00:00:00+00:00")
        assert save_memo(store, "theme", "queues", "aigerim", "Очереди: смотреть по регионам")
        assert save_memo(store, "service", "1", "aigerim", "Апостиль: жалоб мало")
        memos = store.read("memos")
        on_quote = memos_of(memos, "quote", quote)
        assert on_quote[["author", "text"]].values.tolist() == [["aigerim", MEMO_KK], ["dmitry", "Хорошая цитата"]]
        assert len(memos) == 4
        assert not save_memo(store, "quote", quote, "dmitry", "  ")
        assert memos_of(store.read("memos"), "quote", quote)["author"].tolist() == ["aigerim"]


@pytest.mark.parametrize(("kind", "target", "author", "error", "message"), [
    ("quote", "no-such-id", "a", KeyError, "no comment 'no-such-id'"),
    ("theme", "no_such_theme", "a", KeyError, "unknown theme 'no_such_theme'"),
    ("service", "999", "a", KeyError, "no service '999'"),
    ("service", "first", "a", ValueError, "not a service number"),
    ("region", "Алматы", "a", ValueError, "must be one of quote, theme, service"),
    ("theme", "queues", " ", ValueError, "needs an author"),
])
def test_unknown_targets_are_refused(store_path: Path, kind: str, target: str, author: str, error: type,
                                     message: str) -> None:
    with Store(store_path) as store, pytest.raises(error, match=message):
        save_memo(store, kind, target, author, "text")


def test_memos_travel_into_markdown_and_docx_citations(comments: pd.DataFrame, tmp_path: Path) -> None:
    quote = comments["id"].iloc[1]
    memos = pd.DataFrame([{"target_kind": "quote", "target_id": quote, "author": "aigerim", "text": MEMO_KK,
                           "at": "2026-01-02T00:00:00+00:00"},
                          {"target_kind": "theme", "target_id": quote, "author": "x", "text": "not a quote memo",
                           "at": "2026-01-02T00:00:00+00:00"}])
    quotes = with_memos(comments.head(2), memos)
    assert quotes["memo"].tolist() == [None, f"aigerim: {MEMO_KK}"]
    text = quotes_markdown(quotes, "Кезектер", show_scores=False)
    assert f"   *memo:* aigerim: {MEMO_KK}" in text.splitlines()
    assert text.count("*memo:*") == 1
    document = Document(str(quotes_docx(quotes, tmp_path / "q.docx", "Кезектер", show_scores=False)))
    assert f"memo: aigerim: {MEMO_KK}" in [p.text for p in document.paragraphs]


def test_memos_are_refi_qda_notes_referenced_from_sources_and_codes(comments: pd.DataFrame, tmp_path: Path) -> None:
    quote = comments["id"].iloc[0]
    memos = pd.DataFrame([
        {"target_kind": "quote", "target_id": quote, "author": "aigerim", "text": MEMO_KK, "at": "2026-01-02T00:00:00Z"},
        {"target_kind": "theme", "target_id": "queues", "author": "dmitry", "text": "Очереди", "at": "2026-01-03T00:00:00Z"},
        {"target_kind": "service", "target_id": "1", "author": "aigerim", "text": "Апостиль", "at": "2026-01-04T00:00:00Z"},
        {"target_kind": "quote", "target_id": "not-exported", "author": "x", "text": "dropped", "at": "2026-01-04T00:00:00Z"},
    ])
    path = export_qdpx(comments, tmp_path / "memos.qdpx", memos=memos)
    project = RefiProject.load(path, extract_dir=str(tmp_path / "x"))
    notes = {note.guid: note for note in project.notes.note}
    assert {note.plain_text_content for note in notes.values()} == {MEMO_KK, "Очереди", "Апостиль"}
    source = next(s for s in project.sources.text_source if s.guid == guid("source", quote))
    assert [ref.target_guid for ref in source.note_ref] == [note_guid("quote", quote, "aigerim")]

    def walk(codes):
        return [c for code in codes for c in [code, *walk(code.code)]]

    queues = next(c for c in walk(project.code_book.codes.code) if c.guid == guid("theme", "queues"))
    assert [ref.target_guid for ref in queues.note_ref] == [note_guid("theme", "queues", "dmitry")]
    authors = {user.guid: user.name for user in project.users.user}
    assert authors[notes[note_guid("service", "1", "aigerim")].creating_user] == "aigerim"
    assert notes[note_guid("service", "1", "aigerim")].name == "service 1: aigerim"


def test_cli_memo_add_and_list(store_path: Path, comments: pd.DataFrame) -> None:
    runner = CliRunner()
    added = runner.invoke(app, ["memo", "add", "theme", "queues", MEMO_KK, "--author", "aigerim",
                                "--store", str(store_path)])
    assert added.exit_code == 0 and "saved memo on theme queues" in added.output
    refused = runner.invoke(app, ["memo", "add", "quote", "nope", "x", "--author", "a", "--store", str(store_path)])
    assert refused.exit_code == 2 and "no comment 'nope'" in refused.output
    listed = runner.invoke(app, ["memo", "list", "--kind", "theme", "--store", str(store_path)])
    assert listed.output.startswith("theme queues · aigerim · ") and listed.output.rstrip().endswith(MEMO_KK)


def test_a_memo_written_on_the_theme_page_is_stored_and_shown(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    from streamlit.testing.v1 import AppTest

    from textmine.app.demo import build_demo_store

    root = Path(__file__).resolve().parents[1]
    monkeypatch.chdir(root)
    store = build_demo_store(tmp_path / "demo.duckdb")
    monkeypatch.setenv("TEXTMINE_STORE", str(store))
    monkeypatch.setenv("TEXTMINE_TAXONOMY", "")
    at = AppTest.from_file(os.fspath(root / "app.py"), default_timeout=60)
    at.run()
    open_page(at, "themes")
    theme = at.selectbox(key="th_theme").value
    key = f"memo-th-theme-{theme}"
    at.text_input(key=f"{key}-author").input("Айгерім")
    at.text_area(key=f"{key}-text").input(MEMO_KK)
    next(button for button in at.button if button.label == "Жазбаны сақтау").click().run()
    assert not at.exception, at.exception
    with Store(store, read_only=True) as opened:
        stored = opened.read("memos")
    assert stored[["target_kind", "target_id", "author", "text"]].values.tolist() == [
        ["theme", theme, "Айгерім", MEMO_KK]]
    at.run()
    assert MEMO_KK in [element.value for element in at.text]
