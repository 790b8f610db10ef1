"""Before a big run: the expected time, from a short calibration on a sample of the rows to do, on this machine.

The sample is ``sample_rows`` rows from the first chunk not yet written on. Costs per row (ingest,
language tags, look-ups, write) are timed on it; costs per new distinct text (embedding and themes) on
``sample_texts`` of its texts. Only texts the store has not annotated cost embedding, so the share of the
sample's distinct texts already known is taken off the projected count. Embedding time follows the padded
batches the embedder runs (length-sorted batches of 32, each padded to its longest text): a 128-text
calibration pads far more than a run's calls of thousands of texts, so its time per text is rescaled by
the characters each would process. Warm-up (model and tagger loads, first calls) is untimed.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from textmine.embed.base import Embedder, length_sorted_batches
from textmine.embed.cache import PIECE
from textmine.pipeline import with_languages
from textmine.scale.chunks import RawChunk, count_rows, done_chunks, parse_chunk, raw_chunks
from textmine.scale.dedup import new_texts
from textmine.store import Store

BATCH = 32  # the embedders' default batch size
SHORT_RUN_CHUNKS = 2  # the CLI does not estimate runs of at most this many chunks: the calibration would cost
# a good part of the run itself (an incremental +10k on a big store), and the progress bar's ETA comes soon enough


@dataclass(frozen=True)
class Estimate:
    """Rows left to process, the share of them expected to bring a text new to the store, per-row /
    per-new-text seconds, the share of the sample's distinct texts the store already knew, and the
    seconds the calibration took."""

    rows_todo: int
    distinct_share: float
    row_seconds: float
    text_seconds: float
    known_share: float = 0.0
    calibration_seconds: float = 0.0
    skipped: bool = False  # a short run, not calibrated (``estimate_run``'s ``min_chunks``)

    @property
    def seconds(self) -> float:
        """Expected wall time: per-row stages for every row, embedding and themes for new distinct texts."""
        return self.rows_todo * (self.row_seconds + self.distinct_share * self.text_seconds)

    def line(self) -> str:
        """One line for the CLI."""
        if self.rows_todo == 0:
            return "estimate: nothing to process (every chunk is done)"
        if self.skipped:
            return (f"estimate: skipped for a short run ({self.rows_todo} rows, at most {SHORT_RUN_CHUNKS} "
                    f"chunk(s)); the progress bar's ETA follows the run")
        return (f"estimate: about {self.seconds / 60:.1f} min for {self.rows_todo} rows, "
                f"~{self.distinct_share * self.rows_todo:.0f} new distinct texts "
                f"({self.known_share:.0%} of the sample's already in the store), "
                f"{1 / max(self.text_seconds, 1e-9):.0f} texts/s embed+classify (an estimate from a "
                f"{self.calibration_seconds:.0f} s calibration; the progress bar's ETA follows the run)")


def projected_distinct(texts: Sequence[str], rows: int) -> float:
    """Distinct texts expected among the first ``rows`` rows of a file whose first rows are ``texts``.

    Distinct counts grow sublinearly (stock answers repeat): Heaps' law, distinct = K · n^β, fitted on
    the sample's prefixes of 1/8, 1/4, 1/2 and all of it (β clipped to [0, 1]); never more than ``rows``."""
    n = len(texts)
    if rows <= n:
        return float(len(set(texts[:rows])))
    if n < 16:  # too few rows to fit a curve: count every further row as new
        return float(len(set(texts)) + rows - n)
    sizes = np.array([n // 8, n // 4, n // 2, n])
    distinct = np.array([len(set(texts[:size])) for size in sizes])
    beta = float(np.clip(np.polyfit(np.log(sizes), np.log(distinct), 1)[0], 0.0, 1.0))
    return float(min(distinct[-1] * (rows / n) ** beta, rows))


def padded_chars(texts: Sequence[str], call: int = PIECE, batch_size: int = BATCH) -> float:
    """Characters per text an embedder processes for ``texts`` embedded ``call`` texts per call, each
    call in length-sorted batches padded to their longest text (what the ONNX backend does)."""
    total = 0
    for start in range(0, len(texts), call):
        lengths = np.array([len(t) for t in texts[start:start + call]])
        total += sum(len(batch) * int(lengths[batch].max()) for batch in length_sorted_batches(lengths, batch_size))
    return total / max(len(texts), 1)


def _timed(work, *args):
    started = time.perf_counter()
    result = work(*args)
    return result, time.perf_counter() - started


def _sample(path: Path, chunk_rows: int, done: dict[int, str], rows: int) -> RawChunk | None:
    """The first ``rows`` rows from the first chunk not yet written on (spanning chunks), or None."""
    chunks = (c for c in raw_chunks(path, chunk_rows) if done.get(c.no) != c.fingerprint)
    first = next(chunks, None)
    if first is None:
        return None
    frames, held = [first.frame], len(first.frame)
    for chunk in chunks:
        if held >= rows or chunk.no != first.no + len(frames):
            break
        frames.append(chunk.frame)
        held += len(chunk.frame)
    frame = pd.concat(frames, ignore_index=True).iloc[:rows]
    return RawChunk(first.no, frame, first.first_line, first.fingerprint)


def estimate_run(store: Store, path: Path, embedder: Embedder, chunk_rows: int = 10_000, mode: str = "auto",
                 sample_rows: int = 10_000, sample_texts: int = 128, annotator: object | None = None,
                 min_chunks: int = 0) -> Estimate:
    """Calibrate on the first ``sample_rows`` rows of the first chunk to do (module doc): project its new
    distinct texts over the rows to do (:func:`projected_distinct`, less the share the store knows), time
    per-row work on it and embedding and themes (with ``annotator``, default the heads in ``mode``) on
    ``sample_texts`` of its new texts. A run of at most ``min_chunks`` chunks left is not calibrated
    (``skipped``; the CLI passes :data:`SHORT_RUN_CHUNKS`)."""
    from textmine.classify.annotator import ThemeAnnotator

    path = Path(path)
    calibration = time.perf_counter()
    done = done_chunks(store, path.name, chunk_rows)
    total = count_rows(path)
    rows_todo = total - min(len(done) * chunk_rows, total)
    if 0 < rows_todo <= min_chunks * chunk_rows:
        return Estimate(rows_todo, 0.0, 0.0, 0.0, skipped=True)
    sample = _sample(path, chunk_rows, done, sample_rows)
    if sample is None or rows_todo == 0:
        return Estimate(rows_todo, 0.0, 0.0, 0.0)
    annotator = annotator or ThemeAnnotator(embedder, mode=mode)
    warm = RawChunk(sample.no, sample.frame.iloc[:64], sample.first_line, sample.fingerprint)
    with_languages(parse_chunk(warm, path.name)[0])  # loads the tagger: untimed
    (comments, _), parse_seconds = _timed(parse_chunk, sample, path.name)
    comments, tag_seconds = _timed(with_languages, comments)
    seen = comments["text"].tolist()
    unknown, lookup_seconds = _timed(new_texts, store, embedder, annotator, seen)
    row_seconds = (parse_seconds + tag_seconds + lookup_seconds) / len(sample.frame)
    if not unknown:  # the sample brings no new text (or no comment at all): rows cost only their own work
        return Estimate(rows_todo, 0.0, row_seconds, 0.0, 1.0 if seen else 0.0, time.perf_counter() - calibration)
    known_share = 1 - len(unknown) / len(set(seen))
    comments_todo = round(rows_todo * len(seen) / len(sample.frame))  # rejected rows bring no text
    projected = projected_distinct(seen, comments_todo) * (1 - known_share)
    texts = unknown[:sample_texts]
    warm_texts = unknown[-BATCH:]  # a full batch warms the model's thread pool and first shapes: untimed
    annotator.annotate(warm_texts, embedder.embed(warm_texts, show_progress=False))  # type: ignore[attr-defined]
    vectors, embed_seconds = _timed(embedder.embed, texts, "passage", BATCH, False)
    _, annotate_seconds = _timed(annotator.annotate, texts, vectors)  # type: ignore[attr-defined]
    per_call = int(min(PIECE, max(projected * chunk_rows / rows_todo, 1)))  # new texts a chunk embeds at once
    per_char = embed_seconds / (padded_chars(texts, len(texts)) * len(texts))
    text_seconds = per_char * padded_chars(unknown, per_call) + annotate_seconds / len(texts)
    return Estimate(rows_todo, projected / rows_todo, row_seconds, text_seconds, known_share,
                    time.perf_counter() - calibration)
