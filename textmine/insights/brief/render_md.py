"""The brief as Markdown: what the app shows and lets an author edit, and what the DOCX is rendered from."""

from __future__ import annotations

from textmine.insights.brief.model import Brief
from textmine.insights.brief.wording import default_templates, item_lines, summary
from textmine.insights.markdown import escape
from textmine.insights.recommendation_templates import Templates


def brief_markdown(brief: Brief, templates: Templates | None = None) -> str:
    """The brief as Markdown; quotes, names and sentences are escaped so they render verbatim."""
    templates = templates or default_templates()
    lang, phrase = brief.lang, templates.phrase
    name = f" {escape(brief.service_name)}" if brief.service_name else ""
    lines = [f"# {brief.service_no}.{name}", "", f"*{phrase('title', lang)}*", "", escape(summary(brief, templates))]
    if brief.small_n:
        lines += ["", f"> {escape(phrase('small_n', lang, n=brief.n_comments))}"]
    for kind, items in (("problem", brief.problems), ("strength", brief.strengths)):
        lines += ["", f"## {phrase(kind + 's', lang)}", ""]
        if not items:
            lines += [phrase(f"no_{kind}s", lang)]
        for item in items:
            lines += [f"### {item.rank}. {escape(item.theme_name)}", ""]
            lines += [f"- {escape(line)}" for line in item_lines(item, lang, templates)]
            label = phrase("recommendation" if kind == "problem" else "strength_note", lang)
            lines += ["", f"**{label}.** {escape(item.sentence)}", ""]
            if item.n_comments:
                lines += [f"*{phrase('quotes', lang)}:*", ""]
            if item.n_comments and not item.quotes:
                lines += [phrase("no_quotes", lang)]
            for quote in item.quotes:
                lines += [f"> «{escape(quote.text)}» — {escape(quote.attribution)} `{quote.id}`", ">"]
            if item.quotes:
                lines.pop()
            lines.append("")
    lines += ["", f"*{escape(phrase('draft_note', lang))}*", ""]
    return "\n".join(lines)
