"""The run estimate: its projection of distinct texts against the true count on the synthetic corpus, the
padding its embedding time follows, and texts the store already knows taken off."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_scale_chunks import HashEmbedder, RuleAnnotator

from textmine.scale.chunks import process_file
from textmine.scale.dedup import annotate_once
from textmine.scale.estimate import SHORT_RUN_CHUNKS, Estimate, estimate_run, padded_chars, projected_distinct
from textmine.scale.synth import synth_corpus, write_synth
from textmine.store import Store


def test_projection_from_a_10k_sample_lands_near_the_true_distinct_count() -> None:
    texts = synth_corpus(100_000, 3)["text"].tolist()
    truth = len(set(texts))
    sample = texts[:10_000]
    projected = projected_distinct(sample, len(texts))
    naive = len(set(sample)) / len(sample) * len(texts)  # the sample's distinct share applied to every row
    assert abs(projected - truth) / truth < 0.15
    assert abs(projected - truth) < abs(naive - truth) / 3


def test_projection_inside_the_sample_counts_and_a_tiny_sample_errs_long() -> None:
    texts = ["Рахмет", "Жақсы", "Рахмет", "Кезек ұзақ", "Рахмет"]
    assert projected_distinct(texts, 4) == 3
    assert projected_distinct(texts, 105) == 3 + 100


def test_estimate_adds_row_and_new_text_costs() -> None:
    estimate = Estimate(rows_todo=1000, distinct_share=0.4, row_seconds=0.001, text_seconds=0.02, known_share=0.25)
    assert estimate.seconds == pytest.approx(9.0)  # 1000 rows x 1 ms + 400 new texts x 20 ms = 1 s + 8 s
    assert "~400 new distinct texts (25% of the sample's already in the store)" in estimate.line()


def test_padding_follows_length_sorted_batches_within_each_call() -> None:
    texts = ["x" * 10, "x" * 2, "x" * 9, "x"]
    assert padded_chars(texts, call=4, batch_size=2) == (2 * 10 + 2 * 2) / 4  # batches (10, 9) and (2, 1)
    assert padded_chars(texts, call=2, batch_size=2) == (2 * 10 + 2 * 9) / 4  # calls (10, 2) and (9, 1)


def test_texts_the_store_already_annotated_are_not_counted_as_new(tmp_path: Path) -> None:
    source = write_synth(400, seed=5, out=tmp_path / "synthetic_400.csv")
    embedder, annotator = HashEmbedder(), RuleAnnotator()
    with Store(tmp_path / "e.duckdb") as store:
        fresh = estimate_run(store, source, embedder, chunk_rows=200, annotator=annotator)
        texts = synth_corpus(400, 5)["text"].tolist()
        annotate_once(store, embedder, annotator, texts[::2])  # every other row's text is now known
        later = estimate_run(store, source, embedder, chunk_rows=200, annotator=annotator)
    assert fresh.rows_todo == later.rows_todo == 400 and fresh.known_share == 0
    assert 0.3 < later.known_share < 0.8
    assert later.distinct_share == pytest.approx(fresh.distinct_share * (1 - later.known_share), rel=0.01)
    assert fresh.text_seconds > 0 and fresh.calibration_seconds > 0


def _stop_at(stage: str, chunk_no: int, where: tuple[str, int]) -> None:
    if (stage, chunk_no) == where:
        raise InterruptedError(f"{stage} of chunk {chunk_no}")


def test_the_sample_spans_chunks_from_the_first_one_to_do(tmp_path: Path) -> None:
    source = write_synth(400, seed=5, out=tmp_path / "synthetic_400.csv")
    embedder, annotator = HashEmbedder(), RuleAnnotator()
    with Store(tmp_path / "s.duckdb") as store:
        whole = estimate_run(store, source, embedder, chunk_rows=400, annotator=annotator)
        small_chunks = estimate_run(store, source, embedder, chunk_rows=50, annotator=annotator)
        with pytest.raises(InterruptedError):  # stopped after 2 chunks of 100 rows
            process_file(store, source, embedder, chunk_rows=100, annotator=annotator, progress=False,
                         hook=lambda stage, no: _stop_at(stage, no, ("annotate", 2)))
        resumed = estimate_run(store, source, embedder, chunk_rows=100, annotator=annotator)
    assert small_chunks.distinct_share == whole.distinct_share  # the same 400 rows, not the first 50
    assert resumed.rows_todo == 200 and 0 < resumed.known_share < 1


def test_short_runs_are_not_estimated_and_a_resumed_run_counts_only_what_is_left(tmp_path: Path) -> None:
    source = write_synth(400, seed=5, out=tmp_path / "synthetic_400.csv")
    embedder, annotator = HashEmbedder(), RuleAnnotator()

    def estimate(store: Store, chunk_rows: int) -> Estimate:
        return estimate_run(store, source, embedder, chunk_rows, annotator=annotator, min_chunks=SHORT_RUN_CHUNKS)

    with Store(tmp_path / "w.duckdb") as store:
        four_chunks, two_chunks, one_chunk = estimate(store, 100), estimate(store, 200), estimate(store, 400)
        with pytest.raises(InterruptedError):
            process_file(store, source, embedder, chunk_rows=100, annotator=annotator, progress=False,
                         hook=lambda stage, no: _stop_at(stage, no, ("annotate", 2)))
        left = estimate(store, 100)
    assert four_chunks.rows_todo == 400 and not four_chunks.skipped and four_chunks.text_seconds > 0
    assert two_chunks.skipped and one_chunk.skipped and two_chunks.text_seconds == 0
    assert left.rows_todo == 200 and left.skipped
    assert left.line().startswith("estimate: skipped for a short run (200 rows")
