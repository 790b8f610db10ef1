"""Content lemmas of Kazakh and Russian comments (spaCy ``kk`` from textmine, spaCy ``ru`` + pymorphy3)."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Token

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
# Lemmas known beforehand: (language, lower-case words) → the lemma of each word it holds.
PublishedLemmas = Callable[[str, list[str]], dict[str, str]]


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


def _languages(texts: Sequence[str], langs: Sequence[str | None] | None) -> list[str]:
    """Each text's lemmatiser language: its ``langs`` entry when ``kk``/``ru``, else guessed from the letters."""
    if langs is not None and len(langs) != len(texts):
        raise ValueError(f"got {len(texts)} texts but {len(langs)} languages")
    return [lang if lang in ("kk", "ru") else guess_language(text)
            for text, lang in zip(texts, langs if langs is not None else [None] * len(texts), strict=True)]


def _word_form(lang: str, text: str, lemma: str) -> WordForm:
    return WordForm(text, lemma, sum(c.isalpha() for c in text) > 1 and not _is_stop(lang, text, lemma))


def word_forms(texts: Sequence[str], langs: Sequence[str | None] | None = None) -> list[list[WordForm]]:
    """Every token of each text with its lemma (Russian lemmas lower-cased: pymorphy3 leaves some
    sentence-initial words as written).

    ``langs`` gives each text's language (``kk``/``ru``; anything else, or ``None``, is guessed from the
    letters: a text with Kazakh letters is Kazakh). The tokens are spaCy's; each distinct token is lemmatised
    once per process (:func:`word_lemmas`: the lemmatisers read only the word, so this is the lemma the whole
    pipeline gives it in the sentence).
    """
    chosen = _languages(texts, langs)
    tokens: list[list[str]] = [[] for _ in texts]
    for lang in ("kk", "ru"):
        rows = [i for i, value in enumerate(chosen) if value == lang]
        distinct = list(dict.fromkeys(texts[i] for i in rows))  # a repeated text is split once
        nlp = pipeline(lang)
        # Strings spaCy interns for new words are freed when the zone closes; without it the vocabulary
        # grows with every distinct word (typos included) of a long run.
        with _ONE_AT_A_TIME, nlp.memory_zone():
            split = {text: [token.text for token in doc]
                     for text, doc in zip(distinct, nlp.tokenizer.pipe(distinct), strict=True)}
        for i in rows:
            tokens[i] = split[texts[i]]
    return _remembered_forms(tokens, chosen)


def _lemma(lang: str, token: Token) -> str:
    return str(token.lemma_.lower() if lang == "ru" else token.lemma_)


# A word (letters, digits, hyphens inside) or one punctuation mark: the tokens of :func:`quick_word_forms`.
QUICK_TOKEN = re.compile(r"\w+(?:-\w+)*|[^\w\s]")


def word_lemmas(words: Sequence[str], lang: str) -> list[str]:
    """The lemma of each word, each read as one token, in one spaCy batch (no tokeniser). The blank
    ``kk``/``ru`` pipelines' lemmatisers read nothing but the word (no tagger sets a part of speech), so a
    word's lemma here is the one the pipeline gives it in a sentence."""
    if not words:
        return []
    nlp = pipeline(lang)
    with _ONE_AT_A_TIME, nlp.memory_zone():
        doc = nlp.get_pipe("lemmatizer")(Doc(nlp.vocab, words=list(words)))
        return [_lemma(lang, token) for token in doc]


def lemmas_of(word: str) -> set[str]:
    """The lower-case lemmas of one word under both the Kazakh and the Russian lemmatiser."""
    return {word_lemmas([word], lang)[0].lower() for lang in ("kk", "ru")}


# Word forms of the tokens met so far, per language: a new batch's words are mostly known ones.
_FORMS: dict[str, dict[str, WordForm]] = {"kk": {}, "ru": {}}


def _remembered_forms(tokens: list[list[str]], chosen: list[str],
                      published: PublishedLemmas | None = None) -> list[list[WordForm]]:
    """The :class:`WordForm` of every token (texts in the ``chosen`` languages), lemmatising only tokens not
    met before in this process and not found, when lower case, in ``published``; the memo is emptied at
    ``WORD_MEMO_LIMIT`` words per language."""
    forms: dict[str, dict[str, WordForm]] = {}
    for lang in ("kk", "ru"):
        memo = _FORMS[lang]
        found = {token: memo.get(token) for split, value in zip(tokens, chosen, strict=True) if value == lang
                 for token in split}
        new = [token for token, form in found.items() if form is None]
        if len(memo) + len(new) > WORD_MEMO_LIMIT:
            memo.clear()
        known = published(lang, [token for token in new if token.islower()]) if published and new else {}
        unknown = [token for token in new if token not in known]
        for token, lemma in [*known.items(), *zip(unknown, word_lemmas(unknown, lang), strict=True)]:
            found[token] = memo[token] = _word_form(lang, token, lemma)
        forms[lang] = found
    return [[forms[lang][token] for token in split] for split, lang in zip(tokens, chosen, strict=True)]


def quick_word_forms(texts: Sequence[str], langs: Sequence[str | None] | None = None,
                     published: PublishedLemmas | None = None) -> list[list[WordForm]]:
    """:func:`word_forms` for views that count or show words (not the heads' features), with regex tokens
    (:data:`QUICK_TOKEN`) instead of spaCy's tokeniser, several times faster again. The tokens differ from
    spaCy's only around digits, URLs and hyphens (``3-4``, ``10:30``, ``какую-то`` stay whole); equal tokens
    get equal lemmas. Languages as in :func:`word_forms`. Lower-case words new to this process are looked
    up in ``published`` (a snapshot's word lemmas, ``textmine.word_lemmas.LOOKUP_SQL``) before being lemmatised."""
    return _remembered_forms([QUICK_TOKEN.findall(text) for text in texts], _languages(texts, langs), published)


def content_lemmas(texts: Sequence[str], langs: Sequence[str | None] | None = None) -> list[list[str]]:
    """Lemmas of each text's content words: no stop words, numbers, punctuation or one-letter words
    (languages as in :func:`word_forms`)."""
    return [[form.lemma for form in forms if form.content] for forms in word_forms(texts, langs)]
