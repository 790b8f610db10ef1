"""The questions the pages ask, answered by DuckDB over the store's read model (``textmine.readmodel``).

Nothing corpus-sized is loaded into pandas: a :class:`Corpus` is an open read-only connection plus the
theme list and the small services table; the sidebar filters become a :class:`Selection` (SQL clauses
with their parameters); counts, cross-tables and shares are ``GROUP BY`` queries; only the rows a page
shows are fetched (``LIMIT``). Reads open the store's published snapshot (``textmine.store.reader_path``),
so they never wait for, or block, a pipeline writing the store. A store without a current read model
(never published, or published by an older textmine) gets one built in memory on open (slower, same
answers) and is let go at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from textmine import readmodel, word_lemmas
from textmine.settings import settings
from textmine.store import reader_path

ATTRIBUTES = ("region", "agency", "service_name", "lang", "rating_band", "service_score_band", "polarity")
ROW_COLUMNS = ("pos", "id", "text", "lang", "service_no", "service_name", "agency", "region", "rating",
               "source_file", "source_line", "themes", "polarity", "uncertainty", "theme_uncertain", "theme_evidence")
EMBEDDINGS = "embeddings"
# Semantic search shows only comments at least this similar to the query (cosine, e5 query/passage).
# Measured with bench/semantic_cutoff.py on the bundled quotes: 12 one-word and short kk/ru queries naming a
# theme; 0.85 keeps ~10 quotes a query at precision 0.69 (0.84: 0.52, 0.86: 0.85 but half the queries empty).
SEMANTIC_CUTOFF = 0.85
NOT_STATED = "-"  # the filter/crosstab value of a comment whose attribute is empty (shown as "not stated")
STATABLE = ("region", "agency", "service_name")  # attributes a comment may leave empty


@dataclass(frozen=True)
class Filters:
    """Sidebar selections; an empty tuple means no restriction."""

    services: tuple[str, ...] = ()
    agencies: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    langs: tuple[str, ...] = ()
    themes: tuple[str, ...] = ()
    polarities: tuple[str, ...] = ()
    ratings: tuple[int, ...] = ()


@dataclass(frozen=True)
class Selection:
    """A set of comments as SQL: ``clauses`` joined by AND over ``app_comments``, with their ``params``."""

    clauses: tuple[str, ...] = ()
    params: tuple = ()

    @property
    def where(self) -> str:
        """The WHERE condition (``true`` when nothing is restricted)."""
        return " AND ".join(f"({clause})" for clause in self.clauses) or "true"

    def narrow(self, clause: str, *params: object) -> Selection:
        """This selection further restricted by ``clause`` (with ``?`` placeholders for ``params``)."""
        return Selection((*self.clauses, clause), (*self.params, *params))


@dataclass
class Corpus:
    """An open read model: query it with :meth:`frame` / :meth:`scalar` (thread-safe: one cursor per call)."""

    connection: duckdb.DuckDBPyConnection
    theme_ids: list[str]
    services: pd.DataFrame
    size: int
    has_themes: bool
    columns: dict[str, int] = field(default_factory=dict)

    def flag(self, theme: str) -> str:
        """The boolean column saying ``theme`` is assigned."""
        return f"f{self.columns[theme]}"

    def score(self, theme: str) -> str:
        """The column holding ``theme``'s score."""
        return f"s{self.columns[theme]}"

    def frame(self, sql: str, params: Sequence = ()) -> pd.DataFrame:
        """The result of ``sql`` as a DataFrame."""
        cursor = self.connection.cursor()
        try:
            return cursor.execute(sql, list(params)).df()
        finally:
            cursor.close()

    def has_table(self, name: str) -> bool:
        """Whether the read model shows a table (or view) ``name``."""
        return _exists(self.connection, name)

    def scalar(self, sql: str, params: Sequence = ()) -> object:
        """The first value of the first row of ``sql``."""
        cursor = self.connection.cursor()
        try:
            return cursor.execute(sql, list(params)).fetchone()[0]
        finally:
            cursor.close()


def _open_read_model(path: Path) -> duckdb.DuckDBPyConnection:
    """An in-memory connection whose default schema shows the read model and the store tables it needs.

    The store file is ATTACHed rather than opened with ``duckdb.connect(path)``: DuckDB caches one database
    instance per path in a process, so a connection opened that way after a newer snapshot replaced the
    file would still see the old one. A current read model is shown through views; otherwise one is
    built in memory, with copies of the tables the app reads, and the store is let go at once."""
    source = reader_path(path)
    con = settings().limit(duckdb.connect())
    con.execute(f"ATTACH {readmodel.sql_literal(str(source))} AS store (READ_ONLY)")
    tables = readmodel.tables_in(con, "store")
    if "comments" not in tables:
        con.close()
        raise ValueError(f"store {path} has no comments table")
    wanted = tables & {"services", EMBEDDINGS, word_lemmas.TABLE}
    if readmodel.is_current(con, "store"):
        for table in {*readmodel.TABLES, *wanted}:
            con.execute(f"CREATE VIEW {table} AS SELECT * FROM store.{table}")
        return con
    readmodel.build(con, "store.")
    for table in wanted:
        con.execute(f"CREATE TABLE {table} AS SELECT * FROM store.{table}")
    con.execute("DETACH store")
    return con


def _exists(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    """Whether a table or view ``name`` is visible in ``con``'s default database."""
    here = "database_name = current_database()"
    return bool(con.execute(f"""SELECT (SELECT count(*) FROM duckdb_tables() WHERE {here} AND table_name = $n)
                                     + (SELECT count(*) FROM duckdb_views() WHERE {here} AND view_name = $n)""",
                            {"n": name}).fetchone()[0])


def open_corpus(path: Path | str, theme_order: list[str] | None = None) -> Corpus:
    """Open the read model of the store at ``path`` (its snapshot when published, read-only). Themes are
    ordered as ``theme_order``, then any others the store holds."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"store {path} does not exist")
    con = _open_read_model(path)
    numbered = dict(con.execute("SELECT theme, i FROM app_themes").fetchall())
    order = [theme for theme in (theme_order or []) if theme in numbered]
    theme_ids = order + sorted(set(numbered) - set(order))
    services = (con.execute("SELECT * FROM services ORDER BY service_no").df() if _exists(con, "services")
                else pd.DataFrame())
    size, has_themes = con.execute("SELECT count(*), coalesce(bool_or(themes <> ''), false) FROM app_comments").fetchone()
    return Corpus(con, theme_ids, services, int(size), bool(has_themes), numbered)


def select(corpus: Corpus, filters: Filters) -> Selection:
    """The comments that pass every sidebar filter."""
    selection = Selection()
    for column, chosen in (("service_name", filters.services), ("agency", filters.agencies),
                           ("region", filters.regions), ("lang", filters.langs),
                           ("polarity", filters.polarities), ("rating", filters.ratings)):
        if chosen:
            selection = with_values(selection, column, chosen)
    if filters.themes:
        flags = [corpus.flag(theme) for theme in filters.themes if theme in corpus.columns]
        selection = selection.narrow(" OR ".join(flags) or "false")
    return selection


def with_values(selection: Selection, column: str, values: Sequence[object]) -> Selection:
    """``selection`` restricted to comments whose ``column`` is one of ``values`` (:data:`NOT_STATED`
    stands for an empty value)."""
    stated = [value for value in values if value != NOT_STATED]
    parts = [f"{column} IN ({', '.join('?' * len(stated))})"] if stated else []
    if len(stated) < len(values):
        parts.append(f"{column} IS NULL")
    return selection.narrow(" OR ".join(parts), *stated)


def with_theme(corpus: Corpus, selection: Selection, theme: str) -> Selection:
    """``selection`` restricted to comments assigned ``theme``."""
    return selection.narrow(corpus.flag(theme))


def with_positions(selection: Selection, positions: Sequence[int]) -> Selection:
    """``selection`` restricted to the comments at ``positions``."""
    return selection.narrow("list_contains(?::BIGINT[], pos)", [int(p) for p in positions])


def with_ids(selection: Selection, ids: Sequence[str]) -> Selection:
    """``selection`` restricted to the comments with the given ``ids``."""
    return selection.narrow("list_contains(?::VARCHAR[], id)", [str(i) for i in ids])


def count(corpus: Corpus, selection: Selection) -> int:
    """How many comments ``selection`` holds."""
    return int(corpus.scalar(f"SELECT count(*) FROM app_comments WHERE {selection.where}", selection.params))


def summary(corpus: Corpus, selection: Selection) -> dict[str, int]:
    """Comments, distinct services and regions, and comments with at least one theme in ``selection``."""
    row = corpus.frame(f"""SELECT count(*) AS comments, count(DISTINCT service_name) AS services,
                                  count(DISTINCT region) AS regions, count(*) FILTER (themes <> '') AS with_themes
                           FROM app_comments WHERE {selection.where}""", selection.params).iloc[0]
    return {key: int(value) for key, value in row.items()}


def value_counts(corpus: Corpus, selection: Selection, column: str, limit: int | None = None) -> pd.DataFrame:
    """Non-empty values of ``column`` with their comment count, largest first (``value``, ``count``)."""
    if column not in ATTRIBUTES:
        raise ValueError(f"unknown attribute {column!r}")
    return corpus.frame(f"""SELECT * FROM (SELECT {_value(column)} AS value, count(*) AS count FROM app_comments
                                           WHERE {selection.where} GROUP BY ALL)
                            WHERE value IS NOT NULL ORDER BY value = '{NOT_STATED}', count DESC, value
                            {'' if limit is None else f'LIMIT {int(limit)}'}""",
                        selection.params)


def _value(column: str) -> str:
    """SQL for ``column`` as text, an empty statable attribute as :data:`NOT_STATED`."""
    return f"coalesce({column}::VARCHAR, '{NOT_STATED}')" if column in STATABLE else f"{column}::VARCHAR"


def options(corpus: Corpus, column: str) -> list:
    """Distinct values of ``column``, sorted (services by number); :data:`NOT_STATED` last when some
    comment leaves a statable attribute empty."""
    missing = [NOT_STATED] if column in STATABLE and corpus.scalar(
        f"SELECT count(*) FROM (SELECT 1 FROM app_comments WHERE {column} IS NULL LIMIT 1)") else []
    if column == "service_name":
        found = corpus.frame("SELECT DISTINCT service_no, service_name FROM app_comments "
                             "WHERE service_name IS NOT NULL ORDER BY service_no, service_name")
        return found["service_name"].drop_duplicates().tolist() + missing
    if column == "rating":
        return [int(v) for v in corpus.frame("SELECT DISTINCT rating FROM app_comments WHERE rating IS NOT NULL "
                                             "ORDER BY rating")["rating"]]
    if column not in ATTRIBUTES:
        raise ValueError(f"unknown attribute {column!r}")
    return corpus.frame(f"SELECT DISTINCT {column}::VARCHAR AS v FROM app_comments WHERE {column} IS NOT NULL "
                        "ORDER BY v")["v"].tolist() + missing


def _flag_sums(corpus: Corpus) -> str:
    return ", ".join(f'sum({corpus.flag(theme)}::INTEGER) AS "{i}"' for i, theme in enumerate(corpus.theme_ids))


def _by(corpus: Corpus, selection: Selection, key: str) -> pd.DataFrame:
    """Per value of the SQL expression ``key``: theme counts (columns = theme ids) and ``_size``."""
    table = corpus.frame(f"""SELECT {key} AS _key, count(*) AS _size, {_flag_sums(corpus)} FROM app_comments
                             WHERE {selection.where} GROUP BY ALL ORDER BY _key""", selection.params)
    return table.rename(columns={str(i): theme for i, theme in enumerate(corpus.theme_ids)}).set_index("_key")


def theme_counts(corpus: Corpus, selection: Selection) -> pd.DataFrame:
    """Rows theme × polarity with the count of selected comments (zero counts left out)."""
    table = _by(corpus, selection, "coalesce(polarity, '—')").drop(columns="_size")
    long = table.T.reset_index(names="theme").melt(id_vars="theme", var_name="polarity", value_name="count")
    return long[long["count"] > 0].astype({"count": int}).reset_index(drop=True)


def service_theme_shares(corpus: Corpus, selection: Selection) -> pd.DataFrame:
    """Long table service × theme: count and share of the service's selected comments."""
    table = corpus.frame(f"""SELECT service_no, service_name, count(*) AS _size, {_flag_sums(corpus)}
                             FROM app_comments WHERE {selection.where} AND service_name IS NOT NULL
                             GROUP BY ALL ORDER BY service_no, service_name""", selection.params)
    table = table.rename(columns={str(i): theme for i, theme in enumerate(corpus.theme_ids)})
    long = table.melt(id_vars=["service_no", "service_name", "_size"], var_name="theme", value_name="count")
    long["share"] = long["count"] / long["_size"]
    return long.drop(columns="_size").astype({"count": int})[["service_no", "service_name", "theme", "count", "share"]]


def crosstab(corpus: Corpus, selection: Selection, attribute: str) -> pd.DataFrame:
    """Counts theme × value of ``attribute`` over the selected comments (an empty region, agency or
    service is the last column, :data:`NOT_STATED`; other empty values are left out)."""
    if attribute not in ATTRIBUTES:
        raise ValueError(f"unknown attribute {attribute!r}")
    table = _by(corpus, selection.narrow(f"{_value(attribute)} IS NOT NULL"), _value(attribute)).drop(columns="_size")
    table = table.loc[sorted(table.index, key=lambda value: value == NOT_STATED)]
    return table.T.reindex(index=corpus.theme_ids, fill_value=0).rename_axis(None, axis=1).astype(int)


def percentages(counts: pd.DataFrame, corpus: Corpus, selection: Selection, attribute: str, how: str) -> pd.DataFrame:
    """``counts`` as row % (share of the theme in each column) or column % (share of the column's
    comments that carry the theme; columns need not sum to 100 because comments have several themes)."""
    if how == "row":
        return counts.div(counts.sum(axis=1).replace(0, np.nan), axis=0).mul(100).round(1)
    if how == "column":
        sizes = value_counts(corpus, selection, attribute).set_index("value")["count"]
        return counts.div(sizes.reindex(counts.columns), axis=1).mul(100).round(1)
    raise ValueError(f"how must be 'row' or 'column', got {how!r}")


def cooccurrence(corpus: Corpus, selection: Selection) -> pd.DataFrame:
    """Theme × theme counts of selected comments carrying both (diagonal: the theme's size)."""
    themes = corpus.theme_ids
    pairs = ", ".join(f"sum(({corpus.flag(a)} AND {corpus.flag(b)})::INTEGER)" for a in themes for b in themes)
    if not pairs:
        return pd.DataFrame()
    values = corpus.frame(f"SELECT {pairs} FROM app_comments WHERE {selection.where}", selection.params)
    matrix = values.fillna(0).to_numpy(dtype=int).reshape(len(themes), len(themes))
    return pd.DataFrame(matrix, index=themes, columns=themes)


def rows(corpus: Corpus, selection: Selection, order: str = "pos", limit: int | None = None,
         offset: int = 0, extra: Sequence[str] = ()) -> pd.DataFrame:
    """The selected comments (``ROW_COLUMNS`` plus ``extra`` select items) in ``order``, ``limit`` of them
    from ``offset``. ``order`` must end in a unique column (``pos`` or ``id``); it and ``extra`` are SQL
    built by code, never by a user. A page is found on the positions alone, then its rows are read."""
    columns = ", ".join([*ROW_COLUMNS, *extra])
    if limit is None:
        sql = f"SELECT {columns} FROM app_comments WHERE {selection.where} ORDER BY {order}"
    else:
        sql = (f"SELECT {columns} FROM (SELECT pos FROM app_comments WHERE {selection.where} ORDER BY {order} "
               f"LIMIT {int(limit)} OFFSET {int(offset)}) page JOIN app_comments USING (pos) ORDER BY {order}")
    found = corpus.frame(sql, selection.params)
    return found.astype({"service_no": "Int64", "rating": "Int64", "source_line": "Int64"})


def rows_by_ids(corpus: Corpus, ids: Sequence[str]) -> pd.DataFrame:
    """The comments with ``ids``, in the order of ``ids`` (ids the store lacks are left out)."""
    found = rows(corpus, with_ids(Selection(), ids)).set_index("id", drop=False)
    return found.loc[[i for i in ids if i in found.index]].reset_index(drop=True)


def theme_scores(corpus: Corpus, position: int) -> pd.Series:
    """The scored themes of the comment at ``position`` (theme id -> score)."""
    columns = ", ".join(f'{corpus.score(theme)} AS "{i}"' for i, theme in enumerate(corpus.theme_ids))
    if not columns:
        return pd.Series(dtype=float)
    found = corpus.frame(f"SELECT {columns} FROM app_comments WHERE pos = ?", [int(position)])
    return found.iloc[0].set_axis(corpus.theme_ids).astype(float).dropna()


def positions(corpus: Corpus, selection: Selection) -> np.ndarray:
    """Row positions of the selected comments, ascending."""
    cursor = corpus.connection.cursor()
    try:
        found = cursor.execute(f"SELECT pos FROM app_comments WHERE {selection.where} ORDER BY pos",
                               list(selection.params)).fetchnumpy()
    finally:
        cursor.close()
    return found["pos"].astype(int)


@dataclass
class Vectors:
    """Cached passage vectors: ``rows`` are corpus positions, ``matrix`` their unit vectors."""

    rows: np.ndarray
    matrix: np.ndarray
    model_id: str


def has_vectors(corpus: Corpus) -> bool:
    """Whether the store holds any cached passage vectors (checked without loading a model)."""
    if not _exists(corpus.connection, EMBEDDINGS):
        return False
    return bool(corpus.scalar(f"SELECT count(*) FROM (SELECT 1 FROM {EMBEDDINGS} WHERE kind = 'passage' LIMIT 1)"))


def _vector_join(model_id: str) -> tuple[str, list]:
    """Join of ``app_comments a`` to its cached vectors ``e``. Queries group by ``a.pos`` (a text cached
    twice must not repeat a comment): grouping the whole cache first took seconds on a 1M store."""
    return (f"JOIN {EMBEDDINGS} e ON e.text_hash = a.text_hash AND e.model_id = ? AND e.kind = 'passage'",
            [model_id])


def cached_vectors(corpus: Corpus, hashes: Sequence[str], model_id: str, dim: int) -> dict[str, np.ndarray]:
    """Cached passage vectors for ``model_id`` of the texts with these ``text_hash`` values (missing ones
    left out; none when the store has no cache), looked up by hash: joining the cache to the read model
    instead scans every cached vector."""
    if not _exists(corpus.connection, EMBEDDINGS):
        return {}
    cursor = corpus.connection.cursor()
    try:
        found = cursor.sql(f"""SELECT text_hash, any_value(vector) FROM {EMBEDDINGS}
                               WHERE text_hash IN (SELECT unnest(?::VARCHAR[])) AND model_id = ? AND kind = 'passage'
                               GROUP BY text_hash""", params=[list(dict.fromkeys(hashes)), model_id]).to_arrow_table()
    finally:
        cursor.close()
    matrix = found.column(1).combine_chunks().flatten().to_numpy().reshape(found.num_rows, dim).astype(np.float32)
    return dict(zip(found.column(0).to_pylist(), matrix, strict=True))


def vectors(corpus: Corpus, selection: Selection, model_id: str, dim: int) -> Vectors:
    """Cached passage vectors of the selected comments for ``model_id`` (none are computed; comments
    without one are left out)."""
    if not has_vectors(corpus):
        return Vectors(np.zeros(0, dtype=int), np.zeros((0, dim), dtype=np.float32), model_id)
    wanted = corpus.frame(f"SELECT pos, text_hash FROM app_comments WHERE {selection.where} ORDER BY pos",
                          selection.params)
    by_hash = cached_vectors(corpus, wanted["text_hash"].tolist(), model_id, dim)
    cached = wanted[wanted["text_hash"].isin(by_hash)]
    matrix = np.array([by_hash[h] for h in cached["text_hash"]], dtype=np.float32).reshape(len(cached), dim)
    return Vectors(cached["pos"].to_numpy().astype(int), matrix, model_id)


def semantic_rank(corpus: Corpus, selection: Selection, query: np.ndarray, model_id: str,
                  k: int = 50, cutoff: float = -1.0) -> tuple[pd.DataFrame, int]:
    """The ``k`` selected comments closest to the unit ``query`` vector with a similarity of at least
    ``cutoff`` (``pos``, ``similarity``), and how many selected comments have no cached vector (they cannot
    be ranked)."""
    join, params = _vector_join(model_id)
    vector = [float(x) for x in np.asarray(query, dtype=np.float32).reshape(-1)]
    ranked = corpus.frame(f"""SELECT pos, round(similarity, 3) AS similarity FROM (
                                  SELECT a.pos, max(list_cosine_similarity(e.vector, ?::FLOAT[])) AS similarity
                                  FROM app_comments a {join} WHERE {selection.where} GROUP BY a.pos)
                              WHERE similarity >= ? ORDER BY similarity DESC, pos LIMIT {int(k)}""",
                          [vector, *params, *selection.params, float(cutoff)])
    with_vector = corpus.scalar(f"SELECT count(DISTINCT a.pos) FROM app_comments a {join} WHERE {selection.where}",
                                [*params, *selection.params])
    return ranked, count(corpus, selection) - int(with_vector)
