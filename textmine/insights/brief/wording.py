"""The brief's fixed wording, shared by its renderers: the packaged templates, report-style numbers, the
summary line and each item's numbers as sentences."""

from __future__ import annotations

from functools import lru_cache

from textmine.insights.brief.model import Brief, BriefItem
from textmine.insights.priority import COMPONENTS
from textmine.insights.recommendation_templates import (
    Templates,
    default_templates_path,
    load_templates,
)


def default_templates() -> Templates:
    """The packaged templates, re-read when the file changes (an analyst may edit them while the app runs)."""
    return _templates_at(default_templates_path().stat().st_mtime_ns)


@lru_cache(maxsize=1)
def _templates_at(mtime_ns: int) -> Templates:
    return load_templates()


def number(value: float, digits: int = 2, signed: bool = False) -> str:
    """Report style: decimal comma, typographic minus."""
    value = round(value, digits) + 0.0  # no "−0,00"
    text = f"{value:+.{digits}f}" if signed else f"{value:.{digits}f}"
    return text.replace(".", ",").replace("-", "−")


def percent(share: float) -> str:
    """A 0–1 share as a whole percentage."""
    return f"{round(100 * share)}%"


def item_lines(item: BriefItem, lang: str, templates: Templates) -> list[str]:
    """The numbers of a problem or strength as sentences, in order (plain text)."""
    phrase = templates.phrase
    none = f"evidence_{item.kind}_none" + ("_delivery" if item.delivery_form == "paper" else "")
    lines = [phrase(f"evidence_{item.kind}", lang, n=item.n_comments, share=percent(item.share))
             if item.n_comments else phrase(none, lang)]
    lines.append(phrase("shrunk_share", lang, prior=percent(item.prior_share), shrunk=percent(item.shrunk_share)))
    if item.few_comments and item.n_comments:
        lines.append(phrase("few_comments", lang, n=item.n_comments))
    lines.append(phrase("impact", lang, impact=number(item.impact, signed=True)) if item.impact is not None
                 else phrase("impact_missing", lang))
    if item.aspect_score is None:
        lines.append(phrase("aspect_missing", lang))
    else:
        values = {"score": number(item.aspect_score), "own": number(item.aspect_own)}
        lines.append(phrase("aspect_cited", lang, **values,
                            lines=", ".join(phrase("line", lang, line=n) for n in item.aspect_lines))
                     if item.aspect_lines else phrase("aspect", lang, **values))
    if item.delivery_form:
        lines.append(phrase(f"delivery_{item.delivery_form}", lang,
                            line=phrase("line", lang, line=item.delivery_form_line)))
    terms = " + ".join(f"{number(item.weights[c])} × {number(item.points[c])} ({phrase(f'component_{c}', lang)})"
                       for c in COMPONENTS if item.weights[c])
    lines.append(phrase("score", lang, score=number(item.score), terms=terms))
    return lines


def summary(brief: Brief, templates: Templates) -> str:
    """Respondents, average score, satisfaction and comments analysed, in the brief's language."""
    def shown(value: object, text: str) -> str:
        return text if value is not None else "—"
    return templates.phrase(
        "summary", brief.lang, n=shown(brief.n_respondents, str(brief.n_respondents)),
        avg=shown(brief.avg_score, number(brief.avg_score or 0)),
        satisfaction=shown(brief.satisfaction_pct, number(brief.satisfaction_pct or 0, 1) + "%"),
        n_comments=brief.n_comments)
