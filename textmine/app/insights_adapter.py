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

from textmine.app.query import (
    Corpus,
    Selection,
    cached_vectors,
    rows,
    with_theme,
)

EXPORT_COLUMNS = ["id", "text", "service_no", "service_name", "agency", "region", "lang", "themes",
                  "polarity", "source_file", "source_line", "memo"]


def representative_quotes(corpus: Corpus, selection: Selection, theme: str | None = None,
                          polarity: str | None = None, k: int = 5, embedder: object | None = None,
                          pool: int = 500) -> pd.DataFrame:
    """Up to ``k`` selected comments that best stand for ``theme``, optionally of one ``polarity``.

    Candidates are the distinct texts among the comments with the highest theme score (then the most
    typical length). With an ``embedder`` whose cached vectors cover all of up to ``pool`` candidates
    (drawn from the top ``4 * pool``), ``textmine.insights.representative_quotes`` picks central,
    quotable, diverse ones among them; otherwise the first ``k`` distinct candidates are taken."""
    if theme is not None:
        selection = with_theme(corpus, selection, theme)
    if polarity is not None:
        selection = selection.narrow("polarity = ?", polarity)
    score = corpus.score(theme) if theme is not None else "0"
    median = corpus.scalar(f"SELECT median(text_length) FROM app_comments WHERE {selection.where}", selection.params)
    wanted = pool if embedder is not None else k
    ranked = rows(corpus, selection, order=f"{score} DESC NULLS LAST, abs(text_length - {float(median or 0)}), id",
                  limit=4 * wanted, extra=("text_hash",))
    candidates = ranked.drop_duplicates("text").head(wanted).reset_index(drop=True)
    if embedder is None or len(candidates) <= k:
        return candidates.drop(columns="text_hash").head(k)
    by_hash = cached_vectors(corpus, candidates["text_hash"].tolist(), embedder.model_id, embedder.dim)
    candidates = candidates.drop(columns="text_hash").assign(vector=candidates["text_hash"].map(by_hash))
    if candidates["vector"].isna().any():
        return candidates.drop(columns="vector").head(k)
    from textmine import insights

    matrix = np.stack(candidates.pop("vector").to_numpy())
    picked = insights.representative_quotes(candidates, matrix, k=k)
    return candidates.set_index("id", drop=False).loc[picked["id"].to_numpy()].reset_index(drop=True)


def complaint_themes(corpus: Corpus, selection: Selection, service_name: str) -> pd.DataFrame:
    """Themes of a service's complaints: ``theme``, ``complaints`` (count) and ``impact`` (% of the
    service's comments that are complaints on the theme), largest first."""
    in_service = selection.narrow("service_name = ?", service_name)
    sums = ", ".join(f"sum(({corpus.flag(theme)} AND polarity = 'complaint')::INTEGER)" for theme in corpus.theme_ids)
    found = corpus.frame(f"SELECT count(*) {', ' + sums if sums else ''} FROM app_comments WHERE {in_service.where}",
                         in_service.params).iloc[0].fillna(0).astype(int).to_numpy()
    table = pd.DataFrame({"theme": corpus.theme_ids, "complaints": found[1:]})
    table["impact"] = (100 * table["complaints"] / max(int(found[0]), 1)).round(1)
    return table[table["complaints"] > 0].sort_values(["complaints", "theme"], ascending=[False, True]).reset_index(drop=True)


def export_table(quotes: pd.DataFrame) -> pd.DataFrame:
    """The citation columns of ``quotes`` in a fixed order (categoricals as plain values)."""
    return quotes.reindex(columns=EXPORT_COLUMNS).astype(object).where(lambda f: f.notna(), None).reset_index(drop=True)


def export_markdown(quotes: pd.DataFrame, title: str, lang: str = "en") -> str:
    """A Markdown list of quotes with attribution in ``lang``; only what Markdown would read as markup is
    escaped in the texts."""
    from textmine import insights
    from textmine.insights.markdown import escape

    table = export_table(quotes)
    table["text"] = table["text"].map(escape)
    table["memo"] = table["memo"].map(lambda memo: escape(memo) if memo else None)
    return insights.quotes_markdown(table, escape(title), show_scores=False, lang=lang)


def export_docx(quotes: pd.DataFrame, title: str, lang: str = "en") -> bytes:
    """An A4 DOCX document with one block quote and an attribution line (in ``lang``) per quote."""
    from textmine import insights

    with tempfile.TemporaryDirectory() as folder:
        path = insights.quotes_docx(export_table(quotes), Path(folder) / "quotes.docx", title, show_scores=False,
                                    lang=lang)
        return path.read_bytes()


def export_csv(quotes: pd.DataFrame) -> bytes:
    """UTF-8 CSV (with BOM, so Excel reads Cyrillic); personal data masked and cells that a spreadsheet would
    run as formulas neutralised."""
    from textmine.privacy import without_personal_data
    from textmine.spreadsheet import safe_frame

    return safe_frame(without_personal_data(export_table(quotes))).to_csv(index=False).encode("utf-8-sig")


_MARKDOWN_SPECIAL = "\\`*_{}[]()<>#+-.!|~$:"


def escape_markdown(text: str) -> str:
    """``text`` with every Markdown/HTML-significant character backslash-escaped."""
    return "".join("\\" + ch if ch in _MARKDOWN_SPECIAL else ch for ch in str(text))
