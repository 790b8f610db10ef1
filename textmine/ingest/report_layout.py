"""Declarative layout of a monitoring report: patterns for sections, tables, figures and quotes, read from YAML."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from textmine.ingest.errors import IngestError

LAYOUT_DIR = Path(__file__).parent / "layouts"
DEFAULT_LAYOUT = LAYOUT_DIR / "monitoring_2018_kk.yaml"


@dataclass(frozen=True)
class ReportLayout:
    """Everything about a report's structure the parser needs; ``raw`` is the YAML mapping it came from."""

    name: str
    raw: dict[str, Any]
    source: str = "layout"

    def get(self, dotted: str) -> Any:
        """The value at ``dotted`` (``"quotes.max_chars"``); raise a clear error naming the layout when absent."""
        node: Any = self.raw
        for key in dotted.split("."):
            if not isinstance(node, dict) or key not in node:
                raise IngestError(self.source, f"layout has no '{dotted}'")
            node = node[key]
        return node

    def pattern(self, dotted: str) -> re.Pattern[str]:
        """The compiled regular expression at ``dotted``."""
        return _compile(self.source, dotted, self.get(dotted))

    def patterns(self, dotted: str) -> list[re.Pattern[str]]:
        """The compiled list of regular expressions at ``dotted`` (a single string counts as a list of one)."""
        value = self.get(dotted)
        return [_compile(self.source, dotted, v) for v in ([value] if isinstance(value, str) else value)]


def _compile(source: str, dotted: str, value: Any) -> re.Pattern[str]:
    if not isinstance(value, str):
        raise IngestError(source, f"'{dotted}' must be a regular expression string, got {type(value).__name__}")
    try:
        return re.compile(value)
    except re.error as exc:
        raise IngestError(source, f"'{dotted}' is not a valid regular expression: {exc}") from exc


_REQUIRED = (
    "section_heading", "section_count", "markers.general_info", "markers.results", "markers.conclusions",
    "heading_max_lines", "appendix", "sample_table.start", "sample_table.end", "ranking_table.start",
    "ranking_table.end", "figures.score", "figures.percent", "quotes.max_chars",
)


def load_layout(path: Path | str = DEFAULT_LAYOUT) -> ReportLayout:
    """Read and check a layout YAML file (``yaml.safe_load``); raise :class:`IngestError` naming what is wrong."""
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise IngestError(path, f"cannot read layout: {exc}") from exc
    if not isinstance(raw, dict):
        raise IngestError(path, "layout must be a YAML mapping")
    layout = ReportLayout(name=str(raw.get("name", path.stem)), raw=raw, source=path.name)
    for key in _REQUIRED:
        layout.get(key)
    for key in ("section_heading", "markers.general_info", "markers.results", "markers.conclusions", "appendix"):
        layout.pattern(key)
    return layout
