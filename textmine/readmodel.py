"""The app's read model: one typed row per comment, built once when a snapshot is published, so the app
answers every filter and aggregate with plain SQL over typed columns (no JSON parsing, nothing loaded
into pandas first).

Tables it adds to a database that holds the store's tables:
- ``app_themes(i, theme)``: the themes found in ``comment_themes`` (assigned or scored), numbered;
- ``app_comments``: ``pos`` (display order: source file, line, id), the comment's attributes and text,
  ``themes``/``polarity``, ``rating_band``, ``service_score_band``, ``text_hash`` (the embedding cache's
  key, ``textmine.texthash``), ``text_length``, ``uncertainty`` (distance of the score nearest the 0.5 threshold),
  ``theme_uncertain`` (a best-guess theme under its threshold), ``theme_evidence`` (JSON: theme -> the words
  that triggered it), and per theme
  ``i`` a flag ``f{i}`` (assigned) and a score ``s{i}``;
- ``app_model(version)``: :data:`VERSION`, so a reader can tell a read model it understands.

Each row keeps ``source_hash``, a hash of every store value it is built from (:data:`SOURCE_COLUMNS`). A
publish with the previous snapshot at hand (:func:`previous_snapshot`) copies the rows whose source is
unchanged and builds only the others (new, changed); positions are numbered afresh. It builds everything
when a quarter or more of the rows changed, or when the set of themes changed.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from textmine.texthash import text_hash_sql

VERSION = 3
TABLES = ("app_comments", "app_themes", "app_model")
SOURCES = frozenset({"comments", "comment_themes", "services"})  # the store tables the read model is built from
# The store values a row is built from (c: comments, t: comment_themes, v: services): its source_hash.
SOURCE_COLUMNS = ("c.id", "c.text", "c.lang", "c.service_no", "c.service_name", "c.agency", "c.region", "c.rating",
                  "c.source_file", "c.source_line", "t.themes", "t.polarity", "t.theme_uncertain", "t.theme_evidence",
                  "t.theme_scores", "v.avg_score")
REBUILD_SHARE = 0.25  # rows changed from which a publish builds the whole read model
PREVIOUS = "_previous"  # the previous snapshot, as attached by previous_snapshot

RATING_BAND = """CASE WHEN c.rating IS NULL THEN NULL WHEN c.rating < 3 THEN '1–2' WHEN c.rating < 4 THEN '3'
                 ELSE '4–5' END"""
SCORE_BAND = """CASE WHEN v.avg_score IS NULL THEN NULL WHEN v.avg_score < 4.0 THEN '< 4.0'
                WHEN v.avg_score < 4.5 THEN '4.0–4.5' ELSE '≥ 4.5' END"""


def _identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def sql_literal(text: str) -> str:
    """``text`` as an SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def themes_in(con: duckdb.DuckDBPyConnection, source: str = "", table: str = "comment_themes") -> list[str]:
    """Theme ids assigned or scored anywhere in ``comment_themes`` (or another ``table`` of its rows), sorted."""
    found = con.execute(f"""
        SELECT DISTINCT theme FROM (
            SELECT unnest(string_split(themes, ';')) AS theme FROM (SELECT DISTINCT themes FROM {source}{table})
            UNION ALL
            SELECT unnest(json_keys(theme_scores)) FROM {source}{table}
            WHERE json_valid(theme_scores) AND json_type(theme_scores) = 'OBJECT')
        WHERE theme <> '' ORDER BY theme""").fetchall()
    return [row[0] for row in found]


def build(con: duckdb.DuckDBPyConnection, source: str = "", previous: str | None = None) -> list[str]:
    """(Re)create the read model in ``con``'s default schema from the store tables under ``source``
    (``""`` for the same database, ``"s."`` for an attached one); return the theme ids, numbered in order.
    With ``previous`` (an attached snapshot, :func:`previous_snapshot`), rows whose source is unchanged are
    copied from it (module doc)."""
    if previous is not None and is_current(con, previous):
        themes = _refreshed(con, source, previous)
        if themes is not None:
            return themes
    themes = themes_in(con, source)
    con.execute("CREATE OR REPLACE TABLE app_themes (i INTEGER, theme VARCHAR)")
    if themes:
        con.executemany("INSERT INTO app_themes (i, theme) VALUES (?, ?)", list(enumerate(themes)))
    con.execute(f"CREATE OR REPLACE TABLE app_comments AS {_rows_sql(source, themes, f'({_positions_sql(source)})')}")
    con.execute("CREATE OR REPLACE TABLE app_model AS SELECT ?::INTEGER AS version", [VERSION])
    return themes


def _positions_sql(source: str) -> str:
    return f"""SELECT id, (row_number() OVER (ORDER BY source_file, source_line, id) - 1)::BIGINT AS pos
               FROM {source}comments"""


def _joined(source: str) -> str:
    return f"""{source}comments c LEFT JOIN {source}comment_themes t ON t.id = c.id
               LEFT JOIN {source}services v ON v.service_no = c.service_no"""


def _rows_sql(source: str, themes: list[str], positions: str, only_changed: bool = False) -> str:
    """SQL for the ``app_comments`` rows, ``themes`` numbered, positions read from the ``positions`` relation
    (``id``, ``pos``); with ``only_changed``, just the rows of the comments in ``_changed`` (a refresh)."""
    changed = "IN (SELECT id FROM _changed)" if only_changed else "IS NOT NULL"
    struct = json.dumps({theme: "DOUBLE" for theme in themes})
    theme_items = []
    for i, theme in enumerate(themes):
        theme_items.append(f"coalesce(list_contains(t.theme_list, {sql_literal(theme)}), false) AS f{i}")
        theme_items.append(f"t.scores.{_identifier(theme)} AS s{i}")
    uncertainty = (f"least({', '.join(f'abs(t.scores.{_identifier(theme)} - 0.5)' for theme in themes)})"
                   if themes else "NULL::DOUBLE")
    scores = f"json_transform(theme_scores, {sql_literal(struct)})" if themes else "NULL"
    return f"""
        WITH t AS MATERIALIZED (
            SELECT id, themes, polarity, theme_uncertain, theme_evidence, theme_scores,
                   string_split(themes, ';') AS theme_list,
                   CASE WHEN json_valid(theme_scores) THEN {scores} END AS scores
            FROM {source}comment_themes WHERE id {changed})
        SELECT o.pos, c.id, c.text, c.lang, c.service_no, c.service_name, c.agency, c.region, c.rating,
               c.source_file, c.source_line, coalesce(t.themes, '') AS themes, t.polarity,
               {RATING_BAND} AS rating_band, {SCORE_BAND} AS service_score_band,
               {text_hash_sql('c.text')} AS text_hash, length(c.text) AS text_length, {uncertainty} AS uncertainty,
               coalesce(t.theme_uncertain, false) AS theme_uncertain, coalesce(t.theme_evidence, '') AS theme_evidence
               {''.join(', ' + item for item in theme_items)}, {_source_hash()} AS source_hash
        FROM {source}comments c
        JOIN {positions} o ON o.id = c.id
        LEFT JOIN t ON t.id = c.id
        LEFT JOIN {source}services v ON v.service_no = c.service_no
        WHERE c.id {changed}"""


def _source_hash() -> str:
    return f"hash({', '.join(SOURCE_COLUMNS)})"


def _refreshed(con: duckdb.DuckDBPyConnection, source: str, previous: str) -> list[str] | None:
    """Rebuild only the rows whose source changed since the ``previous`` snapshot's read model; ``None``
    (nothing done) when too many did or the themes differ."""
    themes = [row[0] for row in con.execute(f"SELECT theme FROM {previous}.app_themes ORDER BY i").fetchall()]
    con.execute(f"CREATE OR REPLACE TEMP TABLE _source AS SELECT c.id, {_source_hash()} AS source_hash FROM {_joined(source)}")
    unchanged = f"{previous}.app_comments p ON p.id = s.id AND p.source_hash = s.source_hash"
    con.execute(f"CREATE OR REPLACE TEMP TABLE _kept AS SELECT s.id FROM _source s SEMI JOIN {unchanged}")
    con.execute(f"CREATE OR REPLACE TEMP TABLE _changed AS SELECT s.id FROM _source s ANTI JOIN {unchanged}")
    try:
        total, changed = con.execute("SELECT (SELECT count(*) FROM _source), (SELECT count(*) FROM _changed)").fetchone()
        if changed >= REBUILD_SHARE * total or _themes_of_refresh(con, source, previous, themes) != themes:
            return None
        con.execute(f"CREATE OR REPLACE TEMP TABLE _positions AS {_positions_sql(source)}")
        con.execute(f"""CREATE OR REPLACE TABLE app_comments AS
                        {_rows_sql(source, themes, "_positions", only_changed=True)}
                        UNION ALL
                        SELECT o.pos, p.* EXCLUDE (pos) FROM {previous}.app_comments p
                        SEMI JOIN _kept k ON k.id = p.id JOIN _positions o ON o.id = p.id""")
        con.execute(f"CREATE OR REPLACE TABLE app_themes AS SELECT * FROM {previous}.app_themes")
        con.execute("CREATE OR REPLACE TABLE app_model AS SELECT ?::INTEGER AS version", [VERSION])
        return themes
    finally:
        for table in ("_source", "_kept", "_changed", "_changed_themes", "_positions"):
            con.execute(f"DROP TABLE IF EXISTS {table}")


def _themes_of_refresh(con: duckdb.DuckDBPyConnection, source: str, previous: str, themes: list[str]) -> list[str]:
    """The themes a refresh would hold, sorted: those of the changed rows' ``comment_themes``, and each other
    one of ``themes`` that a kept row still shows (assigned, or with a score)."""
    # the changed rows first (a filter beside the JSON tests would be applied after them, on every row)
    con.execute(f"""CREATE OR REPLACE TEMP TABLE _changed_themes AS
                    SELECT t.* FROM {source}comment_themes t SEMI JOIN _changed c ON c.id = t.id""")
    changed = set(themes_in(con, table="_changed_themes"))
    kept = [theme for i, theme in enumerate(themes) if theme not in changed and con.execute(
        f"""SELECT EXISTS (SELECT 1 FROM {previous}.app_comments p SEMI JOIN _kept k ON k.id = p.id
                           WHERE f{i} OR s{i} IS NOT NULL)""").fetchone()[0]]
    return sorted(changed | set(kept))


@contextmanager
def previous_snapshot(con: duckdb.DuckDBPyConnection, path: Path) -> Iterator[str | None]:
    """The snapshot at ``path`` attached read-only as :data:`PREVIOUS` while the block runs (its name), or
    ``None`` when there is none or it cannot be read (a publish then builds everything)."""
    if not path.exists():
        yield None
        return
    try:
        con.execute(f"ATTACH {sql_literal(str(path))} AS {PREVIOUS} (READ_ONLY)")
    except duckdb.Error:
        yield None
        return
    try:
        yield PREVIOUS
    finally:
        con.execute(f"DETACH {PREVIOUS}")


def tables_in(con: duckdb.DuckDBPyConnection, database: str) -> set[str]:
    """Names of the tables of the (attached) ``database``."""
    found = con.execute("SELECT table_name FROM duckdb_tables() WHERE database_name = ?", [database]).fetchall()
    return {row[0] for row in found}


def is_current(con: duckdb.DuckDBPyConnection, database: str) -> bool:
    """Whether the (attached) ``database`` holds a read model of this :data:`VERSION`."""
    if not set(TABLES) <= tables_in(con, database):
        return False
    return con.execute(f"SELECT max(version) FROM {database}.app_model").fetchone()[0] == VERSION
