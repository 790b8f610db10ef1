"""The analyses the pages take from ``textmine.insights``, behind one adapter so the pages do not change
when it grows: representative quotes (its centrality/quotability/MMR ranking over the best-scored
candidates when their vectors are cached, else theme score and typical length), a service's complaint
themes, and citation exports (its Markdown/DOCX writers and CSV-injection-safe cells).
``textmine.insights`` is imported on first use: it pulls in statsmodels (~2 s), which the first page
must not wait for.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from textmine.app.query import Corpus, Vectors

EXPORT_COLUMNS = ["id", "text", "service_no", "service_name", "agency", "region", "lang", "themes",
                  "polarity", "source_file", "source_line"]


def representative_quotes(corpus: Corpus, mask: np.ndarray, theme: str | None = None,
                          polarity: str | None = None, k: int = 5, vectors: Vectors | None = None,
                          pool: int = 500) -> pd.DataFrame:
    """Up to ``k`` selected comments that best stand for ``theme``, optionally of one ``polarity``.

    Candidates are the ``pool`` with the highest theme score (then the most typical length); when all
    have cached ``vectors``, ``textmine.insights.representative_quotes`` picks central, quotable,
    diverse ones among them, else the first distinct candidates are taken."""
    c = corpus.comments
    keep = mask.copy()
    if theme is not None:
        keep &= corpus.flags[theme].to_numpy()
    if polarity is not None:
        keep &= (c["polarity"] == polarity).to_numpy(dtype=bool)
    rows = c[keep].copy()
    if rows.empty:
        return rows
    length = rows["text"].str.len()
    rows["_typical"] = -(length - length.median()).abs()
    rows["_score"] = corpus.scores.loc[rows.index, theme] if theme is not None else 0.0
    rows = rows.sort_values(["_score", "_typical", "id"], ascending=[False, False, True])
    rows = rows.drop_duplicates("text").head(pool).drop(columns=["_typical", "_score"])
    if vectors is not None and len(rows) > k and np.isin(rows.index, vectors.rows).all():
        where = pd.Series(np.arange(len(vectors.rows)), index=vectors.rows)
        matrix = vectors.matrix[where.loc[rows.index].to_numpy()]
        from textmine import insights

        picked = insights.representative_quotes(rows.reset_index(drop=True), matrix, k=k)
        by_id = pd.Series(rows.index, index=rows["id"].to_numpy())
        return rows.loc[by_id.loc[picked["id"].to_numpy()].to_numpy()]
    return rows.head(k)


def complaint_themes(corpus: Corpus, mask: np.ndarray, service_name: str) -> pd.DataFrame:
    """Themes of a service's complaints: ``theme``, ``complaints`` (count) and ``impact`` (% of the
    service's comments that are complaints on the theme), largest first."""
    c = corpus.comments
    in_service = mask & (c["service_name"] == service_name).to_numpy(dtype=bool)
    complaints = in_service & (c["polarity"] == "complaint").to_numpy(dtype=bool)
    counts = corpus.flags[complaints].sum()
    table = pd.DataFrame({"theme": counts.index, "complaints": counts.to_numpy()})
    table["impact"] = (100 * table["complaints"] / max(int(in_service.sum()), 1)).round(1)
    return table[table["complaints"] > 0].sort_values(["complaints", "theme"], ascending=[False, True]).reset_index(drop=True)


def export_table(quotes: pd.DataFrame) -> pd.DataFrame:
    """The citation columns of ``quotes`` in a fixed order (categoricals as plain values)."""
    return quotes.reindex(columns=EXPORT_COLUMNS).astype(object).where(lambda f: f.notna(), None).reset_index(drop=True)


def export_markdown(quotes: pd.DataFrame, title: str) -> str:
    """A Markdown list of quotes with attribution; Markdown characters in the texts are escaped."""
    from textmine import insights

    table = export_table(quotes)
    table["text"] = table["text"].map(escape_markdown)
    return insights.quotes_markdown(table, escape_markdown(title), show_scores=False)


def export_docx(quotes: pd.DataFrame, title: str) -> bytes:
    """A DOCX document with one block quote and an attribution line per quote."""
    from textmine import insights

    with tempfile.TemporaryDirectory() as folder:
        path = insights.quotes_docx(export_table(quotes), Path(folder) / "quotes.docx", title, show_scores=False)
        return path.read_bytes()


def export_csv(quotes: pd.DataFrame) -> bytes:
    """UTF-8 CSV (with BOM, so Excel reads Cyrillic); personal data masked and cells that a spreadsheet would
    run as formulas neutralised."""
    from textmine.insights.export import publishable
    from textmine.spreadsheet import safe_frame

    return safe_frame(publishable(export_table(quotes))).to_csv(index=False).encode("utf-8-sig")


_MARKDOWN_SPECIAL = "\\`*_{}[]()<>#+-.!|~$:"


def escape_markdown(text: str) -> str:
    """``text`` with every Markdown/HTML-significant character backslash-escaped."""
    return "".join("\\" + ch if ch in _MARKDOWN_SPECIAL else ch for ch in str(text))
