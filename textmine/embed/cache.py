"""Embedding cache in the store: vectors keyed by (model id, kind, sha1 of the text).

Table ``embeddings(model_id, kind, text_hash, vector FLOAT[])`` in the store's DuckDB file. Only
texts without a vector for the embedder's ``model_id`` are embedded, in chunks that are committed
as they finish (an interrupted run keeps its progress). Vectors of another model id are never
returned, so changing the model re-embeds everything; ``forget_other_models`` reclaims the space.
Reads stream Arrow record batches into one preallocated float32 array (optionally a ``np.memmap``),
so a million 384-d vectors never pass through Python lists. A long run passes ``known`` (the table's
hashes read once, :mod:`textmine.embed.known`) so texts certainly not cached skip the look-up.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import numpy as np
import pyarrow as pa

from textmine.embed.base import Embedder, Kind, check_kind
from textmine.embed.known import KnownHashes
from textmine.store import Store
from textmine.texthash import text_hash

log = logging.getLogger(__name__)

TABLE = "embeddings"  # registered in textmine.store_schema
PIECE = 4096  # texts per embedder call and per committed insert (the default ``chunk_size``)


def known_hashes(store: Store, model_id: str, kind: Kind = "passage") -> KnownHashes:
    """The hashes with a cached vector of ``model_id`` and ``kind``, read once (for a long run)."""
    table = store.connection.sql(f"SELECT text_hash FROM {TABLE} WHERE model_id = $model AND kind = $kind",
                                 params={"model": model_id, "kind": check_kind(kind)}).to_arrow_table()
    return KnownHashes(table.column(0).to_pylist())


def _lookup(store: Store, model_id: str, kind: str, hashes: list[str], out: np.ndarray,
            chunk: int = 100_000) -> np.ndarray:
    """Fill ``out`` rows whose hash is cached; return a boolean mask of the rows found.

    Hashes go in chunks so the join builds its hash table on the (small) chunk and streams the
    vectors, instead of materialising the whole table.
    """
    con = store.connection
    found = np.zeros(len(hashes), dtype=bool)
    for start in range(0, len(hashes), chunk):
        part = hashes[start : start + chunk]
        con.register("_wanted", pa.table({"pos": np.arange(start, start + len(part)), "text_hash": part}))
        try:
            reader = con.sql(
                f"""SELECT w.pos, e.vector FROM {TABLE} e JOIN _wanted w
                    ON e.text_hash = w.text_hash AND e.model_id = $model AND e.kind = $kind""",
                params={"model": model_id, "kind": kind},
            ).to_arrow_reader(16_384)
            for batch in reader:
                pos = batch.column(0).to_numpy()
                out[pos] = batch.column(1).flatten().to_numpy().reshape(len(pos), -1)
                found[pos] = True
        finally:
            con.unregister("_wanted")
    return found


def _insert(store: Store, model_id: str, kind: str, hashes: list[str], vectors: np.ndarray) -> None:
    dim = vectors.shape[1]
    values = pa.array(np.ascontiguousarray(vectors, dtype=np.float32).reshape(-1))
    offsets = pa.array(np.arange(0, len(hashes) * dim + 1, dim, dtype=np.int32))
    incoming = pa.table({"text_hash": hashes, "vector": pa.ListArray.from_arrays(offsets, values)})
    con = store.connection
    con.register("_incoming", incoming)
    try:  # the rows were just looked up and not found (one writer per store): a plain append, no scan
        con.execute(f"INSERT INTO {TABLE} BY NAME SELECT ? AS model_id, ? AS kind, i.text_hash, i.vector "
                    "FROM _incoming i", [model_id, kind])
    finally:
        con.unregister("_incoming")


def embed_with_cache(store: Store, embedder: Embedder, texts: Sequence[str], kind: Kind = "passage",
                     batch_size: int = 32, chunk_size: int = PIECE, show_progress: bool = True,
                     out: np.ndarray | None = None, known: KnownHashes | None = None) -> np.ndarray:
    """Vectors of ``texts`` in input order, embedding only those not cached for ``embedder.model_id``.

    ``out`` may be a preallocated ``(len(texts), dim)`` float32 array or ``np.memmap`` to fill;
    ``known`` (from :func:`known_hashes` for this model and kind) limits the look-up to texts it may
    hold and records the new ones.
    """
    kind = check_kind(kind)
    hashes = [text_hash(t) for t in texts]
    if out is None:
        out = np.zeros((len(texts), embedder.dim), dtype=np.float32)
    elif out.shape != (len(texts), embedder.dim):
        raise ValueError(f"out has shape {out.shape}, expected {(len(texts), embedder.dim)}")
    if known is None:
        found = _lookup(store, embedder.model_id, kind, hashes, out)
    else:
        found = np.zeros(len(hashes), dtype=bool)
        maybe = np.flatnonzero(known.may_hold(hashes))
        if len(maybe):
            part = np.zeros((len(maybe), embedder.dim), dtype=np.float32)
            hit = _lookup(store, embedder.model_id, kind, [hashes[i] for i in maybe], part)
            out[maybe[hit]] = part[hit]
            found[maybe[hit]] = True
    first_of: dict[str, int] = {}
    for i in np.flatnonzero(~found):
        first_of.setdefault(hashes[i], int(i))
    todo = list(first_of.values())
    log.info("embeddings (%s, %s): %d texts, %d cached, %d new", embedder.model_id, kind,
             len(texts), int(found.sum()), len(todo))
    for start in range(0, len(todo), chunk_size):
        rows = todo[start : start + chunk_size]
        vectors = embedder.embed([texts[i] for i in rows], kind=kind, batch_size=batch_size,
                                 show_progress=show_progress)
        _insert(store, embedder.model_id, kind, [hashes[i] for i in rows], vectors)
        if known is not None:
            known.add(hashes[i] for i in rows)
        out[rows] = vectors
    duplicates = np.flatnonzero(~found)
    if len(duplicates) > len(todo):
        out[duplicates] = out[[first_of[hashes[i]] for i in duplicates]]
    return out


def forget_other_models(store: Store, keep_model_id: str) -> int:
    """Delete cached vectors of every model but ``keep_model_id``; return how many rows went."""
    (count,) = store.connection.execute(
        f"SELECT count(*) FROM {TABLE} WHERE model_id <> ?", [keep_model_id]).fetchone()
    store.connection.execute(f"DELETE FROM {TABLE} WHERE model_id <> ?", [keep_model_id])
    return int(count)
