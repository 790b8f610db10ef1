"""Features for the theme and polarity heads: what the words say, and what the sentence means.

- character 2-5-grams of the folded text (:mod:`textmine.classify.folding`: ``кызмет`` = ``қызмет``), which
  carry Kazakh morphology (``кезек``, ``кезекте``, ``кезекке`` share n-grams);
- content lemmas and their pairs (textmine's spaCy Kazakh and Russian lemmatisers);
- word 1-2-grams of the folded text, stop words and negation kept (``не работает``, ``до сих пор``);
- the codebook lexicon's hits per theme (:mod:`textmine.classify.lexicon`), analyst-editable;
- the sentence embedding, which transfers across languages (a Kazakh quote and its Russian rendering land
  close) where the lexical blocks do not.

A ``ColumnTransformer`` combines them over a frame with a ``text`` column and one column per embedding
dimension; each text's spaCy analysis is worked out once and remembered (bounded) for every head and fold.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.compose import ColumnTransformer
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.utils import Tags
from sklearn.utils.validation import check_is_fitted

from textmine.classify.folding import fold_text
from textmine.classify.lexicon import Hit, Lexicon, compiled, frozen
from textmine.topics.lemmas import WordForm, word_forms


@dataclass(frozen=True)
class Analysis:
    """What the lexical features need of a text, worked out once: its content-lemma terms, and its words'
    lemmas (folded word -> folded lemma) for the codebook lexicon."""

    lemma_terms: tuple[str, ...]
    lemmas: dict[str, str]


# Analyses per text, filled a frame at a time by ``remember_lemma_terms``: the theme and polarity heads
# (and every fold of a cross-validation) read the same texts' lemmas, which are the costly features.
_ANALYSES: dict[str, Analysis] = {}
LEMMA_TERMS_LIMIT = 20_000  # a chunk's new texts (<= 10k) and a training set fit


def _analysis(forms: list[WordForm]) -> Analysis:
    lemmas = [form.lemma for form in forms if form.content]
    folded = {fold_text(form.text): fold_text(form.lemma) for form in forms if form.lemma}
    return Analysis(tuple(lemmas + [f"{a} {b}" for a, b in pairwise(lemmas)]),
                    {word: lemma for word, lemma in folded.items() if word != lemma})


def remember_lemma_terms(texts: Sequence[str]) -> None:
    """Analyse the ``texts`` not yet remembered, in one spaCy batch (emptying the memo first when it
    would pass ``LEMMA_TERMS_LIMIT`` texts, so memory stays bounded on a long run)."""
    missing = [text for text in dict.fromkeys(texts) if text not in _ANALYSES]
    if len(_ANALYSES) + len(missing) > LEMMA_TERMS_LIMIT:
        _ANALYSES.clear()
    for text, forms in zip(missing, word_forms(missing), strict=True):
        _ANALYSES[text] = _analysis(forms)


def analysis(text: str) -> Analysis:
    """The remembered :class:`Analysis` of ``text`` (worked out now if it is not remembered)."""
    found = _ANALYSES.get(text)
    if found is None:
        remember_lemma_terms([text])
        found = _ANALYSES[text]
    return found


def lemma_terms(text: str) -> tuple[str, ...]:
    """Content lemmas of ``text`` and their adjacent pairs (``кезекте тұрдым`` -> ``кезек``, ``тұру``, ``кезек тұру``)."""
    return analysis(text).lemma_terms


def lexicon_hits(text: str, lexicon: Lexicon) -> dict[str, Hit]:
    """The codebook lexicon's hits in ``text``, matched on its folded words and their lemmas."""
    return lexicon.hits(text, analysis(text).lemmas)


class LexiconHits(TransformerMixin, BaseEstimator):
    """Per theme, log(1 + number of distinct lexicon entries found in the text): the codebook lexicon as
    features of the heads. ``lexicon`` is plain data (theme -> kk / ru / exclude lists); replacing it with an
    analyst's edited lexicon (same themes) changes what the columns catch without retraining."""

    def __init__(self, lexicon: dict[str, dict[str, list[str]]] | None = None) -> None:
        self.lexicon = lexicon

    def __sklearn_tags__(self) -> Tags:
        """Input is texts (a sequence or a one-column frame), not a numeric 2-D array."""
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array, tags.input_tags.string = False, True
        return tags

    def fit(self, X: object, y: object = None) -> LexiconHits:
        """Check the lexicon compiles; remember its theme order."""
        self.themes_ = list(self._compiled().themes)
        return self

    def _compiled(self) -> Lexicon:
        return compiled(frozen(self.lexicon or {}))

    def transform(self, X: object) -> sparse.csr_matrix:
        """A texts x themes sparse matrix of log-counts of matched entries."""
        check_is_fitted(self)
        lexicon = self._compiled()
        if list(lexicon.themes) != self.themes_:
            raise ValueError(f"lexicon themes {lexicon.themes} differ from those fitted {self.themes_}")
        column = {theme: j for j, theme in enumerate(self.themes_)}
        rows, cols, values = [], [], []
        for i, text in enumerate(_texts(X)):
            for theme, hit in lexicon_hits(text, lexicon).items():
                rows.append(i)
                cols.append(column[theme])
                values.append(np.log1p(len(hit.entries)))
        return sparse.csr_matrix((values, (rows, cols)), shape=(len(_texts(X)), len(self.themes_)))

    def get_feature_names_out(self, input_features: object = None) -> np.ndarray:
        """One column per theme: ``lexicon_<theme>``."""
        return np.array([f"lexicon_{theme}" for theme in self.themes_], dtype=object)


def _texts(X: object) -> list[str]:
    return list(X.iloc[:, 0] if isinstance(X, pd.DataFrame) else X)


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


def text_and_meaning(dim: int, embedding_weight: float = 2.0, char_ngrams: tuple[int, int] = (2, 5),
                     lexicon: dict[str, dict[str, list[str]]] | None = None,
                     lexicon_weight: float = 1.0, word_weight: float = 1.0) -> ColumnTransformer:
    """Character TF-IDF of the folded text, TF-IDF of its lemmas, word 1-2-grams of the folded text (stop words
    and negation kept: "не работает"; when ``word_weight`` > 0), the codebook lexicon's hits per theme (when a
    lexicon is given) and the (weighted) embedding."""
    blocks = [
        ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=char_ngrams, preprocessor=fold_text,
                                  sublinear_tf=True, min_df=2, max_features=60000), "text"),
        ("lemmas", TfidfVectorizer(analyzer=lemma_terms, sublinear_tf=True, min_df=2), "text"),
        ("meaning", "passthrough", embedding_columns(dim)),
    ]
    weights = {"chars": 1.0, "lemmas": 1.0, "meaning": embedding_weight}
    if word_weight > 0:
        blocks.insert(2, ("words", TfidfVectorizer(analyzer="word", preprocessor=fold_text, token_pattern=r"(?u)\b\w+\b",
                                                   ngram_range=(1, 2), sublinear_tf=True, min_df=2), "text"))
        weights["words"] = word_weight
    if lexicon:
        blocks.insert(2, ("lexicon", LexiconHits(lexicon), ["text"]))
        weights["lexicon"] = lexicon_weight
    return ColumnTransformer(blocks, transformer_weights=weights)


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
