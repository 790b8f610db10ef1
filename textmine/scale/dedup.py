"""Deduplication: each distinct normalised text is embedded and classified once (the language tagger
dedups on its own).

Embeddings are already cached per text by :mod:`textmine.embed.cache` (sha1 of the text). This module
adds the same for themes: table ``text_annotations(annotator_key, text_hash, themes, theme_scores,
theme_uncertain, theme_evidence, polarity, theme_mode)`` keyed by the annotator (embedding model, heads' training data, taxonomy version,
mode), so an identical text seen again — in this chunk, an earlier chunk or an earlier run — reuses
its themes. Themes and polarity depend on the text alone (features are its characters and its vector),
so reuse gives exactly what annotating it again would.

A chunked run keeps a :class:`RunCache`: the hashes both cache tables held at its start (read once) plus
what it wrote, and the annotations of its most recent distinct texts. A chunk then asks the tables only
about texts they may hold and the memo lacks, so its cost does not grow with the store.
"""

from __future__ import annotations

import hashlib
import json
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd
import pyarrow as pa

from textmine.classify.annotator import COLUMNS as ANNOTATION_COLUMNS
from textmine.embed.base import Embedder
from textmine.embed.cache import embed_with_cache, known_hashes
from textmine.embed.known import KnownHashes
from textmine.store import Store
from textmine.texthash import text_hash

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


def _sha12(data: object) -> str:
    return hashlib.sha1(json.dumps(data, ensure_ascii=False, sort_keys=True).encode()).hexdigest()[:12]


def annotator_key(annotator: object, embedder: Embedder) -> str:
    """Identity of what produced an annotation: embedding model, heads' training data (or, for zero-shot
    without heads, the taxonomy's theme and polarity descriptions), taxonomy, codebook lexicon (an analyst's
    edit changes scores and evidence without retraining), mode."""
    card = annotator.card  # type: ignore[attr-defined]  # the heads' card: known before the heads finish loading
    taxonomy = getattr(annotator, "taxonomy", None)
    lexicon = _sha12(taxonomy.lexicon_data()) if taxonomy is not None else "none"
    if card is None:
        described = {item.id: item.descriptions() for item in (*taxonomy.themes, *taxonomy.polarities)}
        fitted, version = f"descriptions{_sha12(described)}", taxonomy.version
    else:
        fitted, version = card.training_data_sha1, card.taxonomy_version
    return f"{embedder.model_id}|{fitted}|tax{version}|lex{lexicon}|{annotator.mode}"  # type: ignore[attr-defined]


def _cached(store: Store, key: str, hashes: list[str]) -> pd.DataFrame:
    con = store.connection
    con.register("_wanted", pa.table({"text_hash": hashes}))
    try:
        return con.execute(f"""SELECT a.text_hash, {', '.join('a.' + c for c in COLUMNS)}
                               FROM {TABLE} a JOIN (SELECT DISTINCT text_hash FROM _wanted) w USING (text_hash)
                               WHERE a.annotator_key = ?""", [key]).df()
    finally:
        con.unregister("_wanted")


@dataclass
class RunCache:
    """Per-run memory of the cache tables for one annotator key: hashes they hold, recent annotations."""

    key: str
    annotated: KnownHashes
    embedded: KnownHashes
    memo_size: int = 50_000
    memo: OrderedDict[str, tuple] = field(default_factory=OrderedDict)

    @classmethod
    def open(cls, store: Store, embedder: Embedder, annotator: object, memo_size: int = 50_000) -> RunCache:
        """Read the hashes of both tables once (the start of a run)."""
        key = annotator_key(annotator, embedder)
        rows = store.connection.sql(f"SELECT text_hash FROM {TABLE} WHERE annotator_key = $key",
                                    params={"key": key}).to_arrow_table()
        return cls(key, KnownHashes(rows.column(0).to_pylist()), known_hashes(store, embedder.model_id),
                   memo_size)

    def remember(self, rows: pd.DataFrame) -> None:
        """Keep the annotations of ``rows`` (``text_hash`` + :data:`COLUMNS`), dropping the oldest."""
        for row in rows[["text_hash", *COLUMNS]].itertuples(index=False):
            self.memo[row[0]] = tuple(row[1:])
            self.memo.move_to_end(row[0])
        while len(self.memo) > self.memo_size:
            self.memo.popitem(last=False)


def _known_rows(store: Store, key: str, hashes: list[str], run: RunCache | None) -> pd.DataFrame:
    """Cached annotations of ``hashes``: from the run's memo, then the table for those it may hold."""
    if run is None:
        return _cached(store, key, hashes)
    distinct = list(dict.fromkeys(hashes))
    in_memo = [h for h in distinct if h in run.memo]
    rest = [h for h in distinct if h not in run.memo]
    asked = [h for h, maybe in zip(rest, run.annotated.may_hold(rest), strict=True) if maybe] if rest else []
    memo_rows = pd.DataFrame([run.memo[h] for h in in_memo], columns=list(COLUMNS)).assign(text_hash=in_memo)
    found = _cached(store, key, asked) if asked else memo_rows.iloc[:0]
    rows = pd.concat([memo_rows[["text_hash", *COLUMNS]], found], ignore_index=True)
    run.remember(found)
    return rows


def annotate_once(store: Store, embedder: Embedder, annotator: object, texts: Sequence[str],
                  run: RunCache | None = None) -> tuple[pd.DataFrame, int]:
    """Themes, scores, polarity and mode for each of ``texts`` (input order), and how many distinct texts
    were new: only those are embedded and classified. New annotations go to the cache at once (a cache:
    safe to keep after an interrupted run). ``run`` (a :class:`RunCache` of this annotator) spares the
    look-ups of texts the tables cannot hold."""
    key = annotator_key(annotator, embedder)
    if run is not None and run.key != key:
        raise ValueError(f"the run cache is for annotator {run.key!r}, not {key!r}")
    hashes = [text_hash(t) for t in texts]
    cached = _known_rows(store, key, hashes, run)
    known = set(cached["text_hash"])
    todo = {h: t for h, t in zip(hashes, texts, strict=True) if h not in known}
    if todo:
        new_texts = list(todo.values())
        vectors = embed_with_cache(store, embedder, new_texts, show_progress=False,
                                   known=run.embedded if run is not None else None)
        fresh = annotator.annotate(new_texts, vectors)  # type: ignore[attr-defined]
        fresh.insert(0, "text_hash", list(todo))
        store.connection.register("_fresh", fresh[["text_hash", *COLUMNS]])
        try:
            store.connection.execute(f"INSERT OR IGNORE INTO {TABLE} BY NAME SELECT ? AS annotator_key, * FROM _fresh", [key])
        finally:
            store.connection.unregister("_fresh")
        if run is not None:
            run.annotated.add(todo)
            run.remember(fresh)
        cached = pd.concat([cached, fresh[["text_hash", *COLUMNS]]], ignore_index=True)
    by_hash = cached.drop_duplicates("text_hash").set_index("text_hash")
    return by_hash.loc[hashes, COLUMNS].reset_index(drop=True), len(todo)


def new_texts(store: Store, embedder: Embedder, annotator: object, texts: Sequence[str]) -> list[str]:
    """The distinct ``texts`` this annotator has not annotated yet (what a run would embed), first-seen order."""
    distinct = list(dict.fromkeys(texts))
    hashes = [text_hash(t) for t in distinct]
    known = set(_cached(store, annotator_key(annotator, embedder), hashes)["text_hash"])
    return [t for t, h in zip(distinct, hashes, strict=True) if h not in known]
