"""Vectors of a chunk's new texts, embedded ahead of its annotation (in a background thread: ``overlap``).

:class:`EmbedAhead` decides from memory which distinct texts of a chunk the run will embed: those both
cache tables certainly lack (the run's known-hash sets as of its start) and no earlier chunk of the run
took. Those are exactly the texts :func:`~textmine.scale.dedup.annotate_once` embeds when the chunk's turn
comes, in the same order and the same embedder calls (pieces of :data:`~textmine.embed.cache.PIECE`), so
the vectors are identical to embedding them then. It keeps its own copies of the sets, so it never reads
what the annotating thread adds. :class:`Prefilled` serves the vectors to ``annotate_once`` as an
embedder; a text it lacks (two sha1s sharing 64 bits) goes to the real embedder.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from textmine.embed.base import Embedder, Kind
from textmine.embed.cache import PIECE
from textmine.scale.dedup import RunCache
from textmine.texthash import text_hash


class Prefilled:
    """An embedder answering from passage vectors computed ahead, and from ``embedder`` for the rest."""

    def __init__(self, embedder: Embedder, vectors: dict[str, np.ndarray]) -> None:
        self.embedder, self.vectors = embedder, vectors
        self.model_id, self.dim = embedder.model_id, embedder.dim

    def embed(self, texts: Sequence[str], kind: Kind = "passage", batch_size: int = 32,
              show_progress: bool = True) -> np.ndarray:
        """Vectors of ``texts`` in input order (the :class:`~textmine.embed.base.Embedder` interface)."""
        ready = self.vectors if kind == "passage" else {}
        missing = [t for t in dict.fromkeys(texts) if t not in ready]
        if missing:
            ready = {**ready, **zip(missing, self.embedder.embed(missing, kind, batch_size, show_progress), strict=True)}
        return np.array([ready[t] for t in texts], dtype=np.float32).reshape(len(texts), self.dim)


class EmbedAhead:
    """Embeds each chunk's texts that are new to the run and to the store's cache tables."""

    def __init__(self, embedder: Embedder, run: RunCache) -> None:
        self.embedder = embedder
        self.annotated, self.embedded = run.annotated.copy(), run.embedded.copy()

    def vectors(self, texts: Sequence[str]) -> Prefilled:
        """Embed the distinct ``texts`` no table holds and no earlier call embedded (first-seen order)."""
        distinct = list(dict.fromkeys(texts))
        hashes = [text_hash(t) for t in distinct]
        known = self.annotated.may_hold(hashes) | self.embedded.may_hold(hashes)
        todo = [t for t, seen in zip(distinct, known, strict=True) if not seen]
        self.embedded.add(h for h, seen in zip(hashes, known, strict=True) if not seen)
        vectors = [self.embedder.embed(todo[start:start + PIECE], show_progress=False)
                   for start in range(0, len(todo), PIECE)]
        return Prefilled(self.embedder, dict(zip(todo, (row for piece in vectors for row in piece), strict=True)))
