"""The brief as DOCX: rendered from its Markdown, so a download holds exactly what the author sees (and
edited) on screen."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from textmine.insights import docx_writer
from textmine.insights.brief.model import Brief
from textmine.insights.brief.render_md import brief_markdown
from textmine.insights.brief.wording import default_templates
from textmine.insights.recommendation_templates import Templates


def markdown_docx(texts: Sequence[str], lang: str, templates: Templates | None = None) -> bytes:
    """One DOCX (A4, a page per text) from briefs' Markdown in ``lang``, e.g. as edited in the app."""
    title = (templates or default_templates()).phrase("title", lang)
    return docx_writer.to_bytes(docx_writer.markdown_document(texts, title))


def briefs_docx(briefs: list[Brief], path: Path | str, templates: Templates | None = None) -> Path:
    """One DOCX with every brief (a page each), written atomically; quotes as block quotes."""
    templates = templates or default_templates()
    title = templates.phrase("title", briefs[0].lang) if briefs else "briefs"
    document = docx_writer.markdown_document([brief_markdown(brief, templates) for brief in briefs], title)
    return docx_writer.save(document, path)
