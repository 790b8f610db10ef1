"""Embedder over sentence-transformers: any local model folder or hub name the user configures."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from textmine.embed.base import (
    Kind,
    as_texts,
    check_kind,
    l2_normalise,
    read_model_info,
)

E5_PREFIXES = {"query": "query: ", "passage": "passage: "}


def default_prefixes(name: str, model_prompts: dict[str, str]) -> dict[str, str]:
    """The model's own ``query``/``passage`` prompts, else e5's prefixes for e5 models, else none."""
    if "query" in model_prompts or "passage" in model_prompts:
        return {kind: model_prompts.get(kind, "") for kind in E5_PREFIXES}
    if "e5" in Path(name).name.lower():
        return dict(E5_PREFIXES)
    return {"query": "", "passage": ""}


class SentenceTransformerEmbedder:
    """Wraps ``SentenceTransformer(model_name_or_folder)`` behind the ``Embedder`` interface."""

    def __init__(self, model_name_or_folder: str | Path, prefixes: dict[str, str] | None = None,
                 model_id: str | None = None, device: str = "cpu") -> None:
        from sentence_transformers import SentenceTransformer

        name = str(model_name_or_folder)
        try:
            self.model = SentenceTransformer(name, device=device)
        except OSError as exc:
            raise RuntimeError(
                f"cannot load sentence-transformers model {name!r}: {exc}. Without hub access, name a "
                "local model folder (the default one is built by `textmine models build`)."
            ) from exc
        self.prefixes = prefixes if prefixes is not None else default_prefixes(name, self.model.prompts)
        info = read_model_info(Path(name)) if Path(name).is_dir() else {}
        self.model_id = model_id or info.get("model_id") or name
        self.dim = int(self.model.get_embedding_dimension())

    def embed(self, texts: Sequence[str], kind: Kind = "passage", batch_size: int = 32,
              show_progress: bool = True) -> np.ndarray:
        """Embed ``texts`` (with the ``kind`` prefix) into unit float32 vectors."""
        prefix = self.prefixes[check_kind(kind)]
        texts = as_texts(texts)
        if not len(texts):
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = self.model.encode([prefix + t for t in texts], batch_size=batch_size,
                                    show_progress_bar=show_progress, convert_to_numpy=True,
                                    normalize_embeddings=True)
        return l2_normalise(vectors)
