"""Compile a per-codepoint normalisation map into SentencePiece's ``precompiled_charsmap``.

The format (read by ``tokenizers.normalizers.Precompiled``): a little-endian ``uint32`` trie size in
bytes, a darts-clone double array over the UTF-8 bytes of the source strings, then the
NUL-terminated replacement strings the trie's leaf values point into. In the double array a unit
holds ``label`` (bits 0-7), ``has_leaf`` (bit 8) and an XOR ``offset`` to its children's base
(bits 10-30); a leaf unit (bit 31) holds a value; child ``c`` of a node with base ``b`` sits at
``b ^ c`` and its leaf at ``b ^ 0``.
"""

from __future__ import annotations

import struct
from collections import deque

import numpy as np

_MAX_OFFSET = 1 << 21
_LEAF = 1 << 31
_HAS_LEAF = 1 << 8


class _Node:
    __slots__ = ("children", "value")

    def __init__(self) -> None:
        self.children: dict[int, _Node] = {}
        self.value: int | None = None


def _blob_and_trie(mapping: dict[str, str]) -> tuple[bytes, _Node]:
    blob = bytearray()
    where: dict[str, int] = {}
    root = _Node()
    for source in sorted(mapping):
        target = mapping[source]
        if target not in where:
            where[target] = len(blob)
            blob += target.encode("utf-8") + b"\0"
        node = root
        for byte in source.encode("utf-8"):
            node = node.children.setdefault(byte, _Node())
        node.value = where[target]
    return bytes(blob), root


def _free_base(labels: np.ndarray, occupied: np.ndarray, used_base: np.ndarray, start: int) -> int:
    """Smallest base >= ``start`` whose child slots ``base ^ label`` are all free (vectorised)."""
    while True:
        bases = np.arange(start, start + 4096)
        slots = bases[:, None] ^ labels[None, :]
        ok = ~used_base[bases] & ~occupied[slots].any(axis=1) & (slots != 0).all(axis=1)
        if ok.any():
            return int(bases[ok.argmax()])
        start += 4096


def _double_array(root: _Node) -> np.ndarray:
    occupied = np.zeros(_MAX_OFFSET, dtype=bool)
    used_base = np.zeros(_MAX_OFFSET, dtype=bool)
    units = np.zeros(_MAX_OFFSET, dtype=np.uint32)
    occupied[0] = True
    queue: deque[tuple[int, _Node]] = deque([(0, root)])
    while queue:
        pos, node = queue.popleft()
        labels = sorted(node.children) + ([0] if node.value is not None else [])
        first_free = int(np.argmin(occupied))
        base = _free_base(np.array(labels), occupied, used_base, max(1, first_free - 255))
        if (pos ^ base) >= _MAX_OFFSET or base + 256 >= _MAX_OFFSET:
            raise ValueError("normalisation map too large for a compact double array")
        used_base[base] = True
        units[pos] |= (pos ^ base) << 10
        if node.value is not None:
            units[base] = _LEAF | node.value
            occupied[base] = True
        for label, child in sorted(node.children.items()):
            units[base ^ label] = label | (_HAS_LEAF if child.value is not None else 0)
            occupied[base ^ label] = True
            queue.append((base ^ label, child))
    return units[: int(np.flatnonzero(occupied).max()) + 1]


def precompiled_charsmap(norm_map: dict[int, str]) -> bytes:
    """Return the ``precompiled_charsmap`` bytes that apply ``norm_map`` (codepoint -> string)."""
    blob, root = _blob_and_trie({chr(cp): out for cp, out in norm_map.items() if cp != 0})
    array = _double_array(root).astype("<u4")
    return struct.pack("<I", array.nbytes) + array.tobytes() + blob
