"""Conservative clean-up of text extracted from PDF reports.

Fixes only what can be detected with high precision:

* font-mapping error ``ӛ``/``Ӛ`` -> ``ө``/``Ө``, then Unicode NFC;
* debris lines (bare page numbers, footnote URLs, repeated table headers) that land inside text;
* words split across lines: the hyphen is dropped only when the joined word occurs elsewhere in the
  corpus and the hyphenated form does not (``автоматтан-\\nдырылған``); real hyphens survive
  (``жол-\\nқұрылыс``, ``30%-\\nдан``, ``ХҚКО-да``);
* line breaks joined into one line, whitespace collapsed;
* lost spaces: after sentence punctuation before a letter (``ұсынылады.Энергетика``), between a word and
  a number (``қанағаттану4,74``), and inside a glued word when both parts are frequent corpus words
  and the glued form is not (``кезіндебелгілі`` -> ``кезінде белгілі``).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import pairwise

import pandas as pd

_FONT_MAP = str.maketrans({"ӛ": "ө", "Ӛ": "Ө"})
_LETTERS = "а-яәғқңөұүһіё"
_WORD = re.compile(rf"[{_LETTERS}]+", re.IGNORECASE)
_VOCAB_WORD = re.compile(rf"[{_LETTERS}]+(?:-[{_LETTERS}]+)*", re.IGNORECASE)
_TOKEN = re.compile(r"\S+")
_DEFAULT_DEBRIS = (r"^\d{1,3}$", r"^https?://\S+$")
# "ұсынылады.Энергетика", "тіркеу,Бала": punctuation glued to a following letter.
_PUNCT_GLUE = re.compile(rf"(?<=[{_LETTERS}]{{2}})([.,;:!?])(?=[{_LETTERS}]{{2}})", re.IGNORECASE)
# "қанағаттану4,74", "Барлығы201": a Kazakh/Russian word glued to a number.
_DIGIT_GLUE = re.compile(rf"(?<=[{_LETTERS}]{{3}})(?=\d)", re.IGNORECASE)
_LAST_WORD = re.compile(rf"([{_LETTERS}]+)-$", re.IGNORECASE)
_LEADING_WORD = re.compile(rf"^([{_LETTERS}]+)", re.IGNORECASE)
_MIN_PART = 3
_MIN_PART_COUNT = 3
_MIN_GLUED_LEN = 8
_MIN_FREE_PART = 4
_MIN_FREE_COUNT = 10
# Kazakh case/plural/person suffixes that are also free-standing words; never a split point.
_SUFFIX_WORDS = frozenset(
    "мен пен бен дан ден тан тен нан нен лар лер дар дер тар тер ында інде нда нде сыз сіз сың сің мыз міз"
    " ның нің дың дің тың тің ға ге қа ке на не ды ді ты ті ша ше дай дей тай тей ақ ек деді еді".split()
)


def fold(text: str) -> str:
    """Font-map fix and NFC only: the minimal, lossless-in-meaning normalisation."""
    return unicodedata.normalize("NFC", text.translate(_FONT_MAP))


@dataclass
class Vocabulary:
    """Lower-cased word and adjacent-word-pair counts of a corpus: the evidence for joins and splits."""

    words: Counter[str] = field(default_factory=Counter)
    pairs: Counter[tuple[str, str]] = field(default_factory=Counter)


def build_vocabulary(texts: Iterable[str]) -> Vocabulary:
    """Count words (hyphenated compounds as one word) and adjacent word pairs of ``texts`` after :func:`fold`.

    Pairs are counted within a line only, so a pair split by a line break adds nothing.
    """
    vocab = Vocabulary()
    for text in texts:
        for line in fold(text).split("\n"):
            words = [w.lower() for w in _VOCAB_WORD.findall(line)]
            vocab.words.update(words)
            vocab.pairs.update(pairwise(words))
    return vocab


@dataclass
class Change:
    """One edit made by the normaliser."""

    kind: str
    before: str
    after: str


@dataclass
class Normaliser:
    """Normalises text with a corpus vocabulary as evidence; without one, hyphens and words stay as they are."""

    vocabulary: Vocabulary = field(default_factory=Vocabulary)
    debris: Sequence[str] = _DEFAULT_DEBRIS

    def __post_init__(self) -> None:
        self._debris = [re.compile(p) for p in self.debris]

    def __call__(self, raw: str, log: list[Change] | None = None) -> str:
        """Return the normalised text of ``raw``; append every edit to ``log`` when given."""
        log = [] if log is None else log
        text = fold(raw)
        if text != raw:
            log.append(Change("font_map_nfc", raw, text))
        lines = [line.strip() for line in text.split("\n")]
        lines = self._drop_debris(lines, log)
        joined = self._join_lines(lines, log)
        collapsed = " ".join(joined.split())
        if collapsed != joined:
            log.append(Change("whitespace", joined, collapsed))
        return self._repair_spaces(collapsed, log)

    def _drop_debris(self, lines: list[str], log: list[Change]) -> list[str]:
        content = [i for i, line in enumerate(lines) if line]
        if len(content) < 3:
            return lines
        inner = set(content[1:-1])
        kept = []
        for i, line in enumerate(lines):
            if i in inner and any(p.match(line) for p in self._debris):
                log.append(Change("debris", line, ""))
                continue
            kept.append(line)
        return kept

    def _join_lines(self, lines: list[str], log: list[Change]) -> str:
        parts: list[str] = []
        for line in (line for line in lines if line):
            last = parts[-1] if parts else ""
            if not last.endswith("-") or len(last) < 2 or last[-2].isspace():
                if parts:
                    log.append(Change("line_join", "\\n", " "))
                    parts.append(" ")
                parts.append(line)
                continue
            left, head = _LAST_WORD.search(last), _LEADING_WORD.match(line)
            before, after = last.rsplit(" ", 1)[-1], line.split(" ", 1)[0]
            if left and head and self._is_line_break_hyphen(left.group(1), head.group(1)):
                log.append(Change("dehyphenate", f"{before}|{after}", before[:-1] + after))
                parts[-1] = last[:-1]
            else:
                log.append(Change("hyphen_kept", f"{before}|{after}", before + after))
            parts.append(line)
        return "".join(parts)

    def _is_line_break_hyphen(self, left: str, right: str) -> bool:
        """True when ``left-right`` is a word split by the line break, judged by corpus evidence."""
        joined = self.vocabulary.words.get((left + right).lower(), 0)
        hyphenated = self.vocabulary.words.get(f"{left}-{right}".lower(), 0)
        # The split text itself adds nothing to either count (its parts are counted as "left" and "right"),
        # so both counts are evidence from elsewhere in the corpus.
        return joined > hyphenated

    def _repair_spaces(self, text: str, log: list[Change]) -> str:
        fixed = _PUNCT_GLUE.sub(lambda m: m.group(1) + " ", text)
        if fixed != text:
            log.append(Change("space_after_punct", text, fixed))
        text = fixed
        fixed = _DIGIT_GLUE.sub(" ", text)
        if fixed != text:
            log.append(Change("space_before_number", text, fixed))
        text = fixed
        if not self.vocabulary.words:
            return text
        return _TOKEN.sub(lambda m: self._split_glued(m.group(0), log), text)

    def _split_glued(self, token: str, log: list[Change]) -> str:
        word = _WORD.fullmatch(token.strip(".,;:!?()«»\"'"))
        if word is None or len(word.group(0)) < _MIN_GLUED_LEN or not word.group(0)[1:].islower():
            return token
        glued = word.group(0)
        lower = glued.lower()
        words, pairs = self.vocabulary.words, self.vocabulary.pairs
        if words.get(lower, 0) > 1:
            return token
        best: tuple[int, int] | None = None
        for cut in range(_MIN_PART, len(lower) - _MIN_PART + 1):
            left, right = lower[:cut], lower[cut:]
            # Evidence: the two words stand next to each other elsewhere, and the right part is not a
            # suffix that also exists as a word ("мен", "дан" make "ұсынушылармен" look glued).
            if right in _SUFFIX_WORDS or min(words[left], words[right]) < _MIN_PART_COUNT:
                continue
            # Or, for longer parts, the right part is a frequent word on its own ("және", "қызметі").
            seen = pairs.get((left, right), 0) + (min(len(left), len(right)) >= _MIN_FREE_PART
                                                   and words[right] >= _MIN_FREE_COUNT)
            if seen:
                if best is None or seen > best[1]:
                    best = (cut, seen)
        if best is None:
            return token
        split = glued[: best[0]] + " " + glued[best[0]:]
        log.append(Change("split_glued_word", glued, split))
        return token.replace(glued, split)


def normalise_text(raw: str, vocabulary: Vocabulary | None = None) -> str:
    """Normalise ``raw`` (see module doc); pass a corpus ``vocabulary`` to enable de-hyphenation and word splits."""
    return Normaliser(vocabulary or Vocabulary())(raw)


def normalisation_changes(raw_texts: Sequence[str], vocabulary: Vocabulary | None = None) -> pd.DataFrame:
    """Every edit the normaliser makes to each of ``raw_texts``: columns item, kind, before, after.

    ``vocabulary`` defaults to one built from ``raw_texts``. Edits of kinds that rewrite the whole text
    (font map, whitespace, glued punctuation or numbers) carry the text before and after.
    """
    normaliser = Normaliser(vocabulary if vocabulary is not None else build_vocabulary(raw_texts))
    rows = []
    for item, raw in enumerate(raw_texts):
        log: list[Change] = []
        normaliser(raw, log)
        rows += [{"item": item, "kind": c.kind, "before": c.before, "after": c.after} for c in log]
    return pd.DataFrame(rows, columns=["item", "kind", "before", "after"])
