"""Representative quotes on real seed quotes (hand labels as themes, character n-gram vectors as a cheap
stand-in for embeddings): distinct, on-theme, attributed, no near-duplicates, scores shown."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer

from textmine.insights.labels import match_labels, read_labels
from textmine.insights.profile import join_themes, split_themes
from textmine.insights.quotes import attribution, quotability, representative_quotes
from textmine.pipeline import with_languages

SCORES = ["centrality", "theme_score", "quotability", "relevance", "redundancy", "mmr"]


@pytest.fixture(scope="module")
def coded(seed_report_parse) -> pd.DataFrame:
    comments = with_languages(seed_report_parse.comments)
    return join_themes(comments, match_labels(comments, read_labels())).reset_index(drop=True)


def _vectors(texts: pd.Series) -> np.ndarray:
    return TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4)).fit_transform(texts).toarray()


@pytest.fixture(scope="module")
def vectors(coded: pd.DataFrame) -> np.ndarray:
    return _vectors(coded["text"])


def test_labels_match_most_seed_quotes(coded: pd.DataFrame) -> None:
    assert len(coded) >= 900


@pytest.mark.parametrize("theme", ["deadlines", "staff_competence", "portal_failures", "queues", "costs"])
def test_five_distinct_attributed_on_theme_quotes(coded: pd.DataFrame, vectors: np.ndarray, theme: str) -> None:
    quotes = representative_quotes(coded, vectors, k=5, theme=theme)
    assert len(quotes) == 5 and quotes["id"].is_unique and quotes["text"].is_unique
    assert list(quotes["rank"]) == [1, 2, 3, 4, 5]
    assert quotes["text"].map(lambda t: t in set(coded.loc[coded["themes"].str.contains(theme, na=False), "text"])).all()
    assert quotes["source_line"].notna().all() and quotes["lang"].eq("kk").all()
    assert quotes[SCORES].notna().all().all()
    assert (quotes["quotability"] >= 0.35).all()
    assert all(attribution(row).count("line") == 1 for _, row in quotes.iterrows())


def test_near_duplicates_are_never_both_picked(coded: pd.DataFrame) -> None:
    group = coded[coded["themes"].map(lambda t: "queues" in split_themes(t))]
    first = representative_quotes(group, _vectors(group["text"]), k=1, theme="queues").iloc[0]
    twin = group[group["id"] == first["id"]].assign(id="twin", text=first["text"] + " ")
    doubled = pd.concat([group, twin], ignore_index=True)
    quotes = representative_quotes(doubled, _vectors(doubled["text"]), k=5, theme="queues", diversity=0.0)
    assert not {first["id"], "twin"} <= set(quotes["id"])


def test_diversity_lowers_redundancy(coded: pd.DataFrame, vectors: np.ndarray) -> None:
    plain = representative_quotes(coded, vectors, k=5, theme="documents", diversity=0.0)
    diverse = representative_quotes(coded, vectors, k=5, theme="documents", diversity=0.6)
    index = {i: n for n, i in enumerate(coded["id"])}
    def mean_similarity(quotes: pd.DataFrame) -> float:
        v = vectors[[index[i] for i in quotes["id"]]]
        sims = v @ v.T
        return float(sims[np.triu_indices(len(v), 1)].mean())
    assert mean_similarity(diverse) < mean_similarity(plain)


def test_filters_and_empty_groups(coded: pd.DataFrame, vectors: np.ndarray) -> None:
    service = int(coded["service_no"].dropna().value_counts().index[0])
    quotes = representative_quotes(coded, vectors, k=3, service_no=service)
    assert len(quotes) == 3 and (quotes["service_no"] == service).all()
    assert representative_quotes(coded, vectors, k=3, theme="no_such_theme").empty
    with pytest.raises(ValueError, match="align"):
        representative_quotes(coded, vectors[:5], k=3)
    with pytest.raises(KeyError, match="no such column"):
        representative_quotes(coded, vectors, k=3, colour="red")


def test_quotability_prefers_complete_thoughts() -> None:
    complete = "Кезек өте ұзақ, екі сағат күттім, терезелер аз жұмыс істейді."
    assert quotability(complete) == 1.0
    assert quotability("кезек өте ұзақ, екі сағат күттім,") < quotability(complete)  # fragment
    assert quotability("Кезек") < 0.5  # bare word
    assert quotability("12 345 678 / 90 - 11 %") < quotability(complete)  # numbers, not words
    assert quotability(" ".join(["сөз"] * 120)) < 0.5  # a wall of text
