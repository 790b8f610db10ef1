"""Cross-validated evaluation of the theme and polarity classifiers on the labelled set.

Folds are grouped by original quote: a Kazakh quote and its Russian, letterless and code-switched
renderings are always held out together, so no model is tested on a translation of its training data.
The trained mode, the zero-shot mode and the TF-IDF baseline are scored on the same folds.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.metrics import accuracy_score, f1_score, precision_recall_fscore_support
from sklearn.model_selection import GroupKFold
from sklearn.preprocessing import MultiLabelBinarizer

from textmine.classify.features import feature_frame
from textmine.classify.model import (PolarityClassifier, TrainedThemeClassifier, ZeroShotThemeClassifier,
                                     baseline_theme_classifier)
from textmine.classify.taxonomy import REQUIRED_THEMES, Taxonomy

Embed = Callable[[list[str]], np.ndarray]


@dataclass
class Evaluation:
    """Out-of-fold predictions of each mode, with the labelled rows they belong to."""

    labelled: pd.DataFrame
    themes: list[str]
    truth: np.ndarray
    predictions: dict[str, np.ndarray]
    scores: dict[str, np.ndarray]
    polarity: np.ndarray

    def per_theme(self, mode: str, variant: str = "kk") -> pd.DataFrame:
        """Precision / recall / F1 / support per theme for one mode on one language variant."""
        rows = (self.labelled["variant"] == variant).to_numpy()
        p, r, f, s = precision_recall_fscore_support(self.truth[rows], self.predictions[mode][rows], zero_division=0)
        return pd.DataFrame({"precision": p, "recall": r, "f1": f, "support": s}, index=self.themes).round(3)

    def summary(self) -> pd.DataFrame:
        """Micro-F1 over the required themes and macro-F1 over all themes, per mode and language variant."""
        required = [self.themes.index(t) for t in REQUIRED_THEMES]
        present = self.truth.sum(axis=0) > 0
        records = []
        for mode, predicted in self.predictions.items():
            for variant in self.labelled["variant"].unique():
                rows = (self.labelled["variant"] == variant).to_numpy()
                records.append({
                    "mode": mode, "variant": variant, "n": int(rows.sum()),
                    "micro_f1_required": f1_score(self.truth[rows][:, required], predicted[rows][:, required],
                                                  average="micro", zero_division=0),
                    "macro_f1_all": f1_score(self.truth[rows][:, present], predicted[rows][:, present],
                                             average="macro", zero_division=0),
                    "micro_f1_all": f1_score(self.truth[rows], predicted[rows], average="micro", zero_division=0),
                })
        return pd.DataFrame(records).round(3)

    def polarity_summary(self) -> pd.DataFrame:
        """Polarity accuracy and macro-F1 per language variant."""
        gold = self.labelled["polarity"].to_numpy()
        records = []
        for variant in self.labelled["variant"].unique():
            rows = (self.labelled["variant"] == variant).to_numpy()
            records.append({"variant": variant, "n": int(rows.sum()),
                            "accuracy": accuracy_score(gold[rows], self.polarity[rows]),
                            "macro_f1": f1_score(gold[rows], self.polarity[rows], average="macro", zero_division=0)})
        return pd.DataFrame(records).round(3)

    def crosslingual(self, mode: str = "trained", variant: str = "ru") -> dict[str, float]:
        """Share of renderings whose top-scored theme equals that of their Kazakh original (both predicted),
        and share whose top theme is among the original's gold themes."""
        frame = self.labelled.assign(top=[self.themes[i] for i in self.scores[mode].argmax(axis=1)])
        originals = frame[frame["variant"] == "kk"].set_index("group")
        renderings = frame[(frame["variant"] == variant) & frame["group"].isin(originals.index)]
        labelled = renderings[renderings["group"].map(lambda g: len(originals.loc[g, "themes"]) > 0)]
        same_top = (renderings["top"].to_numpy() == originals.loc[renderings["group"], "top"].to_numpy()).mean()
        in_gold = np.mean([top in originals.loc[g, "themes"] for top, g in zip(labelled["top"], labelled["group"])])
        return {"n": len(renderings), "same_top_theme": round(float(same_top), 3),
                "top_theme_in_original_gold": round(float(in_gold), 3)}


def cross_validate(labelled: pd.DataFrame, vectors: np.ndarray, taxonomy: Taxonomy,
                   description_vectors: list[np.ndarray], folds: int = 5, seed: int = 0) -> Evaluation:
    """Out-of-fold theme and polarity predictions for the trained, zero-shot and baseline modes."""
    themes = taxonomy.theme_ids
    truth = MultiLabelBinarizer(classes=themes).fit_transform(labelled["themes"])
    X = feature_frame(labelled["text"].tolist(), vectors)
    modes = ("trained", "zero_shot", "baseline")
    predictions = {mode: np.zeros_like(truth) for mode in modes}
    scores = {mode: np.zeros(truth.shape, dtype=float) for mode in modes}
    polarity = np.empty(len(labelled), dtype=object)
    splitter = GroupKFold(n_splits=folds, shuffle=True, random_state=seed)
    for train, test in splitter.split(X, truth, groups=labelled["group"]):
        trained = TrainedThemeClassifier(themes=tuple(themes), dim=vectors.shape[1]).fit(X.iloc[train], truth[train])
        scores["trained"][test] = trained.predict_scores(X.iloc[test])
        zero_shot = ZeroShotThemeClassifier().fit_prototypes(themes, description_vectors)
        zero_shot.calibrate(vectors[train], truth[train])
        scores["zero_shot"][test] = zero_shot.predict_scores(vectors[test])
        baseline = baseline_theme_classifier().fit(X.iloc[train], truth[train])
        scores["baseline"][test] = baseline.predict_proba(X.iloc[test])
        polarity_head = PolarityClassifier(dim=vectors.shape[1]).fit(X.iloc[train], labelled["polarity"].iloc[train])
        polarity[test] = polarity_head.predict(X.iloc[test])
    for mode in modes:
        predictions[mode] = (scores[mode] >= 0.5).astype(int)
    return Evaluation(labelled.reset_index(drop=True), themes, truth, predictions, scores, polarity)
