"""Stores that survive upgrades: stores written by earlier releases (tests/data/store_v1.duckdb.gz,
store_v2.duckdb.gz and store_v3.duckdb.gz, see the .md beside each) are upgraded in one transaction after a
backup copy; a newer store is refused."""

from __future__ import annotations

import gzip
import shutil
from collections.abc import Callable
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from textmine import store_migrations, store_schema
from textmine.store import Store
from textmine.store_migrations import StoreVersionError, backup_path, stored_version
from textmine.texthash import text_hash, text_hash_sql

FIXTURE = Path(__file__).parent / "data" / "store_v1.duckdb.gz"
FIXTURE_V2 = Path(__file__).parent / "data" / "store_v2.duckdb.gz"
FIXTURE_V3 = Path(__file__).parent / "data" / "store_v3.duckdb.gz"
# rows per table in the fixture, as counted when it was written with the old code (tests/data/store_v1.md)
V1_ROWS = {"comments": 32, "rejects": 1, "comment_themes": 30, "embeddings": 29, "text_annotations": 29,
           "scale_chunks": 2, "runs": 1}
KAZAKH_ID, KAZAKH_TEXT = "6997f12048967ade", "Кезек өте ұзақ, екі сағат күттім"


def _unpacked(fixture: Path, path: Path) -> Path:
    with gzip.open(fixture) as packed, path.open("wb") as out:
        shutil.copyfileobj(packed, out)
    return path


@pytest.fixture
def v1_store(tmp_path: Path) -> Path:
    return _unpacked(FIXTURE, tmp_path / "textmine.duckdb")


@pytest.fixture
def v2_store(tmp_path: Path) -> Path:
    return _unpacked(FIXTURE_V2, tmp_path / "textmine.duckdb")


@pytest.fixture
def v3_store(tmp_path: Path) -> Path:
    return _unpacked(FIXTURE_V3, tmp_path / "textmine.duckdb")


def _counts(path: Path) -> dict[str, int]:
    with duckdb.connect(str(path), read_only=True) as con:
        return {table: con.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in V1_ROWS}


def test_the_fixture_is_a_version_1_store(v1_store: Path) -> None:
    with duckdb.connect(str(v1_store), read_only=True) as con:
        assert stored_version(con) == 1
    assert _counts(v1_store) == V1_ROWS


def test_opening_a_v1_store_for_writing_backs_it_up_upgrades_it_and_keeps_its_rows(v1_store: Path) -> None:
    original = v1_store.read_bytes()
    with Store(v1_store) as store:
        assert stored_version(store.connection) == store_schema.VERSION == 5
        assert store.read("label_feedback").empty  # the table a v1 store lacked, with every current column
        comments = store.read("comments")
        assert comments.set_index("id").loc[KAZAKH_ID, "text"] == KAZAKH_TEXT
        assert store.read("rejects").iloc[0]["reason"] == "empty comment"
        tables = {row[0] for row in store.connection.execute("SHOW TABLES").fetchall()}
        assert {"store_meta", "scale_topic_model", "label_feedback"} <= tables
    assert _counts(v1_store) == V1_ROWS
    backup = backup_path(v1_store, 1)
    assert backup.name == "textmine.duckdb.bak-v1" and backup.read_bytes() == original
    with duckdb.connect(str(v1_store.with_name("textmine.snapshot.duckdb")), read_only=True) as snapshot:
        assert stored_version(snapshot) == store_schema.VERSION
        assert snapshot.execute("SELECT text FROM app_comments WHERE id = ?", [KAZAKH_ID]).fetchone() == (KAZAKH_TEXT,)


def _feedback_columns(path: Path) -> list[str]:
    with duckdb.connect(str(path), read_only=True) as con:
        return [row[0] for row in con.execute("DESCRIBE label_feedback").fetchall()]


def test_the_v2_fixture_has_label_decisions_without_a_reviewer(v2_store: Path) -> None:
    with duckdb.connect(str(v2_store), read_only=True) as con:
        assert stored_version(con) == 2
        assert con.execute("SELECT count(*) FROM label_feedback").fetchone() == (4,)
    assert "reviewer" not in _feedback_columns(v2_store)


def test_opening_a_v2_store_adds_the_reviewer_column_with_old_rows_null(v2_store: Path) -> None:
    original = v2_store.read_bytes()
    with Store(v2_store) as store:
        assert stored_version(store.connection) == store_schema.VERSION
        feedback = store.read("label_feedback")
        assert len(feedback) == 4 and feedback["reviewer"].isna().all()
        kazakh = feedback[feedback["comment_id"] == KAZAKH_ID]
        assert sorted(zip(kazakh["decision"], kazakh["theme"].fillna(""), kazakh["polarity"].fillna(""), strict=True)) == [
            ("accept", "queues", ""), ("polarity", "", "complaint"), ("reject", "deadlines", "")]
        assert store.read("comments").set_index("id").loc[KAZAKH_ID, "text"] == KAZAKH_TEXT
        store.add_feedback(feedback.head(1).assign(reviewer="Айгерім", at="2027-01-01T00:00:00+00:00"))
    assert _feedback_columns(v2_store)[-1] == "reviewer"
    with Store(v2_store, read_only=True) as store:
        assert store.read("label_feedback")["reviewer"].dropna().tolist() == ["Айгерім"]
    assert backup_path(v2_store, 2).read_bytes() == original


def test_opening_a_v3_store_adds_an_empty_table_of_language_tags(v3_store: Path) -> None:
    with duckdb.connect(str(v3_store)) as con:
        con.execute("INSERT INTO services (service_no, service_name, reconciled) VALUES (1, 'Апостиль қою', true)")
    original = v3_store.read_bytes()
    with duckdb.connect(str(v3_store), read_only=True) as con:
        assert stored_version(con) == 3
        assert "text_languages" not in {row[0] for row in con.execute("SHOW TABLES").fetchall()}
    with Store(v3_store) as store:
        assert stored_version(store.connection) == store_schema.VERSION == 5
        assert store.connection.execute("SELECT count(*) FROM text_languages").fetchone() == (0,)
        comments = store.read("comments").set_index("id")
        assert comments.loc[KAZAKH_ID, "text"] == KAZAKH_TEXT and comments["lang"].tolist() == ["kk", "ru", "kk"]
        services = store.read("services")  # version 5: each service's delivery form, unknown until re-ingested
        assert services["service_name"].tolist() == ["Апостиль қою"]
        assert services["delivery_form"].isna().all() and services["delivery_form_line"].isna().all()
    assert backup_path(v3_store, 3).read_bytes() == original


def test_a_v1_store_goes_through_every_step_to_the_current_version(v1_store: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    ran = []
    for version, step in dict(store_migrations.MIGRATIONS).items():
        monkeypatch.setitem(store_migrations.MIGRATIONS, version,
                            lambda con, version=version, step=step: (ran.append(version), step(con)))
    with Store(v1_store) as store:
        assert ran == [1, 2, 3, 4] and stored_version(store.connection) == store_schema.VERSION
        store.add_feedback(pd.DataFrame([{"comment_id": KAZAKH_ID, "theme": "queues", "decision": "accept",
                                          "polarity": None, "at": "2027-01-01T00:00:00+00:00", "reviewer": "Борис"}]))
        assert store.read("label_feedback")["reviewer"].tolist() == ["Борис"]


def _fail_step_halfway(monkeypatch: pytest.MonkeyPatch, path: Path, version: int,
                       work: Callable[[duckdb.DuckDBPyConnection], None]) -> None:
    """Make the ``version`` step do ``work`` then fail; opening ``path`` for writing raises and the file
    still records ``version``."""
    def half_done(con: duckdb.DuckDBPyConnection) -> None:
        work(con)
        raise RuntimeError("step failed")

    monkeypatch.setitem(store_migrations.MIGRATIONS, version, half_done)
    with pytest.raises(RuntimeError, match="step failed"):
        Store(path)
    with duckdb.connect(str(path), read_only=True) as con:
        assert stored_version(con) == version


def test_a_failed_v2_to_v3_step_leaves_the_v2_store_as_it_was(v2_store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _fail_step_halfway(monkeypatch, v2_store, 2, store_migrations.MIGRATIONS[2])
    assert "reviewer" not in _feedback_columns(v2_store)


def test_an_upgraded_store_takes_new_rows_and_is_not_migrated_twice(v1_store: Path) -> None:
    with Store(v1_store) as store:
        themes = store.read("comment_themes").head(1)
    backup_path(v1_store, 1).unlink()
    with Store(v1_store) as store:
        store.replace_themes(themes.assign(theme_evidence='{"queues": ["кезек"]}'))
        assert store.connection.execute("SELECT count(*) FROM store_meta").fetchone() == (1,)
    assert not backup_path(v1_store, 1).exists()


def test_reading_a_v1_store_leaves_it_as_it_is(v1_store: Path) -> None:
    with Store(v1_store, read_only=True) as store:
        assert store.count("comments") == 32
    with duckdb.connect(str(v1_store), read_only=True) as con:
        assert stored_version(con) == 1
    assert not backup_path(v1_store, 1).exists()


def test_a_failed_migration_leaves_the_store_as_it_was(v1_store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _fail_step_halfway(monkeypatch, v1_store, 1, lambda con: con.execute("ALTER TABLE comments ADD COLUMN half_done VARCHAR"))
    with duckdb.connect(str(v1_store), read_only=True) as con:
        columns = [row[0] for row in con.execute("DESCRIBE comments").fetchall()]
        assert "half_done" not in columns
    assert _counts(v1_store) == V1_ROWS


@pytest.mark.parametrize("read_only", [False, True])
def test_a_store_newer_than_the_code_is_refused_with_a_clear_message(tmp_path: Path, read_only: bool) -> None:
    path = tmp_path / "future.duckdb"
    with Store(path) as store:
        store.connection.execute("INSERT INTO store_meta (schema_version) VALUES (99)")
    with pytest.raises(StoreVersionError, match=r"future\.duckdb: store schema version 99 .* newer textmine"):
        Store(path, read_only=read_only)


def test_a_new_store_has_every_registered_table_and_the_current_version(tmp_path: Path) -> None:
    with Store(tmp_path / "new.duckdb") as store:
        tables = {row[0] for row in store.connection.execute("SHOW TABLES").fetchall()}
        assert tables == set(store_schema.TABLES)
        assert stored_version(store.connection) == store_schema.VERSION
    assert not list(tmp_path.glob("*.bak-*"))


def test_the_read_model_and_the_caches_hash_a_kazakh_text_alike() -> None:
    expected = "9abea12b855747045836968c54cdbc2c12a4d956"  # printf '%s' TEXT | sha1sum
    assert text_hash(KAZAKH_TEXT) == expected
    con = duckdb.connect()
    con.register("t", pd.DataFrame({"text": [KAZAKH_TEXT]}))
    assert con.execute(f"SELECT {text_hash_sql('text')} FROM t").fetchone() == (expected,)


def test_a_reopened_store_leaves_no_pending_result_on_its_connection(tmp_path: Path) -> None:
    for _ in range(2):  # the second open finds the current version
        with Store(tmp_path / "s.duckdb") as store:
            store.connection.register("_probe", pd.DataFrame({"x": [1]}))
            store.connection.unregister("_probe")
