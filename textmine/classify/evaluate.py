"""Cross-validated evaluation of the theme and polarity classifiers on real labelled text.

One labelled origin is evaluated at a time (``seed``: the report's quotes and their renderings; ``kzgov``:
real appeals to akimats in Kazakh and Russian). Its groups are split into folds (a quote and its renderings,
an appeal's two languages and every appeal with the same text stay together); each fold's heads train on
everything else — the other folds, the other real origins and the written comments — and predict the
held-out fold. Written comments are never evaluated. The trained mode, the zero-shot mode, the TF-IDF
baseline and the codebook lexicon alone are scored on the same folds; ``trained+uncertain`` adds the
best theme of complaints and suggestions left without one (see ``annotator.uncertain_rows``). Polarity:
the trained head (per fold) and the zero-shot polarity from the taxonomy's descriptions (no labels, so no
folds: :mod:`textmine.classify.zero_shot`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.metrics import accuracy_score, f1_score, precision_recall_fscore_support
from sklearn.model_selection import GroupKFold
from sklearn.preprocessing import MultiLabelBinarizer

from textmine.classify.annotator import assigned, uncertain_rows
from textmine.classify.features import feature_frame, lexicon_hits
from textmine.classify.labels import real_rows
from textmine.classify.lexicon import compiled, frozen
from textmine.classify.model import (
    PolarityClassifier,
    baseline_theme_classifier,
    with_margin,
    zero_shot_from_descriptions,
)
from textmine.classify.taxonomy import REQUIRED_THEMES, Taxonomy
from textmine.classify.train import trained_classifier
from textmine.classify.zero_shot import polarity_of

Embed = Callable[[list[str]], np.ndarray]
MODES = ("trained", "trained+uncertain", "zero_shot", "baseline", "lexicon")
EVALUATED = ("seed", "kzgov")


@dataclass
class Evaluation:
    """Out-of-fold predictions of each mode for the evaluated rows."""

    labelled: pd.DataFrame
    themes: list[str]
    truth: np.ndarray
    predictions: dict[str, np.ndarray]
    scores: dict[str, np.ndarray]
    polarity: dict[str, np.ndarray]  # "trained" (the head, out of fold), "zero_shot" (taxonomy descriptions)

    def _rows(self, variant: str | None) -> np.ndarray:
        return np.ones(len(self.labelled), bool) if variant is None else (self.labelled["variant"] == variant).to_numpy()

    def per_theme(self, mode: str, variant: str | None = None) -> pd.DataFrame:
        """Precision / recall / F1 / support per theme for one mode on one language variant (all if None)."""
        rows = self._rows(variant)
        p, r, f, s = precision_recall_fscore_support(self.truth[rows], self.predictions[mode][rows], zero_division=0)
        return pd.DataFrame({"precision": p, "recall": r, "f1": f, "support": s}, index=self.themes).round(3)

    def summary(self) -> pd.DataFrame:
        """Per mode and language variant: micro P/R/F1 over the required themes, macro-F1 over the themes
        present, and the share of comments with a required gold theme that got no theme at all."""
        required = [self.themes.index(t) for t in REQUIRED_THEMES]
        present = self.truth.sum(axis=0) > 0
        records = []
        for mode, predicted in self.predictions.items():
            for variant in self.labelled["variant"].unique():
                rows = self._rows(variant)
                truth, guess = self.truth[rows][:, required], predicted[rows][:, required]
                p, r, f, _ = precision_recall_fscore_support(truth, guess, average="micro", zero_division=0)
                needs = truth.any(axis=1)
                records.append({
                    "mode": mode, "variant": variant, "n": int(rows.sum()),
                    "micro_p_required": p, "micro_r_required": r, "micro_f1_required": f,
                    "macro_f1_all": f1_score(self.truth[rows][:, present], predicted[rows][:, present],
                                             average="macro", zero_division=0),
                    "no_theme_share": float((predicted[rows][needs].sum(axis=1) == 0).mean()) if needs.any() else 0.0,
                })
        return pd.DataFrame(records).round(3)

    def recall_of(self, theme: str, mode: str = "trained") -> pd.Series:
        """Recall of one theme per language variant."""
        j = self.themes.index(theme)
        out = {}
        for variant in self.labelled["variant"].unique():
            rows = self._rows(variant) & (self.truth[:, j] == 1)
            out[variant] = round(float(self.predictions[mode][rows, j].mean()), 3) if rows.any() else float("nan")
        return pd.Series(out, name=f"{theme} recall ({mode})")

    def polarity_summary(self, mode: str = "trained") -> pd.DataFrame:
        """Polarity accuracy and macro-F1 of ``mode`` (``trained`` or ``zero_shot``) per language variant and
        over all rows."""
        gold, predicted = self.labelled["polarity"].to_numpy(), self.polarity[mode]
        records = []
        for variant in [*self.labelled["variant"].unique(), None]:
            rows = self._rows(variant)
            records.append({"variant": variant or "all", "n": int(rows.sum()),
                            "accuracy": accuracy_score(gold[rows], predicted[rows]),
                            "macro_f1": f1_score(gold[rows], predicted[rows], average="macro", zero_division=0)})
        return pd.DataFrame(records).round(3)

    def top_themes(self, mode: str = "trained") -> list[str]:
        """Each row's main theme: its best-scoring assigned theme, or ``-`` when it has none."""
        scores, chosen = self.scores[mode], self.predictions[mode].astype(bool)
        masked = np.where(chosen, scores, -np.inf)
        return [self.themes[int(j)] if chosen[i].any() else "-" for i, j in enumerate(masked.argmax(axis=1))]

    def crosslingual(self, mode: str, variant: str, original: str) -> dict[str, float]:
        """Agreement of ``variant`` renderings with their ``original``-language text (same ``pair``):
        ``same_top_theme`` (main assigned theme equal, or both without a theme), the same restricted to pairs
        with a gold theme, and ``same_theme_set``."""
        frame = self.labelled.assign(top=self.top_themes(mode),
                                     chosen=[tuple(row) for row in self.predictions[mode]],
                                     gold=[bool(len(t)) for t in self.labelled["themes"]])
        a = frame[frame["variant"] == original].drop_duplicates("pair").set_index("pair")
        b = frame[frame["variant"] == variant].drop_duplicates("pair").set_index("pair")
        both = a.index.intersection(b.index)
        a, b = a.loc[both], b.loc[both]
        themed = a["gold"].to_numpy()
        same = a["top"].to_numpy() == b["top"].to_numpy()
        return {"n": len(both), "same_top_theme": round(float(same.mean()), 3),
                "same_top_theme_gold_themed": round(float(same[themed].mean()), 3) if themed.any() else float("nan"),
                "same_theme_set": round(float((a["chosen"].to_numpy() == b["chosen"].to_numpy()).mean()), 3)}


def lexicon_scores(texts: list[str], taxonomy: Taxonomy) -> np.ndarray:
    """The lexicon alone as a classifier: 1.0 for a theme with a hit (0.5 is the threshold), else 0."""
    lexicon = compiled(frozen(taxonomy.lexicon_data()))
    scores = np.zeros((len(texts), len(taxonomy.theme_ids)))
    for i, text in enumerate(texts):
        for theme in lexicon_hits(text, lexicon):
            scores[i, taxonomy.theme_ids.index(theme)] = 1.0
    return scores


def cross_validate(labelled: pd.DataFrame, vectors: np.ndarray, taxonomy: Taxonomy,
                   description_vectors: list[np.ndarray], polarity_descriptions: list[np.ndarray], folds: int = 5,
                   seed: int = 0, evaluate: str = "seed", progress: Callable[[str], None] | None = None,
                   **params: object) -> Evaluation:
    """Out-of-fold theme and polarity predictions for the rows of origin ``evaluate``, each fold trained on
    every other row (other folds, other origins, written comments); the zero-shot polarity from the vectors
    of each polarity's descriptions (``polarity_descriptions``, in taxonomy order)."""
    if evaluate not in EVALUATED:
        raise ValueError(f"cannot evaluate on {evaluate!r}: choose one of {', '.join(EVALUATED)} (written comments are training only)")
    labelled = labelled.reset_index(drop=True)
    evaluated = np.flatnonzero((labelled["origin"] == evaluate).to_numpy())
    if not len(evaluated):
        raise ValueError(f"no labelled rows of origin {evaluate!r}")
    others = np.flatnonzero((labelled["origin"] != evaluate).to_numpy())
    themes = taxonomy.theme_ids
    truth = MultiLabelBinarizer(classes=themes).fit_transform(labelled["themes"])
    X = feature_frame(labelled["text"].tolist(), vectors)
    scores = {mode: np.zeros((len(evaluated), len(themes))) for mode in MODES}
    polarity = np.empty(len(evaluated), dtype=object)
    margins = np.zeros((len(evaluated), len(themes)))
    real = real_rows(labelled)
    position = {row: k for k, row in enumerate(evaluated)}
    splitter = GroupKFold(n_splits=folds, shuffle=True, random_state=seed)
    for fold, (train_part, test_part) in enumerate(splitter.split(evaluated, groups=labelled["group"].iloc[evaluated])):
        train, test = np.concatenate([others, evaluated[train_part]]), evaluated[test_part]
        at = [position[row] for row in test]
        if progress:
            progress(f"fold {fold + 1}/{folds}: training on {len(train)} texts, testing {len(test)}")
        trained = trained_classifier(taxonomy, vectors.shape[1], **params).fit(
            X.iloc[train], truth[train], labelled["group"].to_numpy()[train], calibrate_on=real[train])
        scores["trained"][at] = trained.predict_scores(X.iloc[test])
        margins[at] = trained.theme_margins()
        zero_shot = zero_shot_from_descriptions(themes, description_vectors)
        zero_shot.calibrate(vectors[train], truth[train])
        scores["zero_shot"][at] = zero_shot.predict_scores(vectors[test])
        scores["baseline"][at] = baseline_theme_classifier().fit(X.iloc[train], truth[train]).predict_proba(X.iloc[test])
        polarity_head = PolarityClassifier(dim=vectors.shape[1]).fit(X.iloc[train], labelled["polarity"].iloc[train])
        polarity[at] = polarity_head.predict(X.iloc[test])
    scores["trained+uncertain"] = scores["trained"]
    scores["lexicon"] = lexicon_scores(labelled["text"].iloc[evaluated].tolist(), taxonomy)
    predictions = {mode: (scores[mode] >= 0.5).astype(int) for mode in MODES}
    predictions["trained"] = with_margin(scores["trained"], margins)
    predictions["trained+uncertain"] = assigned(scores["trained"], uncertain_rows(scores["trained"], polarity), margins)
    prototypes = zero_shot_from_descriptions(taxonomy.polarity_ids, polarity_descriptions)
    return Evaluation(labelled.iloc[evaluated].reset_index(drop=True), themes, truth[evaluated], predictions,
                      scores, {"trained": polarity, "zero_shot": polarity_of(prototypes, vectors[evaluated])})
