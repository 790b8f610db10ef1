"""Full-text search that knows Kazakh and Russian word forms.

Every distinct word of the store is lemmatised once (in the language of the comments it occurs in, with the
project's lemmatisers, ``textmine.topics.lemmas``), when a snapshot is published (``textmine.word_lemmas``;
for an older snapshot, here, once per store version), giving a lemma -> word forms index.
A query word then matches every form that shares a lemma with it ("кезек" finds "кезегін", "кезегі"), as
well as any text containing the word itself; the matched forms are what the quote cards highlight.
Lemmatising distinct words rather than comments keeps the cost to the vocabulary's size, not the corpus's.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from textmine import word_lemmas
from textmine.app.insights_adapter import escape_markdown
from textmine.app.query import Corpus, Selection


@dataclass(frozen=True)
class WordIndex:
    """The store's word forms (lower case) grouped by lemma."""

    forms: dict[str, frozenset[str]]

    def forms_of(self, word: str) -> frozenset[str]:
        """``word`` (lower case) and every form of the store sharing a Kazakh or Russian lemma with it."""
        from textmine.topics.lemmas import lemmas_of  # spaCy loads on the first search, not at import

        lowered = word.lower()
        found = {lowered}
        for lemma in lemmas_of(lowered):
            found |= self.forms.get(lemma, frozenset())
        return frozenset(found)


def build_index(corpus: Corpus) -> WordIndex:
    """The word index of every distinct word of ``corpus``: read from the snapshot's word lemmas when it has
    them (``textmine.word_lemmas``, published with it), else lemmatised here."""
    if corpus.has_table(word_lemmas.TABLE):
        return grouped(corpus.frame(f"SELECT word, lemma FROM {word_lemmas.TABLE}"))
    return index_words(corpus.frame(word_lemmas.words_sql("app_comments")))


def index_words(words: pd.DataFrame) -> WordIndex:
    """Lemmatise each lower-case ``word`` in the ``lang`` of the comments it occurs in (both lemmatisers
    for comments in another language), each distinct word once, and group the words by lemma."""
    return grouped(word_lemmas.lemma_rows(words))


def grouped(rows: pd.DataFrame) -> WordIndex:
    """The index of ``word``/``lemma`` rows: each lemma's words."""
    forms: dict[str, set[str]] = defaultdict(set)
    for word, lemma in zip(rows["word"], rows["lemma"], strict=True):
        forms[lemma].add(word)
    return WordIndex({lemma: frozenset(found) for lemma, found in forms.items()})


def pattern(forms: Sequence[str] | frozenset[str]) -> str:
    """A case-insensitive regular expression matching any of ``forms`` (longest first)."""
    return "(?i)(" + "|".join(re.escape(form) for form in sorted(forms, key=lambda f: (-len(f), f))) + ")"


def with_forms(selection: Selection, index: WordIndex, query: str) -> tuple[Selection, frozenset[str]]:
    """``selection`` restricted to texts holding, for every word of ``query``, the word or one of its forms;
    and all the forms searched for (to highlight)."""
    searched: set[str] = set()
    for word in query.split():
        forms = index.forms_of(word)
        searched |= forms
        selection = selection.narrow("regexp_matches(text, ?)", pattern(forms))
    return selection, frozenset(searched)


def highlight(text: str, forms: frozenset[str]) -> str:
    """``text`` as Markdown with every character escaped and the hits of ``forms`` highlighted."""
    if not forms:
        return escape_markdown(text)
    parts = re.split(pattern(forms), text)
    return "".join(f":orange-background[{escape_markdown(part)}]" if i % 2 and part else escape_markdown(part)
                   for i, part in enumerate(parts))
