"""Assign themes, scores and polarity to comments with the shipped (or retrained) heads.

Modes: ``trained`` uses the theme heads trained on labelled comments; ``zero_shot`` uses similarity to
the taxonomy's definitions and examples (calibrated thresholds). ``auto`` is ``trained`` when heads
fitted for this embedding model and taxonomy exist. Polarity always comes from the polarity head.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from textmine.classify.features import feature_frame
from textmine.classify.persist import DEFAULT_HEADS, Heads, load_heads
from textmine.classify.taxonomy import Taxonomy, load_taxonomy

Mode = Literal["auto", "trained", "zero_shot"]


def theme_columns(theme_ids: list[str], scores: np.ndarray) -> tuple[list[str], list[str]]:
    """Per row: assigned themes joined by ';' (score order) and a JSON object of every theme's score."""
    joined, as_json = [], []
    for row in scores:
        order = np.argsort(-row, kind="stable")
        joined.append(";".join(theme_ids[j] for j in order if row[j] >= 0.5))
        as_json.append(json.dumps({theme_ids[j]: round(float(row[j]), 3) for j in order}))
    return joined, as_json


class ThemeAnnotator:
    """Loads heads once; ``annotate(texts, vectors)`` gives themes, theme_scores, polarity, theme_mode."""

    def __init__(self, embedding_model_id: str, mode: Mode = "auto", heads_dir: Path = DEFAULT_HEADS,
                 taxonomy: Taxonomy | None = None) -> None:
        self.taxonomy = taxonomy or load_taxonomy()
        self.heads: Heads = load_heads(Path(heads_dir), embedding_model_id, self.taxonomy.version)
        self.mode = "trained" if mode == "auto" else mode

    def scores(self, texts: list[str], vectors: np.ndarray) -> np.ndarray:
        """Theme scores (rows x themes, 0.5 = threshold) in the annotator's mode."""
        if self.mode == "trained":
            return self.heads.themes.predict_scores(feature_frame(texts, vectors))
        return self.heads.zero_shot.predict_scores(vectors)

    def annotate(self, texts: list[str], vectors: np.ndarray) -> pd.DataFrame:
        """Columns ``themes``, ``theme_scores``, ``polarity``, ``theme_mode`` for each text, in input order."""
        if not texts:
            return pd.DataFrame(columns=["themes", "theme_scores", "polarity", "theme_mode"])
        themes, scores = theme_columns(self.heads.card.themes, self.scores(texts, vectors))
        polarity = self.heads.polarity.predict(feature_frame(texts, vectors))
        return pd.DataFrame({"themes": themes, "theme_scores": scores, "polarity": polarity,
                             "theme_mode": self.mode})
