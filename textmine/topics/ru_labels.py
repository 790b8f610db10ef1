"""Russian labels for clusters without Russian comments, derived from the taxonomy's Russian phrases.

A cluster of Kazakh comments has no Russian keywords. Rather than translate, it borrows the words of the
Russian texts that sit nearest to it in the (multilingual) embedding space: the taxonomy's Russian
example phrases and Russian definitions (:class:`RuReference`). Both sides are compared by what sets
them apart, not by what they share: a cluster's direction is the mean of its members minus the mean of
all comments, a phrase's is its vector minus the mean of all phrases (this also cancels the language
offset between a Kazakh corpus and Russian phrases). When the comments carry themes (from the theme
classifier), only the phrases of the cluster's dominant theme compete: measured on the seed corpus, the
classifier's dominant theme equals the human one for 20 of 20 clusters, while the theme of the nearest
phrases over all themes does so for only 6–7 of 20. The ``n_phrases`` phrases with the highest cosine to
the cluster's direction are its nearest phrases; their content lemmas (spaCy ``ru`` + pymorphy3, stop
words removed), scored by the summed cosine of the phrases that use them (ties: first use), give the
label. Deterministic: no sampling, stable orderings.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from textmine.classify.taxonomy import Taxonomy, load_taxonomy
from textmine.topics.cluster import OUTLIER, _unit
from textmine.topics.lemmas import content_lemmas
from textmine.topics.themes import relate_to_themes

if TYPE_CHECKING:
    from textmine.embed.base import Embedder
    from textmine.store import Store


@dataclass(frozen=True)
class RuReference:
    """Russian reference texts (``texts``), the theme id of each (``themes``), their vectors (same rows) and
    the Russian name of each theme id (``names``)."""

    texts: list[str]
    themes: list[str]
    vectors: np.ndarray
    names: dict[str, str]

    def __post_init__(self) -> None:
        if not len(self.texts) == len(self.themes) == len(self.vectors):
            raise ValueError(
                f"Russian reference has {len(self.texts)} texts, {len(self.themes)} themes, {len(self.vectors)} vectors"
            )


def taxonomy_ru_phrases(taxonomy: Taxonomy | None = None) -> tuple[list[str], list[str]]:
    """The taxonomy's Russian example phrases and Russian definitions, with the theme id of each."""
    taxonomy = taxonomy or load_taxonomy()
    texts, themes = [], []
    for theme in taxonomy.themes:
        for text in [*theme.examples.ru, *([theme.definition_ru] if theme.definition_ru else [])]:
            texts.append(text)
            themes.append(theme.id)
    return texts, themes


def ru_reference(embedder: Embedder, store: Store | None = None, taxonomy: Taxonomy | None = None) -> RuReference:
    """Embed the taxonomy's Russian phrases (as passages, like comments; through ``store``'s cache when given)."""
    taxonomy = taxonomy or load_taxonomy()
    texts, themes = taxonomy_ru_phrases(taxonomy)
    if store is not None:
        from textmine.embed.cache import embed_with_cache

        vectors = embed_with_cache(store, embedder, texts, show_progress=False)
    else:
        vectors = embedder.embed(texts, kind="passage", show_progress=False)
    names = {theme.id: theme.name.ru for theme in taxonomy.themes}
    return RuReference(texts, themes, np.asarray(vectors, dtype=np.float64), names)


def nearest_ru_labels(
    vectors: np.ndarray,
    labels: np.ndarray,
    reference: RuReference,
    themes: Sequence[Sequence[str] | None] | None = None,
    n_phrases: int = 3,
    n_terms: int = 3,
) -> dict[int, tuple[str, list[str]]]:
    """Per cluster of ``labels`` (``-1`` skipped): its Russian label (dominant theme's name and top
    ``n_terms`` lemmas not already in the name) and its ``n_phrases`` nearest reference phrases, as in the
    module docstring. ``vectors`` are the comments' own, ``themes`` their theme ids (``None``:
    unclassified), used to restrict the phrases to each cluster's dominant theme."""
    vectors = np.asarray(vectors, dtype=np.float64)
    if vectors.shape[1] != reference.vectors.shape[1]:
        raise ValueError(
            f"comment vectors have {vectors.shape[1]} dimensions, Russian reference vectors {reference.vectors.shape[1]}"
        )
    clusters = sorted({int(c) for c in labels} - {OUTLIER})
    mean = vectors.mean(axis=0)
    directions = _unit(np.stack([vectors[labels == c].mean(axis=0) - mean for c in clusters]))
    phrases = _unit(reference.vectors - reference.vectors.mean(axis=0))
    similarity = directions @ phrases.T
    dominant = dict.fromkeys(clusters)
    if themes is not None:
        relation = relate_to_themes(labels, themes)
        dominant.update(zip(relation["cluster"], relation["dominant_theme"], strict=True))
    lemmas = content_lemmas(reference.texts, ["ru"] * len(reference.texts))
    result: dict[int, tuple[str, list[str]]] = {}
    for row, c in enumerate(clusters):
        allowed = np.array([t == dominant[c] for t in reference.themes])
        candidates = np.where(allowed, similarity[row], -np.inf) if allowed.any() else similarity[row]
        nearest = np.argsort(-candidates, kind="stable")[:n_phrases]
        name = reference.names.get(dominant[c]) if allowed.any() else None
        in_name = set(content_lemmas([name], ["ru"])[0]) if name else set()
        score: dict[str, float] = {}
        for p in nearest:
            for term in dict.fromkeys(lemmas[p]):
                if term not in in_name:
                    score[term] = score.get(term, 0.0) + float(similarity[row, p])
        text = " · ".join(sorted(score, key=lambda t: -score[t])[:n_terms])  # stable: ties keep first use
        result[c] = (f"{name}: {text}" if name else text, [reference.texts[p] for p in nearest])
    return result
