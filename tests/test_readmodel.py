"""The read model a publish refreshes (rows of unchanged comments copied from the previous snapshot) equals
one built from scratch, whatever changed: comments placed before the old ones, a changed text, changed
themes, a service's score, a deleted source; too many changes, or a new theme, build it all."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from test_store import _rejects, comment_rows

from textmine import readmodel, schema
from textmine.store import Store, snapshot_path

BUNDLED = Path(__file__).resolve().parents[1] / "data" / "comments"
TEXTS = ["ХҚКОда кезек көп, екі сағат күттік", "Мерзімі тым ұзақ, бір ай күттім", "Очереди большие, стояли долго",
         "Қызметкерлер сыпайы, бәрі түсінікті", "Пошлина слишком высокая", "Порталға кіре алмадым, ЭЦП қате"]
THEMES = ("queues", "deadlines", "costs")


def _comments(source: str, n: int) -> pd.DataFrame:
    texts = [f"{TEXTS[i % len(TEXTS)]} ({source} {i})" for i in range(n)]
    return comment_rows(source, texts).assign(service_no=[2 if i % 10 == 0 else 1 for i in range(n)])


def _themes(ids: list[str], offset: int = 0, extra: str | None = None) -> pd.DataFrame:
    rows = []
    for k, comment in enumerate(ids):
        scores = {theme: round(((k + offset) * 7 + j * 3) % 10 / 10, 2) for j, theme in enumerate(THEMES)}
        if extra:
            scores[extra] = 0.9
        rows.append({"id": comment, "themes": ";".join(t for t, s in scores.items() if s >= 0.5),
                     "theme_scores": json.dumps(scores), "theme_uncertain": k % 5 == 0,
                     "theme_evidence": json.dumps({t: ["кезек"] for t, s in scores.items() if s >= 0.5}),
                     "polarity": "complaint", "theme_mode": "trained"})
    return pd.DataFrame(rows)


def _refreshes(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Whether each publish from now on refreshed the read model (``True``) or built it all."""
    seen: list[bool] = []
    original = readmodel._refreshed
    monkeypatch.setattr(readmodel, "_refreshed", lambda *args: seen.append(bool(done := original(*args))) or done)
    return seen


def _assert_as_built_from_scratch(path: Path) -> None:
    with duckdb.connect() as con:
        con.execute(f"ATTACH {readmodel.sql_literal(str(snapshot_path(path)))} AS s (READ_ONLY)")
        published = con.execute("SELECT * FROM s.app_comments ORDER BY pos").df()
        published_themes = con.execute("SELECT * FROM s.app_themes ORDER BY i").df()
        readmodel.build(con, "s.")
        pd.testing.assert_frame_equal(published, con.execute("SELECT * FROM app_comments ORDER BY pos").df())
        pd.testing.assert_frame_equal(published_themes, con.execute("SELECT * FROM app_themes ORDER BY i").df())


@pytest.fixture()
def store_path(tmp_path: Path) -> Path:
    path = tmp_path / "s.duckdb"
    services = pd.read_csv(BUNDLED / "services.csv").head(2)
    with Store(path) as store:
        store.replace_services(services[list(schema.SERVICES.columns)].assign(service_no=[1, 2]))
        store.replace_source("b.csv", _comments("b.csv", 40), _rejects("b.csv"))
        store.replace_themes(_themes(store.read("comments")["id"].tolist()))
    _assert_as_built_from_scratch(path)
    return path


def test_a_few_changes_are_refreshed_and_equal_a_build_from_scratch(store_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    refreshes = _refreshes(monkeypatch)
    with Store(store_path) as store:
        store.replace_source("a.csv", _comments("a.csv", 3), _rejects("a.csv").iloc[:0])  # sorts first: positions move
        first_ids = store.read("comments", "source_file = 'a.csv'")["id"].tolist()
        store.replace_themes(_themes(first_ids))
        b_ids = store.read("comments", "source_file = 'b.csv' ORDER BY source_line")["id"].tolist()
        store.replace_themes(_themes(b_ids[:2], offset=3))  # scores, themes and uncertainty change
        store.connection.execute("UPDATE services SET avg_score = 3.5 WHERE service_no = 2")
    assert refreshes == [True]
    _assert_as_built_from_scratch(store_path)
    with Store(store_path) as store:  # a changed text (a new id) and a source gone
        changed = _comments("b.csv", 40)
        changed.loc[5, "text"] = changed.loc[5, "raw_text"] = "Мерзімі өтіп кетті"
        store.replace_source("b.csv", changed.assign(id=[schema.comment_id("b.csv", line, text) for line, text
                                                         in zip(changed["source_line"], changed["text"], strict=True)]),
                             _rejects("b.csv"))
        store.connection.execute("DELETE FROM comments WHERE source_file = 'a.csv'")
    assert refreshes == [True, True]
    _assert_as_built_from_scratch(store_path)


def test_many_changes_or_a_new_theme_build_it_all(store_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    refreshes = _refreshes(monkeypatch)
    with Store(store_path) as store:
        ids = store.read("comments")["id"].tolist()
        store.replace_themes(_themes(ids, offset=1))
    assert refreshes == [False]
    _assert_as_built_from_scratch(store_path)
    with Store(store_path) as store:
        store.replace_themes(_themes(ids[:1], extra="corruption"))
    assert refreshes == [False, False]
    _assert_as_built_from_scratch(store_path)
    with duckdb.connect(str(snapshot_path(store_path)), read_only=True) as con:
        assert "corruption" in {row[0] for row in con.execute("SELECT theme FROM app_themes").fetchall()}
