"""Clustering of comment embeddings: common direction removed, k chosen by silhouette, honest outliers.

e5 vectors of short survey quotes are all alike (cosine 0.79–0.89 for 90% of pairs): what they share is
the model's common direction and the survey's boilerplate. :class:`TopicClusterer` subtracts the corpus
mean, keeps the leading principal components and re-normalises, so cosine measures what differs between
comments. k-means (seeded, several restarts) then runs for every k in a range and the k with the best
cosine silhouette wins, unless ``n_clusters`` fixes it. The silhouette of short comments is flat across
k, so of the k within ``tolerance`` of the best score the finest is taken: analysts want the specific
topics, and :meth:`TopicClusterer.coarse_labels` merges them back into broad groups. A member far below its cluster's typical
similarity to the centroid (a robust z-score under ``-outlier_z``) moves to another cluster whose typical
member it resembles, or is reported as an outlier (label ``-1``); clusters smaller than
``min_cluster_size`` are dissolved the same way.
"""

from __future__ import annotations

import numpy as np
from scipy.cluster.hierarchy import fcluster, linkage
from sklearn.base import BaseEstimator, ClusterMixin
from sklearn.cluster import KMeans
from sklearn.decomposition import PCA
from sklearn.metrics import silhouette_score
from sklearn.utils.validation import check_is_fitted, validate_data
from threadpoolctl import threadpool_limits

OUTLIER = -1
SILHOUETTE_SAMPLE = 5000  # silhouette needs an n × n distance matrix: score larger fits on a seeded sample


def _unit(rows: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    return rows / np.where(norms == 0, 1.0, norms)


class TopicClusterer(ClusterMixin, BaseEstimator):
    """Cluster embedding vectors (rows of ``X``) into topics.

    Parameters: ``n_clusters`` fixes k (``None``: choose by silhouette over about ``n_k`` values spread
    geometrically over ``k_range``, capped at ``n_samples // min_cluster_size``; ``tolerance`` as above); ``n_components`` principal components kept after centring;
    ``outlier_z`` robust z-score below which a member is reconsidered; ``min_cluster_size`` smallest
    cluster kept; ``random_state`` seeds k-means and PCA.

    Learned: ``labels_`` (cluster per row, ``-1`` outlier), ``n_clusters_``, ``silhouettes_`` (k →
    score), ``centroids_`` (unit vectors in the reduced space), ``similarity_`` (row to its centroid),
    ``embedding_`` (reduced unit vectors), ``mean_``, ``pca_``, ``linkage_`` (Ward linkage of the
    centroids, for coarser groups).
    """

    def __init__(
        self,
        n_clusters: int | None = None,
        k_range: tuple[int, int] = (8, 40),
        n_k: int = 12,
        tolerance: float = 0.01,
        n_components: int = 30,
        outlier_z: float = 2.5,
        min_cluster_size: int = 5,
        random_state: int = 0,
    ) -> None:
        self.n_clusters = n_clusters
        self.k_range = k_range
        self.n_k = n_k
        self.tolerance = tolerance
        self.n_components = n_components
        self.outlier_z = outlier_z
        self.min_cluster_size = min_cluster_size
        self.random_state = random_state

    def fit(self, X: np.ndarray, y: object = None) -> TopicClusterer:
        """Learn clusters of the rows of ``X`` (n_samples × dim, any norm)."""
        X = validate_data(self, X, dtype=np.float64, ensure_min_samples=2 * self.min_cluster_size,
                          ensure_all_finite=False)
        if not np.isfinite(X).all():
            raise ValueError(f"vectors contain NaN or infinite values in rows {np.where(~np.isfinite(X).all(1))[0][:10].tolist()}")
        self.mean_ = X.mean(axis=0)
        components = min(self.n_components, len(X) - 1, X.shape[1])
        self.pca_ = PCA(components, random_state=self.random_state).fit(X - self.mean_)
        self.embedding_ = self._reduce(X)
        self.silhouettes_ = {}
        with threadpool_limits(limits=1, user_api="openmp"):  # small k-means: threads only contend
            labels = self._choose_k()
        self.labels_, self.centroids_ = self._handle_outliers(labels)
        self.n_clusters_ = len(self.centroids_)
        self.similarity_ = np.einsum("ij,ij->i", self.embedding_, self.centroids_[np.maximum(self.labels_, 0)])
        self.linkage_ = linkage(self.centroids_, method="ward") if self.n_clusters_ > 1 else np.empty((0, 4))
        return self

    def _silhouette_sample(self) -> int | None:
        return SILHOUETTE_SAMPLE if len(self.embedding_) > SILHOUETTE_SAMPLE else None

    def predict(self, X: np.ndarray) -> np.ndarray:
        """Nearest cluster of new vectors, ``-1`` where a vector is an outlier to every cluster."""
        check_is_fitted(self)
        similarity = self._reduce(validate_data(self, X, dtype=np.float64, reset=False)) @ self.centroids_.T
        best = similarity.argmax(axis=1)
        keep = similarity[np.arange(len(best)), best] >= self.thresholds_[best]
        return np.where(keep, best, OUTLIER)

    def coarse_labels(self, n_groups: int) -> np.ndarray:
        """Group of each cluster (0-based) when the clusters are merged into ``n_groups`` by Ward linkage."""
        if self.n_clusters_ <= n_groups:
            return np.arange(self.n_clusters_)
        return fcluster(self.linkage_, t=n_groups, criterion="maxclust") - 1

    def _reduce(self, X: np.ndarray) -> np.ndarray:
        return _unit(self.pca_.transform(X - self.mean_))

    def _kmeans(self, k: int) -> np.ndarray:
        model = KMeans(n_clusters=k, n_init=3, random_state=self.random_state)
        return model.fit_predict(self.embedding_)

    def _choose_k(self) -> np.ndarray:
        if self.n_clusters is not None:
            if not 1 <= self.n_clusters <= len(self.embedding_):
                raise ValueError(f"n_clusters={self.n_clusters} outside 1..{len(self.embedding_)}")
            return self._kmeans(self.n_clusters)
        low, high = self.k_range
        high = max(2, min(high, len(self.embedding_) // self.min_cluster_size))
        low = min(max(2, low), high)
        candidates: dict[int, np.ndarray] = {}
        for k in np.unique(np.round(np.geomspace(low, high, self.n_k)).astype(int)):
            candidates[int(k)] = self._kmeans(int(k))
            self.silhouettes_[int(k)] = float(silhouette_score(self.embedding_, candidates[int(k)], metric="cosine",
                                                               sample_size=self._silhouette_sample(),
                                                               random_state=self.random_state))
        best = max(self.silhouettes_.values())
        chosen = max(k for k, score in self.silhouettes_.items() if score >= best - self.tolerance)
        return candidates[chosen]

    def _handle_outliers(self, labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Dissolve tiny clusters, move stragglers to a cluster they fit, mark the rest ``-1``."""
        sizes = np.bincount(labels)
        kept = [c for c in range(len(sizes)) if sizes[c] >= self.min_cluster_size]
        remap = {old: new for new, old in enumerate(kept)}
        labels = np.array([remap.get(c, OUTLIER) for c in labels])
        centroids = _unit(np.stack([self.embedding_[labels == c].mean(axis=0) for c in range(len(kept))]))
        similarity = self.embedding_ @ centroids.T
        own = similarity[np.arange(len(labels)), np.maximum(labels, 0)]
        median = np.array([np.median(own[labels == c]) for c in range(len(kept))])
        spread = np.array([1.4826 * np.median(np.abs(own[labels == c] - median[c])) for c in range(len(kept))])
        self.thresholds_ = median - self.outlier_z * np.maximum(spread, 1e-6)
        fits = similarity >= self.thresholds_
        straggler = (labels == OUTLIER) | ~fits[np.arange(len(labels)), np.maximum(labels, 0)]
        candidate = np.where(fits, similarity, -np.inf).argmax(axis=1)
        can_move = fits[np.arange(len(labels)), candidate]
        labels = np.where(straggler, np.where(can_move, candidate, OUTLIER), labels)
        return labels, centroids
