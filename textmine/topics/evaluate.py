"""Numbers that describe a clustering, alone and against human theme labels."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import numpy as np
from sklearn.metrics import (
    adjusted_rand_score,
    normalized_mutual_info_score,
    silhouette_score,
)

from textmine.topics.cluster import OUTLIER


def shape(labels: np.ndarray, vectors: np.ndarray | None = None) -> dict[str, float]:
    """Cluster count, largest cluster's share of all rows, outlier share, and cosine silhouette of the
    clustered rows on ``vectors`` (NaN when fewer than two clusters)."""
    labels = np.asarray(labels)
    clustered = labels != OUTLIER
    sizes = np.bincount(labels[clustered]) if clustered.any() else np.array([0])
    n_clusters = int((sizes > 0).sum())
    silhouette = np.nan
    if vectors is not None and n_clusters > 1:
        silhouette = float(silhouette_score(vectors[clustered], labels[clustered], metric="cosine"))
    return {
        "clusters": n_clusters,
        "largest_share": float(sizes.max() / len(labels)),
        "outlier_share": float(1 - clustered.mean()),
        "silhouette": silhouette,
    }


def agreement(labels: np.ndarray, themes: Sequence[Sequence[str]]) -> dict[str, float]:
    """Purity, NMI and adjusted Rand of clusters against themes, over comments with at least one theme.

    Each comment counts with its first theme for NMI/ARI; purity credits a cluster's most frequent
    theme to every member that carries it among its themes. Outliers form their own group.
    """
    rows = [i for i, t in enumerate(themes) if t]
    if not rows:
        raise ValueError("no comment carries a theme")
    clusters = np.asarray(labels)[rows]
    first = [themes[i][0] for i in rows]
    hits = 0
    for c in set(clusters):
        members = [themes[rows[j]] for j in np.where(clusters == c)[0]]
        top, _ = Counter(t for m in members for t in set(m)).most_common(1)[0]
        hits += sum(top in m for m in members)
    return {
        "n_labelled": len(rows),
        "purity": hits / len(rows),
        "nmi": float(normalized_mutual_info_score(first, clusters)),
        "ari": float(adjusted_rand_score(first, clusters)),
    }
