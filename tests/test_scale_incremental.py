"""Incremental topics: new comments only are assigned to the fitted topics, with a drift verdict."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from test_scale_chunks import HashEmbedder, run

from textmine.scale.incremental import assign_new_comments, refit_topics
from textmine.scale.synth import synth_corpus
from textmine.store import Store


def test_new_comments_are_assigned_and_drift_says_when_to_refit(tmp_path: Path) -> None:
    corpus = synth_corpus(240, seed=11)
    first, same, novel = tmp_path / "synthetic_a.csv", tmp_path / "synthetic_b.csv", tmp_path / "synthetic_c.csv"
    corpus.iloc[:200].to_csv(first, index=False)
    corpus.iloc[:40].to_csv(same, index=False)  # new comments saying what earlier ones said
    corpus.iloc[200:].assign(text=lambda f: f["text"] + " жаңа тақырып").to_csv(novel, index=False)
    embedder = HashEmbedder()
    with Store(tmp_path / "t.duckdb") as store:
        run(store, first, embedder)
        clusters = refit_topics(store, embedder, sample=150, n_clusters=4)
        assert store.count("topic_assignments") == 200 and len(clusters) <= 4
        run(store, same, embedder)
        familiar = assign_new_comments(store, embedder)
        assert familiar.assigned == 40 and not familiar.refit_due
        assert assign_new_comments(store, embedder).assigned == 0
        run(store, novel, embedder)
        drifted = assign_new_comments(store, embedder)
        assert drifted.assigned == 40 and drifted.refit_due
        assignments = store.connection.execute("SELECT id FROM topic_assignments").df()
    assert assignments["id"].is_unique and len(assignments) == 280
    assert isinstance(clusters, pd.DataFrame)


def test_the_stored_projection_assigns_as_the_fitted_model_predicts() -> None:
    import numpy as np

    from textmine.scale.incremental import TopicProjection, transform
    from textmine.topics import TopicClusterer

    rng = np.random.default_rng(3)
    centres = rng.normal(size=(4, 32))
    vectors = np.vstack([c + 0.3 * rng.normal(size=(50, 32)) for c in centres])
    model = TopicClusterer(n_clusters=4, random_state=0).fit(vectors)
    projection = TopicProjection.from_bytes(TopicProjection.of(model).to_bytes())
    fresh = np.vstack([c + 0.3 * rng.normal(size=(10, 32)) for c in centres] + [rng.normal(size=(5, 32)) * 5])
    labels, _ = transform(projection, fresh)
    assert (labels == model.predict(fresh)).all()
    # independently of the model: new vectors drawn around a centre go where that centre's fitted ones went
    fitted_topic = [np.bincount(model.labels_[50 * i:50 * (i + 1)][model.labels_[50 * i:50 * (i + 1)] >= 0]).argmax()
                    for i in range(4)]
    assert len(set(fitted_topic)) == 4
    near, expected = labels[:40], np.repeat(fitted_topic, 10)
    assert (near[near != -1] == expected[near != -1]).all() and (near != -1).sum() >= 20
