"""Theme and polarity classifiers, scikit-learn style (params in ``__init__``, state in ``*_`` attributes).

Both theme classifiers emit a score in [0, 1] per theme on one scale: **a score of 0.5 is the theme's
calibrated decision threshold**, so ``score >= 0.5`` means "assigned" in either mode and the app can
sort and threshold without knowing which mode produced it.

- ``TrainedThemeClassifier``: one logistic-regression head per theme over character n-grams plus the
  sentence embedding; per-theme thresholds chosen by inner cross-validation to maximise F1, and a
  **margin**: a theme over its threshold is assigned only when its score is within ``margin_`` of the
  row's best score (heads trained on multi-theme written comments otherwise give a real one-topic
  complaint two or three themes). The margin is chosen on the same inner predictions, on real rows only;
  themes in ``margin_exempt`` are never dropped by it.
- ``ZeroShotThemeClassifier``: cosine between the comment and the taxonomy's own definitions and example
  phrases (no labelled comments needed); raw similarities are mapped to probabilities by one-dimensional
  logistic calibration and thresholded per theme, both fitted on whatever labelled data is at hand (or set
  to one scale for all themes without any, :mod:`textmine.classify.zero_shot`). Its similarities also give
  the zero-shot polarity there.
- ``PolarityClassifier``: complaint / praise / suggestion / neutral, a multinomial head on the same features.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold, KFold, cross_val_predict
from sklearn.multiclass import OneVsRestClassifier
from sklearn.pipeline import Pipeline
from sklearn.utils import Tags
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data

from textmine.classify.features import chars_only, drop_pruned_terms, text_and_meaning

_THRESHOLD_GRID = np.linspace(0.05, 0.95, 91)
MARGIN_GRID = (0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5, 1.0)  # 1.0: every theme over its threshold


def best_thresholds(y_true: np.ndarray, probabilities: np.ndarray) -> np.ndarray:
    """Per column, the probability threshold that maximises F1 (0.5 for a column with no positives)."""
    thresholds = np.full(y_true.shape[1], 0.5)
    for j in range(y_true.shape[1]):
        positives = y_true[:, j].astype(bool)
        if not positives.any():
            continue
        predicted = probabilities[:, j][:, None] >= _THRESHOLD_GRID[None, :]
        tp = (predicted & positives[:, None]).sum(axis=0)
        f1 = 2 * tp / (predicted.sum(axis=0) + positives.sum())
        thresholds[j] = _THRESHOLD_GRID[int(np.argmax(f1))]
    return thresholds


def rescale_to_threshold(probabilities: np.ndarray, thresholds: np.ndarray) -> np.ndarray:
    """Monotone piecewise-linear map sending each column's threshold to 0.5 (and 0 -> 0, 1 -> 1)."""
    p = np.clip(probabilities, 0.0, 1.0)
    t = np.clip(thresholds, 1e-6, 1 - 1e-6)
    return np.where(p < t, 0.5 * p / t, 0.5 + 0.5 * (p - t) / (1 - t))


def with_margin(scores: np.ndarray, margin: float | np.ndarray) -> np.ndarray:
    """0/1 matrix: scores at or over 0.5 that are also within ``margin`` of their row's best score
    (``margin``: one for all; a column, one per row; a row, one per theme; or a matrix)."""
    if scores.size == 0:
        return np.zeros(scores.shape, dtype=int)
    best = scores.max(axis=1, keepdims=True)
    return ((scores >= 0.5) & (scores >= best - margin)).astype(int)


def best_margin(y_true: np.ndarray, scores: np.ndarray, columns: list[int] | None = None) -> float:
    """The margin of :data:`MARGIN_GRID` with the best micro-F1 over ``columns`` (all when None); on a tie
    the widest, which drops the fewest themes."""
    columns = list(range(y_true.shape[1])) if columns is None else columns
    truth = np.asarray(y_true)[:, columns].astype(bool)
    best, best_f1 = MARGIN_GRID[-1], -1.0
    for margin in MARGIN_GRID:
        predicted = with_margin(scores, margin)[:, columns].astype(bool)
        tp = (predicted & truth).sum()
        f1 = 2 * tp / max(predicted.sum() + truth.sum(), 1)
        if f1 >= best_f1:
            best, best_f1 = margin, f1
    return float(best)


def theme_heads(C: float = 8.0, random_state: int = 0) -> OneVsRestClassifier:
    """The trained heads' learner: one class-balanced logistic regression per theme."""
    return OneVsRestClassifier(LogisticRegression(C=C, class_weight="balanced", max_iter=3000, solver="liblinear",
                                                  random_state=random_state))


class TrainedThemeClassifier(ClassifierMixin, BaseEstimator):
    """Multi-label theme heads trained on analyst-labelled comments."""

    def __init__(self, themes: tuple[str, ...] = (), dim: int = 384, embedding_weight: float = 2.0,
                 C: float = 8.0, inner_folds: int = 3, random_state: int = 0,
                 lexicon: dict[str, dict[str, list[str]]] | None = None, lexicon_weight: float = 1.0,
                 word_weight: float = 1.0, margin_themes: tuple[str, ...] | None = None,
                 margin_exempt: tuple[str, ...] = ()) -> None:
        self.themes = themes
        self.dim = dim
        self.embedding_weight = embedding_weight
        self.C = C
        self.inner_folds = inner_folds
        self.random_state = random_state
        self.lexicon = lexicon
        self.lexicon_weight = lexicon_weight
        self.word_weight = word_weight
        self.margin_themes = margin_themes
        self.margin_exempt = margin_exempt

    def __sklearn_tags__(self) -> Tags:
        """Input is a feature frame (text column plus vector columns), not a numeric 2-D array."""
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array, tags.input_tags.string = False, True
        return tags

    def _pipeline(self) -> Pipeline:
        features = text_and_meaning(self.dim, self.embedding_weight, lexicon=self.lexicon,
                                    lexicon_weight=self.lexicon_weight, word_weight=self.word_weight)
        return Pipeline([("features", features), ("heads", theme_heads(self.C, self.random_state))])

    def fit(self, X: pd.DataFrame, Y: np.ndarray, groups: np.ndarray | None = None,
            calibrate_on: np.ndarray | None = None) -> TrainedThemeClassifier:
        """Fit the heads on feature frame ``X`` and 0/1 matrix ``Y`` (rows x themes). Thresholds come from an
        inner cross-validation; ``groups`` (a text and its translations, duplicates) keeps related rows in
        one inner fold, so thresholds are not tuned on probabilities of texts seen in translation. The
        margin is chosen on the inner predictions of the rows in boolean mask ``calibrate_on`` (default: all;
        give the real comments, so written ones do not decide how many themes a real comment gets),
        micro-F1 over ``margin_themes`` (default: all themes)."""
        Y = np.asarray(Y, dtype=int)
        if groups is None:
            folds = KFold(self.inner_folds, shuffle=True, random_state=self.random_state).split(X)
        else:
            folds = GroupKFold(self.inner_folds, shuffle=True, random_state=self.random_state).split(X, groups=groups)
        inner = cross_val_predict(self._pipeline(), X, Y, cv=list(folds), method="predict_proba")
        self.thresholds_ = best_thresholds(Y, inner)
        rows = np.ones(len(Y), dtype=bool) if calibrate_on is None else np.asarray(calibrate_on, dtype=bool)
        columns = None if self.margin_themes is None else [list(self.themes).index(t) for t in self.margin_themes]
        self.margin_ = best_margin(Y[rows], rescale_to_threshold(inner[rows], self.thresholds_), columns)
        self.pipeline_ = self._pipeline().fit(X, Y)
        drop_pruned_terms(self.pipeline_.named_steps["features"])
        self.classes_ = np.array(self.themes)
        return self

    def predict_scores(self, X: pd.DataFrame) -> np.ndarray:
        """Scores in [0, 1] per theme, 0.5 at each theme's threshold."""
        check_is_fitted(self)
        return rescale_to_threshold(self.pipeline_.predict_proba(X), self.thresholds_)

    def theme_margins(self) -> np.ndarray:
        """Each theme's margin: ``margin_``, or none (inf) for the themes in ``margin_exempt``."""
        check_is_fitted(self)
        exempt = getattr(self, "margin_exempt", ())
        return np.array([np.inf if theme in exempt else self.margin_ for theme in self.themes])

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        """0/1 matrix of assigned themes: over the threshold and within the margin of the row's best."""
        return with_margin(self.predict_scores(X), self.theme_margins())

    def use_lexicon(self, lexicon: dict[str, dict[str, list[str]]]) -> None:
        """Match an edited lexicon (same themes) from now on, without retraining."""
        if not self.lexicon:
            return
        self.lexicon = lexicon
        self.pipeline_.named_steps["features"].named_transformers_["lexicon"].lexicon = lexicon

    def term_contributions(self, texts: list[str], block_name: str = "lemmas") -> tuple[sparse.csr_matrix, np.ndarray, list[str]]:
        """What each text's terms of one TF-IDF block (``lemmas`` or ``words``) add to each theme's decision:
        the texts' TF-IDF (texts x terms), the heads' weights on those terms (themes x terms, block weight
        included) and the terms; an empty result when the heads have no such block."""
        features = self.pipeline_.named_steps["features"]
        if block_name not in features.named_transformers_:
            return sparse.csr_matrix((len(texts), 0)), np.zeros((len(self.themes), 0)), []
        vectoriser = features.named_transformers_[block_name]
        block = features.output_indices_[block_name]
        size = block.stop - block.start
        weights = np.vstack([estimator.coef_[0, block] if hasattr(estimator, "coef_") else np.zeros(size)
                             for estimator in self.pipeline_.named_steps["heads"].estimators_])  # constant head: no weights
        weights = weights * features.transformer_weights.get(block_name, 1.0)
        return vectoriser.transform(texts).tocsr(), weights, list(vectoriser.get_feature_names_out())


class ZeroShotThemeClassifier(ClassifierMixin, BaseEstimator):
    """Themes from the taxonomy alone: similarity of a comment to each theme's descriptions.

    ``fit(X, y)`` learns from description vectors ``X`` (rows: a theme's definitions and example phrases) and
    their theme ids ``y``; ``themes`` fixes the order of the themes (``classes_``; default: sorted ids).
    ``calibrate`` then fits the score scale on labelled comments; uncalibrated, the raw similarity goes
    through a logistic with slope 1."""

    def __init__(self, themes: tuple[str, ...] = (), top_k: int = 3) -> None:
        self.themes = themes
        self.top_k = top_k

    def fit(self, X: np.ndarray, y: np.ndarray) -> ZeroShotThemeClassifier:
        """Remember each theme's description vectors (rows of ``X`` whose label in ``y`` is the theme)."""
        X, y = validate_data(self, X, y, dtype=[np.float32, np.float64])
        check_classification_targets(y)
        classes = np.array(self.themes) if len(self.themes) else np.unique(y)
        unknown = sorted(set(np.unique(y).tolist()) - set(classes.tolist()))
        missing = [theme for theme in classes if not np.any(y == theme)]
        if unknown or missing:
            raise ValueError(f"labels outside themes: {unknown}; themes without a description: {missing}")
        self.classes_ = classes
        self.prototypes_ = [X[y == theme].astype(np.float32) for theme in classes]
        self.centre_ = X.mean(axis=0).astype(np.float32)
        self.slopes_ = np.ones(len(classes))
        self.intercepts_ = np.zeros(len(classes))
        self.thresholds_ = np.full(len(classes), 0.5)
        return self

    def similarities(self, vectors: np.ndarray) -> np.ndarray:
        """Mean of the ``top_k`` cosines to each theme's descriptions, after removing the common direction."""
        check_is_fitted(self)
        vectors = validate_data(self, vectors, reset=False, dtype=[np.float32, np.float64])

        def centred(m: np.ndarray) -> np.ndarray:
            m = m - self.centre_
            return m / np.maximum(np.linalg.norm(m, axis=1, keepdims=True), 1e-9)

        comments = centred(np.asarray(vectors, dtype=np.float32))
        columns = []
        for prototype in self.prototypes_:
            cosines = comments @ centred(prototype).T
            k = min(self.top_k, cosines.shape[1])
            columns.append(np.sort(cosines, axis=1)[:, -k:].mean(axis=1))
        return np.column_stack(columns)

    def calibrate(self, vectors: np.ndarray, Y: np.ndarray) -> ZeroShotThemeClassifier:
        """Fit per-theme logistic calibration and F1-optimal thresholds on labelled comments."""
        similarities = self.similarities(vectors)
        Y = np.asarray(Y, dtype=int)
        probabilities = np.zeros_like(similarities)
        for j in range(similarities.shape[1]):
            if Y[:, j].min() == Y[:, j].max():
                continue
            scaler = LogisticRegression(C=100.0).fit(similarities[:, [j]], Y[:, j])
            self.slopes_[j], self.intercepts_[j] = scaler.coef_[0, 0], scaler.intercept_[0]
            probabilities[:, j] = scaler.predict_proba(similarities[:, [j]])[:, 1]
        self.thresholds_ = best_thresholds(Y, probabilities)
        return self

    def uncalibrated(self, slope: float, similarity: float) -> ZeroShotThemeClassifier:
        """Without labelled comments: one score scale for every theme, a logistic of slope ``slope`` that
        reaches the threshold (0.5) at the similarity ``similarity``."""
        check_is_fitted(self)
        self.slopes_ = np.full(len(self.classes_), float(slope))
        self.intercepts_ = np.full(len(self.classes_), -float(slope) * similarity)
        self.thresholds_ = np.full(len(self.classes_), 0.5)
        return self

    def predict_scores(self, vectors: np.ndarray) -> np.ndarray:
        """Scores in [0, 1] per theme, 0.5 at each theme's threshold."""
        logits = self.similarities(vectors) * self.slopes_ + self.intercepts_
        return rescale_to_threshold(1.0 / (1.0 + np.exp(-logits)), self.thresholds_)

    def predict(self, vectors: np.ndarray) -> np.ndarray:
        """The best-scoring theme per row (``predict_scores`` gives every theme's score)."""
        best = np.argmax(self.predict_scores(vectors), axis=1)
        return self.classes_[best]


def zero_shot_from_descriptions(theme_ids: list[str], description_vectors: list[np.ndarray]) -> ZeroShotThemeClassifier:
    """A zero-shot classifier fitted on each theme's description vectors (``description_vectors[i]``: rows
    describing ``theme_ids[i]``), themes in that order."""
    X = np.vstack(description_vectors)
    y = np.repeat(np.array(theme_ids, dtype=object), [len(v) for v in description_vectors])
    return ZeroShotThemeClassifier(themes=tuple(theme_ids)).fit(X, y)


class PolarityClassifier(ClassifierMixin, BaseEstimator):
    """Complaint / praise / suggestion / neutral from text and embedding."""

    def __init__(self, dim: int = 384, embedding_weight: float = 2.0, C: float = 8.0) -> None:
        self.dim = dim
        self.embedding_weight = embedding_weight
        self.C = C

    def __sklearn_tags__(self) -> Tags:
        """Input is a feature frame (text column plus vector columns), not a numeric 2-D array."""
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array, tags.input_tags.string = False, True
        return tags

    def fit(self, X: pd.DataFrame, y: np.ndarray) -> PolarityClassifier:
        """Fit on feature frame ``X`` and polarity ids ``y``."""
        head = LogisticRegression(C=self.C, class_weight="balanced", max_iter=3000)
        self.pipeline_ = Pipeline([("features", text_and_meaning(self.dim, self.embedding_weight)), ("head", head)])
        self.pipeline_.fit(X, np.asarray(y))
        drop_pruned_terms(self.pipeline_.named_steps["features"])
        self.classes_ = self.pipeline_.classes_
        return self

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        """Class probabilities in ``classes_`` order."""
        check_is_fitted(self)
        return self.pipeline_.predict_proba(X)

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        """The most probable polarity per row."""
        check_is_fitted(self)
        return self.pipeline_.predict(X)


def baseline_theme_classifier() -> Pipeline:
    """The reference baseline: raw character 2-5-gram TF-IDF + one logistic regression per theme."""
    return Pipeline([("features", chars_only()),
                     ("heads", OneVsRestClassifier(LogisticRegression(C=8.0, class_weight="balanced", max_iter=3000,
                                                                        solver="liblinear")))])

