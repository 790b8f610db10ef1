"""Citation export: chosen quotes as Markdown or DOCX ready to paste into a report, and any comment table
as CSV or XLSX with spreadsheet-formula injection neutralised."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from textmine import atomic
from textmine.insights.quotes import attribution
from textmine.privacy import mask_frame
from textmine.spreadsheet import safe_cell, safe_frame

__all__ = ["publishable", "quotes_docx", "quotes_markdown", "safe_cell", "safe_frame", "write_table"]

# Columns that may carry personal data in a table leaving textmine. ``text`` is masked at ingest; ``raw_text``
# keeps the original only when the user opted in (``--keep-raw``), so it is masked on the way out.
PERSONAL_COLUMNS = ("text", "raw_text", "extra")


def publishable(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with personal data masked in the text columns it carries (see :data:`PERSONAL_COLUMNS`)."""
    columns = [column for column in PERSONAL_COLUMNS if column in frame.columns]
    return mask_frame(frame, columns) if columns else frame



def write_table(frame: pd.DataFrame, path: Path | str) -> Path:
    """Write ``frame`` atomically as ``.csv`` or ``.xlsx`` (by suffix) with personal data masked and
    formula-safe cells.

    XLSX gets a frozen header row, landscape printing and column widths fitted to the content (at most 60).
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise ValueError(f"{path}: unknown table format {path.suffix!r}; use .csv or .xlsx")
    safe = safe_frame(publishable(frame))
    if suffix == ".csv":
        atomic.write_table(safe, path)
        return path
    from openpyxl.utils import get_column_letter

    with atomic.atomic_path(path) as temporary, pd.ExcelWriter(temporary, engine="openpyxl") as writer:
        safe.to_excel(writer, index=False, sheet_name="comments")
        sheet = writer.sheets["comments"]
        sheet.freeze_panes = "A2"
        sheet.page_setup.orientation = "landscape"
        for number, column in enumerate(safe.columns, start=1):
            longest = max([len(str(column)), *(len(str(v)) for v in safe[column].head(500))])
            sheet.column_dimensions[get_column_letter(number)].width = min(60, longest + 2)
    return path


def _score_line(row: pd.Series) -> str:
    names = ("centrality", "theme_score", "quotability", "redundancy")
    return ", ".join(f"{name} {row[name]:.2f}" for name in names if name in row and pd.notna(row[name]))


def quotes_markdown(quotes: pd.DataFrame, title: str, counterpart: str | None = None,
                    show_scores: bool = True) -> str:
    """Markdown: a heading, then per quote «text», an optional counterpart line (the column named
    ``counterpart``, e.g. a Russian rendering), the attribution and the selection scores."""
    lines = [f"# {title}", ""]
    for number, (_, row) in enumerate(quotes.iterrows(), start=1):
        lines.append(f"{number}. «{row['text']}»")
        if counterpart and pd.notna(row.get(counterpart)):
            lines.append(f"   *{counterpart}:* «{row[counterpart]}»")
        lines.append(f"   — {attribution(row)}")
        if show_scores:
            lines.append(f"   <sub>{_score_line(row)}</sub>")
        lines.append("")
    return "\n".join(lines)


def quotes_docx(quotes: pd.DataFrame, path: Path | str, title: str, counterpart: str | None = None,
                show_scores: bool = True) -> Path:
    """A DOCX with the quotes as block quotes («text», italic counterpart, attribution, scores)."""
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
        if show_scores:
            run = document.add_paragraph().add_run(_score_line(row))
            run.font.size, run.font.color.rgb = Pt(8), RGBColor(0x70, 0x70, 0x70)
    path = Path(path)
    with atomic.atomic_path(path) as temporary:
        document.save(str(temporary))
    return path
