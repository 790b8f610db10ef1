"""Benchmark topic discovery on the store's comments: ours (automatic k and a fixed k) vs. BERTopic.

Comments, their classifier themes and multilingual-e5-small vectors come from a store (vectors from its embedding cache;
texts not cached yet are embedded and added, so pass a copy of a store you do not want written). Human
themes come from the label files (``data/labels/kk_seed_labels*.csv``, quotes only), matched to comments
by whitespace-collapsed, normalised text. Prints per method: time, clusters, largest-cluster share,
outlier share, silhouette, purity / NMI / adjusted Rand vs. the first human theme, and for BERTopic the
adjusted Rand between two runs (its default UMAP is unseeded). Then our clusters at the fixed k with
Kazakh and Russian labels, and BERTopic's largest topics with their topic words.

BERTopic (default pipeline, ``language="multilingual"``) is a benchmark-only dependency: without it the
script says so and benchmarks ours alone.

    .venv/bin/python bench/topics.py --store /tmp/copy.duckdb [--labels CSV ...] [--clusters 20]
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import adjusted_rand_score

from textmine.classify.labels import split_themes
from textmine.embed import default_embedder
from textmine.embed.cache import embed_with_cache
from textmine.normalise import normalise_text
from textmine.pipeline import themed_comments
from textmine.store import Store
from textmine.topics import (
    TopicClusterer,
    agreement,
    discover_topics,
    ru_reference,
    shape,
)

LABELS = sorted(Path("data/labels").glob("kk_seed_labels*.csv"))


def _key(text: str) -> str:
    return normalise_text(" ".join(str(text).split()))


def theme_lists(texts: list[str], label_paths: list[Path]) -> list[list[str]]:
    """Human themes per text (most salient first; empty when unlabelled or labelled with no theme)."""
    frames = [pd.read_csv(path, dtype={"themes": "string"}) for path in label_paths]
    labels = pd.concat(frames, ignore_index=True)
    labels = labels[labels["is_quote"] == 1]
    by_text = {_key(t): split_themes(th) for t, th in zip(labels["text"], labels["themes"].fillna(""), strict=True)}
    return [by_text.get(_key(t), []) for t in texts]


def bertopic_labels(docs: list[str], vectors: np.ndarray, min_topic_size: int) -> tuple[np.ndarray, object]:
    """Topics of BERTopic's default pipeline on our vectors (``-1``: its outliers) and the fitted model."""
    from bertopic import BERTopic

    model = BERTopic(language="multilingual", min_topic_size=min_topic_size)
    topics, _ = model.fit_transform(docs, vectors)
    return np.asarray(topics), model


def report_row(name: str, labels: np.ndarray, vectors: np.ndarray, seconds: float, themes: list[list[str]]) -> dict:
    return {"method": name, "seconds": round(seconds, 1), **shape(labels, vectors), **agreement(labels, themes)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, default=None, help="store to read (default: textmine's default store)")
    parser.add_argument("--labels", type=Path, nargs="+", default=LABELS, help="human label CSVs")
    parser.add_argument("--clusters", type=int, default=20, help="the fixed k of the second row of ours")
    parser.add_argument("--min-topic-size", type=int, default=10, help="BERTopic's min_topic_size")
    args = parser.parse_args()

    embedder = default_embedder()
    with Store(args.store) as store:
        comments = themed_comments(store)  # the classifier's themes pick the phrases of Russian labels
        vectors = embed_with_cache(store, embedder, comments["text"].tolist(), show_progress=False)
        reference = ru_reference(embedder, store)
    themes = theme_lists(comments["text"].tolist(), args.labels)
    print(f"{len(comments)} comments, {sum(map(bool, themes))} with human themes ({', '.join(map(str, args.labels))})")

    rows = []
    fitted = {}
    for name, k in (("textmine, automatic k", None), (f"textmine, k={args.clusters}", args.clusters)):
        start = time.perf_counter()
        fitted[k] = discover_topics(comments, vectors, TopicClusterer(n_clusters=k), ru_reference=reference)
        rows.append(report_row(name, fitted[k].model.labels_, vectors, time.perf_counter() - start, themes))
    try:
        import bertopic
    except ImportError:
        bertopic = None
        print("BERTopic is not installed (`pip install bertopic` for the comparison): benchmarking textmine alone")
    if bertopic is not None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")  # vectors are given: BERTopic must not fetch a model
        docs = comments["text"].tolist()
        start = time.perf_counter()
        base, base_model = bertopic_labels(docs, vectors, args.min_topic_size)
        seconds = time.perf_counter() - start
        again, _ = bertopic_labels(docs, vectors, args.min_topic_size)
        name = f"BERTopic {bertopic.__version__} (multilingual, min_topic_size={args.min_topic_size})"
        rows.append({**report_row(name, base, vectors, seconds, themes),
                     "rerun_ari": round(float(adjusted_rand_score(base, again)), 3)})

    pd.set_option("display.width", 250)
    pd.set_option("display.max_colwidth", 80)
    print(pd.DataFrame(rows).round(3).to_string(index=False))
    print(f"silhouette by k: { {k: round(v, 3) for k, v in fitted[None].model.silhouettes_.items()} }")

    clusters = fitted[args.clusters].clusters
    print(f"\ntextmine clusters at k={args.clusters}:")
    print(clusters[["cluster", "group", "size", "label_kk", "label_ru", "label_ru_source"]].to_string(index=False))
    if bertopic is not None:
        info = base_model.get_topic_info().head(6)
        print(f"\nBERTopic's largest topics (of {len(set(base)) - (-1 in base)}, outliers -1):")
        print(info[["Topic", "Count", "Representation"]].to_string(index=False))


if __name__ == "__main__":
    main()
