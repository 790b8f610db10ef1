"""Versioned migrations of the store file.

A store records its schema version in ``store_meta`` (:data:`textmine.store_schema.VERSION` when written by
this code); a store without that table but with textmine's tables was written by textmine 0.x up to commit
4081ef8 and is version 1. Opening a store for writing:

- a new, empty file gets every registered table and the current version;
- an older store is first copied to ``<name>.bak-v<old version>`` beside it, then brought to the current
  version by the steps in :data:`MIGRATIONS`, all in one transaction (a failed step leaves the store as it was);
- a store newer than this code is refused with :class:`StoreVersionError`, also when opened read-only.

A read-only open of an older store reads it as it is; the next writer upgrades it.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import duckdb

from textmine.atomic import atomic_path
from textmine.store_schema import META, TABLES, VERSION, Table

FIRST_VERSION = 1  # stores written before versions were recorded


class StoreVersionError(RuntimeError):
    """The store was written by a newer textmine than this one."""


def stored_version(con: duckdb.DuckDBPyConnection, database: str | None = None) -> int | None:
    """Schema version of the store open on ``con`` (or of the attached ``database``); ``None`` for a file
    without textmine tables."""
    database = database or con.execute("SELECT current_database()").fetchall()[0][0]
    present = {row[0] for row in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = ? AND schema_name = 'main'", [database]
    ).fetchall()}
    if META in present:
        return con.execute(f'SELECT max(schema_version) FROM "{database}".{META}').fetchall()[0][0]
    return FIRST_VERSION if present & set(TABLES) else None


def backup_path(path: Path | str, version: int) -> Path:
    """Where the copy of a store taken before migrating it from ``version`` goes (``x.duckdb.bak-v1``)."""
    path = Path(path)
    return path.with_name(f"{path.name}.bak-v{version}")


def _add_missing_columns(con: duckdb.DuckDBPyConnection, table: Table) -> None:
    """Add the registered columns ``table`` lacks, filled with their ``fill`` value in existing rows."""
    present = {row[0] for row in con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = ? AND table_schema = 'main'",
        [table.name]).fetchall()}
    for column in table.columns:
        if column.name not in present:
            con.execute(f'ALTER TABLE {table.name} ADD COLUMN "{column.name}" {column.sql_type}')
            con.execute(f'UPDATE {table.name} SET "{column.name}" = {column.fill}')


def _v1_to_v2(con: duckdb.DuckDBPyConnection) -> None:
    """Version 1 had no ``store_meta``; tables written before a column was added to them (e.g.
    ``comment_themes.theme_evidence``, ``text_annotations.theme_uncertain``) get it; missing tables are created."""
    for table in TABLES.values():
        con.execute(table.create_sql())
        _add_missing_columns(con, table)


def _v2_to_v3(con: duckdb.DuckDBPyConnection) -> None:
    """Version 3 records who made each analyst decision: ``label_feedback.reviewer``, NULL in the rows
    already there (a v1 store got the column from :func:`_v1_to_v2`, which adds every registered column)."""
    _add_missing_columns(con, TABLES["label_feedback"])


def _v3_to_v4(con: duckdb.DuckDBPyConnection) -> None:
    """Version 4 keeps the language tags of texts tagged before (``text_languages``, empty at first)."""
    con.execute(TABLES["text_languages"].create_sql())


def _v4_to_v5(con: duckdb.DuckDBPyConnection) -> None:
    """Version 5 keeps each service's delivery form (``services.delivery_form``, ``delivery_form_line``), NULL for
    services ingested before: re-ingest the report to fill them."""
    _add_missing_columns(con, TABLES["services"])


# version -> the step that brings a store of that version to the next one
MIGRATIONS: dict[int, Callable[[duckdb.DuckDBPyConnection], None]] = {1: _v1_to_v2, 2: _v2_to_v3, 3: _v3_to_v4,
                                                                      4: _v4_to_v5}


def _record(con: duckdb.DuckDBPyConnection) -> None:
    from textmine.audit import code_version

    version, commit = code_version()
    con.execute(f"INSERT INTO {META} (schema_version, code_version) VALUES (?, ?)",
                [VERSION, version + (f"+{commit[:8]}" if commit else "")])


def _in_transaction(con: duckdb.DuckDBPyConnection, work: Callable[[], None]) -> None:
    con.execute("BEGIN TRANSACTION")
    try:
        work()
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")


def check_readable(con: duckdb.DuckDBPyConnection, path: Path | str) -> None:
    """Refuse a store written by a newer textmine."""
    found = stored_version(con)
    if found is not None and found > VERSION:
        raise StoreVersionError(
            f"{path}: store schema version {found} was written by a newer textmine; this one knows versions up to "
            f"{VERSION}. Upgrade textmine (pip install -U textmine), or open a backup "
            f"({backup_path(path, VERSION).name} if it exists)")


def prepare_for_writing(con: duckdb.DuckDBPyConnection, path: Path | str) -> None:
    """Create a new store, upgrade an older one (after a backup copy), or refuse a newer one."""
    check_readable(con, path)
    found = stored_version(con)
    if found == VERSION:
        return
    if found is None:
        _in_transaction(con, lambda: ([con.execute(table.create_sql()) for table in TABLES.values()], _record(con)))
        return
    con.execute("CHECKPOINT")
    with atomic_path(backup_path(path, found)) as temporary:
        shutil.copyfile(path, temporary)

    def upgrade() -> None:
        for version in range(found, VERSION):
            MIGRATIONS[version](con)
        _record(con)

    _in_transaction(con, upgrade)
