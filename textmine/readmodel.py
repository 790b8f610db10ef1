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
"""

from __future__ import annotations

import json

import duckdb

from textmine.texthash import text_hash_sql

VERSION = 2
TABLES = ("app_comments", "app_themes", "app_model")
SOURCES = frozenset({"comments", "comment_themes", "services"})  # the store tables the read model is built from

RATING_BAND = """CASE WHEN c.rating IS NULL THEN NULL WHEN c.rating < 3 THEN '1–2' WHEN c.rating < 4 THEN '3'
                 ELSE '4–5' END"""
SCORE_BAND = """CASE WHEN v.avg_score IS NULL THEN NULL WHEN v.avg_score < 4.0 THEN '< 4.0'
                WHEN v.avg_score < 4.5 THEN '4.0–4.5' ELSE '≥ 4.5' END"""


def _identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def sql_literal(text: str) -> str:
    """``text`` as an SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def themes_in(con: duckdb.DuckDBPyConnection, source: str = "") -> list[str]:
    """Theme ids assigned or scored anywhere in ``comment_themes``, sorted."""
    found = con.execute(f"""
        SELECT DISTINCT theme FROM (
            SELECT unnest(string_split(themes, ';')) AS theme FROM {source}comment_themes
            UNION ALL
            SELECT unnest(json_keys(theme_scores)) FROM {source}comment_themes
            WHERE json_valid(theme_scores) AND json_type(theme_scores) = 'OBJECT')
        WHERE theme <> '' ORDER BY theme""").fetchall()
    return [row[0] for row in found]


def build(con: duckdb.DuckDBPyConnection, source: str = "") -> list[str]:
    """(Re)create the read model in ``con``'s default schema from the store tables under ``source``
    (``""`` for the same database, ``"s."`` for an attached one); return the theme ids, numbered in order."""
    themes = themes_in(con, source)
    struct = json.dumps({theme: "DOUBLE" for theme in themes})
    theme_items = []
    for i, theme in enumerate(themes):
        theme_items.append(f"coalesce(list_contains(t.theme_list, {sql_literal(theme)}), false) AS f{i}")
        theme_items.append(f"t.scores.{_identifier(theme)} AS s{i}")
    uncertainty = (f"least({', '.join(f'abs(t.scores.{_identifier(theme)} - 0.5)' for theme in themes)})"
                   if themes else "NULL::DOUBLE")
    scores = f"json_transform(theme_scores, {sql_literal(struct)})" if themes else "NULL"
    con.execute("CREATE OR REPLACE TABLE app_themes (i INTEGER, theme VARCHAR)")
    if themes:
        con.executemany("INSERT INTO app_themes (i, theme) VALUES (?, ?)", list(enumerate(themes)))
    con.execute(f"""
        CREATE OR REPLACE TABLE app_comments AS
        WITH t AS MATERIALIZED (
            SELECT id, themes, polarity, theme_uncertain, theme_evidence, string_split(themes, ';') AS theme_list,
                   CASE WHEN json_valid(theme_scores) THEN {scores} END AS scores
            FROM {source}comment_themes),
        o AS MATERIALIZED (
            SELECT id, (row_number() OVER (ORDER BY source_file, source_line, id) - 1)::BIGINT AS pos
            FROM {source}comments)
        SELECT o.pos, c.id, c.text, c.lang, c.service_no, c.service_name, c.agency, c.region, c.rating,
               c.source_file, c.source_line, coalesce(t.themes, '') AS themes, t.polarity,
               {RATING_BAND} AS rating_band, {SCORE_BAND} AS service_score_band,
               {text_hash_sql('c.text')} AS text_hash, length(c.text) AS text_length, {uncertainty} AS uncertainty,
               coalesce(t.theme_uncertain, false) AS theme_uncertain, coalesce(t.theme_evidence, '') AS theme_evidence
               {''.join(', ' + item for item in theme_items)}
        FROM {source}comments c
        JOIN o ON o.id = c.id
        LEFT JOIN t ON t.id = c.id
        LEFT JOIN {source}services v ON v.service_no = c.service_no""")
    con.execute("CREATE OR REPLACE TABLE app_model AS SELECT ?::INTEGER AS version", [VERSION])
    return themes


def tables_in(con: duckdb.DuckDBPyConnection, database: str) -> set[str]:
    """Names of the tables of the (attached) ``database``."""
    found = con.execute("SELECT table_name FROM duckdb_tables() WHERE database_name = ?", [database]).fetchall()
    return {row[0] for row in found}


def is_current(con: duckdb.DuckDBPyConnection, database: str) -> bool:
    """Whether the (attached) ``database`` holds a read model of this :data:`VERSION`."""
    if not set(TABLES) <= tables_in(con, database):
        return False
    return con.execute(f"SELECT max(version) FROM {database}.app_model").fetchone()[0] == VERSION
