"""Class-based TF-IDF keywords, readable labels and representative comments of clusters."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import numpy as np

from textmine.topics.cluster import OUTLIER


def class_tfidf(docs: Sequence[Sequence[str]], labels: np.ndarray, top_n: int = 10, min_docs: int = 2) -> dict[int, list[tuple[str, float]]]:
    """Top terms per cluster by class-based TF-IDF (BERTopic's c-TF-IDF: tf per class × log(1 + A / f)).

    ``docs`` are term lists (lemmas) per comment; a term counts for a cluster only when at least
    ``min_docs`` of its comments use it. Outliers (``-1``) are left out.
    """
    clusters = sorted({int(c) for c in labels} - {OUTLIER})
    counts: dict[int, Counter[str]] = {c: Counter() for c in clusters}
    doc_counts: dict[int, Counter[str]] = {c: Counter() for c in clusters}
    for terms, label in zip(docs, labels, strict=True):
        if label != OUTLIER:
            counts[int(label)].update(terms)
            doc_counts[int(label)].update(set(terms))
    total = Counter()
    for counter in counts.values():
        total.update(counter)
    average = sum(total.values()) / max(len(clusters), 1)
    keywords: dict[int, list[tuple[str, float]]] = {}
    for c in clusters:
        size = sum(counts[c].values()) or 1
        scored = [
            (term, (n / size) * np.log(1 + average / total[term]))
            for term, n in counts[c].items()
            if doc_counts[c][term] >= min_docs
        ]
        keywords[c] = sorted(scored, key=lambda item: (-item[1], item[0]))[:top_n]
    return keywords


def label(keywords: Sequence[tuple[str, float]], n_terms: int = 3) -> str:
    """A short label from the top keywords: ``кезек · күту · терминал``."""
    return " · ".join(term for term, _ in keywords[:n_terms])


def representatives(embedding: np.ndarray, labels: np.ndarray, centroids: np.ndarray, n: int = 3, max_similarity: float = 0.95) -> dict[int, list[int]]:
    """Row indices of each cluster's most central members, skipping near-duplicates of those already chosen."""
    chosen: dict[int, list[int]] = {}
    for c in range(len(centroids)):
        members = np.where(labels == c)[0]
        order = members[np.argsort(-(embedding[members] @ centroids[c]), kind="stable")]
        picked: list[int] = []
        for row in order:
            if all(embedding[row] @ embedding[p] < max_similarity for p in picked):
                picked.append(int(row))
            if len(picked) == n:
                break
        chosen[c] = picked
    return chosen
