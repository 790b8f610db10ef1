"""Citation export: chosen quotes as Markdown or DOCX ready to paste into a report, attributed in the
reader's language, grouped by service or interleaved. Tables (CSV, XLSX...) are written by
:func:`textmine.atomic.write_table`, personal data masked and formulas neutralised."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from textmine.insights import docx_writer
from textmine.insights.quotes import ATTRIBUTION_WORDS, attribution
from textmine.spreadsheet import safe_cell, safe_frame

__all__ = ["interleave", "quotes_docx", "quotes_markdown", "safe_cell", "safe_frame", "service_counts"]


def _score_line(row: pd.Series) -> str:
    names = ("centrality", "theme_score", "quotability", "redundancy")
    return ", ".join(f"{name} {row[name]:.2f}" for name in names if name in row and pd.notna(row[name]))


MEMO_WORD = {"en": "memo", "kk": "жазба", "ru": "заметка"}


def _memo(row: pd.Series) -> str | None:
    """The analysts' memos on a quote (column ``memo``, see :func:`textmine.memos.with_memos`), if any."""
    memo = row.get("memo")
    return memo if isinstance(memo, str) and memo else None


def interleave(quotes: pd.DataFrame, by: str = "service_no") -> pd.DataFrame:
    """``quotes`` taken in turn from each ``by`` group (first of each group, then the second...), groups in
    order of first appearance and each group's quotes in their own order."""
    turn = quotes.groupby(by, sort=False, dropna=False).cumcount()
    first = quotes[by].map({value: order for order, value in enumerate(pd.unique(quotes[by]))})
    order = pd.DataFrame({"turn": turn.to_numpy(), "group": first.to_numpy()}).sort_values(["turn", "group"],
                                                                                          kind="stable")
    return quotes.iloc[order.index.to_numpy()]


def service_counts(quotes: pd.DataFrame, lang: str = "en") -> str:
    """How many quotes each service contributes, e.g. ``service 2: 5; service 13: 3`` (in ``lang``),
    services in order of first appearance; empty when the quotes name no service."""
    if "service_no" not in quotes.columns:
        return ""
    service = ATTRIBUTION_WORDS[lang][0]
    counts = quotes["service_no"].dropna().astype(int).value_counts(sort=False)
    return "; ".join(f"{service.format(n=number)}: {n}" for number, n in counts.items())


def quotes_markdown(quotes: pd.DataFrame, title: str, counterpart: str | None = None,
                    show_scores: bool = True, lang: str = "en") -> str:
    """Markdown: a heading, each service's count, then per quote «text», an optional counterpart line (the
    column named ``counterpart``, e.g. a Russian rendering), the attribution in ``lang``, the analysts' memos
    (column ``memo``) and the selection scores. Texts are written as given: escape them first when they may hold Markdown."""
    lines = [f"# {title}", ""]
    counts = service_counts(quotes, lang)
    if counts:
        lines += [counts, ""]
    for number, (_, row) in enumerate(quotes.iterrows(), start=1):
        lines.append(f"{number}. «{row['text']}»")
        if counterpart and pd.notna(row.get(counterpart)):
            lines.append(f"   *{counterpart}:* «{row[counterpart]}»")
        lines.append(f"   — {attribution(row, lang)}")
        if _memo(row):
            lines.append(f"   *{MEMO_WORD[lang]}:* {_memo(row)}")
        if show_scores:
            lines.append(f"   <sub>{_score_line(row)}</sub>")
        lines.append("")
    return "\n".join(lines)


def quotes_docx(quotes: pd.DataFrame, path: Path | str, title: str, counterpart: str | None = None,
                show_scores: bool = True, lang: str = "en") -> Path:
    """An A4 DOCX with each service's count and the quotes as block quotes («text», italic counterpart,
    attribution in ``lang``, italic memos, scores)."""
    from docx.shared import Pt, RGBColor

    safe = docx_writer.xml_safe
    document = docx_writer.a4_document(title)
    document.add_heading(safe(title), level=1)
    counts = service_counts(quotes, lang)
    if counts:
        document.add_paragraph(safe(counts))
    for _, row in quotes.iterrows():
        document.add_paragraph(safe(f"«{row['text']}»"), style="Intense Quote")
        if counterpart and pd.notna(row.get(counterpart)):
            document.add_paragraph().add_run(safe(f"«{row[counterpart]}»")).italic = True
        source = document.add_paragraph(safe(f"— {attribution(row, lang)}"))
        source.paragraph_format.space_after = Pt(2)
        if _memo(row):
            document.add_paragraph().add_run(safe(f"{MEMO_WORD[lang]}: {_memo(row)}")).italic = True
        if show_scores:
            run = document.add_paragraph().add_run(_score_line(row))
            run.font.size, run.font.color.rgb = Pt(8), RGBColor(0x70, 0x70, 0x70)
    return docx_writer.save(document, path)
