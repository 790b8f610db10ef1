"""The key of a text in the embedding and annotation caches, computed in Python or in DuckDB SQL."""

from __future__ import annotations

import hashlib


def text_hash(text: str) -> str:
    """Hex sha1 of the UTF-8 text: the cache key of a text."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def text_hash_sql(column: str) -> str:
    """SQL for :func:`text_hash` of a VARCHAR ``column`` (DuckDB's ``sha1`` hashes its UTF-8 bytes)."""
    return f"sha1({column})"
