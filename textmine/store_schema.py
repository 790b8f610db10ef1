"""Registry of the store's tables: every table textmine keeps in the store file, with its columns and key,
and the store schema version that a file records in ``store_meta``.

A module that keeps a table in the store registers it here instead of writing its own DDL, so creating,
checking and migrating a store (:mod:`textmine.store_migrations`) sees every table. Rows are always
inserted by column name. Not registered: the derived tables (``store.DERIVED``), rewritten whole by their
stage, and the app's read model (``textmine.readmodel``), which exists only in snapshots.

Changing a table here means raising :data:`VERSION` and adding the step from the previous version to
``store_migrations.MIGRATIONS``.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandera.pandas as pa

from textmine import schema

VERSION = 5
META = "store_meta"

_DUCK_TYPES = {"str": "VARCHAR", "string": "VARCHAR", "Int64": "BIGINT", "float64": "DOUBLE", "bool": "BOOLEAN"}
_EMPTY = {"VARCHAR": "''", "BOOLEAN": "false"}


@dataclass(frozen=True)
class Column:
    """A column: SQL type, extra constraint (``NOT NULL``, ``DEFAULT …``) and the SQL value rows already in
    a table get when a migration adds the column to it."""

    name: str
    sql_type: str
    constraint: str = ""
    fill: str = "NULL"


@dataclass(frozen=True)
class Table:
    """A store table: its columns in order and its primary key."""

    name: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...] = ()

    @property
    def column_names(self) -> list[str]:
        """Column names in order."""
        return [column.name for column in self.columns]

    def create_sql(self) -> str:
        """``CREATE TABLE IF NOT EXISTS`` statement for this table."""
        parts = [f'"{c.name}" {c.sql_type}{" " + c.constraint if c.constraint else ""}' for c in self.columns]
        if self.primary_key:
            parts.append(f"PRIMARY KEY ({', '.join(self.primary_key)})")
        return f"CREATE TABLE IF NOT EXISTS {self.name} ({', '.join(parts)})"

    def select_list(self) -> str:
        """The columns quoted and comma-separated, in order (for ``SELECT`` by name)."""
        return ", ".join(f'"{name}"' for name in self.column_names)


def _from_frame_schema(name: str, frame_schema: pa.DataFrameSchema, key: str | None = None,
                       fills: dict[str, str] | None = None) -> Table:
    """A table whose columns are those of a pandera schema (``textmine.schema``); added columns get the
    value in ``fills``, else their type's empty value (``''``, ``false``) or NULL."""
    columns = []
    for column_name, column in frame_schema.columns.items():
        sql_type = _DUCK_TYPES[str(column.dtype).split("[")[0]]
        columns.append(Column(column_name, sql_type, fill=(fills or {}).get(column_name, _EMPTY.get(sql_type, "NULL"))))
    return Table(name, tuple(columns), (key,) if key else ())


def _table(name: str, spec: str, primary_key: tuple[str, ...] = (), fills: dict[str, str] | None = None) -> Table:
    """A table from ``"name TYPE [constraint], ..."``."""
    columns = []
    for item in spec.split(","):
        column_name, sql_type, *constraint = item.split(maxsplit=2)
        columns.append(Column(column_name, sql_type, " ".join(constraint), (fills or {}).get(column_name, "NULL")))
    return Table(name, tuple(columns), primary_key)


_REGISTERED = (
    _table(META, "schema_version INTEGER NOT NULL, applied_at TIMESTAMP DEFAULT current_timestamp, code_version VARCHAR"),
    _from_frame_schema("comments", schema.COMMENTS, "id"),
    _from_frame_schema("rejects", schema.REJECTS),
    _from_frame_schema("services", schema.SERVICES, "service_no", fills={"delivery_form": "NULL"}),
    _from_frame_schema("comment_themes", schema.COMMENT_THEMES, "id"),
    # reviewer (version 3): unknown, so NULL, in rows saved before
    _from_frame_schema("label_feedback", schema.LABEL_FEEDBACK, fills={"reviewer": "NULL"}),
    _from_frame_schema("memos", schema.MEMOS),
    # textmine.qda: append-only, the latest row counts
    _from_frame_schema("coder_labels", schema.CODER_LABELS),
    _from_frame_schema("stop_word_edits", schema.STOP_WORD_EDITS),
    _from_frame_schema("waves", schema.WAVES),
    _from_frame_schema("aspect_scores", schema.ASPECT_SCORES),
    # textmine.audit
    _table("runs", "run_id VARCHAR, command VARCHAR, arguments VARCHAR, inputs VARCHAR, rows_in BIGINT, "
                   "processed BIGINT, rejected BIGINT, model_id VARCHAR, taxonomy_version BIGINT, code_version VARCHAR, "
                   "git_commit VARCHAR, started_at TIMESTAMP, ended_at TIMESTAMP, seconds DOUBLE, status VARCHAR, "
                   "error VARCHAR", ("run_id",)),
    _table("run_stages", "run_id VARCHAR, position INTEGER, stage VARCHAR, started_at TIMESTAMP, seconds DOUBLE, "
                         "status VARCHAR"),
    # textmine.embed.cache
    _table("embeddings", "model_id VARCHAR NOT NULL, kind VARCHAR NOT NULL, text_hash VARCHAR NOT NULL, "
                         "vector FLOAT[] NOT NULL"),
    # textmine.scale.dedup: rows of an older annotator are never reused, so an added column's fill only has to fit
    _table("text_annotations", "annotator_key VARCHAR NOT NULL, text_hash VARCHAR NOT NULL, themes VARCHAR, "
                               "theme_scores VARCHAR, theme_uncertain BOOLEAN, theme_evidence VARCHAR, polarity VARCHAR, "
                               "theme_mode VARCHAR", ("annotator_key", "text_hash"),
           fills={"theme_uncertain": "false", "theme_evidence": "'{}'"}),
    # textmine.scale.languages: tags of a tagger with another key are never reused
    _table("text_languages", "tagger_key VARCHAR NOT NULL, text_hash VARCHAR NOT NULL, lang VARCHAR, "
                             "lang_confidence DOUBLE", ("tagger_key", "text_hash")),
    # textmine.scale.chunks
    _table("scale_chunks", "source_file VARCHAR NOT NULL, chunk_no INTEGER NOT NULL, chunk_rows INTEGER NOT NULL, "
                           "fingerprint VARCHAR NOT NULL, first_line BIGINT, last_line BIGINT, rows_in INTEGER, "
                           "comments INTEGER, rejects INTEGER, new_texts INTEGER, seconds DOUBLE, "
                           "done_at TIMESTAMP DEFAULT current_timestamp", ("source_file", "chunk_no")),
    # textmine.scale.incremental
    _table("scale_topic_model", "fitted_at TIMESTAMP DEFAULT current_timestamp, n_fit INTEGER, mean_similarity DOUBLE, "
                                "outlier_share DOUBLE, model BLOB"),
)
TABLES: dict[str, Table] = {table.name: table for table in _REGISTERED}
