"""Zero-shot mode without trained heads: with the heads folder missing, or fitted for another embedding model,
``--mode zero_shot`` themes and gives polarity from the taxonomy alone (the real embedding model), saying so
in one line; ``--mode trained`` still fails with the reason and its fix."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from textmine.classify.annotator import ThemeAnnotator
from textmine.classify.model import ZeroShotThemeClassifier, zero_shot_from_descriptions
from textmine.classify.persist import HeadsMismatch
from textmine.classify.taxonomy import load_taxonomy
from textmine.classify.zero_shot import COMPLAINT_PRIOR, THRESHOLD_SIMILARITY, polarity_of
from textmine.cli import app
from textmine.scale.dedup import annotator_key
from textmine.store import Store

ROOT = Path(__file__).resolve().parents[1]
runner = CliRunner()
TEXTS = ["Кезек өте ұзақ, екі сағат күттім, бір ғана терезе істеді",
         "Спасибо, всё сделали быстро и вежливо, очень доволен",
         "Нужно увеличить количество окон и продлить часы работы"]


def _mismatched_heads(folder: Path) -> Path:
    """A complete heads folder whose card names another embedding model (its files are never read)."""
    folder.mkdir()
    card = json.loads((ROOT / "models" / "heads" / "card.json").read_text(encoding="utf-8"))
    (folder / "card.json").write_text(json.dumps({**card, "embedding_model_id": "another-model"}), encoding="utf-8")
    for name in ("themes.skops", "zero_shot.skops", "polarity.skops"):
        (folder / name).write_bytes(b"")
    return folder


@pytest.fixture(scope="module")
def survey(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("zero_shot") / "survey.csv"
    pd.DataFrame({"text": TEXTS}).to_csv(path, index=False)
    return path


@pytest.mark.parametrize(("heads", "reason"), [("missing", "no trained heads (card.json"),
                                               ("mismatched", "trained on embeddings of 'another-model'")])
def test_zero_shot_classifies_without_usable_heads_and_trained_says_why(
        heads: str, reason: str, survey: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    folder = _mismatched_heads(tmp_path / "heads") if heads == "mismatched" else tmp_path / "no_heads"
    monkeypatch.setenv("TEXTMINE_HEADS", str(folder))
    store = str(tmp_path / "s.duckdb")
    assert runner.invoke(app, ["ingest", "table", str(survey), "--store", store]).exit_code == 0

    refused = runner.invoke(app, ["classify", "--mode", "trained", "--store", store])
    assert refused.exit_code == 2 and reason in refused.output and "--mode zero_shot" in refused.output

    caplog.clear()
    result = runner.invoke(app, ["classify", "--mode", "zero_shot", "--store", store])
    assert result.exit_code == 0, result.output
    notices = [record.getMessage() for record in caplog.records if record.levelname == "WARNING"]
    assert len(notices) == 1 and "\n" not in notices[0]  # one line (on stderr outside pytest)
    assert notices[0].startswith("zero-shot from the taxonomy alone (uncalibrated theme thresholds") and reason in notices[0]
    with Store(store, read_only=True) as opened:
        coded = opened.read("comments").merge(opened.read("comment_themes"), on="id").set_index("text")
    assert coded.loc[TEXTS, "polarity"].tolist() == ["complaint", "praise", "suggestion"]
    assert set(coded["theme_mode"]) == {"zero_shot"}
    assert "queues" in coded.loc[TEXTS[0], "themes"].split(";") and "praise" in coded.loc[TEXTS[1], "themes"].split(";")
    themes = len(load_taxonomy().theme_ids)  # the raw similarity logistic gave a comment nearly every theme
    assert all(len(assigned.split(";")) < themes / 2 for assigned in coded["themes"])


class _Embedder:
    """Stand-in embedder: a deterministic unit vector per text."""

    model_id, dim = "stand-in", 16

    def embed(self, texts, kind="passage", batch_size=32, show_progress=True) -> np.ndarray:
        rows = [np.random.default_rng(sum(map(ord, text))).normal(size=self.dim) for text in texts]
        vectors = np.array(rows, dtype=np.float32).reshape(len(texts), self.dim)
        return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def test_without_heads_the_annotator_builds_its_classifiers_from_the_taxonomy(tmp_path: Path) -> None:
    taxonomy = load_taxonomy()
    annotator = ThemeAnnotator(_Embedder(), mode="zero_shot", heads_dir=tmp_path)
    assert annotator.heads is None and "no trained heads" in annotator.notice
    assert annotator.theme_ids == taxonomy.theme_ids
    texts = ["a", "b"]
    annotated = annotator.annotate(texts, _Embedder().embed(texts))
    assert set(annotated["polarity"]) <= set(taxonomy.polarity_ids) and set(annotated["theme_mode"]) == {"zero_shot"}
    for mode in ("auto", "trained"):
        with pytest.raises(HeadsMismatch, match="no trained heads .*textmine train"):
            ThemeAnnotator(_Embedder(), mode=mode, heads_dir=tmp_path)
    key = annotator_key(annotator, _Embedder())
    model, fitted, version, _, mode = key.split("|")
    assert (model, fitted[:12], version, mode) == ("stand-in", "descriptions", f"tax{taxonomy.version}", "zero_shot")
    edited = taxonomy.model_copy(deep=True)
    edited.polarities[0].examples.kk.append("Мүлде жауап бермеді")
    assert annotator_key(ThemeAnnotator(_Embedder(), mode="zero_shot", heads_dir=tmp_path, taxonomy=edited),
                         _Embedder()) != key  # other descriptions, other annotations


def test_uncalibrated_scores_reach_the_threshold_at_the_default_similarity(monkeypatch: pytest.MonkeyPatch) -> None:
    prototypes = ZeroShotThemeClassifier(themes=("a", "b")).fit(np.eye(2), np.array(["a", "b"]))
    prototypes.uncalibrated(15.0, THRESHOLD_SIMILARITY)
    similar = THRESHOLD_SIMILARITY
    monkeypatch.setattr(prototypes, "similarities", lambda vectors: np.array([[similar, 0.0], [2 * similar, similar]]))
    scores = prototypes.predict_scores(np.zeros((2, 2)))
    np.testing.assert_allclose(scores[[0, 1], [0, 1]], 0.5)
    assert scores[0, 1] < 0.05 and scores[1, 0] > 0.95


def test_the_complaint_prior_decides_a_near_tie_only() -> None:
    prototypes = zero_shot_from_descriptions(["complaint", "praise"], [np.array([[1.0, 0.0]]), np.array([[0.0, 1.0]])])
    comments = np.array([[1.46, 1.54], [0.1, 1.0]])  # both nearer praise: the first barely, the second clearly
    similarities = prototypes.similarities(comments)
    margins = similarities[:, 1] - similarities[:, 0]
    assert 0 < margins[0] < COMPLAINT_PRIOR < margins[1]
    assert polarity_of(prototypes, comments).tolist() == ["complaint", "praise"]


def test_a_copied_heads_folder_missing_a_file_is_named(tmp_path: Path) -> None:
    from textmine.classify.persist import load_heads

    folder = _mismatched_heads(tmp_path / "heads")
    (folder / "polarity.skops").unlink()
    with pytest.raises(HeadsMismatch, match=r"no trained heads \(polarity\.skops missing\)"):
        load_heads(folder, "another-model", 1)
