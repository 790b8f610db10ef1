"""Before a big run: the expected time, from rates measured on a sample of the input on this machine."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from textmine.embed.base import Embedder
from textmine.scale.chunks import count_rows, done_chunks, parse_chunk, raw_chunks
from textmine.scale.dedup import duplicate_report, unique_languages
from textmine.store import Store


@dataclass(frozen=True)
class Estimate:
    """Rows left to process, the sample's distinct-text share and per-row / per-text rates, and seconds."""

    rows_todo: int
    distinct_share: float
    row_seconds: float
    text_seconds: float

    @property
    def seconds(self) -> float:
        """Expected wall time: per-row stages for every row, embedding and themes for distinct texts."""
        return self.rows_todo * (self.row_seconds + self.distinct_share * self.text_seconds)

    def line(self) -> str:
        """One line for the CLI."""
        if self.rows_todo == 0:
            return "estimate: nothing to process (every chunk is done)"
        return (f"estimate: {self.rows_todo} rows to process, ~{self.distinct_share:.0%} distinct texts, "
                f"{1 / max(self.text_seconds, 1e-9):.0f} texts/s embed+classify -> about {self.seconds / 60:.1f} min "
                "(duplicate share measured on a sample; bigger corpora repeat more, so this errs long)")


def estimate_run(store: Store, path: Path, embedder: Embedder, chunk_rows: int = 10_000, mode: str = "auto",
                 sample_rows: int = 1000, sample_texts: int = 64, annotator: object | None = None) -> Estimate:
    """Time ingest+langid on the first ``sample_rows`` rows and embed+classify on ``sample_texts`` texts
    (with ``annotator``, default the theme heads in ``mode``). Two texts go through first, untimed: the
    first call loads the heads and the lemmatisers and warms the model, a cost paid once per run."""
    from textmine.classify.annotator import ThemeAnnotator

    path = Path(path)
    done = done_chunks(store, path.name, chunk_rows)
    rows_todo = max(count_rows(path) - len(done) * chunk_rows, 0)
    sample = next(raw_chunks(path, sample_rows), None)
    if sample is None or rows_todo == 0:
        return Estimate(rows_todo, 0.0, 0.0, 0.0)
    started = time.perf_counter()
    comments, _ = parse_chunk(sample, path.name)
    unique_languages(comments["text"].tolist())
    row_seconds = (time.perf_counter() - started) / len(sample.frame)
    texts = list(dict.fromkeys(comments["text"]))[:sample_texts]
    annotator = annotator or ThemeAnnotator(embedder.model_id, mode=mode)
    annotator.annotate(texts[:2], embedder.embed(texts[:2], show_progress=False))  # type: ignore[attr-defined]
    started = time.perf_counter()
    annotator.annotate(texts, embedder.embed(texts, show_progress=False))  # type: ignore[attr-defined]
    text_seconds = (time.perf_counter() - started) / max(len(texts), 1)
    report = duplicate_report(comments["text"].tolist())
    return Estimate(rows_todo, report.unique / max(report.rows, 1), row_seconds, text_seconds)
