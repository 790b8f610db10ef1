"""Where things are in a report: service sections and their blocks, table 1 (sample, agencies), table 3 (ranking)."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from textmine.ingest.errors import IngestError
from textmine.ingest.report_layout import ReportLayout
from textmine.normalise import fold


@dataclass
class Section:
    """One service section; line numbers are 0-based indexes into the report's lines, ``end`` exclusive."""

    no: int
    name: str
    start: int
    end: int
    blocks: dict[str, int] = field(default_factory=dict)

    def block_of(self, line: int) -> str:
        """Name of the block (general_info, results, conclusions; heading before the first) holding ``line``."""
        name = "heading"
        for block, first in sorted(self.blocks.items(), key=lambda kv: kv[1]):
            if line >= first:
                name = block
        return name


def clean_lines(lines: list[str]) -> list[str]:
    """Lines with the font map fixed and outer whitespace stripped (indexes unchanged)."""
    return [fold(line).strip() for line in lines]


def find_sections(lines: list[str], layout: ReportLayout, source: str) -> list[Section]:
    """All numbered service sections in order; raise when a heading or one of its block markers is missing."""
    heading = layout.pattern("section_heading")
    markers = {name: layout.pattern(f"markers.{name}") for name in layout.get("markers")}
    first_marker = next(iter(markers.values()))
    appendix = layout.pattern("appendix")
    max_lines = int(layout.get("heading_max_lines"))
    count = int(layout.get("section_count"))
    sections: list[Section] = []
    expected = 1
    i = 0
    while i < len(lines) and expected <= count:
        match = heading.match(lines[i])
        if match and int(match.group("no")) == expected:
            following = [j for j in range(i + 1, min(len(lines), i + 4 * max_lines)) if lines[j]][:max_lines]
            marker_at = next((j for j in following if first_marker.match(lines[j])), None)
            if marker_at is not None:
                name = " ".join([match.group("name")] + [lines[j] for j in range(i + 1, marker_at) if lines[j]])
                sections.append(Section(no=expected, name=" ".join(name.split()), start=i, end=len(lines)))
                expected += 1
                i = marker_at
                continue
        i += 1
    if len(sections) != count:
        raise IngestError(source, f"found {len(sections)} of {count} service sections; section {expected} has no "
                                  f"heading followed by '{first_marker.pattern}'")
    appendix_at = next((j for j in range(sections[-1].start, len(lines)) if appendix.match(lines[j])), len(lines))
    for section, following in zip(sections, sections[1:] + [None], strict=True):
        section.end = following.start if following else appendix_at
        for name, pattern in markers.items():
            at = next((j for j in range(section.start, section.end) if pattern.match(lines[j])), None)
            if at is None:
                raise IngestError(source, f"section {section.no} has no '{pattern.pattern}' line", row=section.start + 1)
            section.blocks[name] = at
    return sections


def table_range(lines: list[str], layout: ReportLayout, key: str, source: str) -> tuple[int, int]:
    """0-based indexes of the start and end lines of the table described under ``key`` in the layout."""
    start_pattern, end_pattern = layout.pattern(f"{key}.start"), layout.pattern(f"{key}.end")
    start = next((i for i, line in enumerate(lines) if start_pattern.match(line)), None)
    if start is None:
        raise IngestError(source, f"no line matches {key}.start '{start_pattern.pattern}'")
    end = next((i for i in range(start + 1, len(lines)) if end_pattern.match(lines[i])), None)
    if end is None:
        raise IngestError(source, f"{key} starting at line {start + 1} has no end line '{end_pattern.pattern}'")
    return start, end


def parse_sample_table(lines: list[str], layout: ReportLayout, source: str) -> pd.DataFrame:
    """Table 1: one row per service with ``service_no``, ``agency``, ``provider_level``, ``n``, ``sample_name``.

    Rows wrap freely; a number equal to the next service number opens a row only once the current row has its N,
    so a stray page number between rows is skipped.
    """
    start, end = table_range(lines, layout, "sample_table", source)
    header = layout.pattern("sample_table.header")
    agency_pattern = layout.pattern("sample_table.agency")
    local = layout.get("sample_table.local_agency")
    levels = layout.get("sample_table.provider_levels")
    rows: list[dict] = []
    agency: str | None = None
    for i in range(start + 1, end):
        line = lines[i]
        if not line or header.match(line):
            continue
        found = agency_pattern.match(line)
        if found and not found.group("code").isdigit():
            agency = found.group("code")
            line = found.group("rest") or ""
        if line:
            _sample_tokens(line, rows, agency, i)
    for row in rows:
        row["provider_level"] = levels["local"] if row["agency"] == local else levels["central"]
        row["sample_name"] = " ".join(" ".join(row.pop("words")).split())
    frame = pd.DataFrame(rows)
    total = int(layout.pattern("sample_table.end").match(lines[end]).group("total"))
    if frame.empty or frame["n"].isna().any() or int(frame["n"].sum()) != total:
        raise IngestError(source, f"table 1 rows do not add up to its total {total}", row=end + 1)
    return frame


def _sample_tokens(line: str, rows: list[dict], agency: str | None, index: int) -> None:
    tokens = line.split()
    expected = len(rows) + 1
    current = rows[-1] if rows else None
    if tokens[0].isdigit() and int(tokens[0]) == expected and (current is None or current["n"] is not None):
        rows.append({"service_no": expected, "agency": agency, "n": None, "words": [], "sample_line": index + 1})
        tokens = tokens[1:]
        current = rows[-1]
    if current is None or current["n"] is not None:
        return  # debris between rows (page number)
    if tokens and tokens[-1].isdigit() and (len(tokens) > 1 or current["words"]):
        current["n"] = int(tokens[-1])
        tokens = tokens[:-1]
    current["words"] += tokens


def parse_ranking_table(lines: list[str], layout: ReportLayout, source: str) -> pd.DataFrame:
    """Table 3: ``rank``, ``ranking_name``, ``ranking_avg_score``, ``ranking_satisfaction_pct``, ``ranking_line``."""
    start, end = table_range(lines, layout, "ranking_table", source)
    headers = layout.patterns("ranking_table.header")
    values = layout.pattern("ranking_table.row_values")
    rows: list[dict] = []
    for i in range(start + 1, end):
        line = lines[i]
        if not line or any(h.match(line) for h in headers):
            continue
        tokens = line.split()
        if tokens[0].isdigit() and int(tokens[0]) == len(rows) + 1 and (not rows or rows[-1]["ranking_avg_score"] is not None):
            rows.append({"rank": len(rows) + 1, "words": [], "ranking_avg_score": None,
                         "ranking_satisfaction_pct": None, "ranking_line": i + 1})
            line = line[len(tokens[0]):].strip()
        if not rows:
            continue
        found = values.match(line)
        if found and rows[-1]["ranking_avg_score"] is None:
            rows[-1]["ranking_avg_score"] = parse_decimal(found.group("avg"))
            rows[-1]["ranking_satisfaction_pct"] = parse_decimal(found.group("pct"))
            line = found.group("head")
        rows[-1]["words"].append(line)
    for row in rows:
        row["ranking_name"] = " ".join(" ".join(row.pop("words")).split())
    frame = pd.DataFrame(rows)
    if frame.empty or frame["ranking_avg_score"].isna().any():
        raise IngestError(source, "table 3 has a row without average score and %", row=start + 1)
    return frame


def parse_decimal(text: str) -> float:
    """``"4,57"`` -> 4.57; ``",5"`` (a lost leading zero) -> 0.5."""
    text = text.strip().replace(",", ".")
    return float("0" + text if text.startswith(".") else text)
