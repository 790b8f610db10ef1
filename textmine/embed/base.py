"""The ``Embedder`` interface every backend implements, and helpers they share."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Literal, Protocol, runtime_checkable

import numpy as np

Kind = Literal["passage", "query"]
KINDS: tuple[Kind, ...] = ("passage", "query")
INFO_FILE = "textmine_model.json"


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into L2-normalised float32 vectors of one model, identified by ``model_id``."""

    model_id: str
    dim: int

    def embed(self, texts: Sequence[str], kind: Kind = "passage", batch_size: int = 32,
              show_progress: bool = True) -> np.ndarray:
        """Return a ``(len(texts), dim)`` float32 array of unit vectors, in input order."""
        ...


def check_kind(kind: str) -> Kind:
    """Validate ``kind`` (``passage`` for documents and comments, ``query`` for search queries)."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, got {kind!r}")
    return kind  # type: ignore[return-value]


def as_texts(texts: Sequence[str]) -> list[str]:
    """``texts`` as a list, with a clear error for the first item that is not a string."""
    out = list(texts)
    for i, text in enumerate(out):
        if not isinstance(text, str):
            raise TypeError(f"texts[{i}] is {type(text).__name__} ({text!r}), expected str")
    return out


def l2_normalise(vectors: np.ndarray) -> np.ndarray:
    """Row-wise L2 normalisation as float32 (zero rows stay zero)."""
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.maximum(norms, 1e-12)


def length_sorted_batches(lengths: Sequence[int], batch_size: int) -> Iterator[np.ndarray]:
    """Indices in batches of similar length (longest first), so padding stays small."""
    if batch_size < 1:
        raise ValueError(f"batch_size must be >= 1, got {batch_size}")
    order = np.argsort(-np.asarray(lengths), kind="stable")
    for start in range(0, len(order), batch_size):
        yield order[start : start + batch_size]


def read_model_info(folder: Path) -> dict:
    """The ``textmine_model.json`` written by ``textmine models build`` (empty dict if absent)."""
    path = Path(folder) / INFO_FILE
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
