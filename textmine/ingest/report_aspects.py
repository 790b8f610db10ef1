"""Per-service quality-aspect scores (% satisfied and 1-5 score) stated in a report's prose, plus table 75.

A section's prose is split into sentences; the figures of a sentence are grouped (one % and/or one score per
group) and each group takes the aspect named nearest before it (else inside it, else just after it) and the
channel named before it. Figures after a mention of another year, figures inside "(2017 жылы ...)" and the
service's headline satisfaction are left out. What the words and figures look like comes from
``layouts/aspects_2018_kk.yaml``; sections come from :func:`report_structure.find_sections`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import yaml

from textmine import schema
from textmine.classify.taxonomy import load_taxonomy
from textmine.ingest.errors import IngestError
from textmine.ingest.report_layout import LAYOUT_DIR, ReportLayout, load_layout
from textmine.ingest.report_structure import (
    Section,
    clean_lines,
    find_sections,
    parse_decimal,
    parse_sample_table,
)

DEFAULT_ASPECTS = LAYOUT_DIR / "aspects_2018_kk.yaml"
_QUOTE_INSIDE = re.compile(r"(?<=«)[^«»]{0,3000}(?=»)")
_FLAGS = re.IGNORECASE


@dataclass(frozen=True)
class AspectRules:
    """The aspect vocabulary and figure patterns of one report edition (see the YAML for each field)."""

    aspects: dict[str, list[re.Pattern[str]]]
    themes: dict[str, str | None]
    channels: dict[str, list[re.Pattern[str]]]
    figures: dict[str, re.Pattern[str]]
    other_year: re.Pattern[str]
    other_year_parenthesis: re.Pattern[str]
    sentence_break: re.Pattern[str]
    clause_break: re.Pattern[str]
    aspect_list_joiner: re.Pattern[str]
    aspect_after: re.Pattern[str]
    anaphora: re.Pattern[str]
    overall: list[re.Pattern[str]]
    tables: dict[str, dict]


def load_aspect_rules(path: Path | str = DEFAULT_ASPECTS) -> AspectRules:
    """Read an aspects YAML; raise :class:`IngestError` naming the file and key when something is wrong."""
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        themes = {k: v.get("theme") for k, v in raw["aspects"].items()}
        known = set(load_taxonomy().theme_ids)
        unknown = sorted({t for t in themes.values() if t is not None and t not in known})
        if unknown:
            raise IngestError(path.name, f"aspects name unknown taxonomy themes: {', '.join(unknown)}")
        return AspectRules(
            aspects={k: [re.compile(p, _FLAGS) for p in v["patterns"]] for k, v in raw["aspects"].items()},
            themes=themes,
            channels={k: [re.compile(p, _FLAGS) for p in v] for k, v in raw["channels"].items()},
            figures={k: re.compile(v, _FLAGS) for k, v in raw["figures"].items()},
            other_year=re.compile(raw["other_year"], _FLAGS),
            other_year_parenthesis=re.compile(raw["other_year_parenthesis"], _FLAGS),
            sentence_break=re.compile(raw["sentence_break"]),
            clause_break=re.compile(raw["clause_break"], _FLAGS),
            aspect_list_joiner=re.compile(raw["aspect_list_joiner"], _FLAGS),
            aspect_after=re.compile(raw["aspect_after"], _FLAGS),
            anaphora=re.compile(raw["anaphora"], _FLAGS),
            overall=[re.compile(p, _FLAGS) for p in raw["overall"]],
            tables=raw.get("tables", {}),
        )
    except (OSError, yaml.YAMLError, KeyError, TypeError, AttributeError, re.error) as exc:
        raise IngestError(path.name, f"invalid aspects file: {type(exc).__name__}: {exc}") from exc


@dataclass
class Figure:
    """A % or a score found in the prose; ``start``/``end`` are offsets into the section text."""

    kind: str  # "pct" | "score"
    value: float
    start: int
    end: int


@dataclass
class Mention:
    """An aspect or channel named in the prose."""

    key: str
    start: int
    end: int


def parse_aspects(path: Path, layout: ReportLayout | None = None, rules: AspectRules | None = None) -> pd.DataFrame:
    """One row per (service, aspect, channel) of the report at ``path``, validated against ``schema.ASPECT_SCORES``."""
    path = Path(path)
    layout = layout or load_layout()
    rules = rules or load_aspect_rules()
    try:
        lines = clean_lines(path.read_text(encoding="utf-8").split("\n"))
    except (OSError, UnicodeDecodeError) as exc:
        raise IngestError(path, f"cannot read report as UTF-8 text: {exc}") from exc
    sections = find_sections(lines, layout, path.name)
    rows = [row for section in sections for row in section_aspects(section, lines, layout, rules)]
    frame = _unique(pd.DataFrame(rows, columns=list(schema.ASPECT_SCORES.columns)))
    if "table_75" in rules.tables:
        sample = parse_sample_table(lines, layout, path.name)
        table = quality_table(lines, rules.tables["table_75"], path.name)
        frame = merge_table(frame, single_service_rows(table, sample, rules), "table_75", rules.themes)
    frame = frame.sort_values(["service_no", "source_line", "aspect"], kind="stable").reset_index(drop=True)
    return schema.validate(frame, schema.ASPECT_SCORES)


def section_aspects(section: Section, lines: list[str], layout: ReportLayout, rules: AspectRules) -> list[dict]:
    """The aspect rows of one section's prose (duplicates of a (aspect, channel) not yet removed)."""
    text, starts = section_text(section, lines, layout)
    rows = text_aspects(text, rules)
    for row in rows:
        row.update(service_no=section.no, source_line=_line_at(starts, row.pop("offset")) + 1, source="section")
    return rows


def text_aspects(text: str, rules: AspectRules) -> list[dict]:
    """Aspect rows of a piece of prose, each with the ``offset`` of its first figure in ``text``. Respondent
    quotes and last-year parentheses are blanked first (with spaces, so offsets stay put)."""
    for pattern in (_QUOTE_INSIDE, rules.other_year_parenthesis):
        text = pattern.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)
    rows: list[dict] = []
    for begin, end in _sentences(text, rules):
        rows += sentence_aspects(text, begin, end, rules, rows[-1]["aspect"] if rows else None)
    return rows


def section_text(section: Section, lines: list[str], layout: ReportLayout) -> tuple[str, list[tuple[int, int]]]:
    """The section's prose as one string (lines joined by newlines, layout lines blanked) and the
    (offset, 0-based line) of each line."""
    skip = layout.patterns("non_prose_lines") + layout.patterns("debris_lines") + [layout.pattern("figures.distribution_row")]
    parts, starts, offset = [], [], 0
    for i in range(section.blocks["general_info"] + 1, section.end):
        line = "" if any(p.match(lines[i]) for p in skip) else lines[i]
        parts.append(line)
        starts.append((offset, i))
        offset += len(line) + 1
    return "\n".join(parts), starts


def sentence_aspects(text: str, begin: int, end: int, rules: AspectRules, last_aspect: str | None = None) -> list[dict]:
    """Aspect rows (with ``offset`` of their first figure) of the sentence ``text[begin:end]``; ``last_aspect``
    (of the sentence before) is what "бұл критерий" (this criterion) points back to."""
    year = rules.other_year.search(text, begin, end)
    figures = _figures(text, begin, year.start() if year else end, rules)
    aspects = _mentions(text, begin, end, rules.aspects)
    channels = _mentions(text, begin, end, rules.channels)
    groups = _group(figures, aspects, begin)
    rows: list[dict] = []
    previous: tuple[list[Mention], str | None] | None = None
    for k, group in enumerate(groups):
        head = _cut(text, groups[k - 1][-1].end, group[0].start, rules)[1] if k else begin
        tail = _cut(text, group[-1].end, groups[k + 1][0].start, rules)[0] if k + 1 < len(groups) else end
        named = _pick(text, aspects, head, group, tail, rules)
        channel = next((m.key for m in reversed(channels) if head <= m.start < group[-1].end), None)
        if not named and channel and previous and previous[1] and previous[1] != channel:
            named = previous[0]  # a channel comparison: the same aspect, another channel
        if not named and k == 0 and last_aspect and rules.anaphora.search(text, head, group[0].start):
            named = [Mention(last_aspect, group[0].start, group[0].start)]
        # Headline wording between the aspect word and the figure ("... құжаттарды ресімдеу қызметінің
        # сапасымен қанағаттану 4,60 балл", a service name): the figure is the service's, not the aspect's.
        first = group[0].start
        if not named or _is_overall(text[max(head, min(named[-1].end, first)):first], rules):
            previous = None
            continue
        for aspect in named:
            rows.append({"aspect": aspect.key, "aspect_text": " ".join(text[aspect.start:aspect.end].split()),
                         "satisfaction_pct": next((f.value for f in group if f.kind == "pct"), float("nan")),
                         "score": next((f.value for f in group if f.kind == "score"), float("nan")),
                         "channel": channel, "theme": rules.themes[aspect.key], "offset": first})
        previous = (named, channel)
    return rows


def _sentences(text: str, rules: AspectRules) -> list[tuple[int, int]]:
    spans, begin = [], 0
    for match in rules.sentence_break.finditer(text):
        spans.append((begin, match.start()))
        begin = match.end()
    spans.append((begin, len(text)))
    return spans


def _figures(text: str, begin: int, end: int, rules: AspectRules) -> list[Figure]:
    found: list[Figure] = []
    for name, pattern in rules.figures.items():
        kind = "pct" if name == "percent" else "score"
        for match in pattern.finditer(text, begin, end):
            span = match.span("v")
            if not any(f.start < span[1] and span[0] < f.end for f in found):
                found.append(Figure(kind, parse_decimal(match.group("v")), *span))
    return sorted(found, key=lambda f: f.start)


def _mentions(text: str, begin: int, end: int, vocabulary: dict[str, list[re.Pattern[str]]]) -> list[Mention]:
    found: list[Mention] = []
    for key, patterns in vocabulary.items():
        for pattern in patterns:
            for match in pattern.finditer(text, begin, end):
                if not any(m.start < match.end() and match.start() < m.end for m in found):
                    found.append(Mention(key, match.start(), match.end()))
    return sorted(found, key=lambda m: m.start)


def _group(figures: list[Figure], aspects: list[Mention], begin: int) -> list[list[Figure]]:
    """Runs of at most one % and one score. A % and a score are not paired when an aspect is named between
    them and another before the first (they belong to two aspects)."""
    groups: list[list[Figure]] = []
    head = begin
    for figure in figures:
        group = groups[-1] if groups else None
        if group and all(f.kind != figure.kind for f in group):
            between = any(group[-1].end <= m.start < figure.start for m in aspects)
            before = any(head <= m.start < group[0].start for m in aspects)
            if not (between and before):
                group.append(figure)
                continue
        if group:
            head = group[-1].end
        groups.append([figure])
    return groups


def _cut(text: str, start: int, stop: int, rules: AspectRules) -> tuple[int, int]:
    """Split ``text[start:stop]`` (between two figure groups) at its last clause break: (tail end, head start)."""
    breaks = list(rules.clause_break.finditer(text, start, stop))
    return (breaks[-1].start(), breaks[-1].end()) if breaks else (start, start)


def _pick(text: str, aspects: list[Mention], head: int, group: list[Figure], tail: int,
          rules: AspectRules) -> list[Mention]:
    """The aspect(s) a figure group is about: the one named nearest before it (with any aspects listed just
    before that one), else the first inside it, else the first after it (see ``aspect_after``). A name
    before the figure but across a clause break loses to a name after it."""
    first, last = group[0].start, group[-1].end
    before = [m for m in aspects if head <= m.start and m.end <= first]
    inside = [m for m in aspects if first <= m.start < last]
    after = [m for m in aspects if last <= m.start < tail]
    after_ok = bool(after) and bool(rules.aspect_after.match(text, group[0].end))
    if before and not (after_ok and rules.clause_break.search(text, before[-1].end, first)):
        listed = [before[-1]]
        for m in reversed(before[:-1]):
            if not rules.aspect_list_joiner.fullmatch(text, m.end, listed[0].start):
                break
            listed.insert(0, m)
        return listed
    return [inside[0]] if inside else [after[0]] if after_ok else []


def _is_overall(text: str, rules: AspectRules) -> bool:
    return any(p.search(text) for p in rules.overall)


def _line_at(starts: list[tuple[int, int]], offset: int) -> int:
    return next(line for start, line in reversed(starts) if start <= offset)


def _unique(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per (service, aspect, channel): the first statement, with a missing % or score filled from a
    later statement of the same section when that one does not contradict it (repeats in the conclusions)."""
    key = frame[["service_no", "aspect"]].assign(channel=frame["channel"].fillna(""))
    keep = []
    for _, rows in frame.groupby([key["service_no"], key["aspect"], key["channel"]], sort=False):
        first = rows.iloc[0].copy()
        for _, later in rows.iloc[1:].iterrows():
            values = ("satisfaction_pct", "score")
            if all(pd.isna(first[c]) or pd.isna(later[c]) or first[c] == later[c] for c in values):
                for c in values:
                    first[c] = later[c] if pd.isna(first[c]) else first[c]
        keep.append(first)
    return pd.DataFrame(keep, columns=frame.columns).reset_index(drop=True)


def quality_table(lines: list[str], spec: dict, source: str) -> pd.DataFrame:
    """A quality-parameter table (75-78): long rows ``agency``, ``column``, ``score``, ``source_line``."""
    start_pattern, end_pattern, row = (re.compile(spec[k]) for k in ("start", "end", "row"))
    start = next((i for i, line in enumerate(lines) if start_pattern.match(line)), None)
    if start is None:
        raise IngestError(source, f"no line matches table start '{spec['start']}'")
    rows = []
    for i in range(start + 1, len(lines)):
        if end_pattern.match(lines[i]):
            break
        found = row.match(lines[i])
        if found:
            values = [parse_decimal(v) for v in found.group("values").split()]
            if len(values) != len(spec["columns"]):
                raise IngestError(source, f"line {i + 1}: {len(values)} scores, the table has {len(spec['columns'])} "
                                          f"columns ({', '.join(spec['columns'])})")
            rows += [{"agency": found.group("agency"), "column": c, "score": v, "source_line": i + 1}
                     for c, v in zip(spec["columns"], values, strict=True)]
    else:
        raise IngestError(source, f"table starting at line {start + 1} has no end line '{spec['end']}'")
    return pd.DataFrame(rows, columns=["agency", "column", "score", "source_line"])


def single_service_rows(table: pd.DataFrame, sample: pd.DataFrame, rules: AspectRules, name: str = "table_75") -> pd.DataFrame:
    """Rows of an agency table that are one service's own scores: agencies with one service in table 1 and
    one row in the table; only columns that are aspects."""
    aliases = rules.tables[name].get("agency_aliases", {})
    table = table.assign(agency=table["agency"].replace(aliases))
    services = sample.groupby("agency")["service_no"].agg(list)
    rows_per_agency = table.groupby("agency")["source_line"].nunique()
    keep = [a for a, n in rows_per_agency.items() if n == 1 and len(services.get(a, [])) == 1]
    out = table[table["agency"].isin(keep) & table["column"].isin(rules.aspects)].copy()
    out["service_no"] = out["agency"].map(lambda a: services[a][0])
    return out


def merge_table(frame: pd.DataFrame, table: pd.DataFrame, name: str, themes: dict[str, str | None]) -> pd.DataFrame:
    """Add table scores: fill a prose row's missing score (source ``section+<name>``), add aspects the prose
    lacks (source ``<name>``); a prose score is kept when it differs from the table's."""
    frame = frame.copy()
    added = []
    for _, row in table.iterrows():
        at = frame.index[(frame["service_no"] == row["service_no"]) & (frame["aspect"] == row["column"])
                         & frame["channel"].isna()]
        if len(at):
            if pd.isna(frame.loc[at[0], "score"]):
                frame.loc[at[0], ["score", "source"]] = [row["score"], f"section+{name}"]
            continue
        added.append({"service_no": row["service_no"], "aspect": row["column"], "aspect_text": None,
                      "satisfaction_pct": float("nan"), "score": row["score"], "channel": None,
                      "theme": themes[row["column"]], "source_line": row["source_line"],
                      "source": name})
    return pd.concat([frame, pd.DataFrame(added, columns=frame.columns)], ignore_index=True) if added else frame
