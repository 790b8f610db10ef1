"""Content lemmas of Kazakh and Russian comments (spaCy ``kk`` from textmine, spaCy ``ru`` + pymorphy3)."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.tokens import Token

import textmine.lang.kk  # noqa: F401  registers spacy "kk"
from textmine.lang.kk.stop_words import STOP_WORDS as KK_STOP_WORDS

_KAZAKH_LETTERS = re.compile(r"[әғқңөұүһіӘҒҚҢӨҰҮҺІӛӚ]")
_CYRILLIC = re.compile(r"[а-яё]", re.IGNORECASE)
# Survey boilerplate in Russian, on top of spaCy's Russian stop words.
RU_EXTRA_STOP_WORDS = frozenset(
    "услуга получение получить нужно надо необходимо очень всё весь это быть который сделать мочь смочь смог "
    "совершенно пару раз".split()
)


def guess_language(text: str) -> str:
    """``kk`` when the text has Kazakh letters, ``ru`` when it is otherwise Cyrillic, else ``kk``."""
    if _KAZAKH_LETTERS.search(text):
        return "kk"
    return "ru" if _CYRILLIC.search(text) else "kk"


_ONE_AT_A_TIME = threading.Lock()  # memory zones must not nest, and a pipeline is not thread-safe
WORD_MEMO_LIMIT = 200_000


def memoised_per_word(lemmatize: Callable[[Token], list[str]],
                      limit: int = WORD_MEMO_LIMIT) -> Callable[[Token], list[str]]:
    """``lemmatize`` remembered per (word, part of speech, morphology): a lemmatiser's answer depends on
    nothing else, and pymorphy3's dictionary lookup is most of the cost of a Russian comment. The memo is
    emptied when it reaches ``limit`` words, so a long run's typos do not grow it for ever."""
    memo: dict[tuple[str, str, str], list[str]] = {}

    def remembered(token: Token) -> list[str]:
        key = (token.text, token.pos_, str(token.morph))
        lemmas = memo.get(key)
        if lemmas is None:
            if len(memo) >= limit:
                memo.clear()
            lemmas = memo[key] = lemmatize(token)
        return lemmas

    return remembered


@lru_cache(maxsize=2)
def pipeline(lang: str) -> Language:
    """A blank spaCy pipeline with a lemmatiser for ``kk`` or ``ru`` (Russian lookups memoised per word)."""
    if lang not in ("kk", "ru"):
        raise ValueError(f"no lemmatiser for language {lang!r}; expected 'kk' or 'ru'")
    nlp = spacy.blank(lang)
    lemmatizer = nlp.add_pipe("lemmatizer")
    if lang == "ru":
        lemmatizer.lemmatize = memoised_per_word(lemmatizer.lemmatize)
    nlp.initialize()
    return nlp


def _is_stop(lang: str, text: str, lemma: str) -> bool:
    if lang == "kk":
        return text.lower() in KK_STOP_WORDS or lemma.lower() in KK_STOP_WORDS
    stop = pipeline("ru").Defaults.stop_words
    return text.lower() in stop or lemma.lower() in stop or lemma.lower() in RU_EXTRA_STOP_WORDS


@dataclass(frozen=True)
class WordForm:
    """A token of a comment: as written, its lemma, and whether it is a content word (not a stop word,
    number, punctuation or one-letter word)."""

    text: str
    lemma: str
    content: bool


def word_forms(texts: Sequence[str], langs: Sequence[str | None] | None = None) -> list[list[WordForm]]:
    """Every token of each text with its lemma (Russian lemmas lower-cased: pymorphy3 leaves some
    sentence-initial words as written).

    ``langs`` gives each text's language (``kk``/``ru``; anything else, or ``None``, is guessed from the
    letters: a text with Kazakh letters is Kazakh).
    """
    if langs is not None and len(langs) != len(texts):
        raise ValueError(f"got {len(texts)} texts but {len(langs)} languages")
    chosen = [
        lang if lang in ("kk", "ru") else guess_language(text)
        for text, lang in zip(texts, langs if langs is not None else [None] * len(texts), strict=True)
    ]
    result: list[list[WordForm]] = [[] for _ in texts]
    for lang in ("kk", "ru"):
        rows = [i for i, value in enumerate(chosen) if value == lang]
        distinct = list(dict.fromkeys(texts[i] for i in rows))  # a repeated text is parsed once
        nlp = pipeline(lang)
        # Strings spaCy interns for new words are freed when the zone closes; without it the vocabulary
        # grows with every distinct word (typos included) of a long run.
        with _ONE_AT_A_TIME, nlp.memory_zone():
            parsed = {text: [
                WordForm(token.text, str(token.lemma_.lower() if lang == "ru" else token.lemma_),
                         sum(c.isalpha() for c in token.text) > 1 and not _is_stop(lang, token.text, token.lemma_))
                for token in doc
            ] for text, doc in zip(distinct, nlp.pipe(distinct), strict=True)}
        for i in rows:
            result[i] = list(parsed[texts[i]])
    return result


def content_lemmas(texts: Sequence[str], langs: Sequence[str | None] | None = None) -> list[list[str]]:
    """Lemmas of each text's content words: no stop words, numbers, punctuation or one-letter words
    (languages as in :func:`word_forms`)."""
    return [[form.lemma for form in forms if form.content] for forms in word_forms(texts, langs)]
