"""Features for the theme and polarity heads: character n-grams of the text and its sentence embedding.

Character n-grams and lemmas (textmine's spaCy Kazakh and Russian lemmatisers) carry Kazakh morphology (``кезек``, ``кезекте``, ``кезекке`` share n-grams) but do not
transfer across languages; embeddings transfer (a Kazakh quote and its Russian rendering land close) but
are weaker alone. The heads see both: a ``ColumnTransformer`` over a frame with a ``text`` column and
one column per embedding dimension.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.feature_extraction.text import TfidfVectorizer

# Kazakh letters -> the Russian-keyboard letters users type instead, so "кызмет" and "қызмет" match.
_FOLD = str.maketrans("әғқңөӛұүһі", "агкноууухи")


def fold_text(text: str) -> str:
    """Lower-case and fold Kazakh-specific letters (and Latin ``i``) to their Russian-keyboard stand-ins."""
    return text.lower().replace("i", "и").translate(_FOLD)


# Lemma terms per text, filled a frame at a time by ``remember_lemma_terms``: the theme and polarity heads
# (and every fold of a cross-validation) read the same texts' lemmas, which are the costly features.
_LEMMA_TERMS: dict[str, tuple[str, ...]] = {}
LEMMA_TERMS_LIMIT = 20_000  # a chunk's new texts (<= 10k) and a training set fit


def remember_lemma_terms(texts: Sequence[str]) -> None:
    """Lemmatise the ``texts`` not yet remembered, in one spaCy batch (emptying the memo first when it
    would pass ``LEMMA_TERMS_LIMIT`` texts, so memory stays bounded on a long run)."""
    from textmine.topics.lemmas import content_lemmas

    missing = [text for text in dict.fromkeys(texts) if text not in _LEMMA_TERMS]
    if len(_LEMMA_TERMS) + len(missing) > LEMMA_TERMS_LIMIT:
        _LEMMA_TERMS.clear()
    for text, lemmas in zip(missing, content_lemmas(missing)):
        _LEMMA_TERMS[text] = tuple(lemmas + [f"{a} {b}" for a, b in zip(lemmas, lemmas[1:])])


def lemma_terms(text: str) -> tuple[str, ...]:
    """Content lemmas of ``text`` and their adjacent pairs (``кезекте тұрдым`` -> ``кезек``, ``тұру``, ``кезек тұру``)."""
    terms = _LEMMA_TERMS.get(text)
    if terms is None:
        remember_lemma_terms([text])
        terms = _LEMMA_TERMS[text]
    return terms


def embedding_columns(dim: int) -> list[str]:
    """Names of the embedding columns in a feature frame."""
    return [f"e{i}" for i in range(dim)]


def feature_frame(texts: list[str], vectors: np.ndarray) -> pd.DataFrame:
    """The heads' input: a ``text`` column and one float column per embedding dimension (the texts'
    lemmas are worked out here, in one batch, for the heads' lemma features)."""
    if len(texts) != len(vectors):
        raise ValueError(f"{len(texts)} texts but {len(vectors)} vectors")
    frame = pd.DataFrame(np.asarray(vectors, dtype=np.float32), columns=embedding_columns(vectors.shape[1]))
    frame.insert(0, "text", list(texts))
    remember_lemma_terms(texts)
    return frame


def text_and_meaning(dim: int, embedding_weight: float = 2.0, char_ngrams: tuple[int, int] = (2, 5)) -> ColumnTransformer:
    """Character TF-IDF of the folded text, TF-IDF of its lemmas, and the (weighted) embedding."""
    return ColumnTransformer(
        [
            ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=char_ngrams, preprocessor=fold_text,
                                      sublinear_tf=True, min_df=2, max_features=60000), "text"),
            ("lemmas", TfidfVectorizer(analyzer=lemma_terms, sublinear_tf=True, min_df=2), "text"),
            ("meaning", "passthrough", embedding_columns(dim)),
        ],
        transformer_weights={"chars": 1.0, "lemmas": 1.0, "meaning": embedding_weight},
    )


def drop_pruned_terms(features: ColumnTransformer) -> ColumnTransformer:
    """Delete the fitted vectorisers' ``stop_words_`` (every term pruned by ``min_df``/``max_features``):
    only needed for introspection, and it would make saved heads tens of megabytes."""
    for transformer in features.named_transformers_.values():
        if hasattr(transformer, "stop_words_"):
            del transformer.stop_words_
    return features


def chars_only(char_ngrams: tuple[int, int] = (2, 5)) -> ColumnTransformer:
    """The baseline's features: character TF-IDF alone (raw text, no folding)."""
    return ColumnTransformer(
        [("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=char_ngrams, sublinear_tf=True, min_df=2), "text")]
    )
