"""Bounded-memory, resumable pipeline over a big survey export: ingest → langid → embed → classify → write,
one chunk (``chunk_rows`` rows, default 10,000) at a time.

Each chunk is parsed with the ordinary table ingest (:func:`textmine.ingest.table.read_table`, so every
policy holds; a duplicate respondent row is only detected within its chunk), has its personal data masked
(:func:`textmine.pipeline.for_store`; the originals kept only with ``keep_raw``), is tagged, embedded and
classified through :mod:`textmine.scale.dedup` (each distinct text once; the run reads each cache table's
hashes once, so a chunk's look-ups do not grow with the store), and written in one transaction
together with its row in the progress table. By default the next chunk is read, tagged and embedded
(:mod:`textmine.scale.ahead`) in a background thread while one is classified and written
(:mod:`textmine.scale.overlap`; setting ``overlap_chunks``)::

    scale_chunks(source_file, chunk_no, chunk_rows, fingerprint, first_line, last_line, rows_in,
                 comments, rejects, new_texts, seconds, done_at)   PRIMARY KEY (source_file, chunk_no)

A re-run skips every chunk whose fingerprint (hash of its raw cells) is recorded, so an interrupted run
resumes at the first unfinished chunk and rows appended to a file cost only their own chunks. A written
chunk replaces the store's rows of the same file and line range, so nothing is ever duplicated.
Inputs: UTF-8 ``.csv`` (header on line 1; line numbers assume no blank lines) and ``.parquet``.
"""

from __future__ import annotations

import csv
import hashlib
import logging
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow.parquet as pq
from tqdm import tqdm

from textmine import schema
from textmine.embed.base import Embedder
from textmine.pipeline import for_store
from textmine.scale import languages
from textmine.scale.ahead import EmbedAhead, Prefilled
from textmine.scale.dedup import RunCache, annotate_once
from textmine.scale.overlap import prepared_ahead
from textmine.settings import settings
from textmine.store import Store

TABLE = "scale_chunks"  # registered in textmine.store_schema
STAGES = ("ingest", "langid", "embed", "annotate", "write")
Hook = Callable[[str, int], None]


@dataclass(frozen=True)
class RawChunk:
    """Rows ``first_line..last_line`` of the input as read (cells as stored), with a hash of them."""

    no: int
    frame: pd.DataFrame
    first_line: int
    fingerprint: str

    @property
    def last_line(self) -> int:
        """Line of the chunk's last row."""
        return self.first_line + len(self.frame) - 1


@dataclass
class ChunkedSummary:
    """What a chunked run did, with seconds per stage."""

    source_file: str
    chunks: int = 0
    skipped: int = 0
    rows_in: int = 0
    comments: int = 0
    rejected: int = 0
    new_texts: int = 0
    seconds: float = 0.0
    overlap: bool = False
    stage_seconds: dict[str, float] = field(default_factory=lambda: dict.fromkeys(STAGES, 0.0))
    finished_at: list[float] = field(default_factory=list)  # seconds from the start as each chunk was written

    @property
    def chunk_seconds(self) -> list[float]:
        """Wall seconds of each chunk this run did, in order (from one write to the next)."""
        return [b - a for a, b in pairwise([0.0, *self.finished_at])]

    def flatness_line(self) -> str | None:
        """How chunk time moved over the run: median of the first and last tenth of chunks, and the change."""
        seconds = self.chunk_seconds
        if len(seconds) < 4:
            return None
        tenth = max(len(seconds) // 10, 2)
        first, last = float(np.median(seconds[:tenth])), float(np.median(seconds[-tenth:]))
        return (f"  seconds per chunk: median {np.median(seconds):.1f}; first {tenth} {first:.1f}, last {tenth} "
                f"{last:.1f} ({last / first - 1:+.0%})")

    def lines(self) -> list[str]:
        """Human-readable summary."""
        stages = ", ".join(f"{k} {v:.1f} s" for k, v in self.stage_seconds.items())
        if self.overlap:
            stages += " (ingest, langid and embed ran one chunk ahead, beside annotate and write)"
        head = (f"{self.source_file}: {self.chunks} chunks ({self.skipped} already done), {self.rows_in} rows in -> "
                f"{self.comments} comments, {self.rejected} rejected, {self.new_texts} new distinct texts "
                f"({self.seconds:.1f} s)")
        flatness = self.flatness_line()
        return [head, f"  stages: {stages}", *([flatness] if flatness else [])]


def _check_format(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".parquet"):
        raise ValueError(f"{path}: chunked runs read .csv or .parquet, not {suffix or '(no extension)'!r}; "
                         "convert the file or use `textmine ingest table`")
    return suffix


def count_rows(path: Path) -> int:
    """Data rows of a .csv (records after the header) or .parquet file, without loading it."""
    if _check_format(Path(path)) == ".parquet":
        return pq.ParquetFile(path).metadata.num_rows
    with open(path, encoding="utf-8", newline="") as handle:
        return max(sum(1 for _ in csv.reader(handle)) - 1, 0)


def _fingerprint(frame: pd.DataFrame) -> str:
    digest = hashlib.sha1("\x1f".join(map(str, frame.columns)).encode("utf-8"))
    digest.update(pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes())
    return digest.hexdigest()


def raw_chunks(path: Path, chunk_rows: int) -> Iterator[RawChunk]:
    """The file's rows, ``chunk_rows`` at a time, never holding more than one chunk."""
    path = Path(path)
    if _check_format(path) == ".parquet":
        frames = (b.to_pandas() for b in pq.ParquetFile(path).iter_batches(batch_size=chunk_rows))
        first = 1
    else:
        frames = pd.read_csv(path, dtype=str, keep_default_na=False, chunksize=chunk_rows, encoding="utf-8")
        first = 2
    for no, frame in enumerate(frames):
        frame = frame.reset_index(drop=True)
        yield RawChunk(no, frame, first + no * chunk_rows, _fingerprint(frame))


@contextmanager
def _quiet(logger_name: str, quiet: bool) -> Iterator[None]:
    logger = logging.getLogger(logger_name)
    level = logger.level
    if quiet:
        logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


def parse_chunk(chunk: RawChunk, source_file: str, column_map: Mapping[str, str] | None = None,
                keep_raw: bool = False) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Comments and rejects of a chunk, with the source file's name, lines and ids and personal data masked
    (the unmasked originals kept in ``raw_text``/``raw`` only on ``keep_raw``, as a whole-file ingest)."""
    from textmine.ingest.readers import read_raw
    from textmine.ingest.table import parse_raw

    with tempfile.TemporaryDirectory(prefix="textmine-chunk-") as folder:
        staged = Path(folder) / "chunk.parquet"
        chunk.frame.to_parquet(staged, index=False)
        with _quiet("textmine.ingest.table", chunk.no > 0):  # its messages name the source file, not the chunk
            parsed = parse_raw(Path(source_file), read_raw(staged), column_map)
    offset = chunk.first_line - 1
    comments = parsed.comments.assign(source_file=source_file, source_line=parsed.comments["source_line"] + offset)
    comments["id"] = [schema.comment_id(source_file, int(line), raw)
                      for line, raw in zip(comments["source_line"], comments["raw_text"], strict=True)]
    rejects = parsed.rejects.assign(source_file=source_file, source_line=parsed.rejects["source_line"] + offset)
    return for_store(comments, rejects, keep_raw)


def _insert(con: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame) -> None:
    if len(frame):
        con.register("_incoming", frame)
        try:
            con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM _incoming")
        finally:
            con.unregister("_incoming")


def _delete_lines(con: duckdb.DuckDBPyConnection, source_file: str, first: int, last: int | None) -> None:
    """Delete the store's comments (with their themes) and rejects of ``source_file`` in a line range."""
    span = "source_file = ? AND source_line >= ?" + (" AND source_line <= ?" if last is not None else "")
    params = [source_file, first] + ([last] if last is not None else [])
    con.execute(f"DELETE FROM comment_themes WHERE id IN (SELECT id FROM comments WHERE {span})", params)
    con.execute(f"DELETE FROM comments WHERE {span}", params)
    con.execute(f"DELETE FROM rejects WHERE {span}", params)


def write_chunk(store: Store, source_file: str, chunk: RawChunk, chunk_rows: int, comments: pd.DataFrame,
                rejects: pd.DataFrame, themes: pd.DataFrame, new_texts: int, seconds: float, tags: pd.DataFrame) -> None:
    """Replace the chunk's line range in the store, keep its new language ``tags`` and record the chunk as
    done, in one transaction."""
    comments = schema.validate(comments, schema.COMMENTS)
    rejects = schema.validate(rejects, schema.REJECTS)
    themes = schema.validate(themes, schema.COMMENT_THEMES)
    record = pd.DataFrame([{"source_file": source_file, "chunk_no": chunk.no, "chunk_rows": chunk_rows,
                            "fingerprint": chunk.fingerprint, "first_line": chunk.first_line,
                            "last_line": chunk.last_line, "rows_in": len(chunk.frame), "comments": len(comments),
                            "rejects": len(rejects), "new_texts": new_texts, "seconds": seconds}])

    def work(con: duckdb.DuckDBPyConnection) -> None:
        _delete_lines(con, source_file, chunk.first_line, chunk.last_line)
        con.execute(f"DELETE FROM {TABLE} WHERE source_file = ? AND chunk_no = ?", [source_file, chunk.no])
        for table, frame in (("comments", comments), ("rejects", rejects), ("comment_themes", themes),
                             (TABLE, record)):
            _insert(con, table, frame)
        languages.keep(con, tags)

    store.transaction(work)


def done_chunks(store: Store, source_file: str, chunk_rows: int) -> dict[int, str]:
    """Chunk number -> fingerprint of the chunks of ``source_file`` already written at this chunk size."""
    rows = store.connection.execute(f"SELECT chunk_no, fingerprint FROM {TABLE} WHERE source_file = ? AND chunk_rows = ?",
                                    [source_file, chunk_rows]).fetchall()
    return dict(rows)


def _drop_tail(store: Store, source_file: str, chunks: int, last_line: int) -> None:
    """Forget rows and chunk records beyond the file's end (the file shrank since an earlier run)."""
    def work(con: duckdb.DuckDBPyConnection) -> None:
        _delete_lines(con, source_file, last_line + 1, None)
        con.execute(f"DELETE FROM {TABLE} WHERE source_file = ? AND chunk_no >= ?", [source_file, chunks])

    store.transaction(work)


class _Stages:
    """Runs the optional hook at the start of each stage and adds up the seconds spent per stage."""

    def __init__(self, summary: ChunkedSummary, hook: Hook | None) -> None:
        self.summary, self.hook = summary, hook

    @contextmanager
    def __call__(self, stage: str, chunk_no: int) -> Iterator[None]:
        if self.hook is not None:
            self.hook(stage, chunk_no)
        started = time.perf_counter()
        yield
        self.summary.stage_seconds[stage] += time.perf_counter() - started


@dataclass(frozen=True)
class PreparedChunk:
    """A chunk parsed and tagged, with its new texts' vectors, and the seconds that took."""

    chunk: RawChunk
    comments: pd.DataFrame
    rejects: pd.DataFrame
    tags: pd.DataFrame  # language tags of texts new to the store (textmine.scale.languages)
    vectors: Prefilled
    seconds: float


@dataclass
class _ChunkSteps:
    """The two halves of a chunk's work: :meth:`prepare` (may run ahead in another thread) and :meth:`finish`."""

    store: Store
    source_file: str
    chunk_rows: int
    done: dict[int, str]
    ahead: EmbedAhead
    annotator: object
    run: RunCache
    stage: _Stages
    column_map: Mapping[str, str] | None
    keep_raw: bool

    def prepare(self, chunk: RawChunk) -> RawChunk | PreparedChunk:
        """Ingest, langid and embed a chunk; a chunk already written comes back as it is."""
        if self.done.get(chunk.no) == chunk.fingerprint:
            return chunk
        started = time.perf_counter()
        with self.stage("ingest", chunk.no):
            comments, rejects = parse_chunk(chunk, self.source_file, self.column_map, self.keep_raw)
        with self.stage("langid", chunk.no):
            comments, tags = languages.with_languages(self.store.connection, comments)
        with self.stage("embed", chunk.no):
            vectors = self.ahead.vectors(comments["text"].tolist())
        return PreparedChunk(chunk, comments, rejects, tags, vectors, time.perf_counter() - started)

    def finish(self, prepared: PreparedChunk) -> int:
        """Annotate a prepared chunk and write it; return how many distinct texts were new."""
        started, chunk, comments = time.perf_counter(), prepared.chunk, prepared.comments
        with self.stage("annotate", chunk.no):
            annotated, new_texts = annotate_once(self.store, prepared.vectors, self.annotator,
                                                 comments["text"].tolist(), self.run)
            themes = annotated.assign(id=comments["id"].to_numpy())[list(schema.COMMENT_THEMES.columns)]
        with self.stage("write", chunk.no):
            write_chunk(self.store, self.source_file, chunk, self.chunk_rows, comments, prepared.rejects, themes,
                        new_texts, prepared.seconds + time.perf_counter() - started, prepared.tags)
        return new_texts


def _prepared(steps: _ChunkSteps, chunks: Iterator[RawChunk],
              overlap: bool) -> AbstractContextManager[Iterator[RawChunk | PreparedChunk]]:
    if not overlap:
        return nullcontext(map(steps.prepare, chunks))
    return prepared_ahead(chunks, steps.prepare, lambda c: f"chunk {c.no} of {steps.source_file} "
                                                            f"(lines {c.first_line}-{c.last_line})")


def process_file(store: Store, path: Path, embedder: Embedder, chunk_rows: int = 10_000, mode: str = "auto",
                 column_map: Mapping[str, str] | None = None, hook: Hook | None = None,
                 progress: bool = True, annotator: object | None = None, keep_raw: bool = False,
                 overlap: bool | None = None) -> ChunkedSummary:
    """Run ingest → langid → embed → classify → write over ``path`` chunk by chunk (resumable; module doc).

    ``overlap`` (default: the ``overlap_chunks`` setting) reads, tags and embeds the next chunk in a
    background thread while this one is annotated and written (:mod:`textmine.scale.overlap`; at most two
    chunks in memory; same rows, themes and order as without). ``hook(stage, chunk_no)`` is called as
    each stage starts (for tests and instrumentation; ingest, langid and embed in that thread when
    overlapping). ``annotator`` defaults to a :class:`~textmine.classify.annotator.ThemeAnnotator` in
    ``mode``. ``keep_raw``: keep the unmasked originals (as ``ingest --keep-raw``); chunks already
    written are not redone for it. The store's database runs under the ``duckdb_chunk_memory_limit`` setting
    meanwhile (``textmine.settings``).
    """
    from textmine.classify.annotator import ThemeAnnotator

    if chunk_rows < 1:
        raise ValueError(f"chunk_rows must be at least 1, got {chunk_rows}")
    path = Path(path)
    overlap = settings().overlap_chunks if overlap is None else overlap
    started = time.perf_counter()
    summary = ChunkedSummary(path.name, overlap=overlap)
    annotator = annotator or ThemeAnnotator(embedder, mode=mode)
    run = RunCache.open(store, embedder, annotator)
    steps = _ChunkSteps(store, path.name, chunk_rows, done_chunks(store, path.name, chunk_rows),
                        EmbedAhead(embedder, run), annotator, run, _Stages(summary, hook), column_map, keep_raw)
    total = -(-count_rows(path) // chunk_rows)
    last_line = 0
    with (settings().chunk_limit(store.connection),
          tqdm(total=total, unit="chunk", disable=not progress, desc=path.name) as bar,
          _prepared(steps, raw_chunks(path, chunk_rows), overlap) as prepared):
        for item in prepared:
            chunk = item if isinstance(item, RawChunk) else item.chunk
            summary.chunks += 1
            summary.rows_in += len(chunk.frame)
            last_line = chunk.last_line
            if isinstance(item, RawChunk):
                summary.skipped += 1
            else:
                summary.new_texts += steps.finish(item)
                summary.comments += len(item.comments)
                summary.rejected += len(item.rejects)
                summary.finished_at.append(time.perf_counter() - started)
            bar.update(1)
            bar.set_postfix(rows=summary.rows_in, new_texts=summary.new_texts)
    _drop_tail(store, path.name, summary.chunks, last_line)
    summary.seconds = time.perf_counter() - started
    return summary
