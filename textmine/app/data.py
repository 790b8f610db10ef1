"""Cached access to the store for the pages: the corpus (an open read model), embedder, topics, feedback writes.

Heavy objects are ``st.cache_resource`` (shared, never copied; pages treat them as read-only) and keyed
by the store's path and the modification time of the file read, so a newly published store is reloaded.
Reads go to the snapshot the pipeline publishes (``textmine.store``), so the app keeps serving while the
pipeline writes; feedback is written to the store itself (briefly), which publishes a fresh snapshot.
"""

from __future__ import annotations

import importlib
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import streamlit as st

from textmine.app.query import (
    Corpus,
    Selection,
    has_vectors,
    open_corpus,
    vectors,
    with_positions,
)
from textmine.classify.feedback import corrections
from textmine.classify.taxonomy import Taxonomy, load_taxonomy, taxonomy_path

MAX_TOPIC_COMMENTS = 5000


def store_path() -> Path:
    """The store the app reads: ``$TEXTMINE_STORE`` or ``data/textmine.duckdb``."""
    from textmine.store import default_path

    return default_path()


def store_version(path: Path) -> float:
    """Modification time of what the app reads: the published snapshot, else the store and its write-ahead log."""
    from textmine.store import reader_path

    read = reader_path(path)
    wal = read.with_name(read.name + ".wal")
    return max(p.stat().st_mtime for p in (read, wal) if p.exists())


def taxonomy() -> Taxonomy:
    """The theme taxonomy :func:`taxonomy_path` resolves to (``$TEXTMINE_TAXONOMY`` if set, else the
    packaged one), read again when its file changes (a codebook operation from the app)."""
    path = taxonomy_path()
    return _taxonomy(str(path), path.stat().st_mtime_ns)


@st.cache_resource(show_spinner=False, max_entries=4)
def _taxonomy(path: str, changed_ns: int) -> Taxonomy:
    return load_taxonomy(path)


@st.cache_resource(show_spinner="…", max_entries=2)
def corpus(path: str, version: float) -> Corpus:
    """The store's read model, opened once per store version."""
    return open_corpus(path, taxonomy().theme_ids)


@st.cache_resource(show_spinner="…")
def embedder():
    """The default embedder (loaded on first semantic search or topic discovery)."""
    from textmine.embed import default_embedder

    return default_embedder()


@st.cache_resource(show_spinner=False, max_entries=2)
def word_index(path: str, version: float):
    """The store's word forms by Kazakh/Russian lemma, built once per store version (a caller arriving while
    it is being built waits for that build)."""
    from textmine.app.search import build_index

    return build_index(corpus(path, version))


_WARMING: set[object] = set()
HEAVY_IMPORTS = ("textmine.insights",)  # scipy/statsmodels behind the Themes and Services pages (seconds)


def warm_imports() -> None:
    """Import :data:`HEAVY_IMPORTS` and load the Kazakh and Russian lemmatisers in the background once per
    process, after the first page is drawn, so a first visit to Themes, Services or Words does not wait for them."""
    if "imports" not in _WARMING:
        _WARMING.add("imports")
        threading.Thread(target=_load_heavy_parts, name="textmine-imports", daemon=True).start()


def _load_heavy_parts() -> None:
    for name in HEAVY_IMPORTS:
        importlib.import_module(name)
    from textmine.topics.lemmas import pipeline

    for lang in ("kk", "ru"):
        pipeline(lang)


def warm_word_index(path: str, version: float) -> None:
    """Start building :func:`word_index` in the background (once per store version and process), so the
    lemmatisers' import (seconds) overlaps the user typing a first search."""
    if (path, version) not in _WARMING:
        _WARMING.add((path, version))
        threading.Thread(target=word_index, args=(path, version), name="textmine-word-index", daemon=True).start()


@st.cache_data(show_spinner=False, max_entries=64)
def options(path: str, version: float, column: str) -> list:
    """Distinct values of ``column`` for a filter, read once per store version."""
    from textmine.app.query import options as distinct_values

    return distinct_values(corpus(path, version), column)


def vector_embedder(path: str, version: float):
    """The embedder when the store caches passage vectors and the model is built, else ``None``."""
    if not has_vectors(corpus(path, version)):
        return None
    try:
        return embedder()
    except FileNotFoundError:
        return None


@dataclass(frozen=True)
class VectorModel:
    """Which cached vectors to read: the embedding model's id and vector size (no model loaded)."""

    model_id: str
    dim: int


def vector_model(path: str, version: float) -> VectorModel | object | None:
    """The default model's id and size, as its folder's ``textmine_model.json`` says, when the store caches
    passage vectors (reading them needs no model: a first Themes visit does not wait for one to load); the
    loaded embedder when the folder does not say; ``None`` without vectors or model."""
    from textmine.embed.base import read_model_info
    from textmine.embed.default import default_model_dir

    if not has_vectors(corpus(path, version)):
        return None
    info = read_model_info(default_model_dir())
    if {"model_id", "dim"} <= set(info):
        return VectorModel(str(info["model_id"]), int(info["dim"]))
    return vector_embedder(path, version)


@st.cache_data(show_spinner=False, max_entries=256)
def query_vector(query: str) -> np.ndarray:
    """The unit vector of a search query (e5 ``query:`` side)."""
    return embedder().embed([query], kind="query", show_progress=False)[0]


def discovery_sample(positions: np.ndarray, seed: int = 0) -> tuple[int, ...]:
    """At most ``MAX_TOPIC_COMMENTS`` of ``positions``: a seeded sample, kept in ascending order."""
    if len(positions) > MAX_TOPIC_COMMENTS:
        positions = np.sort(np.random.default_rng(seed).choice(positions, MAX_TOPIC_COMMENTS, replace=False))
    return tuple(int(p) for p in positions)


@st.cache_resource(show_spinner="…", max_entries=16)
def topics(path: str, version: float, rows: tuple[int, ...], seed: int = 0):
    """Topic clusters of the corpus rows ``rows`` that have cached vectors, and how they relate to the
    taxonomy themes; ``None`` when too few."""
    from textmine.app.query import rows as fetch_rows
    from textmine.topics import TopicClusterer, discover_topics, relate_to_themes

    data = corpus(path, version)
    model = embedder()
    chosen = with_positions(Selection(), rows)
    found_vectors = vectors(data, chosen, model.model_id, model.dim)
    clusterer = TopicClusterer(random_state=seed)
    if len(found_vectors.rows) < 4 * clusterer.min_cluster_size:
        return None
    comments = fetch_rows(data, with_positions(Selection(), found_vectors.rows))
    found = discover_topics(comments, found_vectors.matrix, clusterer)
    theme_lists = [t.split(";") if t else [] for t in comments["themes"]]
    related = relate_to_themes(found.model.labels_, theme_lists)
    found.clusters = found.clusters.merge(related, on="cluster", how="left")
    found.assignments["row"] = found_vectors.rows
    return found


@st.cache_data(show_spinner=False, max_entries=4)
def feedback(path: Path, version: float) -> pd.DataFrame:
    """Analysts' saved label decisions as last published (empty when the store has none yet), newest first,
    with every current column (``reviewer`` empty in a snapshot published before store version 3); read once
    per store version."""
    import duckdb

    from textmine import schema
    from textmine.store import reader_path

    with duckdb.connect(str(reader_path(path)), read_only=True) as con:
        tables = {row[0] for row in con.execute("SHOW TABLES").fetchall()}
        if "label_feedback" not in tables:
            return schema.empty(schema.LABEL_FEEDBACK)
        found = con.execute('SELECT * FROM label_feedback ORDER BY "at" DESC').df()
    return found.reindex(columns=list(schema.LABEL_FEEDBACK.columns))


@st.cache_data(show_spinner=False, max_entries=4)
def corrected(path: Path, version: float) -> dict[str, tuple[str, str | None, str, str | None]]:
    """Reviewed comment id -> (corrected themes, corrected polarity or ``None``, when, reviewer or ``None``),
    once per store version."""
    found = corrections(feedback(path, version))
    return {row.comment_id: (row.themes, row.polarity, row.at, row.reviewer if isinstance(row.reviewer, str) else None)
            for row in found.itertuples()}


def decisions(comment_id: str, before: list[str], after: list[str], old_polarity: str | None,
              new_polarity: str | None, reviewer: str) -> pd.DataFrame:
    """Feedback rows for one reviewed comment, made by ``reviewer``: accept kept and added themes, reject
    removed ones, and a polarity row when the polarity changed."""
    from textmine import schema

    at = datetime.now(UTC).isoformat(timespec="seconds")
    made = {"comment_id": comment_id, "at": at, "reviewer": reviewer}
    rows = [{**made, "theme": theme, "decision": "accept", "polarity": None} for theme in after]
    rows += [{**made, "theme": theme, "decision": "reject", "polarity": None} for theme in before if theme not in after]
    if new_polarity and new_polarity != old_polarity:
        rows.append({**made, "theme": None, "decision": "polarity", "polarity": new_polarity})
    return pd.DataFrame(rows, columns=list(schema.LABEL_FEEDBACK.columns))


def save_feedback(path: Path, rows: pd.DataFrame) -> None:
    """Append ``rows`` to the store's ``label_feedback`` (opens the store for writing briefly; publishing
    refreshes only that table in the snapshot)."""
    from textmine.store import Store

    with Store(path, touches=("label_feedback",)) as store:
        store.add_feedback(rows)
