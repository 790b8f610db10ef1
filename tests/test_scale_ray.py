"""Ray Data engine: in Ray local mode on 2 CPUs its output equals the local engine's, row by row."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

ray = pytest.importorskip("ray", reason="Ray is an optional extra: pip install 'textmine[ray]' to run this test")

import test_scale_chunks as fakes

from textmine.annotate import annotate_file
from textmine.scale.ray_engine import annotate_with_ray
from textmine.scale.synth import synth_corpus


def make_embedder() -> fakes.HashEmbedder:
    return fakes.HashEmbedder()


def make_annotator(embedder: object, mode: str) -> fakes.RuleAnnotator:
    return fakes.RuleAnnotator()


def test_ray_output_equals_local_engine_row_by_row(tmp_path: Path) -> None:
    corpus = synth_corpus(400, seed=3)
    corpus.loc[5, "text"] = ""  # an empty answer keeps its row, without themes
    source = tmp_path / "synthetic_ray.csv"
    corpus.to_csv(source, index=False)
    out = tmp_path / "annotated.parquet"
    here = str(Path(__file__).resolve().parent)  # so Ray workers import the stand-ins from this folder
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, runtime_env={"env_vars": {"PYTHONPATH": here}})
    try:
        rows = annotate_with_ray(source, out, concurrency=2, actor_cpus=0.5, batch_size=64, embedder_factory=make_embedder,
                                 annotator_factory=make_annotator)
    finally:
        ray.shutdown()
    local = tmp_path / "local.parquet"
    annotate_file(source, local, embedder=make_embedder(), annotator=make_annotator("", "auto"))
    got, want = pd.read_parquet(out), pd.read_parquet(local)
    assert rows == len(got) == 400
    assert got["respondent_id"].tolist() == corpus["respondent_id"].tolist()
    pd.testing.assert_frame_equal(got, want)
    assert pd.isna(got.loc[5, "themes"]) and got["themes"].notna().sum() == 399
