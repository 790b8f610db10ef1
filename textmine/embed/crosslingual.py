"""Cross-lingual retrieval check: does a Kazakh text find its Russian rendering among all candidates?"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from textmine.embed.base import Embedder


def crosslingual_retrieval(embedder: Embedder, kk_texts: Sequence[str], ru_texts: Sequence[str],
                           show_progress: bool = False) -> dict[str, float]:
    """kk->ru accuracy@1 and @5: pair ``i`` is correct when ``ru_texts[i]`` ranks in the top k for
    ``kk_texts[i]`` by cosine among all Russian texts (ties counted against the pair)."""
    if len(kk_texts) != len(ru_texts) or not len(kk_texts):
        raise ValueError(f"need equally many kk and ru texts (>0), got {len(kk_texts)} and {len(ru_texts)}")
    kk = embedder.embed(list(kk_texts), kind="passage", show_progress=show_progress)
    ru = embedder.embed(list(ru_texts), kind="passage", show_progress=show_progress)
    sims = kk @ ru.T
    correct = np.diag(sims)[:, None]
    rank = (sims >= correct).sum(axis=1)  # 1 = the right rendering is (strictly) the best
    return {"acc_at_1": float(np.mean(rank <= 1)), "acc_at_5": float(np.mean(rank <= 5)), "n": float(len(kk_texts))}


def evaluate_parallel(embedder: Embedder, pattern: str = "data/eval/parallel_kk_ru*.csv") -> pd.DataFrame:
    """Retrieval accuracy of each Kazakh quote's Russian rendering, and of its letterless retyping."""
    frames = [pd.read_csv(path) for path in sorted(Path(".").glob(pattern))]
    if not frames:
        raise FileNotFoundError(f"no parallel set matches {pattern}")
    pairs = pd.concat(frames, ignore_index=True)
    rows = []
    for target in ("ru", "kk_letterless"):
        present = pairs[pairs[target].fillna("").str.strip() != ""]
        scores = crosslingual_retrieval(embedder, present["kk"].tolist(), present[target].tolist())
        rows.append({"query": "kk", "candidates": target, **scores})
    return pd.DataFrame(rows)
