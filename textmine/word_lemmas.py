"""The read model's word lemmas: every distinct word of the comments with its Kazakh or Russian lemma, kept in
each snapshot as ``app_word_lemmas(word, lang, lemma)`` (``lang``: the lemmatiser's language). The app's
full-text search groups them into its index (``textmine.app.search``) instead of lemmatising the store's
vocabulary in every server process (~11 s of a core and half the GIL on a million comments, while the user
is clicking through pages); the Words page looks up the words of a selection in them (:data:`LOOKUP_SQL`).

A word is lemmatised in the language of the comments it occurs in, with both lemmatisers for comments in
another language. Publishing is incremental: the previous snapshot's rows are copied and only the words of
comments its read model did not hold (new, or with a changed text) are lemmatised. Words of comments deleted
since stay: a stale form only widens a search pattern, and matches are still read from the texts.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from textmine.readmodel import sql_literal, tables_in

TABLE = "app_word_lemmas"
COLUMNS = ("word", "lang", "lemma")
LEMMA_LANGS = ("kk", "ru")
LEMMA_BATCH = 5_000  # words lemmatised per call: the lemmatisers' lock is let go between batches
_WORDS = r"\p{L}[\p{L}\-]*"


def words_sql(comments: str) -> str:
    """SQL for the distinct lower-case words of the ``comments`` relation (``text``, ``lang``), each with the
    language it is lemmatised in (``word``, ``lang``): its comments' language, both for any other."""
    rows = ", ".join(f"('{lang}')" for lang in LEMMA_LANGS)
    names = ", ".join(f"'{lang}'" for lang in LEMMA_LANGS)
    return rf"""SELECT DISTINCT lower(w.word) AS word, l.lang FROM (
                    SELECT unnest(regexp_extract_all(text, '{_WORDS}')) AS word, lang
                    FROM (SELECT DISTINCT text, lang FROM {comments})) w
                JOIN (VALUES {rows}) l(lang) ON w.lang = l.lang OR coalesce(w.lang, '') NOT IN ({names})"""


def lemma_rows(words: pd.DataFrame) -> pd.DataFrame:
    """``word``, ``lang``, ``lemma`` (lower case) for each lower-case ``word`` in its ``lang`` (``kk``/``ru``;
    rows in another language are left out); each distinct word is lemmatised once per language."""
    found = [pd.DataFrame({column: pd.Series(dtype=str) for column in COLUMNS})]
    if words.empty:  # nothing new: spare the lemmatisers' import
        return found[0]
    from textmine.topics.lemmas import word_lemmas

    for lang in LEMMA_LANGS:
        mine = list(dict.fromkeys(words.loc[words["lang"] == lang, "word"]))
        for start in range(0, len(mine), LEMMA_BATCH):
            batch = mine[start:start + LEMMA_BATCH]
            found.append(pd.DataFrame({"word": batch, "lang": lang,
                                       "lemma": [lemma.lower() for lemma in word_lemmas(batch, lang)]}))
    return pd.concat(found, ignore_index=True).drop_duplicates(ignore_index=True)


# The published lemma (lower case) in one language (parameter 1) of each of a list of words (parameter 2).
LOOKUP_SQL = f"SELECT word, lemma FROM {TABLE} WHERE lang = ? AND word IN (SELECT unnest(?))"


def is_current(con: duckdb.DuckDBPyConnection, database: str | None = None) -> bool:
    """Whether ``database`` (default: ``con``'s own) holds :data:`TABLE` with a language per row (older
    snapshots held words and lemmas only: the app then lemmatises as before)."""
    where = "database_name = " + (sql_literal(database) if database else "current_database()")
    present = con.execute(f"SELECT column_name FROM duckdb_columns() WHERE {where} AND table_name = ?",
                          [TABLE]).fetchall()
    return {name for (name,) in present} == set(COLUMNS)


def publish(con: duckdb.DuckDBPyConnection, previous: str | None) -> None:
    """(Re)create :data:`TABLE` in ``con`` (a snapshot being published: the store's tables and its read model),
    from the rows of the ``previous`` snapshot (attached under that name) when it has them, lemmatising only
    the words that are new to it."""
    con.execute(f"CREATE OR REPLACE TABLE {TABLE} (word VARCHAR, lang VARCHAR, lemma VARCHAR)")
    new_comments = "comments"
    if previous is not None and "app_comments" in tables_in(con, previous) and is_current(con, previous):
        con.execute(f"INSERT INTO {TABLE} SELECT * FROM {previous}.{TABLE}")
        con.execute(f"""CREATE TEMP TABLE _new_comments AS SELECT c.text, c.lang FROM comments c
                        ANTI JOIN {previous}.app_comments p ON p.id = c.id AND p.text = c.text""")
        new_comments = "_new_comments"
    words = con.execute(f"""SELECT * FROM ({words_sql(new_comments)}) w
                            WHERE NOT EXISTS (SELECT 1 FROM {TABLE} t WHERE t.word = w.word AND t.lang = w.lang)""").df()
    con.register("_lemmas", lemma_rows(words))
    try:
        con.execute(f"INSERT INTO {TABLE} SELECT word, lang, lemma FROM _lemmas")
    finally:
        con.unregister("_lemmas")
    con.execute("DROP TABLE IF EXISTS _new_comments")
