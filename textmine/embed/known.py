"""A per-run, in-memory set of the text hashes a cache table holds, so look-ups skip texts it cannot hold.

A chunked run asks the cache tables (vectors, annotations) about every chunk's texts; a join against
a table of a million rows scans it, so each chunk would cost more than the one before. Reading the
table's hashes once at the start (8 bytes each: the first 64 bits of the sha1) and adding what the run
writes answers "certainly not cached" from memory; only texts that may be cached go to the table. A
false "may be" (two sha1s sharing 64 bits) costs one look-up that then finds nothing, so results are
exactly those of asking the table about everything.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np


def _prefixes(hashes: Iterable[str]) -> np.ndarray:
    return np.fromiter((int(h[:16], 16) for h in hashes), dtype=np.uint64)


class KnownHashes:
    """Hex sha1 hashes known to be in one cache table (as of the run's start, plus what the run added)."""

    def __init__(self, hashes: Iterable[str] = ()) -> None:
        self._sorted = np.unique(_prefixes(hashes))
        self._added: set[int] = set()

    def __len__(self) -> int:
        return len(self._sorted) + len(self._added)

    def may_hold(self, hashes: Sequence[str]) -> np.ndarray:
        """Boolean mask: False where ``hashes[i]`` is certainly not in the table."""
        keys = _prefixes(hashes)
        mask = np.zeros(len(keys), dtype=bool)
        if len(self._sorted):
            at = np.searchsorted(self._sorted, keys).clip(max=len(self._sorted) - 1)
            mask = self._sorted[at] == keys
        if self._added:
            mask |= np.fromiter((int(k) in self._added for k in keys), dtype=bool, count=len(keys))
        return mask

    def copy(self) -> KnownHashes:
        """An independent copy (the start-of-run array, never changed, is shared)."""
        other = KnownHashes()
        other._sorted, other._added = self._sorted, set(self._added)
        return other

    def add(self, hashes: Iterable[str]) -> None:
        """Record hashes the run has just written to the table."""
        self._added.update(int(k) for k in _prefixes(hashes))
