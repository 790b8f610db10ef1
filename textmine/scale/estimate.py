"""Before a big run: the expected time, from rates measured on a sample of the input on this machine."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from textmine.embed.base import Embedder
from textmine.langid import tag_languages
from textmine.scale.chunks import count_rows, done_chunks, parse_chunk, raw_chunks
from textmine.store import Store


@dataclass(frozen=True)
class Estimate:
    """Rows left to process, the share of them expected to bring a new distinct text, per-row / per-text
    rates, and seconds."""

    rows_todo: int
    distinct_share: float
    row_seconds: float
    text_seconds: float

    @property
    def seconds(self) -> float:
        """Expected wall time: per-row stages for every row, embedding and themes for new distinct texts."""
        return self.rows_todo * (self.row_seconds + self.distinct_share * self.text_seconds)

    def line(self) -> str:
        """One line for the CLI."""
        if self.rows_todo == 0:
            return "estimate: nothing to process (every chunk is done)"
        return (f"estimate: {self.rows_todo} rows to process, ~{self.distinct_share:.0%} new distinct texts "
                f"(projected from the sample), {1 / max(self.text_seconds, 1e-9):.0f} texts/s embed+classify -> "
                f"about {self.seconds / 60:.1f} min (rates from small batches: errs long)")


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


def estimate_run(store: Store, path: Path, embedder: Embedder, chunk_rows: int = 10_000, mode: str = "auto",
                 sample_rows: int = 10_000, sample_texts: int = 128, annotator: object | None = None) -> Estimate:
    """Time ingest+langid on the first ``sample_rows`` rows and embed+classify on ``sample_texts`` texts
    (with ``annotator``, default the theme heads in ``mode``); project the new distinct texts of the rows
    left from the sample (:func:`projected_distinct`). Two texts go through first, untimed: the first
    call loads the heads and the lemmatisers and warms the model, a cost paid once per run."""
    from textmine.classify.annotator import ThemeAnnotator

    path = Path(path)
    done = done_chunks(store, path.name, chunk_rows)
    total = count_rows(path)
    rows_done = min(len(done) * chunk_rows, total)
    rows_todo = total - rows_done
    sample = next(raw_chunks(path, sample_rows), None)
    if sample is None or rows_todo == 0:
        return Estimate(rows_todo, 0.0, 0.0, 0.0)
    started = time.perf_counter()
    comments, _ = parse_chunk(sample, path.name)
    tag_languages(comments["text"].tolist())
    row_seconds = (time.perf_counter() - started) / len(sample.frame)
    texts = list(dict.fromkeys(comments["text"]))[:sample_texts]
    annotator = annotator or ThemeAnnotator(embedder, mode=mode)
    annotator.annotate(texts[:2], embedder.embed(texts[:2], show_progress=False))  # type: ignore[attr-defined]
    started = time.perf_counter()
    annotator.annotate(texts, embedder.embed(texts, show_progress=False))  # type: ignore[attr-defined]
    text_seconds = (time.perf_counter() - started) / max(len(texts), 1)
    seen = comments["text"].tolist()
    new_texts = projected_distinct(seen, total) - projected_distinct(seen, rows_done)
    return Estimate(rows_todo, new_texts / rows_todo, row_seconds, text_seconds)
