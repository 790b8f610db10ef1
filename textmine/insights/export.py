"""Citation export: chosen quotes as Markdown or DOCX ready to paste into a report. Tables (CSV, XLSX...)
are written by :func:`textmine.atomic.write_table`, personal data masked and formulas neutralised."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from textmine import atomic
from textmine.insights.quotes import attribution
from textmine.spreadsheet import safe_cell, safe_frame

__all__ = ["quotes_docx", "quotes_markdown", "safe_cell", "safe_frame"]


def _score_line(row: pd.Series) -> str:
    names = ("centrality", "theme_score", "quotability", "redundancy")
    return ", ".join(f"{name} {row[name]:.2f}" for name in names if name in row and pd.notna(row[name]))


def _memo(row: pd.Series) -> str | None:
    """The analysts' memos on a quote (column ``memo``, see :func:`textmine.memos.with_memos`), if any."""
    memo = row.get("memo")
    return memo if isinstance(memo, str) and memo else None


def quotes_markdown(quotes: pd.DataFrame, title: str, counterpart: str | None = None,
                    show_scores: bool = True) -> str:
    """Markdown: a heading, then per quote «text», an optional counterpart line (the column named
    ``counterpart``, e.g. a Russian rendering), the attribution, the analysts' memos (column ``memo``)
    and the selection scores."""
    lines = [f"# {title}", ""]
    for number, (_, row) in enumerate(quotes.iterrows(), start=1):
        lines.append(f"{number}. «{row['text']}»")
        if counterpart and pd.notna(row.get(counterpart)):
            lines.append(f"   *{counterpart}:* «{row[counterpart]}»")
        lines.append(f"   — {attribution(row)}")
        if _memo(row):
            lines.append(f"   *memo:* {_memo(row)}")
        if show_scores:
            lines.append(f"   <sub>{_score_line(row)}</sub>")
        lines.append("")
    return "\n".join(lines)


def quotes_docx(quotes: pd.DataFrame, path: Path | str, title: str, counterpart: str | None = None,
                show_scores: bool = True) -> Path:
    """A DOCX with the quotes as block quotes («text», italic counterpart, attribution, italic memos, scores)."""
    from docx import Document
    from docx.shared import Pt, RGBColor

    document = Document()
    document.core_properties.title = title
    document.add_heading(title, level=1)
    for _, row in quotes.iterrows():
        document.add_paragraph(f"«{row['text']}»", style="Intense Quote")
        if counterpart and pd.notna(row.get(counterpart)):
            document.add_paragraph().add_run(f"«{row[counterpart]}»").italic = True
        source = document.add_paragraph(f"— {attribution(row)}")
        source.paragraph_format.space_after = Pt(2)
        if _memo(row):
            document.add_paragraph().add_run(f"memo: {_memo(row)}").italic = True
        if show_scores:
            run = document.add_paragraph().add_run(_score_line(row))
            run.font.size, run.font.color.rgb = Pt(8), RGBColor(0x70, 0x70, 0x70)
    path = Path(path)
    with atomic.atomic_path(path) as temporary:
        document.save(str(temporary))
    return path
