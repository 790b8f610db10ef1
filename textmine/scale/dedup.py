"""Deduplication: each distinct normalised text is embedded and classified once (the language tagger
dedups on its own).

Embeddings are already cached per text by :mod:`textmine.embed.cache` (sha1 of the text). This module
adds the same for themes: table ``text_annotations(annotator_key, text_hash, themes, theme_scores,
theme_uncertain, theme_evidence, polarity, theme_mode)`` keyed by the annotator (embedding model, heads' training data, taxonomy version,
mode), so an identical text seen again — in this chunk, an earlier chunk or an earlier run — reuses
its themes. Themes and polarity depend on the text alone (features are its characters and its vector),
so reuse gives exactly what annotating it again would.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd
import pyarrow as pa

from textmine.classify.annotator import COLUMNS as ANNOTATION_COLUMNS
from textmine.embed.base import Embedder
from textmine.embed.cache import embed_with_cache
from textmine.texthash import text_hash
from textmine.store import Store

TABLE = "text_annotations"  # registered in textmine.store_schema
COLUMNS = ANNOTATION_COLUMNS


@dataclass(frozen=True)
class DuplicateReport:
    """How repetitive a corpus is: rows, distinct texts, duplicate share and the most repeated texts."""

    rows: int
    unique: int
    top: list[tuple[str, int]]

    @property
    def share(self) -> float:
        """Share of rows whose text already occurred earlier (0 for an empty corpus)."""
        return 1 - self.unique / self.rows if self.rows else 0.0

    def lines(self) -> list[str]:
        """Human-readable summary."""
        head = f"{self.rows} comments, {self.unique} distinct texts: duplicate share {self.share:.1%}"
        return [head, *(f"  {count:>7} x {text[:60]}" for text, count in self.top)]


def duplicate_report(texts: Sequence[str], top: int = 10) -> DuplicateReport:
    """Duplicate share of ``texts`` (already normalised) and its ``top`` most repeated texts."""
    counts = pd.Series(list(texts), dtype=object).value_counts()
    repeated = counts[counts > 1].head(top)
    return DuplicateReport(rows=len(texts), unique=len(counts), top=[(str(t), int(c)) for t, c in repeated.items()])


def annotator_key(annotator: object, embedder: Embedder) -> str:
    """Identity of what produced an annotation: embedding model, heads' training data, taxonomy, codebook
    lexicon (an analyst's edit changes scores and evidence without retraining), mode."""
    heads = annotator.heads.card  # type: ignore[attr-defined]
    taxonomy = getattr(annotator, "taxonomy", None)
    lexicon = (hashlib.sha1(json.dumps(taxonomy.lexicon_data(), ensure_ascii=False, sort_keys=True).encode()).hexdigest()[:12]
               if taxonomy is not None else "none")
    return (f"{embedder.model_id}|{heads.training_data_sha1}|tax{heads.taxonomy_version}|lex{lexicon}"
            f"|{annotator.mode}")  # type: ignore[attr-defined]


def _cached(store: Store, key: str, hashes: list[str]) -> pd.DataFrame:
    con = store.connection
    con.register("_wanted", pa.table({"text_hash": hashes}))
    try:
        return con.execute(f"""SELECT a.text_hash, {', '.join('a.' + c for c in COLUMNS)}
                               FROM {TABLE} a JOIN (SELECT DISTINCT text_hash FROM _wanted) w USING (text_hash)
                               WHERE a.annotator_key = ?""", [key]).df()
    finally:
        con.unregister("_wanted")


def annotate_once(store: Store, embedder: Embedder, annotator: object,
                  texts: Sequence[str]) -> tuple[pd.DataFrame, int]:
    """Themes, scores, polarity and mode for each of ``texts`` (input order), and how many distinct texts
    were new: only those are embedded and classified. New annotations go to the cache at once (a cache:
    safe to keep after an interrupted run)."""
    key = annotator_key(annotator, embedder)
    hashes = [text_hash(t) for t in texts]
    cached = _cached(store, key, hashes)
    known = set(cached["text_hash"])
    todo = {h: t for h, t in zip(hashes, texts) if h not in known}
    if todo:
        new_texts = list(todo.values())
        vectors = embed_with_cache(store, embedder, new_texts, show_progress=False)
        fresh = annotator.annotate(new_texts, vectors)  # type: ignore[attr-defined]
        fresh.insert(0, "text_hash", list(todo))
        store.connection.register("_fresh", fresh[["text_hash", *COLUMNS]])
        try:
            store.connection.execute(f"INSERT OR IGNORE INTO {TABLE} BY NAME SELECT ? AS annotator_key, * FROM _fresh", [key])
        finally:
            store.connection.unregister("_fresh")
        cached = pd.concat([cached, fresh[["text_hash", *COLUMNS]]], ignore_index=True)
    by_hash = cached.drop_duplicates("text_hash").set_index("text_hash")
    return by_hash.loc[hashes, COLUMNS].reset_index(drop=True), len(todo)


def new_text_count(store: Store, embedder: Embedder, annotator: object, texts: Sequence[str]) -> int:
    """How many distinct ``texts`` this annotator has not annotated yet (what a run would embed)."""
    hashes = list(dict.fromkeys(text_hash(t) for t in texts))
    return len(hashes) - len(_cached(store, annotator_key(annotator, embedder), hashes))
