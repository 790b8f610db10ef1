"""Which changes to the theme heads move the cross-validated micro-F1 on a real set? A lever harness.

    .venv/bin/python bench/theme_levers.py [--set kzgov|seed] [--outer-seed 0]
        [--levers shipped,query_prefix,C=3,embedding_weight=3,mlp_blend,knn_blend,thresholds_on_real]
    .venv/bin/python bench/theme_levers.py --levers set_share=0,set_share=0.25,set_share=0.5,shipped

Same folds as ``textmine eval themes`` (``GroupKFold(5, shuffle=True, random_state=outer seed)`` over the set's
groups; every fold trains on all other rows, written comments included, never scored), the shipped features
(:func:`textmine.classify.features.text_and_meaning` with the codebook lexicon) and the shipped head recipe:
one-vs-rest logistic regression, per-theme F1-best thresholds and the margin from a grouped inner 3-fold
cross-validation (margin on real rows only, corruption exempt). Unlike ``textmine eval themes`` the vectorisers
are fitted once on all rows (vocabulary and idf only, no labels), so every lever is scored on one feature
matrix and a blend reuses the out-of-fold probabilities of its parts; its ``shipped`` row differs from
``textmine eval`` by about 0.005. A difference under ~0.01 between levers is within the spread over outer
seeds (docs/themes.md). Levers:

- ``shipped``: the heads as trained today (C 8, embedding weight 2);
- ``C=x`` / ``embedding_weight=x``: one hyper-parameter changed;
- ``query_prefix``: the comments embedded with e5's ``query:`` prefix (its card advises it for features)
  instead of ``passage:``;
- ``mlp_blend``: 0.2 × a one-hidden-layer network (256 units) on the vector and the lexicon counts, blended
  with 0.8 × the shipped heads' probabilities before thresholds;
- ``knn_blend``: the same with a distance-weighted vote of the 15 nearest comments (cosine of the vectors);
- ``thresholds_on_real``: thresholds chosen on the real training rows only (not the written ones);
- ``set_share=x``: a learning curve point: each fold trains on only a share x of the set's own training groups
  (one seeded order of them per fold, so a smaller share's groups are within a larger one's), the other origins
  all kept; scored on the same test folds.

Prints, per language variant, micro-F1 over the required themes and the share of comments with a required
gold theme given no theme (``Evaluation.summary``, as ``textmine eval themes``). Embeds what the store's vector cache lacks, as ``textmine eval`` does.
"""

from __future__ import annotations

import argparse
import copy
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.model_selection import GroupKFold
from sklearn.neighbors import KNeighborsClassifier
from sklearn.neural_network import MLPClassifier
from sklearn.preprocessing import MultiLabelBinarizer
from tqdm import tqdm

from textmine.classify.evaluate import Evaluation
from textmine.classify.model import best_margin, best_thresholds, rescale_to_threshold, theme_heads, with_margin
from textmine.classify.taxonomy import REQUIRED_THEMES
from textmine.classify.train import MARGIN_EXEMPT

Predictor = Callable[[np.ndarray], np.ndarray]
Factory = Callable[[np.ndarray], Predictor]
OutOfFold = list[tuple[np.ndarray, np.ndarray]]  # per outer fold: inner predictions, test predictions
BLEND_SHARE = 0.2
DEFAULT_LEVERS = "shipped,query_prefix,C=3,embedding_weight=3,mlp_blend,knn_blend,thresholds_on_real"


@dataclass
class Data:
    """The labelled rows, their 0/1 themes, the shipped feature matrix and its parts."""

    labelled: pd.DataFrame
    truth: np.ndarray
    themes: list[str]
    features: sparse.csr_matrix
    embedding_weight: float  # the vector block's weight in ``features``
    query_features: sparse.csr_matrix | None  # the same with ``query:`` vectors, when asked for
    vectors: np.ndarray
    lexicon_counts: np.ndarray


def load(with_query: bool) -> Data:
    """Labels, vectors (through the store's cache) and the shipped features fitted once on all rows; the same
    features over ``query:`` vectors too when ``with_query``."""
    from textmine.classify.codebook import current_labels
    from textmine.classify.features import feature_frame, text_and_meaning
    from textmine.classify.labels import load_labelled
    from textmine.classify.taxonomy import load_taxonomy
    from textmine.embed import default_embedder
    from textmine.embed.cache import embed_with_cache
    from textmine.store import Store

    taxonomy = load_taxonomy()
    labelled = current_labels(load_labelled(), taxonomy).reset_index(drop=True)
    embedder = default_embedder()
    texts = labelled["text"].tolist()
    with Store() as store:
        passage = embed_with_cache(store, embedder, texts)
        query = embed_with_cache(store, embedder, texts, kind="query") if with_query else None
    blocks = text_and_meaning(passage.shape[1], lexicon=taxonomy.lexicon_data())
    features = blocks.fit_transform(feature_frame(texts, passage)).tocsr()
    query_features = None if query is None else blocks.transform(feature_frame(texts, query)).tocsr()
    lexicon_counts = blocks.named_transformers_["lexicon"].transform(labelled[["text"]]).toarray()
    truth = MultiLabelBinarizer(classes=taxonomy.theme_ids).fit_transform(labelled["themes"])
    return Data(labelled, truth, list(taxonomy.theme_ids), features, blocks.transformer_weights["meaning"],
                query_features, passage, lexicon_counts)


def logistic(features: sparse.csr_matrix, truth: np.ndarray, C: float = 8.0) -> Factory:
    """The shipped heads' learner on ``features``."""
    def fit(rows: np.ndarray) -> Predictor:
        heads = theme_heads(C).fit(features[rows], truth[rows])
        return lambda test: heads.predict_proba(features[test])
    return fit


def network(data: Data) -> Factory:
    """One hidden layer of 256 units over the vector and the lexicon counts, multi-label sigmoid outputs."""
    inputs = np.hstack([data.vectors, data.lexicon_counts]).astype(np.float32)
    def fit(rows: np.ndarray) -> Predictor:
        model = MLPClassifier((256,), alpha=1e-3, max_iter=60, random_state=0).fit(inputs[rows], data.truth[rows])
        return lambda test: model.predict_proba(inputs[test])
    return fit


def neighbours(data: Data) -> Factory:
    """Distance-weighted vote of the 15 nearest training comments, cosine of the vectors."""
    def fit(rows: np.ndarray) -> Predictor:
        model = KNeighborsClassifier(15, weights="distance", metric="cosine").fit(data.vectors[rows], data.truth[rows])
        def predict(test: np.ndarray) -> np.ndarray:
            per_theme = model.predict_proba(data.vectors[test])
            return np.column_stack([p[:, list(c).index(1)] if 1 in c else np.zeros(len(test))
                                    for p, c in zip(per_theme, model.classes_, strict=True)])
        return predict
    return fit


def with_embedding_weight(data: Data, weight: float) -> sparse.csr_matrix:
    """The shipped features with the vector block (the last columns) re-weighted."""
    scale = np.ones(data.features.shape[1])
    scale[-data.vectors.shape[1]:] = weight / data.embedding_weight
    return (data.features @ sparse.diags(scale)).tocsr()


class Harness:
    """Out-of-fold probabilities per learner on the set's outer folds, and the shipped decision rule over them."""

    def __init__(self, data: Data, evaluate: str, outer_seed: int) -> None:
        self.data = data
        origin = data.labelled["origin"].to_numpy()
        scored, others = np.flatnonzero(origin == evaluate), np.flatnonzero(origin != evaluate)
        if not len(scored):
            raise SystemExit(f"no labelled rows of origin {evaluate!r}")
        groups = data.labelled["group"].to_numpy()
        splitter = GroupKFold(5, shuffle=True, random_state=outer_seed)
        self.folds = [(np.concatenate([others, scored[train]]), scored[test])
                      for train, test in splitter.split(scored, groups=groups[scored])]
        self.groups = groups
        self.real = origin != "written"
        self.scored_origin = origin == evaluate
        self._cache: dict[str, OutOfFold] = {}

    def thinned(self, share: float) -> Harness:
        """The same test folds, each fold's training rows keeping only ``share`` of the set's own groups (a seeded
        draw) and every row of the other origins."""
        if not 0 <= share <= 1:
            raise SystemExit(f"set_share must be between 0 and 1, got {share}")
        thinned = copy.copy(self)
        thinned.folds = []
        for train, test in self.folds:
            own = np.unique(self.groups[train][self.scored_origin[train]])
            kept = np.random.default_rng(0).permutation(own)[:round(share * len(own))]
            keep = ~self.scored_origin[train] | np.isin(self.groups[train], kept)
            thinned.folds.append((train[keep], test))
        thinned._cache = {}
        return thinned

    def out_of_fold(self, name: str, factory: Factory) -> OutOfFold:
        """Per outer fold: grouped inner 3-fold predictions on its training rows, and its test predictions."""
        if name not in self._cache:
            parts = []
            for train, test in tqdm(self.folds, desc=name):
                inner = np.zeros((len(train), len(self.data.themes)))
                splitter = GroupKFold(3, shuffle=True, random_state=0)
                for fit_rows, held in splitter.split(train, groups=self.groups[train]):
                    inner[held] = factory(train[fit_rows])(train[held])
                parts.append((inner, factory(train)(test)))
            self._cache[name] = parts
        return self._cache[name]

    def score(self, parts: list[tuple[float, OutOfFold]], thresholds_on_real: bool = False) -> dict[str, float]:
        """Blend the parts' probabilities, apply thresholds and margin as the shipped heads do, score."""
        themes, truth = self.data.themes, self.data.truth
        required = [themes.index(t) for t in REQUIRED_THEMES]
        exempt = np.array([t in MARGIN_EXEMPT for t in themes])
        rows, assigned = [], []
        for k, (train, test) in enumerate(self.folds):
            inner = sum(share * oof[k][0] for share, oof in parts)
            real = self.real[train]
            chosen = real if thresholds_on_real else np.ones(len(train), dtype=bool)
            thresholds = best_thresholds(truth[train][chosen], inner[chosen])
            margin = best_margin(truth[train][real], rescale_to_threshold(inner[real], thresholds), required)
            scores = rescale_to_threshold(sum(share * oof[k][1] for share, oof in parts), thresholds)
            rows.append(test)
            assigned.append(with_margin(scores, np.where(exempt, np.inf, margin)))
        test_rows = np.concatenate(rows)
        evaluation = Evaluation(self.data.labelled.iloc[test_rows].reset_index(drop=True), themes, truth[test_rows],
                                {"lever": np.vstack(assigned)}, {}, {})
        summary = evaluation.summary().set_index("variant").sort_index()
        return {**summary["micro_f1_required"].to_dict(),
                **summary["no_theme_share"].rename(lambda variant: f"no_theme {variant}").to_dict()}


def run_lever(harness: Harness, lever: str) -> dict[str, float]:
    """Score one lever (module doc)."""
    data = harness.data
    if lever.startswith("set_share="):
        thinned = harness.thinned(float(lever.split("=")[1]))
        return thinned.score([(1.0, thinned.out_of_fold(lever, logistic(data.features, data.truth)))])
    shipped = harness.out_of_fold("shipped", logistic(data.features, data.truth))
    if lever == "shipped":
        return harness.score([(1.0, shipped)])
    if lever == "thresholds_on_real":
        return harness.score([(1.0, shipped)], thresholds_on_real=True)
    if lever == "query_prefix":
        return harness.score([(1.0, harness.out_of_fold(lever, logistic(data.query_features, data.truth)))])
    if lever.startswith("C="):
        return harness.score([(1.0, harness.out_of_fold(lever, logistic(data.features, data.truth, float(lever[2:]))))])
    if lever.startswith("embedding_weight="):
        features = with_embedding_weight(data, float(lever.split("=")[1]))
        return harness.score([(1.0, harness.out_of_fold(lever, logistic(features, data.truth)))])
    extra = {"mlp_blend": network, "knn_blend": neighbours}
    if lever in extra:
        return harness.score([(1 - BLEND_SHARE, shipped), (BLEND_SHARE, harness.out_of_fold(lever, extra[lever](data)))])
    raise SystemExit(f"unknown lever {lever!r}: choose from {DEFAULT_LEVERS} (any C=x, embedding_weight=x, "
                     f"set_share=x)")


def main() -> None:
    """Score each lever on the same folds and print one table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", dest="evaluate", default="kzgov", choices=("kzgov", "seed"))
    parser.add_argument("--outer-seed", type=int, default=0)
    parser.add_argument("--levers", default=DEFAULT_LEVERS)
    args = parser.parse_args()
    levers = args.levers.split(",")
    harness = Harness(load(with_query="query_prefix" in levers), args.evaluate, args.outer_seed)
    table = pd.DataFrame({lever: run_lever(harness, lever) for lever in levers}).T
    print(f"micro-F1 over {', '.join(REQUIRED_THEMES)} on {args.evaluate} (outer seed {args.outer_seed}):")
    print(table.round(4).to_string())


if __name__ == "__main__":
    main()
