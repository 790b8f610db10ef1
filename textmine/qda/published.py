"""Read one small store table from the published snapshot (as the app does: never waiting for a writer)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import duckdb
import pandas as pd

from textmine import readmodel, schema
from textmine.store import TABLES, Store, reader_path


def read_table(path: Path | str, table: str) -> pd.DataFrame:
    """Rows of ``table`` in the snapshot of the store at ``path`` (its typed empty table when it has none).

    The file is ATTACHed to an in-memory connection, not opened by path: DuckDB keeps one instance per path
    in a process, which would go on serving a replaced snapshot."""
    if table not in TABLES:
        raise KeyError(f"unknown table {table!r}; known: {', '.join(TABLES)}")
    with duckdb.connect() as con:
        con.execute(f"ATTACH {readmodel.sql_literal(str(reader_path(path)))} AS published (READ_ONLY)")
        if table not in readmodel.tables_in(con, "published"):
            return schema.empty(TABLES[table])
        frame = con.execute(f"SELECT * FROM published.{table}").df()
    return schema.validate(frame, TABLES[table]) if len(frame) else schema.empty(TABLES[table])


def read_store(store: Store, table: str) -> pd.DataFrame:
    """``store.read(table)``, or the table's typed empty frame when a read-only store predates the table."""
    exists = store.connection.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = ? AND table_schema = 'main'", [table]).fetchone()[0]
    return store.read(table) if exists else schema.empty(TABLES[table])


def store_frame(store: Store) -> Callable[[str, Sequence], pd.DataFrame]:
    """``frame(sql, params)``: a query on ``store`` as a DataFrame (the shape ``textmine.qda`` counts take)."""
    return lambda sql, params: store.connection.execute(sql, list(params)).df()
