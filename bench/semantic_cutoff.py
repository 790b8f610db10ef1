"""Calibrate the semantic search cut-off on the bundled store's quotes (their cached passage vectors).

For one-word and short queries with a theme they name (очередь/кезек -> queues, дорого/қымбат -> costs, ЭЦП /
портал -> portal_failures, ...), prints the similarity of the query (e5 ``query:`` side) to quotes labelled
with that theme and to the others: median, 90th percentile, the precision of the quotes above each
candidate cut-off, how many clear it, and how many quotes off-topic queries (борщ, weather…) would show. The chosen cut-off is ``textmine.app.query.SEMANTIC_CUTOFF``.

    .venv/bin/python bench/semantic_cutoff.py [--store data/textmine.duckdb]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
QUERIES = {
    "очередь": "queues", "кезек": "queues", "очередь в ЦОНе": "queues", "ұзақ кезек": "queues",
    "дорого": "costs", "қымбат": "costs", "ЭЦП": "portal_failures", "портал не работает": "portal_failures",
    "грубость": "staff_attitude", "дөрекі": "staff_attitude", "сроки": "deadlines", "мерзім": "deadlines",
}
OFF_TOPIC = ("рецепт борща", "погода", "qwerty", "футбол чемпионат")  # no quote should come up
CUTOFFS = (0.80, 0.82, 0.83, 0.84, 0.85, 0.86, 0.87, 0.88)


def main() -> None:
    """Print the similarity distributions and the precision at each cut-off."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, default=ROOT / "data" / "textmine.duckdb")
    args = parser.parse_args()
    from textmine.app.query import Selection, open_corpus, rows, vectors
    from textmine.embed import default_embedder

    corpus = open_corpus(args.store)
    model = default_embedder()
    cached = vectors(corpus, Selection(), model.model_id, model.dim)
    themes = rows(corpus, Selection()).set_index("pos").loc[cached.rows, "themes"].str.split(";")
    print(f"{len(cached.rows)} quotes with vectors; model {model.model_id}")
    queries = model.embed(list(QUERIES), kind="query", show_progress=False)
    totals = {cut: [0, 0] for cut in CUTOFFS}
    for (query, theme), vector in zip(QUERIES.items(), queries, strict=True):
        similarity = cached.matrix @ vector
        labelled = np.array([theme in found for found in themes])
        line = (f"{query:22s} {theme:16s} on-theme median {np.median(similarity[labelled]):.3f} "
                f"p90 {np.quantile(similarity[labelled], 0.9):.3f} | others median {np.median(similarity[~labelled]):.3f} "
                f"p90 {np.quantile(similarity[~labelled], 0.9):.3f} | max {similarity.max():.3f}")
        print(line)
        for cut in CUTOFFS:
            above = similarity >= cut
            totals[cut][0] += int((above & labelled).sum())
            totals[cut][1] += int(above.sum())
    off_topic = cached.matrix @ model.embed(list(OFF_TOPIC), kind="query", show_progress=False).T
    for cut, (hits, shown) in totals.items():
        print(f"cut-off {cut:.2f}: {shown:4d} quotes shown over {len(QUERIES)} queries, "
              f"precision {hits / shown if shown else float('nan'):.2f}; off-topic queries "
              f"{', '.join(f'{q} {int((off_topic[:, i] >= cut).sum())}' for i, q in enumerate(OFF_TOPIC))}")


if __name__ == "__main__":
    main()
