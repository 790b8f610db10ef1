"""The store: one DuckDB file holding everything the pipeline produces.

Tables (one row per ...):
- ``comments``  comment (schema ``textmine.schema.COMMENTS``), primary key ``id``;
- ``rejects``   input row or «...» that did not become a comment, with its reason;
- ``services``  service of a monitoring report (schema ``SERVICES``);
- ``comment_themes``  comment's themes, scores and polarity (schema ``COMMENT_THEMES``);
- ``label_feedback``  analyst's accept/reject of a theme on a comment, used by the next training run;
- ``coder_labels``, ``stop_word_edits``, ``waves``  coders' blind labels, stop-word edits and the survey
  wave of each source file (``textmine.qda``; append-only, the latest row counts);
- ``memos``  analyst's note on a quote, a theme or a service (one per author and target; ``textmine.memos``);
- ``aspect_scores``  report's satisfaction figure for one quality aspect of a service (``ASPECT_SCORES``);
- ``runs``, ``run_stages``  the audit trail: run of a command, and timed stage of a run (``textmine.audit``);
- and the tables of the embedding cache and the scale pipeline: every table with its columns is registered
  in ``textmine.store_schema``, and a store written by an older textmine is upgraded when a writer opens it
  (``textmine.store_migrations``: backup copy, then one transaction).

Writes are per source file and transactional: ingesting a file replaces every row that came from
that file, so re-ingesting the same file is idempotent and a crash leaves the previous state.

Concurrency: DuckDB lets one process write a file, and no other process may even open it read-only
meanwhile. So a writer publishes a *snapshot*: when a writable ``Store`` closes without an error and the
file changed since the last snapshot, it checkpoints and copies the store to ``<name>.snapshot.duckdb``
beside it (written to a temporary file, then renamed over the old snapshot in one step). Readers that
must never wait for the writer (the app) open :func:`reader_path`: the newest complete snapshot, never
a half-written one (an open reader keeps the file it opened). A read-only ``Store`` opens the store
itself and falls back to the snapshot while a writer holds the lock; a writer waits up to
``LOCK_WAIT_S`` for short-lived readers to let go. A failed command publishes nothing, so readers keep
the last state a command completed; the next successful write publishes the newer state. The snapshot
also carries the app's read model (``textmine.readmodel``), built as it is published. A writer that names
the only tables it changes (``Store(path, touches=("label_feedback",))``, the app saving a review decision)
publishes by copying the last snapshot and refreshing just those tables in it, when none of them feeds the
read model: a file copy (3–5 s for the 1.6 GB snapshot of a million-comment store) instead of a copy
plus a read-model build.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable, Collection
from pathlib import Path

import duckdb
import pandas as pd
import pandera.pandas as pa

from textmine import readmodel, schema, store_migrations, word_lemmas
from textmine.atomic import atomic_path
from textmine.settings import settings
from textmine.store_schema import TABLES as REGISTERED
from textmine.store_schema import VERSION

LOCK_WAIT_S = 10.0

TABLES: dict[str, pa.DataFrameSchema] = {
    "comments": schema.COMMENTS,
    "rejects": schema.REJECTS,
    "services": schema.SERVICES,
    "comment_themes": schema.COMMENT_THEMES,
    "label_feedback": schema.LABEL_FEEDBACK,
    "memos": schema.MEMOS,
    "aspect_scores": schema.ASPECT_SCORES,
    "coder_labels": schema.CODER_LABELS,
    "stop_word_edits": schema.STOP_WORD_EDITS,
    "waves": schema.WAVES,
}

# Tables recomputed as a whole by a stage, with the columns that stage documents.
DERIVED = {
    "topic_clusters": "textmine.topics.discover.Topics.clusters (list/dict cells as JSON)",
    "topic_assignments": "textmine.topics.discover.Topics.assignments",
    "priorities": "textmine.insights.priority.priorities (by service)",
    "priority_quotes": "textmine.insights.brief.priority_quotes",
}


def default_path() -> Path:
    """Store path: ``$TEXTMINE_STORE`` if set, else ``data/textmine.duckdb``, under the data root (``textmine.settings``)."""
    return settings().store_path


def snapshot_path(path: Path | str) -> Path:
    """The published read-only copy of the store at ``path`` (``x.duckdb`` -> ``x.snapshot.duckdb``)."""
    path = Path(path)
    return path.with_name(f"{path.stem}.snapshot{path.suffix}")


def reader_path(path: Path | str) -> Path:
    """The file a reader that must not wait for the writer opens: the snapshot if one was published, else the store."""
    snapshot = snapshot_path(path)
    return snapshot if snapshot.exists() else Path(path)


def _is_lock_conflict(error: duckdb.Error) -> bool:
    return "lock" in str(error).lower()


def _connect(path: Path, read_only: bool, wait_s: float) -> duckdb.DuckDBPyConnection:
    """Connect, retrying while another process holds a conflicting lock for at most ``wait_s`` seconds."""
    deadline = time.monotonic() + wait_s
    while True:
        try:
            return settings().limit(duckdb.connect(str(path), read_only=read_only))
        except duckdb.IOException as error:
            if not _is_lock_conflict(error) or time.monotonic() >= deadline:
                raise
            time.sleep(0.1)


class Store:
    """A DuckDB-backed store; use as a context manager."""

    def __init__(self, path: Path | str | None = None, read_only: bool = False, wait_s: float = LOCK_WAIT_S,
                 touches: Collection[str] | None = None) -> None:
        """``touches``: the store tables this writer changes, when it knows them (publishing may then refresh
        only those in the last snapshot); ``None``: any table."""
        self.path = Path(path) if path is not None else default_path()
        self.read_only = read_only
        self.touches = frozenset(touches) if touches is not None else None
        self.source = self.path  # the file actually opened: the snapshot when a read-only open found the store locked
        if not read_only:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.connection = _connect(self.path, False, wait_s)
            self._checked(store_migrations.prepare_for_writing)
            return
        try:
            self.connection = _connect(self.path, True, 0.0 if snapshot_path(self.path).exists() else wait_s)
        except duckdb.IOException as error:
            if not (_is_lock_conflict(error) and snapshot_path(self.path).exists()):
                raise
            self.source = snapshot_path(self.path)
            self.connection = settings().limit(duckdb.connect(str(self.source), read_only=True))
        self._checked(store_migrations.check_readable)

    def _checked(self, check: Callable[[duckdb.DuckDBPyConnection, Path], None]) -> None:
        """Run a version check (or upgrade) on the opened file; close the connection if it refuses."""
        try:
            check(self.connection, self.source)
        except BaseException:
            self.connection.close()
            raise

    def __enter__(self) -> Store:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, *exc: object) -> None:
        self.close(publish=exc_type is None)

    def close(self, publish: bool = True) -> None:
        """Close the connection; a writable store first publishes its snapshot if ``publish`` and it changed."""
        try:
            if publish and not self.read_only:
                self.connection.execute("CHECKPOINT")
                snapshot = snapshot_path(self.path)
                if not snapshot.exists() or self.path.stat().st_mtime_ns >= snapshot.stat().st_mtime_ns:
                    self.publish()
        finally:
            self.connection.close()

    def publish(self) -> Path:
        """Checkpoint, then atomically replace the snapshot with a copy of the store to which the app's read
        model (``textmine.readmodel``) and its word lemmas (``textmine.word_lemmas``) are added; return the snapshot
        path."""
        if self.read_only:
            raise RuntimeError(f"{self.path} is open read-only; only the writer publishes snapshots")
        self.connection.execute("CHECKPOINT")
        snapshot = snapshot_path(self.path)
        with atomic_path(snapshot) as temporary:
            if self.touches is not None and not self.touches & readmodel.SOURCES and snapshot.exists():
                shutil.copyfile(snapshot, temporary)
                if self._refresh_in(temporary, self.touches):
                    return snapshot
            shutil.copyfile(self.path, temporary)
            with settings().limit(duckdb.connect(str(temporary))) as copy:  # the same memory limit as the store
                copy.execute("SET enable_progress_bar = false")  # DuckDB's own bar would mix into the command's output
                with readmodel.previous_snapshot(copy, snapshot) as previous:
                    readmodel.build(copy, previous=previous)
                    word_lemmas.publish(copy, previous)
        return snapshot

    def _refresh_in(self, copy: Path, tables: Collection[str]) -> bool:
        """Replace ``tables``' rows in ``copy`` (of the last snapshot) with the store's; ``False`` (nothing
        done) when the copy lacks a current read model or one of the tables, or has an older store version."""
        con = self.connection
        con.execute(f"ATTACH {readmodel.sql_literal(str(copy))} AS _published")
        try:
            if not (readmodel.is_current(con, "_published") and set(tables) <= readmodel.tables_in(con, "_published")
                    and store_migrations.stored_version(con, "_published") == VERSION):
                return False
            self.transaction(lambda con: [
                (con.execute(f"DELETE FROM _published.{table}"),
                 con.execute(f"INSERT INTO _published.{table} BY NAME SELECT * FROM {table}")) for table in sorted(tables)])
            con.execute("CHECKPOINT _published")
            return True
        finally:
            con.execute("DETACH _published")

    def replace_source(self, source_file: str, comments: pd.DataFrame, rejects: pd.DataFrame) -> None:
        """Atomically replace every comment and reject that came from ``source_file``."""
        comments = schema.validate(comments, schema.COMMENTS)
        rejects = schema.validate(rejects, schema.REJECTS)
        self.transaction(
            lambda con: (
                con.execute("DELETE FROM comments WHERE source_file = ?", [source_file]),
                con.execute("DELETE FROM rejects WHERE source_file = ?", [source_file]),
                self._insert(con, "comments", comments),
                self._insert(con, "rejects", rejects),
            )
        )

    def replace_services(self, services: pd.DataFrame) -> None:
        """Atomically replace the services table."""
        services = schema.validate(services, schema.SERVICES)
        self.transaction(
            lambda con: (con.execute("DELETE FROM services"), self._insert(con, "services", services))
        )

    def replace_aspects(self, aspects: pd.DataFrame) -> None:
        """Atomically replace the aspect-score table (the report's per-service quality-aspect figures)."""
        aspects = schema.validate(aspects, schema.ASPECT_SCORES)
        self.transaction(
            lambda con: (con.execute("DELETE FROM aspect_scores"), self._insert(con, "aspect_scores", aspects))
        )

    def replace_themes(self, themes: pd.DataFrame) -> None:
        """Atomically replace the theme rows of the comments in ``themes`` (upsert by comment id)."""
        themes = schema.validate(themes, schema.COMMENT_THEMES)

        def work(con: duckdb.DuckDBPyConnection) -> None:
            con.register("_ids", themes[["id"]])
            con.execute("DELETE FROM comment_themes WHERE id IN (SELECT id FROM _ids)")
            con.unregister("_ids")
            self._insert(con, "comment_themes", themes)

        self.transaction(work)

    def add_feedback(self, feedback: pd.DataFrame) -> None:
        """Append analysts' decisions (accept/reject a theme, fix a polarity), each naming its ``reviewer``."""
        feedback = schema.validate(feedback, schema.LABEL_FEEDBACK)
        unnamed = feedback["reviewer"].fillna("").str.strip() == ""
        if unnamed.any():
            raise ValueError(f"{int(unnamed.sum())} label decisions name no reviewer (first on comment "
                             f"{feedback.loc[unnamed, 'comment_id'].iloc[0]}); every decision records who made it")
        self.transaction(lambda con: self._insert(con, "label_feedback", feedback))

    def append(self, table: str, rows: pd.DataFrame) -> None:
        """Append ``rows`` (validated against the table's schema) to an append-only table such as ``coder_labels``."""
        if table not in TABLES:
            raise KeyError(f"unknown table {table!r}; known: {', '.join(TABLES)}")
        rows = schema.validate(rows, TABLES[table])
        self.transaction(lambda con: self._insert(con, table, rows))

    def replace_derived(self, table: str, frame: pd.DataFrame) -> None:
        """Atomically replace a derived table (one of ``DERIVED``: results recomputed as a whole, e.g. topics)."""
        if table not in DERIVED:
            raise KeyError(f"unknown derived table {table!r}; known: {', '.join(DERIVED)}")

        def work(con: duckdb.DuckDBPyConnection) -> None:
            con.register("_incoming", frame)
            con.execute(f"CREATE OR REPLACE TABLE {table} AS SELECT * FROM _incoming")
            con.unregister("_incoming")

        self.transaction(work)

    def read_derived(self, table: str) -> pd.DataFrame:
        """A derived table as written by :meth:`replace_derived` (empty frame if never written)."""
        if table not in DERIVED:
            raise KeyError(f"unknown derived table {table!r}; known: {', '.join(DERIVED)}")
        exists = self.connection.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [table]).fetchone()[0]
        return self.connection.execute(f"SELECT * FROM {table}").df() if exists else pd.DataFrame()

    def read(self, table: str, where: str = "", params: list | None = None) -> pd.DataFrame:
        """Read a table (optionally filtered by a SQL ``where`` clause with ``?`` parameters)."""
        if table not in TABLES:
            raise KeyError(f"unknown table {table!r}; known: {', '.join(TABLES)}")
        sql = f"SELECT {REGISTERED[table].select_list()} FROM {table}" + (f" WHERE {where}" if where else "")
        frame = self.connection.execute(sql, params or []).df()
        return schema.validate(frame, TABLES[table]) if len(frame) else schema.empty(TABLES[table])

    def count(self, table: str) -> int:
        """Number of rows in ``table``."""
        return self.connection.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]  # leaves no open result

    def _insert(self, con: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame) -> None:
        if len(frame):
            con.register("_incoming", frame)
            con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM _incoming")
            con.unregister("_incoming")

    def transaction(self, work: Callable[[duckdb.DuckDBPyConnection], object]) -> None:
        """Run ``work(connection)`` in one transaction: all of it is committed, or none of it."""
        con = self.connection
        con.execute("BEGIN TRANSACTION")
        try:
            work(con)
        except BaseException:
            con.execute("ROLLBACK")
            raise
        con.execute("COMMIT")
