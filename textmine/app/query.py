"""The app's data in memory and the questions pages ask of it (pure pandas/numpy, no Streamlit).

A :class:`Corpus` is loaded once per store version; filters return boolean masks over its rows, so a
filter change costs a few vectorised comparisons, never a database round trip. Reads open the store's
published snapshot when there is one (``textmine.store.reader_path``), so they never wait for, or block,
a pipeline writing the store.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from textmine.store import reader_path

CATEGORICAL = ("lang", "service_name", "agency", "region", "polarity", "rating_band", "service_score_band")
ATTRIBUTES = ("region", "agency", "service_name", "lang", "rating_band", "service_score_band", "polarity")
THRESHOLD = 0.5

_COMMENTS_SQL = """
SELECT c.id, c.text, c.lang, c.service_no, c.service_name, c.agency, c.region, c.rating,
       c.source_file, c.source_line, {theme_columns}
FROM comments c {theme_join}
ORDER BY c.source_file, c.source_line, c.id
"""


@dataclass
class Corpus:
    """Everything the pages show, aligned by row position.

    ``comments``: one row per comment (store columns plus ``themes``, ``polarity``, ``rating_band``,
    ``service_score_band``, ``uncertainty``); ``flags``: bool comment × theme id; ``scores``: float
    comment × theme id (NaN where unscored); ``services``: the services table.
    """

    comments: pd.DataFrame
    flags: pd.DataFrame
    scores: pd.DataFrame
    services: pd.DataFrame
    theme_ids: list[str] = field(default_factory=list)

    @property
    def has_themes(self) -> bool:
        """Whether any comment carries a theme."""
        return bool(len(self.flags.columns)) and bool(self.flags.to_numpy().any())


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


def connect(path: Path | str) -> duckdb.DuckDBPyConnection:
    """A read-only connection to what readers of the store at ``path`` see (its snapshot, else the store)."""
    return duckdb.connect(str(reader_path(path)), read_only=True)


def _tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {row[0] for row in con.execute("SHOW TABLES").fetchall()}


def _band(values: pd.Series, edges: list[float], labels: list[str]) -> pd.Series:
    return pd.cut(values.astype("Float64").astype(float), bins=edges, labels=labels, right=False)


def _theme_columns(theme_ids: list[str]) -> tuple[str, list[str]]:
    """SQL select items (and their parameters) for each theme's flag ``f{i}`` and score ``s{i}``."""
    items, params = ["coalesce(t.themes, '') AS themes", "t.polarity"], []
    for i, theme in enumerate(theme_ids):
        items.append(f"coalesce(list_contains(string_split(t.themes, ';'), ?), false) AS f{i}")
        items.append(f"TRY_CAST(json_extract_string(t.theme_scores, ?) AS DOUBLE) AS s{i}")
        params += [theme, f'$."{theme}"']
    return ", ".join(items), params


def load_corpus(path: Path | str, theme_order: list[str] | None = None) -> Corpus:
    """Read comments, their themes (flags and scores unpacked in DuckDB) and the services from the
    store at ``path`` (its snapshot when published, opened read-only). Themes are ordered as ``theme_order``, then any others."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"store {path} does not exist")
    con = connect(path)
    try:
        tables = _tables(con)
        if "comments" not in tables:
            raise ValueError(f"store {path} has no comments table")
        theme_ids = list(theme_order or [])
        if "comment_themes" in tables:
            found = con.execute("SELECT DISTINCT unnest(string_split(themes, ';')) FROM comment_themes").fetchall()
            theme_ids += sorted({row[0] for row in found if row[0]} - set(theme_ids))
            columns, params = _theme_columns(theme_ids)
            join = "LEFT JOIN comment_themes t ON t.id = c.id"
        else:
            theme_ids, columns, params, join = [], "'' AS themes, NULL::VARCHAR AS polarity", [], ""
        frame = con.sql(_COMMENTS_SQL.format(theme_columns=columns, theme_join=join), params=params).to_arrow_table().to_pandas()
        services = con.execute("SELECT * FROM services ORDER BY service_no").df() if "services" in tables else pd.DataFrame()
    finally:
        con.close()
    flags = frame[[f"f{i}" for i in range(len(theme_ids))]].set_axis(theme_ids, axis=1).astype(bool)
    scores = frame[[f"s{i}" for i in range(len(theme_ids))]].set_axis(theme_ids, axis=1).astype(float)
    comments = frame.drop(columns=[*[f"f{i}" for i in range(len(theme_ids))], *[f"s{i}" for i in range(len(theme_ids))]])
    comments["service_no"] = comments["service_no"].astype("Int64")
    comments["rating"] = comments["rating"].astype("Int64")
    comments["uncertainty"] = (scores - THRESHOLD).abs().min(axis=1)
    comments["rating_band"] = _band(comments["rating"], [1, 3, 4, 6], ["1–2", "3", "4–5"])
    if len(services) and "avg_score" in services:
        avg = comments["service_no"].map(services.set_index("service_no")["avg_score"])
        comments["service_score_band"] = _band(avg, [0, 4.0, 4.5, 5.01], ["< 4.0", "4.0–4.5", "≥ 4.5"])
    else:
        comments["service_score_band"] = pd.Series(pd.NA, index=comments.index, dtype="category")
    for column in CATEGORICAL:
        comments[column] = comments[column].astype("category")
    return Corpus(comments=comments, flags=flags, scores=scores, services=services, theme_ids=theme_ids)


def filter_mask(corpus: Corpus, filters: Filters) -> np.ndarray:
    """Boolean mask of the comments that pass every filter."""
    c = corpus.comments
    mask = np.ones(len(c), dtype=bool)
    for column, chosen in (("service_name", filters.services), ("agency", filters.agencies),
                           ("region", filters.regions), ("lang", filters.langs),
                           ("polarity", filters.polarities)):
        if chosen:
            mask &= c[column].isin(chosen).to_numpy()
    if filters.ratings:
        mask &= c["rating"].isin(filters.ratings).fillna(False).to_numpy(dtype=bool)
    if filters.themes:
        chosen = [theme for theme in filters.themes if theme in corpus.flags]
        mask &= corpus.flags[chosen].to_numpy().any(axis=1) if chosen else False
    return mask


def text_mask(corpus: Corpus, query: str) -> np.ndarray:
    """Comments whose text contains every word of ``query`` (case-insensitive, literal)."""
    mask = np.ones(len(corpus.comments), dtype=bool)
    lowered = corpus.comments["text"].str.lower()
    for word in query.lower().split():
        mask &= lowered.str.contains(word, regex=False).to_numpy()
    return mask


def options(corpus: Corpus, column: str) -> list:
    """Distinct non-empty values of ``column``, sorted (services by number)."""
    c = corpus.comments
    if column == "service_name":
        pairs = c[["service_no", "service_name"]].dropna().drop_duplicates().sort_values("service_no")
        return pairs["service_name"].astype(str).tolist()
    if column == "rating":
        return sorted(int(v) for v in c["rating"].dropna().unique())
    return sorted(str(v) for v in c[column].dropna().unique())


def theme_counts(corpus: Corpus, mask: np.ndarray) -> pd.DataFrame:
    """Rows theme × polarity with the count of selected comments."""
    flags = corpus.flags[mask]
    polarity = corpus.comments.loc[mask, "polarity"].astype(str).replace("nan", "—")
    counts = flags.groupby(polarity.to_numpy()).sum().T
    long = counts.reset_index(names="theme").melt(id_vars="theme", var_name="polarity", value_name="count")
    return long[long["count"] > 0].reset_index(drop=True)


def crosstab(corpus: Corpus, mask: np.ndarray, attribute: str) -> pd.DataFrame:
    """Counts theme × value of ``attribute`` over the selected comments (empty values left out)."""
    values = corpus.comments.loc[mask, attribute]
    flags = corpus.flags[mask].astype(int)
    if values.isna().all():
        return pd.DataFrame(index=corpus.theme_ids)
    table = flags.groupby(values.astype(str).where(values.notna()).to_numpy()).sum().T
    return table.reindex(index=corpus.theme_ids, fill_value=0)


def percentages(counts: pd.DataFrame, corpus: Corpus, mask: np.ndarray, attribute: str, how: str) -> pd.DataFrame:
    """``counts`` as row % (share of the theme in each column) or column % (share of the column's
    comments that carry the theme; columns need not sum to 100 because comments have several themes)."""
    if how == "row":
        return counts.div(counts.sum(axis=1).replace(0, np.nan), axis=0).mul(100).round(1)
    if how == "column":
        sizes = corpus.comments.loc[mask, attribute].astype(str).value_counts()
        return counts.div(sizes.reindex(counts.columns), axis=1).mul(100).round(1)
    raise ValueError(f"how must be 'row' or 'column', got {how!r}")


def cooccurrence(corpus: Corpus, mask: np.ndarray) -> pd.DataFrame:
    """Theme × theme counts of selected comments carrying both (diagonal: the theme's size)."""
    flags = corpus.flags[mask].astype(int)
    return flags.T @ flags


def cell_rows(corpus: Corpus, mask: np.ndarray, theme: str, attribute: str, value: str) -> pd.DataFrame:
    """The selected comments with ``theme`` whose ``attribute`` equals ``value``."""
    c = corpus.comments
    cell = mask & corpus.flags[theme].to_numpy() & (c[attribute] == value).to_numpy(dtype=bool)
    return c[cell]


def service_theme_shares(corpus: Corpus, mask: np.ndarray) -> pd.DataFrame:
    """Long table service × theme: count and share of the service's selected comments."""
    c = corpus.comments[mask]
    if c["service_name"].isna().all():
        return pd.DataFrame(columns=["service_no", "service_name", "theme", "count", "share"])
    flags = corpus.flags[mask].astype(int)
    keys = [c["service_no"].to_numpy(), c["service_name"].astype(str).to_numpy()]
    counts = flags.groupby(keys).sum()
    sizes = flags.groupby(keys).size()
    shares = counts.div(sizes, axis=0)
    long = counts.stack().rename("count").to_frame().join(shares.stack().rename("share"))
    long.index.names = ["service_no", "service_name", "theme"]
    return long.reset_index()


@dataclass
class Vectors:
    """Cached passage vectors of the corpus: ``rows`` are corpus positions, ``matrix`` their unit vectors."""

    rows: np.ndarray
    matrix: np.ndarray
    model_id: str


def has_vectors(path: Path | str) -> bool:
    """Whether the store holds any cached passage vectors (checked without loading a model)."""
    from textmine.embed.cache import TABLE as EMBEDDINGS

    con = connect(path)
    try:
        return EMBEDDINGS in _tables(con) and bool(
            con.execute(f"SELECT count(*) FROM (SELECT 1 FROM {EMBEDDINGS} WHERE kind = 'passage' LIMIT 1)").fetchone()[0])
    finally:
        con.close()


def load_vectors(path: Path | str, texts: pd.Series, model_id: str, dim: int) -> Vectors:
    """Passage vectors of ``texts`` already cached in the store for ``model_id`` (none are computed)."""
    from textmine.embed.cache import TABLE as EMBEDDINGS, text_hash

    con = connect(path)
    try:
        if EMBEDDINGS not in _tables(con):
            return Vectors(np.zeros(0, dtype=int), np.zeros((0, dim), dtype=np.float32), model_id)
        wanted = pd.DataFrame({"pos": np.arange(len(texts)), "text_hash": [text_hash(t) for t in texts]})
        con.register("_wanted", wanted)
        found = con.sql(
            f"""SELECT w.pos, e.vector FROM {EMBEDDINGS} e JOIN _wanted w ON e.text_hash = w.text_hash
                WHERE e.model_id = $model AND e.kind = 'passage' ORDER BY w.pos""", params={"model": model_id}).to_arrow_table()
    finally:
        con.close()
    rows = found.column(0).to_numpy()
    matrix = found.column(1).combine_chunks().flatten().to_numpy().reshape(len(rows), dim) if len(rows) else np.zeros((0, dim))
    return Vectors(rows.astype(int), matrix.astype(np.float32), model_id)


def semantic_rank(vectors: Vectors, query: np.ndarray, mask: np.ndarray, k: int = 50) -> pd.DataFrame:
    """The ``k`` selected comments closest to the unit ``query`` vector: columns ``row``, ``similarity``."""
    keep = mask[vectors.rows]
    rows, matrix = vectors.rows[keep], vectors.matrix[keep]
    similarity = matrix @ np.asarray(query, dtype=np.float32).reshape(-1)
    top = np.argsort(-similarity, kind="stable")[:k]
    return pd.DataFrame({"row": rows[top], "similarity": similarity[top].round(3)})
