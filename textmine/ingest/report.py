"""Parse a monitoring report (text extracted from its PDF) into respondent comments, rejects, services and ranking.

The report's structure comes from a declarative :class:`ReportLayout` (YAML); this module only wires the steps:
sections and tables (:mod:`report_structure`), figures (:mod:`report_figures`), quotes (:mod:`report_quotes`).
"""

from __future__ import annotations

import bisect
import itertools
import json
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from textmine import schema
from textmine.ingest.errors import IngestError
from textmine.ingest.report_delivery import delivery_form
from textmine.ingest.report_figures import reconcile, section_figures
from textmine.ingest.report_layout import ReportLayout, load_layout
from textmine.ingest.report_quotes import QuoteRules, Span, classify, find_spans
from textmine.ingest.report_structure import (
    Section,
    clean_lines,
    find_sections,
    parse_ranking_table,
    parse_sample_table,
    table_range,
)
from textmine.normalise import Normaliser, build_vocabulary

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[«\"(]?[A-ZА-ЯӘҒҚҢӨҰҮҺІ0-9])")
_CONTEXT_SENTENCES = 2
_RAW_LIMIT = 500


@dataclass
class ReportParse:
    """What a report yields: ``comments`` (schema.COMMENTS), ``rejects`` (schema.REJECTS),
    ``services`` (schema.SERVICES) and ``ranking`` (table 3 rows with the ``service_no`` they matched)."""

    comments: pd.DataFrame
    rejects: pd.DataFrame
    services: pd.DataFrame
    ranking: pd.DataFrame


def parse_report(path: Path, layout: ReportLayout | None = None) -> ReportParse:
    """Parse the report at ``path`` with ``layout`` (default: the 2018 Kazakh edition's layout)."""
    path = Path(path)
    layout = layout or load_layout()
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise IngestError(path, f"cannot read report as UTF-8 text: {exc}") from exc
    raw_lines = text.split("\n")
    lines = clean_lines(raw_lines)
    source = path.name
    normalise = Normaliser(build_vocabulary([text]), debris=layout.get("debris_lines"))
    sections = find_sections(lines, layout, source)
    sample = parse_sample_table(lines, layout, source)
    ranking = parse_ranking_table(lines, layout, source)
    services = _services(sections, sample, ranking, lines, layout, normalise)
    offsets = list(itertools.accumulate([0] + [len(line) + 1 for line in raw_lines]))
    spans, problems = find_spans(text, [offsets[s.start] for s in sections] + [offsets[sections[-1].end]],
                                 int(layout.get("quotes.max_chars")), layout.get("quotes.open"), layout.get("quotes.close"))
    classify(spans, text, QuoteRules.from_layout(layout), _excluded_zones(lines, layout, sections, offsets, source))
    comments = _comments(spans, text, offsets, sections, services, lines, layout, normalise, source)
    rejects = _rejects(spans, problems, text, offsets, source)
    ranking = ranking.merge(services[["service_no", "rank"]], on="rank", how="left")
    return ReportParse(
        comments=schema.validate(comments, schema.COMMENTS),
        rejects=schema.validate(rejects, schema.REJECTS),
        services=schema.validate(services, schema.SERVICES),
        ranking=ranking,
    )


def _services(sections: list[Section], sample: pd.DataFrame, ranking: pd.DataFrame, lines: list[str],
              layout: ReportLayout, normalise: Normaliser) -> pd.DataFrame:
    rows = []
    by_no = sample.set_index("service_no")
    for section in sections:
        info = by_no.loc[section.no]
        row = {"service_no": section.no, "service_name": normalise(section.name), "agency": info["agency"],
               "provider_level": info["provider_level"], "n": int(info["n"]), "source_line": section.start + 1}
        row.update(section_figures(section, lines, layout, normalise))
        row.update(delivery_form(section, lines, layout))
        rows.append(row)
    frame = reconcile(pd.DataFrame(rows), ranking)
    for column in schema.SERVICES.columns:
        if column not in frame:
            frame[column] = None
    return frame[list(schema.SERVICES.columns)]


def _excluded_zones(lines: list[str], layout: ReportLayout, sections: list[Section], offsets: list[int],
                    source: str) -> list[tuple[int, int, str]]:
    zones = []
    for key, why in (("sample_table", "inside table 1 (sample)"), ("ranking_table", "inside table 3 (ranking)")):
        start, end = table_range(lines, layout, key, source)
        zones.append((offsets[start], offsets[end + 1], why))
    zones.append((offsets[sections[-1].end], offsets[-1], "in the appendix"))
    captions = layout.patterns("non_prose_lines")
    zones += [(offsets[i], offsets[i + 1], "in a table or figure caption") for i, line in enumerate(lines)
              if any(p.match(line) for p in captions)]
    return zones


def _line_of(offsets: list[int], offset: int) -> int:
    """1-based line number of a character offset."""
    return bisect.bisect_right(offsets, offset)


def _section_of(sections: list[Section], line_index: int) -> Section | None:
    starts = [s.start for s in sections]
    at = bisect.bisect_right(starts, line_index) - 1
    return sections[at] if at >= 0 and line_index < sections[at].end else None


def _comments(spans: list[Span], text: str, offsets: list[int], sections: list[Section], services: pd.DataFrame,
              lines: list[str], layout: ReportLayout, normalise: Normaliser, source: str) -> pd.DataFrame:
    names = services.set_index("service_no")
    quotes = [s for s in spans if s.is_quote]
    contexts = _aspect_contexts(quotes, text, offsets, lines, layout, normalise)
    rows = []
    for span, context in zip(quotes, contexts, strict=True):
        line = _line_of(offsets, span.start)
        section = _section_of(sections, line - 1)
        extra = {"region_raw": span.attribution, "speaker": span.speaker,
                 "block": section.block_of(line - 1) if section else "introduction"}
        rows.append({
            "id": schema.comment_id(source, line, span.text), "text": normalise(span.text), "raw_text": span.text,
            "lang": None, "lang_confidence": None,
            "service_no": section.no if section else None,
            "service_name": names.loc[section.no, "service_name"] if section else None,
            "agency": names.loc[section.no, "agency"] if section else None,
            "region": span.region, "rating": None, "aspect_context": context, "date": None, "channel": None,
            "source_file": source, "source_line": line,
            "extra": json.dumps({k: v for k, v in extra.items() if v is not None}, ensure_ascii=False),
        })
    frame = pd.DataFrame(rows, columns=list(schema.COMMENTS.columns))
    return frame[frame["text"].str.len() > 0]


def _aspect_contexts(quotes: list[Span], text: str, offsets: list[int], lines: list[str], layout: ReportLayout,
                     normalise: Normaliser) -> list[str | None]:
    """For each quote, the last sentences of report prose before its run of quotes."""
    stops = layout.patterns("non_prose_lines") + [layout.pattern(f"markers.{m}") for m in layout.get("markers")] \
        + [layout.pattern("section_heading")]
    contexts: list[str | None] = []
    previous_end = 0
    for span in quotes:
        gap = text[previous_end: span.start]
        if contexts and re.fullmatch(r"[\s,;.]*", gap):
            contexts.append(contexts[-1])  # same run of quotes: same paragraph
        else:
            line = _line_of(offsets, span.start) - 1
            first = line
            while first > 0 and offsets[first] > previous_end and not any(p.match(lines[first - 1]) for p in stops):
                first -= 1
            prose = normalise(text[max(offsets[first], previous_end): span.start]).strip(" ,;:.–-")
            sentences = [s for s in _SENTENCE_END.split(prose) if s.strip()]
            contexts.append(" ".join(sentences[-_CONTEXT_SENTENCES:]) or None)
        previous_end = span.attribution_end or span.end + 1
    return contexts


def _rejects(spans: list[Span], problems: list, text: str, offsets: list[int], source: str) -> pd.DataFrame:
    rows = [{"source_file": source, "source_line": _line_of(offsets, s.start), "reason": f"not a respondent quote: {s.reason}",
             "raw": text[s.start: s.end + 1][:_RAW_LIMIT]} for s in spans if not s.is_quote]
    rows += [{"source_file": source, "source_line": _line_of(offsets, p.offset), "reason": f"unparseable: {p.reason}",
              "raw": text[p.offset: p.offset + 200]} for p in problems]
    frame = pd.DataFrame(rows, columns=list(schema.REJECTS.columns))
    return frame.sort_values("source_line", kind="stable").reset_index(drop=True)
