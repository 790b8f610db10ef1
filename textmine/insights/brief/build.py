"""Building a service's brief from its ranked priorities, the figures of the services table and a
:class:`~textmine.insights.brief.quote_source.QuoteSource`."""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

from textmine.classify.taxonomy import Taxonomy, load_taxonomy
from textmine.insights.brief.model import Brief, BriefItem, Quote
from textmine.insights.brief.quote_source import QuoteSource
from textmine.insights.brief.wording import default_templates
from textmine.insights.priority import COMPONENTS
from textmine.insights.recommendation_templates import Templates


@dataclass(frozen=True)
class Evidence:
    """What briefs are built from: ``priorities`` (by service), the ``comments`` (names and counts of
    services missing from ``services``), a quote source, the services table and the report's aspect scores
    (their report lines are cited)."""

    priorities: pd.DataFrame
    comments: pd.DataFrame
    quotes: QuoteSource
    services: pd.DataFrame | None = None
    aspects: pd.DataFrame | None = None


@dataclass(frozen=True)
class Lengths:
    """How many problems, strengths and quotes per item a brief shows."""

    problems: int = 3
    strengths: int = 2
    quotes: int = 3


@lru_cache(maxsize=1)
def _default_taxonomy() -> Taxonomy:
    return load_taxonomy()


def service_brief(service_no: int, evidence: Evidence, lang: str = "kk", lengths: Lengths = Lengths(),
                  templates: Templates | None = None, taxonomy: Taxonomy | None = None) -> Brief:
    """The brief of one service in ``lang`` (kk or ru). A comment quoted under one item is not repeated
    under a later one."""
    templates = templates or default_templates()
    templates.phrase("title", lang)
    taxonomy = taxonomy or _default_taxonomy()
    rows = evidence.priorities[evidence.priorities["service_no"] == service_no]
    info = _service_info(service_no, rows, evidence.comments, evidence.services)
    items: dict[str, list[BriefItem]] = {"problem": [], "strength": []}
    used: set[str] = set()
    for kind, limit in (("problem", lengths.problems), ("strength", lengths.strengths)):
        chosen = rows[(rows["kind"] == kind) & (rows["rank"] <= limit)].sort_values("rank")
        for _, row in chosen.iterrows():
            picked = _quotes(row, service_no, evidence.quotes, lengths.quotes, used, lang, templates)
            used |= {quote.id for quote in picked}
            items[kind].append(_item(row, lang, templates, taxonomy, picked,
                                     _aspect_lines(evidence.aspects, service_no, row["theme"])))
    return Brief(**info, lang=lang, problems=items["problem"], strengths=items["strength"])


def _service_info(service_no: int, rows: pd.DataFrame, coded: pd.DataFrame,
                  services: pd.DataFrame | None) -> dict:
    own = coded[coded["service_no"] == service_no]
    record = {}
    if services is not None and len(services):
        found = services[services["service_no"] == service_no]
        record = found.iloc[0].to_dict() if len(found) else {}
    if not record and own.empty and rows.empty:
        raise ValueError(f"service {service_no} is in neither the services table nor the comments")
    first = own.iloc[0] if len(own) else {}
    return {
        "service_no": int(service_no),
        "service_name": _value(record.get("service_name")) or _value(first.get("service_name") if len(own) else None),
        "agency": _value(record.get("agency")) or _value(first.get("agency") if len(own) else None),
        "n_respondents": _int(record.get("n")),
        "avg_score": _float(record.get("avg_score")),
        "satisfaction_pct": _float(record.get("satisfaction_pct")),
        "n_comments": int(rows["n_group"].iloc[0]) if len(rows) else len(own),
        "small_n": bool(rows["small_n"].iloc[0]) if len(rows) else True,
    }


def _quotes(row: pd.Series, service_no: int, source: QuoteSource, k: int, used: set[str], lang: str,
            templates: Templates) -> list[Quote]:
    """Up to ``k`` quotes for the row, skipping comments an earlier item of the brief already quotes."""
    if row["n_comments"] == 0:
        return []
    chosen = source.pick(service_no, row["kind"], row["theme"], k + len(used))
    chosen = chosen[~chosen["id"].isin(used)].head(k)
    return [Quote(id=str(q["id"]), text=str(q["text"]), attribution=_attribution(q, lang, templates),
                  region=_value(q.get("region")), lang=_value(q.get("lang")), source_line=_int(q.get("source_line")))
            for _, q in chosen.iterrows()]


def _attribution(quote: pd.Series, lang: str, templates: Templates) -> str:
    """Region and source (file, line) in the brief's language."""
    parts = [str(quote["region"])] if _value(quote.get("region")) else []
    line = _int(quote.get("source_line"))
    source = _value(quote.get("source_file"))
    if line is not None:
        parts.append(", ".join(p for p in (Path(source).name if source else None,
                                           templates.phrase("line", lang, line=line)) if p))
    return "; ".join(parts)


def _aspect_lines(aspects: pd.DataFrame | None, service_no: int, theme: str) -> list[int]:
    if aspects is None or aspects.empty or "source_line" not in aspects.columns:
        return []
    rows = aspects[(aspects["service_no"] == service_no) & (aspects["theme"] == theme) & aspects["score"].notna()]
    return sorted({int(line) for line in rows["source_line"].dropna()})


def _item(row: pd.Series, lang: str, templates: Templates, taxonomy: Taxonomy, quotes: list[Quote],
          aspect_lines: list[int]) -> BriefItem:
    theme = row["theme"]
    return BriefItem(
        kind=row["kind"], rank=int(row["rank"]), theme=theme,
        theme_name=getattr(taxonomy.theme(theme).name, lang) if theme in taxonomy.theme_ids else theme,
        n_comments=int(row["n_comments"]), share=float(row["share"]), prior_share=float(row["prior_share"]),
        shrunk_share=float(row["shrunk_share"]), few_comments=bool(row["few_comments"]),
        impact=_float(row["impact"]), aspect_score=_float(row["aspect_score"]),
        aspect_own=_float(row["aspect_own"]), aspect_lines=aspect_lines,
        delivery_form=_value(row["delivery_form"]), delivery_form_line=_int(row["delivery_form_line"]),
        score=float(row["score"]),
        points={c: _float(row[f"pts_{c}"]) for c in COMPONENTS},
        weights={c: _float(row[f"w_{c}"]) for c in COMPONENTS},
        missing=[c for c in str(row["missing"]).split(",") if c],
        sentence=templates.sentence(theme, row["kind"], lang), quotes=quotes)


def _value(value: object) -> str | None:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)) or str(value) == "":
        return None
    return str(value)


def _float(value: object) -> float | None:
    return None if _value(value) is None else float(value)


def _int(value: object) -> int | None:
    return None if _value(value) is None else int(value)
