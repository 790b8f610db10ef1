"""Assign themes, scores, evidence and polarity to comments with the shipped (or retrained) heads.

Modes: ``trained`` uses the theme heads trained on labelled comments; ``zero_shot`` uses similarity to
the taxonomy's definitions and examples. ``auto`` is ``trained`` (heads fitted for this embedding model and
taxonomy must exist). Polarity comes from the polarity head. ``zero_shot`` uses the heads folder's calibrated
thresholds and polarity head when they fit; without usable heads it needs only the embedder and the
taxonomy: uncalibrated thresholds and polarity from the taxonomy's polarity descriptions
(:mod:`textmine.classify.zero_shot`), said in a one-line notice (logged as a warning, kept in ``notice``).

A theme is assigned when its score is at or over 0.5 and within the heads' margin of the comment's best
score (:func:`textmine.classify.model.with_margin`; zero-shot and older heads: no margin).

No silent empties: a complaint or suggestion with no theme over its threshold gets its best theme when
that theme's score clears :data:`UNCERTAIN_FLOOR`, flagged ``theme_uncertain`` (the review page shows
these first). Every assigned theme carries evidence: the codebook-lexicon words found in the text, or
else the text's lemmas that raised the theme's score most.
"""

from __future__ import annotations

import json
import logging
from concurrent.futures import Future
from pathlib import Path

import numpy as np
import pandas as pd

from textmine.background import in_background
from textmine.classify.evidence import theme_evidence
from textmine.classify.features import feature_frame
from textmine.classify.mode import Mode
from textmine.classify.model import with_margin
from textmine.classify.persist import Heads, HeadsCard, HeadsMismatch, default_heads_dir, load_head_files, read_card
from textmine.classify.taxonomy import Taxonomy, load_taxonomy
from textmine.classify.zero_shot import TaxonomyPrototypes, taxonomy_prototypes
from textmine.embed.base import Embedder

log = logging.getLogger(__name__)

COLUMNS = ["themes", "theme_scores", "theme_uncertain", "theme_evidence", "polarity", "theme_mode"]
UNCERTAIN_FLOOR = 0.25  # on the score scale (0.5 = threshold): half the theme's threshold probability
NEEDS_A_THEME = ("complaint", "suggestion")


def theme_columns(theme_ids: list[str], scores: np.ndarray,
                  chosen: np.ndarray | None = None) -> tuple[list[str], list[str]]:
    """Per row: the ``chosen`` themes (default: scores at or over 0.5) joined by ';' in score order, and a
    JSON object of every theme's score."""
    chosen = scores >= 0.5 if chosen is None else np.asarray(chosen, dtype=bool)
    joined, as_json = [], []
    for row, picked in zip(scores, chosen, strict=True):
        order = np.argsort(-row, kind="stable")
        joined.append(";".join(theme_ids[j] for j in order if picked[j]))
        as_json.append(json.dumps({theme_ids[j]: round(float(row[j]), 3) for j in order}))
    return joined, as_json


def uncertain_rows(scores: np.ndarray, polarity: np.ndarray, floor: float = UNCERTAIN_FLOOR) -> np.ndarray:
    """Rows that get their best theme as an uncertain one: a complaint or suggestion with no theme at or
    over the threshold whose best score is at least ``floor``."""
    if scores.size == 0:
        return np.zeros(len(scores), dtype=bool)
    best = scores.max(axis=1)
    return np.isin(polarity, NEEDS_A_THEME) & (best < 0.5) & (best >= floor)


def assigned(scores: np.ndarray, uncertain: np.ndarray, margin: float | np.ndarray = np.inf) -> np.ndarray:
    """0/1 matrix of assigned themes: scores at or over 0.5 within ``margin`` of the row's best, plus each
    uncertain row's best theme."""
    chosen = with_margin(scores, margin).astype(bool)
    rows = np.flatnonzero(uncertain)
    chosen[rows, scores[rows].argmax(axis=1)] = True
    return chosen.astype(int)


class ThemeAnnotator:
    """Loads heads once (or, in zero-shot mode without usable heads, builds prototypes from the taxonomy);
    ``annotate(texts, vectors)`` gives the :data:`COLUMNS` per text. With ``background`` the heads' files (seconds)
    load in a thread while the caller goes on (a chunked run ingests and embeds meanwhile); their card is read
    and checked at once, and the first use of :attr:`heads` waits for the rest."""

    def __init__(self, embedder: Embedder, mode: Mode | str = Mode.auto, heads_dir: Path | None = None,
                 taxonomy: Taxonomy | None = None, background: bool = False) -> None:
        mode = Mode.parse(mode)
        self.taxonomy = taxonomy or load_taxonomy()
        self.mode = Mode.trained.value if mode is Mode.auto else mode.value
        self.notice: str | None = None
        self.prototypes: TaxonomyPrototypes | None = None
        folder = Path(heads_dir or default_heads_dir())
        self._heads: Heads | None = None
        self._loading: Future[Heads] | None = None
        try:
            self.card: HeadsCard | None = read_card(folder, embedder.model_id, self.taxonomy.version)
            if background:
                self._loading = in_background("textmine-heads", self._load, folder, self.card)
            else:
                self._heads = self._load(folder, self.card)
        except HeadsMismatch as error:
            if mode is not Mode.zero_shot:
                raise
            self.card = None
            self.notice = (f"zero-shot from the taxonomy alone (uncalibrated theme thresholds, polarity from the "
                           f"taxonomy's descriptions): {error}")
            log.warning(self.notice)
            self.prototypes = taxonomy_prototypes(embedder, self.taxonomy)

    def _load(self, folder: Path, card: HeadsCard) -> Heads:
        heads = load_head_files(folder, card)
        heads.themes.use_lexicon(self.taxonomy.lexicon_data())
        return heads

    @property
    def heads(self) -> Heads | None:
        """The trained heads (``None`` in zero-shot mode without them), waiting for a background load to end."""
        if self._loading is not None:
            self._heads, self._loading = self._loading.result(), None
        return self._heads

    @property
    def theme_ids(self) -> list[str]:
        """The themes scored, in score-column order."""
        return self.heads.card.themes if self.heads is not None else self.taxonomy.theme_ids

    @property
    def margin(self) -> float | np.ndarray:
        """How far under the row's best score an assigned theme may be: the trained heads' margin per theme,
        or no limit (zero-shot, heads fitted before margins)."""
        if self.heads is None or self.mode != "trained" or not hasattr(self.heads.themes, "margin_"):
            return np.inf
        return self.heads.themes.theme_margins()

    def scores(self, texts: list[str], vectors: np.ndarray) -> np.ndarray:
        """Theme scores (rows x themes, 0.5 = threshold) in the annotator's mode."""
        if self.heads is None:
            return self.prototypes.themes.predict_scores(vectors)
        if self.mode == "trained":
            return self.heads.themes.predict_scores(feature_frame(texts, vectors))
        return self.heads.zero_shot.predict_scores(vectors)

    def polarity(self, texts: list[str], vectors: np.ndarray) -> np.ndarray:
        """Each text's polarity: the polarity head's, or the taxonomy prototypes' without heads."""
        if self.heads is None:
            return self.prototypes.polarity(vectors)
        return self.heads.polarity.predict(feature_frame(texts, vectors))

    def annotate(self, texts: list[str], vectors: np.ndarray) -> pd.DataFrame:
        """The :data:`COLUMNS` for each text, in input order."""
        if not texts:
            return pd.DataFrame(columns=COLUMNS)
        scores = self.scores(texts, vectors)
        polarity = self.polarity(texts, vectors)
        uncertain = uncertain_rows(scores, polarity)
        chosen = assigned(scores, uncertain, self.margin)
        themes, as_json = theme_columns(self.theme_ids, scores, chosen)
        evidence = theme_evidence(texts, chosen, self.theme_ids, self.taxonomy.lexicon_data(),
                                  self.heads.themes if self.mode == "trained" else None, scores)
        return pd.DataFrame({"themes": themes, "theme_scores": as_json,
                             "theme_uncertain": uncertain, "theme_evidence": evidence,
                             "polarity": polarity, "theme_mode": self.mode})
