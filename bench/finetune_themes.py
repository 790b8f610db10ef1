"""Does SetFit-style contrastive fine-tuning of the embedding model raise cross-validated theme F1?

    HF_HUB_OFFLINE=1 .venv/bin/python bench/finetune_themes.py [--folds 5] [--max-folds K] [--limit N]
        [--pairs 1024] [--batch-size 16] [--train-layers 4] [--threads 2]

For each outer fold (``GroupKFold(folds, shuffle=True, random_state=0)`` on ``group``, as
``textmine eval``), a fresh copy of ``models/multilingual-e5-small`` is fine-tuned for one epoch on
pairs drawn from that fold's training rows only (``CosineSimilarityLoss``, SetFit's default: label 1 for
two comments sharing a theme and for a Kazakh quote with its own rendering, 0 for disjoint theme sets;
only the top ``--train-layers`` encoder layers learn), then every row is re-embedded with it. Four theme classifiers are scored
on the fold's test rows: logistic regression on the vectors alone and the full ``TrainedThemeClassifier``
(TF-IDF chars + lemmas + 2 x vector), each on the base vectors (the store's cache, as ``textmine eval``)
and on the fine-tuned ones. Prints micro-F1 over the required themes and macro-F1 over all themes per
language variant, per-fold kk micro-F1, and seconds per fold. Needs ``datasets`` and ``accelerate``
(sentence-transformers' trainer). Works on a temporary copy of the store, never the live one.
"""

from __future__ import annotations

import argparse
import random
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.model_selection import GroupKFold, KFold, cross_val_predict
from sklearn.multiclass import OneVsRestClassifier
from sklearn.preprocessing import MultiLabelBinarizer

from textmine.classify.evaluate import Evaluation
from textmine.classify.features import feature_frame
from textmine.classify.labels import load_labelled
from textmine.classify.model import (
    TrainedThemeClassifier,
    best_thresholds,
    rescale_to_threshold,
)
from textmine.classify.taxonomy import REQUIRED_THEMES, load_taxonomy

PREFIX = "passage: "
MODES = ("lr_base", "lr_finetuned", "trained_base", "trained_finetuned")


def training_pairs(frame: pd.DataFrame, n_pairs: int, seed: int) -> pd.DataFrame:
    """About ``n_pairs`` (text1, text2, label) rows from ``frame`` alone, half positive, half negative.

    Positives: a Kazakh original with each of its renderings (up to a quarter of all pairs), then two
    comments of different quotes that share a theme (the theme drawn uniformly, so rare themes count).
    Negatives: two comments whose theme sets are disjoint and not both empty.
    """
    rng = random.Random(seed)
    rows = frame.reset_index(drop=True)
    themes = [set(t) for t in rows["themes"]]
    renderings = [(o, r) for _, g in rows.groupby("group")
                  for o in g.index[g["variant"] == "kk"] for r in g.index[g["variant"] != "kk"]]
    rng.shuffle(renderings)
    positives = renderings[: n_pairs // 4]
    by_theme: dict[str, list[int]] = {}
    for i, ts in enumerate(themes):
        for t in ts:
            by_theme.setdefault(t, []).append(i)
    usable = sorted(t for t, members in by_theme.items() if rows.loc[members, "group"].nunique() > 1)
    while usable and len(positives) < n_pairs // 2:
        a, b = rng.sample(by_theme[rng.choice(usable)], 2)
        if rows.at[a, "group"] != rows.at[b, "group"]:
            positives.append((a, b))
    negatives: list[tuple[int, int]] = []
    for _ in range(100 * n_pairs):
        if len(negatives) >= n_pairs - len(positives):
            break
        a, b = rng.sample(range(len(rows)), 2)
        if (themes[a] or themes[b]) and not themes[a] & themes[b]:
            negatives.append((a, b))
    pairs = [(a, b, 1.0) for a, b in positives] + [(a, b, 0.0) for a, b in negatives]
    rng.shuffle(pairs)
    text = rows["text"].tolist()
    return pd.DataFrame({"text1": [PREFIX + text[a] for a, _, _ in pairs],
                         "text2": [PREFIX + text[b] for _, b, _ in pairs],
                         "label": [label for _, _, label in pairs]})


def fine_tune(model_dir: Path, pairs: pd.DataFrame, batch_size: int, train_layers: int, seed: int, work_dir: Path):
    """A fresh copy of the model fine-tuned one epoch on ``pairs``; only its top ``train_layers`` encoder
    layers learn (embeddings and lower layers frozen: a 2-core CPU cannot afford the full backward pass)."""
    import torch
    from datasets import Dataset
    from sentence_transformers import (
        SentenceTransformer,
        SentenceTransformerTrainer,
        SentenceTransformerTrainingArguments,
    )
    from sentence_transformers.losses import CosineSimilarityLoss

    torch.manual_seed(seed)
    model = SentenceTransformer(str(model_dir), device="cpu")
    model.max_seq_length = 128
    encoder = model[0].auto_model
    encoder.embeddings.requires_grad_(False)
    for layer in encoder.encoder.layer[: len(encoder.encoder.layer) - train_layers]:
        layer.requires_grad_(False)
    args = SentenceTransformerTrainingArguments(
        output_dir=str(work_dir), num_train_epochs=1, per_device_train_batch_size=batch_size, learning_rate=2e-5,
        warmup_steps=0.1, seed=seed, data_seed=seed, save_strategy="no", report_to="none", logging_steps=50,
        use_cpu=True, dataloader_num_workers=0, disable_tqdm=True)
    SentenceTransformerTrainer(model=model, args=args, train_dataset=Dataset.from_pandas(pairs),
                               loss=CosineSimilarityLoss(model)).train()
    return model


def vector_heads_scores(train: np.ndarray, Y: np.ndarray, test: np.ndarray, seed: int = 0) -> np.ndarray:
    """Per-theme logistic regression on the vectors alone, F1-optimal thresholds by inner 3-fold CV."""
    def heads() -> OneVsRestClassifier:
        return OneVsRestClassifier(LogisticRegression(C=8.0, class_weight="balanced", max_iter=3000,
                                                      solver="liblinear"))

    inner = cross_val_predict(heads(), train, Y, cv=KFold(3, shuffle=True, random_state=seed), method="predict_proba")
    return rescale_to_threshold(heads().fit(train, Y).predict_proba(test), best_thresholds(Y, inner))


def base_vectors(texts: list[str], store_path: Path) -> np.ndarray:
    """The base model's cached vectors (embedding any missing ones) from a temporary copy of the store."""
    from textmine.embed import default_embedder
    from textmine.embed.cache import embed_with_cache
    from textmine.store import Store

    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "store.duckdb"
        shutil.copy(store_path, copy)
        with Store(copy) as store:
            return embed_with_cache(store, default_embedder(), texts, show_progress=False)


def subsample(labelled: pd.DataFrame, limit: int | None, seed: int = 0) -> pd.DataFrame:
    """Whole groups drawn at random (seeded) until about ``limit`` rows; all rows when ``limit`` is None."""
    if limit is None:
        return labelled.reset_index(drop=True)
    groups = labelled["group"].drop_duplicates().sample(frac=1.0, random_state=seed)
    sizes = labelled.groupby("group").size()
    keep = groups[sizes.loc[groups].cumsum().to_numpy() <= limit]
    return labelled[labelled["group"].isin(keep)].reset_index(drop=True)


def run(args: argparse.Namespace) -> None:
    """Cross-validate the four modes and print the tables."""
    import torch

    torch.set_num_threads(args.threads)
    taxonomy = load_taxonomy()
    themes = taxonomy.theme_ids
    labelled = subsample(load_labelled(), args.limit)
    texts = labelled["text"].tolist()
    truth = MultiLabelBinarizer(classes=themes).fit_transform(labelled["themes"])
    base = base_vectors(texts, args.store)
    scores = {mode: np.zeros(truth.shape) for mode in MODES}
    done = np.zeros(len(labelled), dtype=bool)
    fold_rows = []
    splitter = GroupKFold(n_splits=args.folds, shuffle=True, random_state=0)
    for fold, (train, test) in enumerate(splitter.split(texts, truth, groups=labelled["group"])):
        if fold >= args.max_folds:
            break
        started = time.perf_counter()
        pairs = training_pairs(labelled.iloc[train], args.pairs, seed=fold)
        with tempfile.TemporaryDirectory() as work:
            model = fine_tune(args.model, pairs, args.batch_size, args.train_layers, seed=fold,
                              work_dir=Path(work))
        trained_at = time.perf_counter()
        tuned = model.encode([PREFIX + t for t in texts], batch_size=32, convert_to_numpy=True,
                             normalize_embeddings=True, show_progress_bar=False)
        embedded_at = time.perf_counter()
        for name, vectors in (("base", base), ("finetuned", tuned)):
            scores[f"lr_{name}"][test] = vector_heads_scores(vectors[train], truth[train], vectors[test])
            X = feature_frame(texts, vectors)
            heads = TrainedThemeClassifier(themes=tuple(themes), dim=vectors.shape[1]).fit(X.iloc[train], truth[train])
            scores[f"trained_{name}"][test] = heads.predict_scores(X.iloc[test])
        done[test] = True
        kk = test[(labelled["variant"].to_numpy()[test] == "kk")]
        fold_rows.append({"fold": fold, "train": len(train), "test": len(test), "pairs": len(pairs),
                          "train_s": round(trained_at - started), "embed_s": round(embedded_at - trained_at),
                          "heads_s": round(time.perf_counter() - embedded_at),
                          **{f"kk_req_{m}": _micro_required(truth[kk], scores[m][kk], themes) for m in MODES}})
        print(pd.DataFrame(fold_rows).tail(1).to_string(index=False), flush=True)
    evaluation = Evaluation(labelled[done].reset_index(drop=True), themes, truth[done],
                            {m: (scores[m][done] >= 0.5).astype(int) for m in MODES},
                            {m: scores[m][done] for m in MODES}, np.array([], dtype=object))
    summary = evaluation.summary()
    print(f"\n{len(fold_rows)} of {args.folds} grouped folds, {int(done.sum())} of {len(labelled)} rows scored; "
          f"{args.pairs} pairs, batch {args.batch_size}, 1 epoch, CosineSimilarityLoss, top {args.train_layers} layers trained")
    for metric in ("micro_f1_required", "macro_f1_all"):
        table = summary.pivot(index="variant", columns="mode", values=metric)[list(MODES)]
        table.insert(0, "n", summary.groupby("variant")["n"].first())
        table["delta_lr"] = table["lr_finetuned"] - table["lr_base"]
        table["delta_trained"] = table["trained_finetuned"] - table["trained_base"]
        print(f"\n== {metric} ==\n" + table.round(3).to_string())
    print("\n== per fold ==\n" + pd.DataFrame(fold_rows).to_string(index=False))


def _micro_required(truth: np.ndarray, scores: np.ndarray, themes: list[str]) -> float:
    """Micro-F1 over the required themes of scores thresholded at 0.5."""
    required = [themes.index(t) for t in REQUIRED_THEMES]
    return round(float(f1_score(truth[:, required], scores[:, required] >= 0.5, average="micro", zero_division=0)), 3)


def main() -> None:
    """Parse arguments and run the benchmark."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--max-folds", type=int, default=99, help="stop after this many outer folds")
    parser.add_argument("--limit", type=int, default=None, help="use about this many rows (whole groups)")
    parser.add_argument("--pairs", type=int, default=1024)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--train-layers", type=int, default=4, help="top encoder layers fine-tuned (of 12)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--model", type=Path, default=Path("models/multilingual-e5-small"))
    parser.add_argument("--store", type=Path, default=Path("data/textmine.duckdb"))
    run(parser.parse_args())


if __name__ == "__main__":
    main()
