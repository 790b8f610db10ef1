"""The zero-shot mode from the taxonomy alone, for runs without usable trained heads (none in the heads
folder, or fitted for another embedding model or taxonomy): prototype classifiers over the embedded
definitions and example phrases of the themes and of the polarities. It needs only the embedder and the
taxonomy.

Nothing is calibrated without labelled comments, so every theme gets one score scale: a logistic of slope
:data:`SLOPE` that crosses the threshold (score 0.5) at the centred similarity :data:`THRESHOLD_SIMILARITY`
(the trained heads' folder holds a per-theme calibration instead, used when it fits). A comment's polarity
is the one whose descriptions it is most similar to, ``complaint`` raised by :data:`COMPLAINT_PRIOR`: most
survey comments are complaints, and without the prior the other classes take many of them.

The three numbers were chosen on the written labelled comments (``load_labelled(origins=("written",))``,
a training-only set that ``textmine eval themes`` never evaluates); the similarity and slope are also about
the median of the shipped heads' per-theme calibration. Similarity 0.25 gives 1.5 themes per written comment
(gold: 1.3); the raw logistic of the similarity (slope 1, threshold at similarity 0) assigned nearly every
theme to every comment.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from textmine.classify.model import ZeroShotThemeClassifier, zero_shot_from_descriptions
from textmine.classify.taxonomy import Taxonomy
from textmine.embed.base import Embedder

THRESHOLD_SIMILARITY = 0.25  # centred mean top-3 cosine at which a theme is assigned
SLOPE = 15.0  # score logistic's slope per unit of similarity
COMPLAINT_PRIOR = 0.1  # added to every comment's similarity to the complaint descriptions


def polarity_of(prototypes: ZeroShotThemeClassifier, vectors: np.ndarray) -> np.ndarray:
    """Each row's polarity: the class of ``prototypes`` whose descriptions the row is most similar to, with
    ``complaint`` (when a class) raised by :data:`COMPLAINT_PRIOR`."""
    similarities = prototypes.similarities(vectors)
    classes = list(prototypes.classes_)
    if "complaint" in classes:
        similarities[:, classes.index("complaint")] += COMPLAINT_PRIOR
    return prototypes.classes_[similarities.argmax(axis=1)]


@dataclass(frozen=True)
class TaxonomyPrototypes:
    """Zero-shot theme and polarity classifiers fitted on a taxonomy's descriptions."""

    themes: ZeroShotThemeClassifier
    polarities: ZeroShotThemeClassifier

    def polarity(self, vectors: np.ndarray) -> np.ndarray:
        """Each row's polarity (:func:`polarity_of`)."""
        return polarity_of(self.polarities, vectors)


def taxonomy_prototypes(embedder: Embedder, taxonomy: Taxonomy) -> TaxonomyPrototypes:
    """Theme and polarity prototypes of ``taxonomy``, its descriptions embedded in one call; theme scores
    on the uncalibrated scale (module docstring)."""
    described = [item.descriptions() for item in (*taxonomy.themes, *taxonomy.polarities)]
    vectors = embedder.embed([text for texts in described for text in texts], show_progress=False)
    groups = np.split(vectors, np.cumsum([len(texts) for texts in described])[:-1])
    themes = len(taxonomy.themes)
    return TaxonomyPrototypes(
        themes=zero_shot_from_descriptions(taxonomy.theme_ids, groups[:themes]).uncalibrated(SLOPE, THRESHOLD_SIMILARITY),
        polarities=zero_shot_from_descriptions(taxonomy.polarity_ids, groups[themes:]))
