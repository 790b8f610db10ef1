"""spaCy Kazakh: ``Kazakh`` language class (``kk``), stop words, tokenizer rules and a rule-based lemmatiser.

Importing this module registers ``kk`` in spaCy's language registry, so ``spacy.blank("kk")`` works even
before the ``spacy_languages`` entry point is installed.
"""

from __future__ import annotations

import spacy
from spacy.language import BaseDefaults, Language
from spacy.tokens import Doc, Token

from textmine.lang.kk.lemmatizer import lemmatize_word
from textmine.lang.kk.punctuation import TOKENIZER_INFIXES, TOKENIZER_SUFFIXES
from textmine.lang.kk.stop_words import STOP_WORDS


class KazakhDefaults(BaseDefaults):
    """Kazakh stop words and infixes that keep hyphenated suffixes on their stem (``ХҚКО-да``)."""

    stop_words = STOP_WORDS
    infixes = TOKENIZER_INFIXES
    suffixes = TOKENIZER_SUFFIXES


class Kazakh(Language):
    """spaCy language class for Kazakh."""

    lang = "kk"
    Defaults = KazakhDefaults


class KazakhLemmatizer:
    """Pipeline component that sets ``token.lemma_`` with :func:`lemmatize_word` (alphabetic tokens only)."""

    def __init__(self, use_lexicon: bool = True, overwrite: bool = False) -> None:
        self.use_lexicon = use_lexicon
        self.overwrite = overwrite

    def __call__(self, doc: Doc) -> Doc:
        for token in doc:
            if self.overwrite or not token.lemma_:
                token.lemma_ = self.lemma(token)
        return doc

    def lemma(self, token: Token) -> str:
        """Lemma of one token; non-words keep their lower-cased text."""
        text = token.text
        if any(c.isalpha() for c in text):
            return lemmatize_word(text, self.use_lexicon)
        return text.lower()


@Kazakh.factory("lemmatizer", assigns=["token.lemma"], default_config={"use_lexicon": True, "overwrite": False})
def make_lemmatizer(nlp: Language, name: str, use_lexicon: bool, overwrite: bool) -> KazakhLemmatizer:
    """``nlp.add_pipe("lemmatizer")`` on a Kazakh pipeline."""
    return KazakhLemmatizer(use_lexicon=use_lexicon, overwrite=overwrite)


def _register() -> None:
    if "kk" not in spacy.util.registry.languages:
        spacy.util.registry.languages.register("kk", func=Kazakh)


_register()

__all__ = ["Kazakh", "KazakhDefaults", "KazakhLemmatizer", "STOP_WORDS", "lemmatize_word"]
