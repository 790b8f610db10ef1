"""The store: idempotent per-source replacement, transactional writes, typed reads."""

import duckdb
import pandas as pd
import pandera.errors
import pytest

from textmine import schema
from textmine.store import Store, reader_path, snapshot_path

KAZAKH = "ХҚКОда айғай-шу, кімге бірінші бару керектігін көрсететін көрсеткіштер жоқ"


def comment_rows(source: str, texts: list[str]) -> pd.DataFrame:
    """Valid comment rows of ``source``, one per text, on lines 1, 2, ..."""
    rows = []
    for line, text in enumerate(texts, start=1):
        rows.append({
            "id": schema.comment_id(source, line, text), "text": text, "raw_text": text, "lang": "kk",
            "lang_confidence": 0.9, "service_no": 1, "service_name": "Апостиль", "agency": "ӘМ",
            "region": "Атырау облысы", "rating": 4, "aspect_context": None, "date": None, "channel": None,
            "source_file": source, "source_line": line, "extra": None,
        })
    return pd.DataFrame(rows)


def _rejects(source: str) -> pd.DataFrame:
    return pd.DataFrame([{"source_file": source, "source_line": 3, "reason": "empty comment", "raw": ""}])


def test_reingesting_the_same_source_is_idempotent(tmp_path):
    with Store(tmp_path / "s.duckdb") as store:
        for _ in range(2):
            store.replace_source("a.csv", comment_rows("a.csv", [KAZAKH, "Всё хорошо"]), _rejects("a.csv"))
        store.replace_source("b.csv", comment_rows("b.csv", ["Бәрі жақсы"]), _rejects("b.csv").iloc[:0])
        assert store.count("comments") == 3
        assert store.count("rejects") == 1
        assert store.read("comments", "source_file = ?", ["a.csv"])["text"].tolist() == [KAZAKH, "Всё хорошо"]


def test_a_failed_write_leaves_the_previous_state(tmp_path):
    with Store(tmp_path / "s.duckdb") as store:
        store.replace_source("a.csv", comment_rows("a.csv", [KAZAKH]), _rejects("a.csv"))
        broken = comment_rows("a.csv", ["x", "y"]).assign(rating=[3, 9])  # 9 is not a 1-5 rating
        with pytest.raises(pandera.errors.SchemaErrors, match="in_range"):
            store.replace_source("a.csv", broken, _rejects("a.csv"))
        assert store.read("comments")["text"].tolist() == [KAZAKH]


def test_read_returns_typed_columns_and_reopens_read_only(tmp_path):
    path = tmp_path / "s.duckdb"
    with Store(path) as store:
        store.replace_source("a.csv", comment_rows("a.csv", [KAZAKH]), _rejects("a.csv"))
    with Store(path, read_only=True) as store:
        frame = store.read("comments")
        assert str(frame["service_no"].dtype) == "Int64"
        assert frame.loc[0, "region"] == "Атырау облысы"
        assert store.read("services").empty


def test_closing_a_writer_publishes_a_snapshot_and_a_failed_one_does_not(tmp_path):
    path = tmp_path / "s.duckdb"
    with Store(path) as store:
        store.replace_source("a.csv", comment_rows("a.csv", [KAZAKH]), _rejects("a.csv"))
    assert reader_path(path) == snapshot_path(path) == tmp_path / "s.snapshot.duckdb"
    with pytest.raises(RuntimeError, match="crashed"), Store(path) as store:
        store.replace_source("a.csv", comment_rows("a.csv", ["Всё хорошо", "Бәрі жақсы"]), _rejects("a.csv"))
        raise RuntimeError("crashed after the write")
    with duckdb.connect(str(snapshot_path(path)), read_only=True) as snapshot:
        assert snapshot.execute("SELECT text FROM comments").fetchall() == [(KAZAKH,)]
    with Store(path) as store:  # the next clean close publishes what the store holds
        assert store.count("comments") == 2
    with duckdb.connect(str(snapshot_path(path)), read_only=True) as snapshot:
        assert snapshot.execute("SELECT count(*) FROM comments").fetchone() == (2,)


def test_an_unchanged_store_is_not_copied_again_and_read_only_never_publishes(tmp_path):
    path = tmp_path / "s.duckdb"
    with Store(path) as store:
        store.replace_source("a.csv", comment_rows("a.csv", [KAZAKH]), _rejects("a.csv"))
    published = snapshot_path(path).stat().st_mtime_ns
    with Store(path) as store:
        store.read("comments")
    with Store(path, read_only=True) as store, pytest.raises(RuntimeError, match="read-only"):
        store.publish()
    assert snapshot_path(path).stat().st_mtime_ns == published


def _feedback(comment_id: str, theme: str, reviewer: str | None = "Айгерім") -> pd.DataFrame:
    return pd.DataFrame([{"comment_id": comment_id, "theme": theme, "decision": "accept", "polarity": None,
                          "at": "2026-11-25T00:00:00+00:00", "reviewer": reviewer}])


@pytest.mark.parametrize("reviewer", [None, "  "])
def test_a_label_decision_without_a_reviewer_is_refused(tmp_path, reviewer):
    with Store(tmp_path / "s.duckdb") as store:
        with pytest.raises(ValueError, match="1 label decisions name no reviewer .*comment c1"):
            store.add_feedback(_feedback("c1", "queues", reviewer))
        store.add_feedback(_feedback("c1", "queues"))
        assert store.read("label_feedback")["reviewer"].tolist() == ["Айгерім"]


def test_a_writer_naming_its_tables_refreshes_only_them_in_the_last_snapshot(tmp_path, monkeypatch):
    from textmine import readmodel

    path = tmp_path / "s.duckdb"
    with Store(path) as store:
        store.replace_source("a.csv", comment_rows("a.csv", [KAZAKH, "Всё хорошо"]), _rejects("a.csv"))
    with duckdb.connect(str(snapshot_path(path)), read_only=True) as snapshot:
        app_rows = snapshot.execute("SELECT * FROM app_comments ORDER BY pos").fetchall()
    comment_id = app_rows[0][1]

    def no_rebuild(*args, **kwargs):
        raise AssertionError("the read model was rebuilt")

    monkeypatch.setattr(readmodel, "build", no_rebuild)
    with Store(path, touches=("label_feedback",)) as store:
        store.add_feedback(_feedback(comment_id, "queues"))
    assert not list(tmp_path.glob("*.wal")) and not list(tmp_path.glob(".*.tmp"))
    with duckdb.connect(str(snapshot_path(path)), read_only=True) as snapshot:
        assert snapshot.execute("SELECT comment_id, theme FROM label_feedback").fetchall() == [(comment_id, "queues")]
        assert snapshot.execute("SELECT * FROM app_comments ORDER BY pos").fetchall() == app_rows

    # A writer that names a table the read model is built from publishes in full.
    with pytest.raises(AssertionError, match="rebuilt"), Store(path, touches=("comments",)) as store:
        store.replace_source("b.csv", comment_rows("b.csv", ["Кезек көп"]), _rejects("b.csv"))
    monkeypatch.undo()
    with Store(path, touches=("comments",)):
        pass
    with duckdb.connect(str(snapshot_path(path)), read_only=True) as snapshot:
        assert snapshot.execute("SELECT count(*) FROM app_comments").fetchone() == (3,)
        assert snapshot.execute("SELECT count(*) FROM label_feedback").fetchone() == (1,)


def test_a_store_written_before_theme_evidence_opens_with_the_new_columns_and_keeps_its_rows(tmp_path):
    path = tmp_path / "old.duckdb"
    with duckdb.connect(str(path)) as con:  # comment_themes as textmine wrote it before evidence and uncertainty
        con.execute("CREATE TABLE comment_themes (id VARCHAR PRIMARY KEY, themes VARCHAR, theme_scores VARCHAR, "
                    "polarity VARCHAR, theme_mode VARCHAR)")
        con.execute("""INSERT INTO comment_themes VALUES ('c1', 'queues', '{"queues": 0.9}', 'complaint', 'trained')""")
    with Store(path) as store:
        themes = store.read("comment_themes")
        assert list(themes.columns) == list(schema.COMMENT_THEMES.columns)
        assert themes.iloc[0]["themes"] == "queues" and themes.iloc[0]["theme_uncertain"] == False  # noqa: E712
        assert themes.iloc[0]["theme_evidence"] == ""
        new = themes.assign(id="c2", theme_uncertain=True, theme_evidence='{"queues": ["кезек"]}')
        store.replace_themes(new)
        assert store.count("comment_themes") == 2
