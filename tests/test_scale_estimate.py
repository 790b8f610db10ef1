"""The run estimate's projection of distinct texts: checked against the true count on the synthetic corpus."""

from __future__ import annotations

import pytest

from textmine.scale.estimate import Estimate, projected_distinct
from textmine.scale.synth import synth_corpus


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
    estimate = Estimate(rows_todo=1000, distinct_share=0.4, row_seconds=0.001, text_seconds=0.02)
    assert estimate.seconds == pytest.approx(9.0)  # 1000 rows x 1 ms + 400 new texts x 20 ms = 1 s + 8 s
    assert "40% new distinct texts" in estimate.line()
