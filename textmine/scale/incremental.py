"""Topics at scale: a re-fit on a sample, then new comments assigned to the fitted topics, with a drift figure.

``refit_topics`` fits :class:`~textmine.topics.TopicClusterer` (through
:func:`~textmine.topics.discover_topics`) on a deterministic sample of at most ``sample`` comments — the
silhouette search is quadratic in the number of rows, so a million comments are never clustered at once
— then assigns every comment, chunk by chunk, to the nearest topic (``-1``: far from every topic). It
replaces the derived tables ``topic_clusters`` and ``topic_assignments`` (unfiltered scope) and keeps
what assignment needs of the fitted model in ``scale_topic_model(fitted_at, n_fit, mean_similarity,
outlier_share, model BLOB)``: plain arrays (centre, projection, centroids, thresholds) in an ``.npz``
read back with ``allow_pickle=False``, so loading a store never runs code.

``assign_new_comments`` assigns only the comments without an assignment (the ``transform`` of new
data) and reports drift: their mean similarity to their topic and their outlier share, beside the same
figures at fit time. A re-fit is due when the outlier share grows by ``REFIT_OUTLIER_RISE`` or the mean
similarity falls by ``REFIT_SIMILARITY_DROP``: new comments then talk about things the topics miss.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass

import numpy as np
import pandas as pd

from textmine.embed.base import Embedder
from textmine.embed.cache import embed_with_cache
from textmine.store import Store
from textmine.topics.cluster import OUTLIER, TopicClusterer

MODEL_TABLE = "scale_topic_model"  # registered in textmine.store_schema
SCOPE = json.dumps({"service_no": None, "region": None, "theme": None})
REFIT_OUTLIER_RISE, REFIT_SIMILARITY_DROP = 0.10, 0.05


@dataclass(frozen=True)
class Drift:
    """New comments against the fit: counts, mean similarity to their topic, outlier share, verdict."""

    assigned: int
    mean_similarity: float
    outlier_share: float
    fit_mean_similarity: float
    fit_outlier_share: float

    @property
    def refit_due(self) -> bool:
        """True when the new comments fit the topics markedly worse than the fitted ones did."""
        return self.assigned > 0 and (self.outlier_share - self.fit_outlier_share >= REFIT_OUTLIER_RISE
                                      or self.fit_mean_similarity - self.mean_similarity >= REFIT_SIMILARITY_DROP)

    def lines(self) -> list[str]:
        """Human-readable summary."""
        verdict = "re-fit due: run `textmine topics-refit`" if self.refit_due else "topics still fit"
        return [(f"assigned {self.assigned} comments: mean similarity {self.mean_similarity:.3f} "
                 f"(fit {self.fit_mean_similarity:.3f}), outliers {self.outlier_share:.1%} "
                 f"(fit {self.fit_outlier_share:.1%}); {verdict}")]


def _unit(rows: np.ndarray) -> np.ndarray:
    return rows / np.maximum(np.linalg.norm(rows, axis=1, keepdims=True), 1e-12)


@dataclass(frozen=True)
class TopicProjection:
    """The part of a fitted :class:`TopicClusterer` that assigns new vectors: the centre to subtract, the
    PCA axes, the unit centroids and each topic's outlier threshold."""

    centre: np.ndarray
    axes: np.ndarray
    centroids: np.ndarray
    thresholds: np.ndarray

    @classmethod
    def of(cls, model: TopicClusterer) -> TopicProjection:
        """The projection of a fitted model (its own centring plus the PCA's)."""
        return cls(model.mean_ + model.pca_.mean_, model.pca_.components_, model.centroids_, model.thresholds_)

    def to_bytes(self) -> bytes:
        """The arrays as an ``.npz`` file's bytes."""
        buffer = io.BytesIO()
        np.savez(buffer, centre=self.centre, axes=self.axes, centroids=self.centroids, thresholds=self.thresholds)
        return buffer.getvalue()

    @classmethod
    def from_bytes(cls, blob: bytes) -> TopicProjection:
        """Read arrays written by :meth:`to_bytes` (object arrays refused)."""
        with np.load(io.BytesIO(blob), allow_pickle=False) as arrays:
            return cls(arrays["centre"], arrays["axes"], arrays["centroids"], arrays["thresholds"])


def transform(model: TopicProjection, vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Topic (``-1`` outlier) and similarity to that topic's centroid of each vector, for a fitted model."""
    reduced = _unit((np.asarray(vectors, dtype=np.float64) - model.centre) @ model.axes.T)
    similarity = reduced @ model.centroids.T
    best = similarity.argmax(axis=1)
    top = similarity[np.arange(len(best)), best]
    return np.where(top >= model.thresholds[best], best, OUTLIER), top


def _as_json_cells(frame: pd.DataFrame) -> pd.DataFrame:
    listy = [c for c in frame.columns if frame[c].map(lambda v: isinstance(v, (list, dict))).any()]
    return frame.assign(**{c: frame[c].map(lambda v: json.dumps(v, ensure_ascii=False)) for c in listy})


def _assign(store: Store, embedder: Embedder, comments: pd.DataFrame, model: TopicProjection) -> pd.DataFrame:
    vectors = embed_with_cache(store, embedder, comments["text"].tolist(), show_progress=False)
    labels, similarity = transform(model, vectors)
    return pd.DataFrame({"id": comments["id"].to_numpy(), "cluster": labels,
                         "similarity": np.where(labels == OUTLIER, np.nan, similarity), "scope": SCOPE,
                         "raw_similarity": similarity})


def load_model(store: Store) -> tuple[TopicProjection, float, float]:
    """The latest fitted model with its fit-time mean similarity and outlier share."""
    row = store.connection.execute(f"SELECT model, mean_similarity, outlier_share FROM {MODEL_TABLE} "
                                   "ORDER BY fitted_at DESC LIMIT 1").fetchone()
    if row is None:
        raise LookupError("no fitted topic model in the store: run `textmine topics-refit` first")
    return TopicProjection.from_bytes(row[0]), float(row[1]), float(row[2])


def refit_topics(store: Store, embedder: Embedder, sample: int = 10_000, n_clusters: int | None = None,
                 seed: int = 0, chunk: int = 50_000) -> pd.DataFrame:
    """Fit topics on a sample, assign every comment, store clusters, assignments and model; return clusters."""
    from textmine.topics import discover_topics

    con = store.connection
    fit_rows = con.execute("""SELECT c.*, coalesce(t.themes, '') AS themes FROM comments c
                              LEFT JOIN comment_themes t USING (id) ORDER BY md5(c.id || ?) LIMIT ?""",
                           [str(seed), sample]).df()
    if len(fit_rows) < 10:
        raise ValueError(f"only {len(fit_rows)} comments in the store; topics need at least 10")
    vectors = embed_with_cache(store, embedder, fit_rows["text"].tolist(), show_progress=False)
    topics = discover_topics(fit_rows, vectors, TopicClusterer(n_clusters=n_clusters, random_state=seed))
    model = topics.model
    projection = TopicProjection.of(model)
    fit_outliers = float(np.mean(model.labels_ == OUTLIER))
    fit_similarity = float(np.mean(model.similarity_[model.labels_ != OUTLIER]))
    total = store.count("comments")
    parts = [_assign(store, embedder, con.execute("SELECT id, text FROM comments ORDER BY id LIMIT ? OFFSET ?",
                                                  [chunk, start]).df(), projection)
             for start in range(0, total, chunk)]
    assignments = pd.concat(parts, ignore_index=True).drop(columns="raw_similarity")
    store.replace_derived("topic_clusters", _as_json_cells(topics.clusters).assign(scope=SCOPE))
    store.replace_derived("topic_assignments", assignments)
    con.execute(f"INSERT INTO {MODEL_TABLE} (n_fit, mean_similarity, outlier_share, model) VALUES (?, ?, ?, ?)",
                [len(fit_rows), fit_similarity, fit_outliers, projection.to_bytes()])
    return topics.clusters


def assign_new_comments(store: Store, embedder: Embedder, chunk: int = 50_000) -> Drift:
    """Assign comments that have no topic yet to the fitted topics; return the drift against the fit."""
    model, fit_similarity, fit_outliers = load_model(store)
    con = store.connection
    new_sql = """SELECT c.id, c.text FROM comments c WHERE NOT EXISTS
                 (SELECT 1 FROM topic_assignments a WHERE a.id = c.id AND a.scope = ?) ORDER BY c.id LIMIT ?"""
    labels, similarity = [], []
    while len(batch := con.execute(new_sql, [SCOPE, chunk]).df()):
        assigned = _assign(store, embedder, batch, model)
        labels.append(assigned["cluster"].to_numpy())
        similarity.append(assigned["raw_similarity"].to_numpy())
        con.register("_new", assigned.drop(columns="raw_similarity"))
        con.execute("INSERT INTO topic_assignments BY NAME SELECT * FROM _new")
        con.unregister("_new")
    labels_all = np.concatenate(labels) if labels else np.empty(0)
    kept = np.concatenate(similarity)[labels_all != OUTLIER] if labels else np.empty(0)
    return Drift(assigned=len(labels_all), mean_similarity=float(kept.mean()) if len(kept) else float("nan"),
                 outlier_share=float(np.mean(labels_all == OUTLIER)) if len(labels_all) else 0.0,
                 fit_mean_similarity=fit_similarity, fit_outlier_share=fit_outliers)
