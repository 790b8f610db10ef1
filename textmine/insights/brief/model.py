"""The brief's data model: a service's problems and strengths, each with its numbers, quotes and sentence."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Quote:
    """A comment quoted verbatim, with its source."""

    id: str
    text: str
    attribution: str
    region: str | None = None
    lang: str | None = None
    source_line: int | None = None


@dataclass
class BriefItem:
    """One problem or strength: its numbers, the score's working, quotes and the template sentence."""

    kind: str
    rank: int
    theme: str
    theme_name: str
    n_comments: int
    share: float
    prior_share: float
    shrunk_share: float
    few_comments: bool
    impact: float | None
    aspect_score: float | None
    aspect_own: float | None
    aspect_lines: list[int]
    delivery_form: str | None
    delivery_form_line: int | None
    score: float
    points: dict[str, float | None]
    weights: dict[str, float | None]
    missing: list[str]
    sentence: str
    quotes: list[Quote] = field(default_factory=list)


@dataclass
class Brief:
    """A service's draft conclusions and recommendations in one language."""

    service_no: int
    service_name: str | None
    agency: str | None
    lang: str
    n_respondents: int | None
    avg_score: float | None
    satisfaction_pct: float | None
    n_comments: int
    small_n: bool
    problems: list[BriefItem]
    strengths: list[BriefItem]
