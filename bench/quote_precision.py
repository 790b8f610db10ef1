"""Precision of `quotes --theme X --k 5` against the hand labels, for every theme.

Theme scores are out-of-fold (5-fold cross-validation of the trained heads, grouped by original quote),
so no quote is scored by a model that saw its own label. Only labelled seed quotes are candidates.
Also prints, for reference, the classifier's own precision per theme and the precision of 5 random
picks among the comments it assigns to the theme (mean of 200 draws).

Usage: .venv/bin/python bench/quote_precision.py [STORE]   (default: $TEXTMINE_STORE or data/textmine.duckdb;
vectors are cached in that store, so point it at a copy while another process holds the store)
"""

from __future__ import annotations

import json
import sys
import time

import numpy as np
import pandas as pd

from textmine.classify.evaluate import cross_validate
from textmine.classify.labels import load_labelled
from textmine.classify.taxonomy import load_taxonomy
from textmine.embed import default_embedder
from textmine.embed.cache import embed_with_cache
from textmine.insights.labels import match_labels, read_labels
from textmine.insights.profile import split_themes
from textmine.insights.quotes import representative_quotes
from textmine.pipeline import description_vectors
from textmine.store import Store


def main(store_path: str | None) -> None:
    taxonomy, embedder = load_taxonomy(), default_embedder()
    with Store(store_path) as store:
        labelled = load_labelled()
        vectors = embed_with_cache(store, embedder, labelled["text"].tolist(), show_progress=False)
        evaluation = cross_validate(labelled, vectors, taxonomy, description_vectors(store, embedder, taxonomy.themes),
                                    description_vectors(store, embedder, taxonomy.polarities))
        comments = store.read("comments")
        comment_vectors = embed_with_cache(store, embedder, comments["text"].tolist(), show_progress=False)
    themes = evaluation.themes
    kk = (evaluation.labelled["variant"] == "kk").to_numpy()
    oof = pd.DataFrame({"text": evaluation.labelled.loc[kk, "text"].to_numpy(),
                        "scores": list(evaluation.scores["trained"][kk])}).drop_duplicates("text")
    gold = match_labels(comments, read_labels()).rename(columns={"themes": "gold"})
    coded = comments.merge(gold, on="id").merge(oof, on="text")
    coded["themes"] = [";".join(themes[j] for j in np.argsort(-s) if s[j] >= 0.5) for s in coded["scores"]]
    coded["theme_scores"] = [json.dumps(dict(zip(themes, map(float, s), strict=True))) for s in coded["scores"]]
    vectors_by_id = dict(zip(comments["id"], comment_vectors, strict=True))
    matrix = np.stack([vectors_by_id[i] for i in coded["id"]])
    rng = np.random.default_rng(0)
    rows = []
    for theme in themes:
        truth = coded["gold"].map(lambda g, t=theme: t in split_themes(g))
        assigned = coded["themes"].map(lambda a, t=theme: t in split_themes(a))
        start = time.perf_counter()
        picked = representative_quotes(coded, matrix, k=5, theme=theme)
        seconds = time.perf_counter() - start
        hits = truth[coded["id"].isin(picked["id"])].sum()
        pool = truth[assigned].to_numpy()
        random = np.mean([rng.choice(pool, min(5, len(pool)), replace=False).mean() for _ in range(200)]) \
            if len(pool) else np.nan
        rows.append({"theme": theme, "gold_n": int(truth.sum()), "assigned_n": int(assigned.sum()),
                     "classifier_precision": round(float(pool.mean()), 3) if len(pool) else np.nan,
                     "random5_precision": round(float(random), 3), "quotes": len(picked),
                     "distinct": picked["text"].nunique(), "hits": int(hits),
                     "precision_at_5": round(hits / max(1, len(picked)), 3), "seconds": round(seconds, 3)})
    table = pd.DataFrame(rows)
    print(f"{len(coded)} labelled seed quotes with out-of-fold theme scores\n")
    print(table.to_string(index=False))
    print(f"\nprecision@5 over all themes: {table['hits'].sum() / table['quotes'].sum():.3f} "
          f"({table['hits'].sum()}/{table['quotes'].sum()}); themes with >= 4/5: {(table['hits'] >= 4).sum()}/"
          f"{len(table)}; mean random-5 precision: {table['random5_precision'].mean():.3f}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else None)
