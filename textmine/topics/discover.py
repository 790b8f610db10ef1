"""Topic discovery over a table of comments: clusters, keywords, labels, representatives, context."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np
import pandas as pd

from textmine.classify.labels import split_themes
from textmine.topics.cluster import OUTLIER, TopicClusterer
from textmine.topics.keywords import class_tfidf, label, representatives
from textmine.topics.lemmas import content_lemmas, guess_language
from textmine.topics.ru_labels import RuReference, nearest_ru_labels


@dataclass
class Topics:
    """Result of :func:`discover_topics`.

    ``clusters``: one row per cluster (``cluster``, ``group``, ``size``, ``share``, ``label_kk``,
    ``label_ru``, ``label_ru_source``, ``ru_phrases``, ``keywords_kk``, ``keywords_ru``,
    ``representative_ids``, ``languages``, ``services``, ``regions``). ``label_ru_source`` says where
    ``label_ru`` comes from: ``"keywords"`` (c-TF-IDF of the cluster's Russian comments),
    ``"nearest_ru_phrases"`` (derived from the Russian reference phrases nearest to the cluster, listed in
    ``ru_phrases``; see :mod:`textmine.topics.ru_labels`) or ``None`` (no Russian label).
    ``assignments``: one row per comment (``id``, ``cluster`` with ``-1`` for outliers, ``similarity`` to
    its centroid). ``model``: the fitted :class:`TopicClusterer`.
    """

    clusters: pd.DataFrame
    assignments: pd.DataFrame
    model: TopicClusterer


def _top_counts(values: pd.Series, n: int = 5) -> dict[str, int]:
    return dict(Counter(v for v in values.dropna() if v != "").most_common(n))


def discover_topics(
    comments: pd.DataFrame,
    vectors: np.ndarray,
    model: TopicClusterer | None = None,
    n_groups: int = 5,
    n_keywords: int = 10,
    ru_reference: RuReference | None = None,
) -> Topics:
    """Cluster ``comments`` (needs ``id`` and ``text``; uses ``lang``, ``service_name``, ``region`` when
    present) by their embedding ``vectors`` (same row order), and describe each cluster.

    Pass a subset of comments (one service, theme or region) with its vectors to find topics within it.
    A cluster without Russian keywords gets a Russian label derived from ``ru_reference`` when given
    (:func:`textmine.topics.ru_reference`; phrases of the cluster's dominant theme when ``comments`` has a
    ``themes`` column of ``;``-joined theme ids), else none.
    """
    if len(comments) != len(vectors):
        raise ValueError(f"got {len(comments)} comments but {len(vectors)} vectors")
    missing = {"id", "text"} - set(comments.columns)
    if missing:
        raise ValueError(f"comments lack column(s) {sorted(missing)}")
    comments = comments.reset_index(drop=True)
    model = (model or TopicClusterer()).fit(vectors)
    labels = model.labels_
    texts = comments["text"].tolist()
    given = comments["lang"].tolist() if "lang" in comments else [None] * len(texts)
    langs = [lang if lang in ("kk", "ru") else guess_language(text) for text, lang in zip(texts, given, strict=True)]
    lemmas = content_lemmas(texts, langs)
    keywords = {
        lang: class_tfidf([terms if comment_lang == lang else [] for terms, comment_lang in zip(lemmas, langs, strict=True)], labels, n_keywords)
        for lang in ("kk", "ru")
    }
    central = representatives(model.embedding_, labels, model.centroids_)
    groups = model.coarse_labels(n_groups)
    derived = {}
    if ru_reference is not None:
        themes = [split_themes(t) for t in comments["themes"]] if "themes" in comments else None
        derived = nearest_ru_labels(vectors, labels, ru_reference, themes)
    rows = []
    for c in range(model.n_clusters_):
        members = comments[labels == c]
        label_ru = label(keywords["ru"][c]) or None
        source = "keywords" if label_ru else None
        phrases: list[str] = []
        if label_ru is None and c in derived:
            label_ru, phrases = derived[c]
            source = "nearest_ru_phrases"
        rows.append(
            {
                "cluster": c,
                "group": int(groups[c]),
                "size": len(members),
                "share": len(members) / len(comments),
                "label_kk": label(keywords["kk"][c]) or None,
                "label_ru": label_ru,
                "label_ru_source": source,
                "ru_phrases": phrases,
                "keywords_kk": [t for t, _ in keywords["kk"][c]],
                "keywords_ru": [t for t, _ in keywords["ru"][c]],
                "representative_ids": comments.loc[central[c], "id"].tolist(),
                "languages": dict(Counter(langs[i] for i in np.where(labels == c)[0])),
                "services": _top_counts(members["service_name"]) if "service_name" in members else {},
                "regions": _top_counts(members["region"]) if "region" in members else {},
            }
        )
    assignments = pd.DataFrame(
        {"id": comments["id"], "cluster": labels, "similarity": np.where(labels == OUTLIER, np.nan, model.similarity_)}
    )
    return Topics(clusters=pd.DataFrame(rows), assignments=assignments, model=model)
