"""A service's delivery form as its report section states it («Мемлекеттік қызмет көрсету нысаны: қағаз
түрінде»): ``paper``, ``electronic`` or ``paper_and_electronic``, with the 1-based line it was read from.

The report's authors ask for a paper-only service to be delivered electronically far more often than for one
that already is (``docs/recommendations.md``), so the problem ranking reads it
(:mod:`textmine.insights.priority`)."""

from __future__ import annotations

from textmine.ingest.report_layout import ReportLayout
from textmine.ingest.report_structure import Section


def delivery_form(section: Section, lines: list[str], layout: ReportLayout) -> dict:
    """``delivery_form`` and ``delivery_form_line`` of a section (both None when it states no form): the first
    line of its general-information or results block matching ``delivery_form.line``; the words after the match
    decide the form (``delivery_form.paper`` / ``delivery_form.electronic``, either or both)."""
    line_pattern = layout.pattern("delivery_form.line")
    paper, electronic = layout.pattern("delivery_form.paper"), layout.pattern("delivery_form.electronic")
    for index in range(section.blocks["general_info"], section.blocks["conclusions"]):
        found = line_pattern.search(lines[index])
        if not found:
            continue
        value = lines[index][found.end():]
        is_paper, is_electronic = bool(paper.search(value)), bool(electronic.search(value))
        if is_paper or is_electronic:
            form = "paper_and_electronic" if is_paper and is_electronic else "paper" if is_paper else "electronic"
            return {"delivery_form": form, "delivery_form_line": index + 1}
    return {"delivery_form": None, "delivery_form_line": None}
