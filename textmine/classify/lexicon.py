"""The codebook lexicon: per theme, Kazakh and Russian words, stems and short phrases that signal it
(as WordStat / QDA Miner dictionaries do), kept in the taxonomy YAML and merged with the learned heads.

Entry syntax (matched on the folded text, :mod:`textmine.classify.folding`, so ``кезек`` also finds a
letterless ``кезек`` typed for ``кезек``, and ``қызмет`` finds ``кызмет``):

- ``word``: a token whose folded surface or lemma equals it;
- ``stem*``: a token (surface or lemma) starting with the stem (at least :data:`MIN_STEM` letters);
- ``two words*``: a phrase, its words or stems in this order with at most :data:`MAX_GAP` other tokens
  between them;
- ``re:PATTERN``: a regular expression on the folded text (refused when it matches an empty string or
  ordinary words).

A theme's ``exclude`` entries cancel its matches on the same tokens (``кезек-кезек``, "in turns", is not a
queue). Every match keeps the words it was found on: they are the theme's evidence.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from textmine.classify.folding import fold_text

MIN_STEM = 3
MAX_GAP = 2
MAX_PHRASE_WORDS = 4
# Texts a sound regular expression does not match: one that matches all of them matches nearly anything.
_ORDINARY = ("и", "бала", "жане", "мен бардым", "qwerty", "12", "да", "ок")
_TOKEN = re.compile(r"[^\W_]+(?:[-'’][^\W_]+)*")

LexiconData = Mapping[str, Mapping[str, Sequence[str]]]  # theme -> {"kk": [...], "ru": [...], "exclude": [...]}


class LexiconError(ValueError):
    """A lexicon entry that cannot be used, with the reason."""


@dataclass(frozen=True)
class Pattern:
    """One word of an entry: an exact form, or a stem matched as a prefix."""

    form: str
    stem: bool

    def matches(self, forms: tuple[str, ...]) -> bool:
        """Whether any of a token's forms (surface, lemma) matches."""
        return any(f.startswith(self.form) if self.stem else f == self.form for f in forms)


@dataclass(frozen=True)
class Entry:
    """A parsed lexicon entry: a sequence of word patterns, or a regular expression."""

    raw: str
    words: tuple[Pattern, ...] = ()
    regex: re.Pattern[str] | None = None


def parse_entry(raw: object) -> Entry:
    """Parse one entry; raise :class:`LexiconError` saying what is wrong with it."""
    if not isinstance(raw, str) or not raw.strip():
        raise LexiconError(f"empty lexicon entry {raw!r}")
    text = raw.strip()
    if text.startswith("re:"):
        return Entry(text, regex=_checked_regex(text))
    words = fold_text(text).split()
    if len(words) > MAX_PHRASE_WORDS:
        raise LexiconError(f"{text!r}: a phrase has at most {MAX_PHRASE_WORDS} words; use re: for longer patterns")
    patterns = []
    for word in words:
        stem = word.endswith("*")
        form = word.rstrip("*")
        if "*" in form or not _TOKEN.fullmatch(form):
            raise LexiconError(f"{text!r}: {word!r} is not a word or a stem (letters, digits, '-' inside; '*' only at the end)")
        if stem and sum(c.isalpha() for c in form) < MIN_STEM:
            raise LexiconError(f"{text!r}: stem {word!r} is shorter than {MIN_STEM} letters and would match too much")
        patterns.append(Pattern(form, stem))
    return Entry(text, words=tuple(patterns))


def _checked_regex(text: str) -> re.Pattern[str]:
    try:
        compiled = re.compile(text[3:])
    except re.error as error:
        raise LexiconError(f"{text!r}: not a valid regular expression: {error}") from error
    if not text[3:] or compiled.search("") is not None:
        raise LexiconError(f"{text!r}: matches an empty string, so it would match every comment")
    if all(compiled.search(sample) for sample in _ORDINARY):
        raise LexiconError(f"{text!r}: matches ordinary words ({', '.join(_ORDINARY)}), so it would match nearly every comment")
    return compiled


@dataclass(frozen=True)
class Token:
    """A word of a text: where it is, its folded surface and its folded lemma."""

    start: int
    end: int
    forms: tuple[str, ...]


def tokens(text: str, lemmas: Mapping[str, str] | None = None) -> list[Token]:
    """Word tokens of ``text`` with their folded forms; ``lemmas`` maps a folded word to its folded lemma."""
    folded = fold_text(text)
    found = []
    for match in _TOKEN.finditer(folded):
        word = match.group()
        lemma = (lemmas or {}).get(word, word)
        found.append(Token(match.start(), match.end(), (word,) if lemma == word else (word, lemma)))
    return found


def _phrase_from(patterns: tuple[Pattern, ...], words: list[Token], first: int) -> set[int] | None:
    """Positions of a phrase whose first word is at ``first`` (each next word within ``MAX_GAP`` tokens)."""
    positions, at = {first}, first
    for pattern in patterns[1:]:
        nxt = next((j for j in range(at + 1, min(at + 2 + MAX_GAP, len(words))) if pattern.matches(words[j].forms)), None)
        if nxt is None:
            return None
        positions.add(nxt)
        at = nxt
    return positions


@dataclass(frozen=True)
class Hit:
    """A theme's matches in one text: the entries found and the words of the text they were found on."""

    entries: tuple[str, ...]
    words: tuple[str, ...]


class Lexicon:
    """Every theme's entries, indexed by their first word; ``hits(text)`` gives each theme's :class:`Hit`
    (themes without one omitted)."""

    def __init__(self, data: LexiconData) -> None:
        self.themes = list(data)
        self._exact: dict[str, list[tuple[str, Entry, bool]]] = {}
        self._stems: dict[str, list[tuple[str, Entry, bool]]] = {}
        self._regexes: list[tuple[str, Entry, bool]] = []
        for theme, lists in data.items():
            for excluded, key_entries in ((False, [*lists.get("kk", ()), *lists.get("ru", ())]),
                                          (True, lists.get("exclude", ()))):
                for raw in dict.fromkeys(key_entries):
                    try:
                        entry = parse_entry(raw)
                    except LexiconError as error:
                        raise LexiconError(f"theme {theme!r}: {error}") from error
                    self._index(theme, entry, excluded)

    def _index(self, theme: str, entry: Entry, excluded: bool) -> None:
        if entry.regex is not None:
            self._regexes.append((theme, entry, excluded))
            return
        first = entry.words[0]
        (self._stems if first.stem else self._exact).setdefault(first.form, []).append((theme, entry, excluded))

    def _candidates(self, word: Token) -> set[tuple[str, Entry, bool]]:
        found: set[tuple[str, Entry, bool]] = set()
        for form in word.forms:
            found.update(self._exact.get(form, ()))
            for k in range(MIN_STEM, len(form) + 1):
                found.update(self._stems.get(form[:k], ()))
        return found

    def _occurrences(self, text: str, words: list[Token]) -> list[tuple[str, str, set[int], bool]]:
        """(theme, entry, token positions, is an exclusion) for every occurrence of every entry."""
        found = []
        for i, word in enumerate(words):
            for theme, entry, excluded in self._candidates(word):
                positions = _phrase_from(entry.words, words, i)
                if positions:
                    found.append((theme, entry.raw, positions, excluded))
        if self._regexes:
            folded = fold_text(text)
            for theme, entry, excluded in self._regexes:
                for m in entry.regex.finditer(folded):  # type: ignore[union-attr]
                    inside = {i for i, w in enumerate(words) if w.start < m.end() and m.start() < w.end}
                    found.append((theme, entry.raw, inside or {-1 - m.start()}, excluded))
        return found

    def hits(self, text: str, lemmas: Mapping[str, str] | None = None) -> dict[str, Hit]:
        """The themes whose entries occur in ``text`` (not cancelled by an exclusion on the same words),
        with the entries and the words they matched, in text order."""
        words = tokens(text, lemmas)
        occurrences = self._occurrences(text, words)
        excluded: dict[str, set[int]] = {}
        for theme, _, positions, is_exclusion in occurrences:
            if is_exclusion:
                excluded.setdefault(theme, set()).update(positions)
        kept: dict[str, list[tuple[str, set[int]]]] = {}
        for theme, raw, positions, is_exclusion in occurrences:
            if not is_exclusion and not positions & excluded.get(theme, set()):
                kept.setdefault(theme, []).append((raw, positions))
        result = {}
        for theme in self.themes:
            if theme in kept:
                at = sorted({i for _, positions in kept[theme] for i in positions if i >= 0})
                result[theme] = Hit(tuple(sorted(dict.fromkeys(raw for raw, _ in kept[theme]))),
                                    tuple(dict.fromkeys(text[words[i].start:words[i].end] for i in at)))
        return result


def frozen(data: LexiconData) -> tuple:
    """A hashable copy of lexicon data (for caching compiled lexicons)."""
    return tuple((theme, tuple((key, tuple(values)) for key, values in sorted(lists.items())))
                 for theme, lists in data.items())


@lru_cache(maxsize=8)
def compiled(data: tuple) -> Lexicon:
    """The :class:`Lexicon` of :func:`frozen` data, compiled once per distinct lexicon."""
    return Lexicon({theme: dict(lists) for theme, lists in data})
