"""Theme classification: taxonomy, labelled set, heads, persistence, active loop.

These tests use the real labelled set and taxonomy with random-free stand-in vectors where the
embedding model is not the point; quality on real embeddings is measured by ``textmine eval themes``.
"""

from itertools import pairwise
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from textmine.classify.labels import load_labelled, split_themes
from textmine.classify.model import (
    TrainedThemeClassifier,
    best_margin,
    best_thresholds,
    rescale_to_threshold,
    with_margin,
)
from textmine.classify.persist import HeadsMismatch, load_heads, save_heads
from textmine.classify.taxonomy import REQUIRED_THEMES, load_taxonomy
from textmine.classify.train import apply_feedback, train_heads

ROOT = Path(__file__).resolve().parents[1]


def _hashed_vectors(texts: list[str], dim: int = 32) -> np.ndarray:
    """Deterministic stand-in embeddings: character-trigram hashing, L2-normalised."""
    vectors = np.zeros((len(texts), dim), dtype=np.float32)
    for i, text in enumerate(texts):
        for k in range(len(text) - 2):
            vectors[i, sum(map(ord, text[k:k + 3].lower())) % dim] += 1
    return vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-9)


@pytest.fixture(scope="module")
def taxonomy():
    return load_taxonomy()


@pytest.fixture(scope="module")
def labelled():
    return load_labelled(ROOT)


def test_taxonomy_has_required_themes_with_names_and_examples_in_both_languages(taxonomy):
    assert set(REQUIRED_THEMES) <= set(taxonomy.theme_ids)
    for theme in taxonomy.themes:
        assert theme.name.kk and theme.name.ru and theme.definition
        assert len(theme.examples.kk) >= 3 and len(theme.examples.ru) >= 3, theme.id
    assert set(taxonomy.polarity_ids) == {"complaint", "praise", "suggestion", "neutral"}


def test_broken_taxonomy_is_refused_with_the_reason(tmp_path, taxonomy):
    data = taxonomy.model_dump()
    data["themes"] = [t for t in data["themes"] if t["id"] != "queues"]
    import yaml

    path = tmp_path / "taxonomy.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ValueError, match="required themes missing: queues"):
        load_taxonomy(path)


def test_labelled_set_size_languages_and_theme_ids(labelled, taxonomy):
    counts = labelled["variant"].value_counts()
    assert counts["kk"] >= 400 and counts["ru"] >= 100 and counts["mixed"] >= 50
    used = {theme for themes in labelled["themes"] for theme in themes}
    assert used <= set(taxonomy.theme_ids)
    assert set(labelled["polarity"]) <= set(taxonomy.polarity_ids)
    # every rendering of a seed quote shares its group (and so its labels) with a Kazakh original
    seed = labelled[labelled["origin"] == "seed"]
    assert set(seed.loc[seed["variant"] != "kk", "group"]) <= set(seed.loc[seed["variant"] == "kk", "group"])
    assert set(labelled["origin"]) == {"seed", "kzgov", "written"}


def test_kzgov_appeals_load_in_both_languages_with_one_set_of_labels_and_joined_duplicates(labelled):
    kzgov = labelled[labelled["origin"] == "kzgov"]
    kk, ru = kzgov[kzgov["variant"] == "kzgov_kk"], kzgov[kzgov["variant"] == "kzgov_ru"]
    assert len(kk) == len(ru) == 900
    assert list(kk["pair"]) == list(ru["pair"]) and list(kk["themes"]) == list(ru["themes"])
    # appeals with the same text share a group, so cross-validation never splits them
    for column in ("text",):
        for _, rows in kk.groupby(column):
            assert rows["group"].nunique() == 1
    assert kk["group"].nunique() < len(kk)


def test_written_comments_reach_the_counts_and_registers_the_guide_asks_for(labelled, taxonomy):
    written = labelled[labelled["origin"] == "written"]
    counts = pd.Series([t for themes in written["themes"] for t in themes]).value_counts()
    for theme in taxonomy.theme_ids:
        assert counts.get(theme, 0) >= (150 if theme in REQUIRED_THEMES else 60), theme
    registers = written["variant"].str.removeprefix("written_").value_counts()
    assert {"formal_kk", "informal_kk", "app_review", "ru", "code_switched", "appeal_kk", "appeal_ru"} == set(registers.index)
    assert registers.min() >= 100  # every register well represented
    # hard negatives (no theme at all, or a theme word used in another sense) are part of it
    assert (written["themes"].map(len) == 0).sum() >= 200


def test_split_themes():
    assert split_themes("queues; staff_attitude") == ["queues", "staff_attitude"]
    assert split_themes(float("nan")) == [] and split_themes("") == []


def test_thresholds_maximise_f1_and_rescale_maps_threshold_to_half():
    y = np.array([[1], [1], [0], [0]])
    p = np.array([[0.9], [0.35], [0.3], [0.1]])
    # F1 is 1 for any threshold in (0.30, 0.35]; the grid (0.05, 0.06, ...) reaches it first at 0.31
    assert best_thresholds(y, p)[0] == pytest.approx(0.31)
    # 0.35 is the threshold -> 0.5; 0.175 is half of it -> 0.25; 0.675 is halfway from 0.35 to 1 -> 0.75
    scaled = rescale_to_threshold(np.array([[0.0, 0.175, 0.35, 0.675, 1.0]]), np.array([0.35] * 5))
    np.testing.assert_allclose(scaled, [[0.0, 0.25, 0.5, 0.75, 1.0]])


def test_margin_drops_themes_far_under_the_best_and_is_chosen_by_micro_f1():
    scores = np.array([[0.95, 0.60, 0.10], [0.70, 0.62, 0.55], [0.40, 0.30, 0.20]])
    # row 0: 0.60 is 0.35 under the best; row 1: all within 0.15 of 0.70; row 2: nothing over 0.5
    assert with_margin(scores, 0.3).tolist() == [[1, 0, 0], [1, 1, 1], [0, 0, 0]]
    assert with_margin(scores, 0.1).tolist() == [[1, 0, 0], [1, 1, 0], [0, 0, 0]]
    assert with_margin(scores, np.array([[1.0], [0.05], [1.0]])).tolist() == [[1, 1, 0], [1, 0, 0], [0, 0, 0]]
    # gold: one theme on row 0, two on row 1 -> only a margin in [0.08, 0.15) is exact
    truth = np.array([[1, 0, 0], [1, 1, 0], [0, 0, 0]])
    assert best_margin(truth, scores) == 0.1
    # scored on the first column only, every margin is equally right: the widest (drops nothing) wins
    assert best_margin(truth, scores, columns=[0]) == 1.0


def test_trained_heads_learn_queues_from_kazakh_labels(labelled, taxonomy):
    kk = labelled[labelled["variant"] == "kk"].reset_index(drop=True)
    vectors = _hashed_vectors(kk["text"].tolist())
    from sklearn.preprocessing import MultiLabelBinarizer

    from textmine.classify.features import feature_frame

    truth = MultiLabelBinarizer(classes=taxonomy.theme_ids).fit_transform(kk["themes"])
    model = TrainedThemeClassifier(themes=tuple(taxonomy.theme_ids), dim=vectors.shape[1],
                                   margin_exempt=("corruption",)).fit(feature_frame(kk["text"].tolist(), vectors), truth)
    unseen = ["Кезекте үш сағат тұрдым, бір ғана терезе жұмыс істеді", "Мерзімі өте ұзақ, екі ай күттім"]
    scores = model.predict_scores(feature_frame(unseen, _hashed_vectors(unseen)))
    queues, deadlines = taxonomy.theme_ids.index("queues"), taxonomy.theme_ids.index("deadlines")
    assert scores[0, queues] >= 0.5 and scores[0, queues] > scores[1, queues]
    assert scores[1, deadlines] >= 0.5
    assert model.margin_ in (0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5, 1.0)
    margins = model.theme_margins()
    assert np.isinf(margins[taxonomy.theme_ids.index("corruption")]) and margins[queues] == model.margin_
    np.testing.assert_array_equal(model.predict(feature_frame(unseen, _hashed_vectors(unseen))),
                                  with_margin(scores, margins))


@pytest.fixture(scope="module")
def small_heads(labelled, taxonomy):
    sample = labelled.groupby("variant", group_keys=False).head(80).reset_index(drop=True)
    vectors = _hashed_vectors(sample["text"].tolist())
    descriptions = [_hashed_vectors(theme.descriptions()) for theme in taxonomy.themes]
    return train_heads(sample, vectors, taxonomy, descriptions, embedding_model_id="test-model")


def test_heads_round_trip_and_refuse_another_embedding_model(tmp_path, small_heads, taxonomy):
    save_heads(small_heads, tmp_path)
    loaded = load_heads(tmp_path, "test-model", taxonomy.version)
    texts = ["Кезек өте ұзақ", "Сотрудники грубят"]
    from textmine.classify.features import feature_frame

    frame = feature_frame(texts, _hashed_vectors(texts))
    np.testing.assert_allclose(loaded.themes.predict_scores(frame), small_heads.themes.predict_scores(frame))
    assert loaded.themes.margin_ == small_heads.themes.margin_
    assert list(loaded.polarity.predict(frame)) == list(small_heads.polarity.predict(frame))
    with pytest.raises(HeadsMismatch, match="trained on embeddings of 'test-model'"):
        load_heads(tmp_path, "another-model", taxonomy.version)
    with pytest.raises(HeadsMismatch, match="taxonomy version"):
        load_heads(tmp_path, "test-model", taxonomy.version + 1)


def test_heads_loaded_in_the_background_annotate_as_loaded_at_once(tmp_path, small_heads, taxonomy):
    from textmine.classify.annotator import ThemeAnnotator

    save_heads(small_heads, tmp_path)
    embedder = SimpleNamespace(model_id="test-model")
    texts = ["Кезек өте ұзақ, екі сағат күттік", "Сотрудники грубят и не объясняют"]
    at_once = ThemeAnnotator(embedder, heads_dir=tmp_path, taxonomy=taxonomy)
    later = ThemeAnnotator(embedder, heads_dir=tmp_path, taxonomy=taxonomy, background=True)
    assert later.card == at_once.card == small_heads.card  # read before the heads finish loading
    pd.testing.assert_frame_equal(later.annotate(texts, _hashed_vectors(texts)), at_once.annotate(texts, _hashed_vectors(texts)))
    (tmp_path / "polarity.skops").write_bytes((tmp_path / "themes.skops").read_bytes()[:100])  # a damaged file
    broken = ThemeAnnotator(embedder, heads_dir=tmp_path, taxonomy=taxonomy, background=True)
    with pytest.raises(Exception, match="zip|Zip|file"):  # the load's own error, raised where the heads are first used
        broken.annotate(texts, _hashed_vectors(texts))


def test_feedback_accepts_and_rejects_themes_for_the_next_training(labelled):
    gold_text = labelled.loc[labelled["variant"] == "kk", "text"].iloc[0]
    gold_themes = labelled.loc[labelled["variant"] == "kk", "themes"].iloc[0]
    comments = pd.DataFrame({"id": ["a", "b"], "text": [gold_text, "Ешкім телефон көтермейді"]})
    current = pd.DataFrame({"id": ["b"], "themes": ["staff_attitude"], "polarity": ["complaint"]})
    feedback = pd.DataFrame({
        "comment_id": ["a", "b", "b"],
        "theme": ["queues", "staff_attitude", "information"],
        "decision": ["accept", "reject", "accept"],
        "polarity": [None, None, None],
        "at": ["2026-01-01T10:00", "2026-01-01T10:01", "2026-01-01T10:02"],
    })
    updated = apply_feedback(labelled, comments, current, feedback)
    row_a = updated[updated["text"] == gold_text]
    assert len(row_a) == 1 and row_a["themes"].iloc[0] == [*gold_themes, "queues"]
    row_b = updated[updated["text"] == "Ешкім телефон көтермейді"]
    assert row_b["themes"].iloc[0] == ["information"] and row_b["variant"].iloc[0] == "analyst"
    assert len(updated) == len(labelled) + 1


def test_lemma_terms_are_worked_out_once_per_text_and_the_memo_stays_bounded(monkeypatch) -> None:
    from textmine.classify import features
    from textmine.topics.lemmas import content_lemmas

    texts = ["Кезекте ұзақ тұрдық", "В ЦОНе очереди длинные", "Құжаттарды қабылдамады"]
    monkeypatch.setattr(features, "_ANALYSES", {})
    monkeypatch.setattr(features, "LEMMA_TERMS_LIMIT", 4)
    features.remember_lemma_terms(texts + texts)
    assert list(features._ANALYSES) == texts
    lemmas = content_lemmas([texts[0]])[0]
    assert features.lemma_terms(texts[0]) == tuple(lemmas + [f"{a} {b}" for a, b in pairwise(lemmas)])
    assert "кезек" in features.lemma_terms(texts[0]) and "очередь" in features.lemma_terms(texts[1])
    features.lemma_terms("Ақы өте қымбат")  # a 4th text fits; a 5th empties the memo before it is added
    features.remember_lemma_terms(["Бәрі жақсы", "Всё хорошо"])
    assert list(features._ANALYSES) == ["Бәрі жақсы", "Всё хорошо"]


def test_complaints_without_a_theme_get_their_best_theme_flagged_uncertain():
    from textmine.classify.annotator import assigned, theme_columns, uncertain_rows

    scores = np.array([[0.30, 0.10], [0.10, 0.20], [0.60, 0.40], [0.45, 0.05], [0.30, 0.10]])
    polarity = np.array(["complaint", "suggestion", "complaint", "praise", "suggestion"])
    uncertain = uncertain_rows(scores, polarity, floor=0.25)
    # row 1: best 0.20 is under the floor; row 2 already has a theme; row 3 is praise
    assert uncertain.tolist() == [True, False, False, False, True]
    chosen = assigned(scores, uncertain)
    assert chosen.tolist() == [[1, 0], [0, 0], [1, 0], [0, 0], [1, 0]]
    themes, _ = theme_columns(["queues", "costs"], scores, chosen)
    assert themes == ["queues", "", "queues", "", "queues"]
    # with a margin, a second theme far under the best is not assigned; uncertain rows keep their best
    wide = np.array([[0.95, 0.55], [0.30, 0.10]])
    assert assigned(wide, np.array([False, True])).tolist() == [[1, 1], [1, 0]]
    assert assigned(wide, np.array([False, True]), margin=0.3).tolist() == [[1, 0], [1, 0]]
    # a theme exempt from the margin (infinite margin in its column) is kept
    assert assigned(wide, np.array([False, True]), margin=np.array([0.3, np.inf])).tolist() == [[1, 1], [1, 0]]


def test_every_assigned_theme_shows_the_words_it_was_assigned_on(small_heads, taxonomy):
    import json

    from textmine.classify.evidence import theme_evidence
    from textmine.classify.features import feature_frame

    texts = ["цонда очередь коп, кезекте 3 сагат турдым", "Қызметкерлер дөрекі сөйлейді"]
    frame = feature_frame(texts, _hashed_vectors(texts))
    themes = taxonomy.theme_ids
    chosen = np.zeros((2, len(themes)), dtype=int)
    chosen[0, themes.index("queues")] = 1
    chosen[1, themes.index("deadlines")] = 1  # no deadlines word: the heads' strongest lemmas stand in
    evidence = [json.loads(row) for row in theme_evidence(texts, chosen, themes, taxonomy.lexicon_data(), small_heads.themes)]
    assert evidence[0] == {"queues": ["очередь", "кезекте", "сагат", "турдым"]}  # "сағат* тұр*" is a phrase entry
    assert list(evidence[1]) == ["deadlines"]
    assert all(term in " ".join(small_heads.themes.term_contributions([texts[1]])[2]) for term in evidence[1]["deadlines"])
    assert small_heads.themes.predict_scores(frame).shape == (2, len(themes))


def test_cross_validation_scores_only_real_text_and_never_written_comments(labelled, taxonomy):
    from textmine.classify.evaluate import cross_validate

    kzgov = labelled[labelled["origin"] == "kzgov"]
    sample = pd.concat([labelled[labelled["origin"] == "seed"].head(120),
                        kzgov[kzgov["pair"].isin(kzgov["pair"].unique()[:80])],
                        labelled[labelled["origin"] == "written"].head(120)], ignore_index=True)
    vectors = _hashed_vectors(sample["text"].tolist())
    descriptions = [_hashed_vectors(theme.descriptions()) for theme in taxonomy.themes]
    polarities = [_hashed_vectors(polarity.descriptions()) for polarity in taxonomy.polarities]
    evaluation = cross_validate(sample, vectors, taxonomy, descriptions, polarities, folds=2, evaluate="kzgov")
    assert set(evaluation.labelled["origin"]) == {"kzgov"} and len(evaluation.labelled) == 160
    assert {"trained", "trained+uncertain", "lexicon", "baseline", "zero_shot"} <= set(evaluation.predictions)
    for mode in ("trained", "zero_shot"):
        table = evaluation.polarity_summary(mode).set_index("variant")
        assert table.loc["all", "n"] == 160 and set(evaluation.polarity[mode]) <= set(taxonomy.polarity_ids)
    summary = evaluation.summary()
    assert set(summary["variant"]) == {"kzgov_kk", "kzgov_ru"}
    assert evaluation.crosslingual("trained", "kzgov_ru", "kzgov_kk")["n"] > 0
    with pytest.raises(ValueError, match="written comments are training only"):
        cross_validate(sample, vectors, taxonomy, descriptions, polarities, folds=2, evaluate="written")


def test_vectorizers_are_saved_with_plain_int_vocabularies_and_transform_the_same():
    from sklearn.compose import ColumnTransformer
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import Pipeline

    from textmine.classify.persist import plain_vocabularies

    frame = pd.DataFrame({"text": ["кезек көп", "очередь большая", "кезекте тұрдым"]})
    pipeline = Pipeline([("features", ColumnTransformer([("chars", TfidfVectorizer(analyzer="char", max_features=20), "text")],
                                                                  sparse_threshold=1.0))])
    before = pipeline.fit_transform(frame).toarray()
    vocabulary = pipeline.named_steps["features"].named_transformers_["chars"].vocabulary_
    assert {type(v) for v in vocabulary.values()} == {np.int64}  # what a max_features vocabulary holds: one array each in skops
    plain_vocabularies(pipeline)
    vocabulary = pipeline.named_steps["features"].named_transformers_["chars"].vocabulary_
    assert {type(v) for v in vocabulary.values()} == {int}
    assert np.array_equal(pipeline.transform(frame).toarray(), before)
