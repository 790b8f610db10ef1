"""The per-service evidence brief: a draft of the report's "conclusions and recommendations" in Kazakh or
Russian — the top problems in priority order, each with its numbers, representative quotes (verbatim,
attributed) and an editable recommendation sentence, then the strengths.

One job per module: :mod:`.model` (the data), :mod:`.quote_source` (picking quotes: from vectors now or
from the stored ``priority_quotes``), :mod:`.build` (:func:`service_brief` from the priorities of
:func:`textmine.insights.priority.priorities`, ``by='service_no'``), :mod:`.wording` (numbers and fixed
phrases), the renderers :mod:`.render_md`, :mod:`.render_json`, :mod:`.render_docx` (from the Markdown), and
:mod:`.table` (the bundled ``recommendations.csv``).
"""

from textmine.insights.brief.build import Evidence, Lengths, service_brief
from textmine.insights.brief.model import Brief, BriefItem, Quote
from textmine.insights.brief.quote_source import (
    QUOTE_COLUMNS,
    EmbeddedQuotes,
    QuoteSource,
    StoredQuotes,
    priority_quotes,
    theme_quotes,
)
from textmine.insights.brief.render_docx import briefs_docx, markdown_docx
from textmine.insights.brief.render_json import brief_json
from textmine.insights.brief.render_md import brief_markdown
from textmine.insights.brief.table import TABLE_COLUMNS, recommendations_table
from textmine.insights.brief.wording import item_lines

__all__ = [
    "QUOTE_COLUMNS", "TABLE_COLUMNS", "Brief", "BriefItem", "EmbeddedQuotes", "Evidence", "Lengths", "Quote",
    "QuoteSource", "StoredQuotes", "brief_json", "brief_markdown", "briefs_docx", "item_lines", "markdown_docx",
    "priority_quotes", "recommendations_table", "service_brief", "theme_quotes",
]
