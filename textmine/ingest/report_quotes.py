"""Guillemet spans in a report, their region attributions, and the decision: respondent voice or not."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from textmine.ingest.report_layout import ReportLayout
from textmine.normalise import fold
from textmine.regions import canonical_region

_SENTENCE_PUNCT = re.compile(r"[.!?…,;:]")
_WORDS = re.compile(r"\w+")
_SEPARATOR = re.compile(r"^[\s,;.]*$")
_TAIL_CHARS = 200
_STANDS_ALONE = re.compile(r"^\s*(?:[,;.!?)]|«|$)")
_INTRODUCED = re.compile(r":\s*$")


@dataclass
class Span:
    """A top-level «...» span: offsets of the opening and closing marks in the report text."""

    start: int
    end: int
    text: str = ""
    attribution: str | None = None
    region: str | None = None
    speaker: str | None = None
    attribution_end: int | None = None
    is_quote: bool | None = None
    reason: str | None = None


@dataclass
class Problem:
    """A guillemet that could not be paired."""

    offset: int
    reason: str


def find_spans(doc: str, boundaries: list[int], max_chars: int, open_mark: str = "«",
               close_mark: str = "»") -> tuple[list[Span], list[Problem]]:
    """Pair guillemets (nesting allowed) into top-level spans.

    An opening mark that cannot be closed within ``max_chars`` or before the next boundary offset (a section
    heading) is reported as unclosed and scanning restarts just after it, so one typo cannot swallow the report.
    ``«»`` directly followed by a letter is read as one opening mark (a typo seen in reports).
    """
    marks = [(i, ch) for i, ch in enumerate(doc) if ch in (open_mark, close_mark)]
    spans: list[Span] = []
    problems: list[Problem] = []
    stack: list[tuple[int, int]] = []
    k = 0
    while k < len(marks) or stack:
        if stack and (k >= len(marks) or _too_far(stack[0][0], marks[k][0], boundaries, max_chars)):
            offset, index = stack[0]
            problems.append(Problem(offset, "unclosed «"))
            stack, k = [], index + 1
            continue
        offset, ch = marks[k]
        if ch == open_mark:
            stack.append((offset, k))
            if doc[offset + 1: offset + 2] == close_mark and doc[offset + 2: offset + 3].isalpha():
                k += 1  # "«»Қызмет ..." : the empty pair is a typo for one opening mark
        elif not stack:
            problems.append(Problem(offset, "unmatched »"))
        else:
            start, _ = stack.pop()
            if not stack:
                spans.append(Span(start, offset))
        k += 1
    spans.sort(key=lambda s: s.start)
    return spans, problems


def _too_far(start: int, offset: int, boundaries: list[int], max_chars: int) -> bool:
    return offset - start > max_chars or bisect.bisect_right(boundaries, start) != bisect.bisect_right(boundaries, offset)


@dataclass
class QuoteRules:
    """The quote-related patterns of a layout, compiled once."""

    comma: re.Pattern[str]
    paren: re.Pattern[str]
    speakers: dict[str, re.Pattern[str]]
    foreign: tuple[str, ...]
    known_terms: frozenset[str]
    name_followers: re.Pattern[str]
    question_before: re.Pattern[str]
    max_name_words: int

    @classmethod
    def from_layout(cls, layout: ReportLayout) -> QuoteRules:
        """Compile the ``quotes`` part of ``layout``."""
        return cls(
            comma=layout.pattern("quotes.attribution_comma"),
            paren=layout.pattern("quotes.attribution_paren"),
            speakers={k: re.compile(v, re.IGNORECASE) for k, v in layout.get("quotes.speaker_kinds").items()},
            foreign=tuple(fold(p).lower() for p in layout.get("quotes.foreign_places")),
            known_terms=frozenset(_plain(t) for t in layout.get("quotes.known_terms")),
            name_followers=layout.pattern("quotes.name_followers"),
            question_before=layout.pattern("quotes.question_before"),
            max_name_words=int(layout.get("quotes.max_name_words")),
        )


def _plain(text: str) -> str:
    return " ".join(_WORDS.findall(fold(text).lower()))


def attach_attribution(span: Span, doc: str, rules: QuoteRules) -> None:
    """Fill ``span.attribution``/``region``/``speaker`` from the text right after its closing mark, if any."""
    raw_tail = doc[span.end + 1: span.end + 1 + _TAIL_CHARS]
    tail = fold(" ".join(raw_tail.split()))
    for pattern in (rules.comma, rules.paren):
        found = pattern.match(tail)
        if not found:
            continue
        attr = found.group("attr").strip()
        region, speaker, is_place = _resolve(attr, rules)
        if region or speaker or is_place:
            span.attribution, span.region, span.speaker = attr, region, speaker
            span.attribution_end = span.end + 1 + _raw_length(raw_tail, found.end())
            return


def _raw_length(raw: str, collapsed_length: int) -> int:
    """Length of the prefix of ``raw`` that collapses (whitespace runs -> one space) to ``collapsed_length`` chars."""
    seen, i = 0, len(raw) - len(raw.lstrip())
    previous_space = False
    while i < len(raw) and seen < collapsed_length:
        is_space = raw[i].isspace()
        if not (is_space and previous_space):
            seen += 1
        previous_space = is_space
        i += 1
    return i


def _resolve(attr: str, rules: QuoteRules) -> tuple[str | None, str | None, bool]:
    """(canonical region or None, speaker kind or None, names a place) for an attribution text."""
    speaker = next((kind for kind, p in rules.speakers.items() if p.search(attr)), None)
    parts = [p for p in re.split(r"[,;/]", re.sub(r"[()]", ",", attr)) if p.strip()]
    regions = {canonical_region(p) for p in parts} - {None}
    if not regions:
        # "құпия сатып алушы Астана қаласынан": look for a region name among the words, pairs first.
        words = attr.split()
        pairs = {canonical_region(" ".join(words[i:i + 2])) for i in range(len(words) - 1)} - {None}
        regions = pairs or {canonical_region(w) for w in words} - {None}
    foreign = any(p.strip().lower() in rules.foreign for p in parts)
    region = regions.pop() if len(regions) == 1 else None
    return region, speaker, bool(regions) or foreign or region is not None


def classify(spans: list[Span], doc: str, rules: QuoteRules, excluded: list[tuple[int, int, str]]) -> None:
    """Decide ``is_quote`` and ``reason`` for every span.

    Pass 1 settles spans with strong evidence: an attribution makes a quote; a table zone, the survey question,
    a known term or a following name word (``порталы``, ``РМК``) makes a non-quote. Then an unsettled span takes
    the decision of a settled neighbour in its run (spans separated only by commas, semicolons, full stops and
    attributions); spans still open are quotes when they read like a statement (more than a few words or inner
    punctuation), and after one more round of run propagation the rest are short names or terms.
    """
    for span in spans:
        span.text = doc[span.start + 1: span.end]
        attach_attribution(span, doc, rules)
        _first_pass(span, doc, rules, excluded)
    runs = _runs(spans, doc)
    _propagate(runs, doc)
    for span in spans:
        if span.is_quote is None and (_reads_as_statement(span, rules) or _introduced(span, doc)):
            span.is_quote = True
    _propagate(runs, doc)
    for span in spans:
        if span.is_quote is None:
            span.is_quote, span.reason = False, "short name or term, not a statement"


def _stands_alone(span: Span, doc: str) -> bool:
    """True when the span ends a clause: punctuation, another quote or a line end follows it (not a word)."""
    return bool(_STANDS_ALONE.match(doc[span.end + 1: span.end + 1 + _TAIL_CHARS]))


def _introduced(span: Span, doc: str) -> bool:
    """True for a standalone span right after a colon ("... керек: «Сұмдық жүйе», ...")."""
    return bool(_INTRODUCED.search(doc[max(0, span.start - 20): span.start])) and _stands_alone(span, doc)


def _propagate(runs: list[tuple[Span, list[Span]]], doc: str) -> None:
    """Give unsettled spans the decision of a settled neighbour in their run, until nothing changes.

    A quote decision only passes to a span that stands alone; «Қызыл жолақты» анықтау мәселесі is a term
    inside a sentence even when a quote ends just before it.
    """
    changed = True
    while changed:
        changed = False
        for span, neighbours in runs:
            settled = [n for n in neighbours if n.is_quote is not None
                       and (n.is_quote is False or _stands_alone(span, doc))]
            if span.is_quote is None and settled:
                span.is_quote = settled[0].is_quote
                span.reason = None if span.is_quote else f"in a run of non-quotes ({settled[0].reason})"
                changed = True


def _first_pass(span: Span, doc: str, rules: QuoteRules, excluded: list[tuple[int, int, str]]) -> None:
    zone = next((why for lo, hi, why in excluded if lo <= span.start < hi), None)
    words = _plain(span.text)
    tail = fold(" ".join(doc[span.end + 1: span.end + 1 + _TAIL_CHARS].split()))
    head = fold(" ".join(doc[max(0, span.start - 80): span.start].split()))
    if zone:
        span.is_quote, span.reason = False, zone
    elif not words:
        span.is_quote, span.reason = False, "empty or punctuation only"
    elif span.attribution:
        span.is_quote = True
    elif rules.question_before.search(head):
        span.is_quote, span.reason = False, "survey question"
    elif words in rules.known_terms:
        span.is_quote, span.reason = False, "known term or name"
    elif rules.name_followers.match(tail):
        follower = rules.name_followers.match(tail).group(0).strip()
        span.is_quote, span.reason = False, f"name of a thing (followed by '{follower}')"
    elif words.replace(" ", "").isdigit():
        span.is_quote, span.reason = False, "grade or number"


def _reads_as_statement(span: Span, rules: QuoteRules) -> bool:
    words = _WORDS.findall(span.text)
    return len(words) > rules.max_name_words or bool(_SENTENCE_PUNCT.search(span.text.strip(" .")))


def _runs(spans: list[Span], doc: str) -> list[tuple[Span, list[Span]]]:
    """Each span with its neighbours in the same run of quotes."""
    out = []
    for i, span in enumerate(spans):
        neighbours = []
        if i > 0 and _SEPARATOR.match(doc[(spans[i - 1].attribution_end or spans[i - 1].end + 1): span.start]):
            neighbours.append(spans[i - 1])
        if i + 1 < len(spans) and _SEPARATOR.match(doc[(span.attribution_end or span.end + 1): spans[i + 1].start]):
            neighbours.append(spans[i + 1])
        out.append((span, neighbours))
    return out
