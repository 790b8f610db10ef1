"""The app's view of the recommendations: stored priorities and quotes, per-service briefs, their downloads.
``textmine.insights`` is imported on first use (it pulls in statsmodels, ~2 s, which the first page must
not wait for)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import duckdb
import pandas as pd
import streamlit as st

from textmine.store import reader_path

if TYPE_CHECKING:
    from textmine.insights.brief import Brief


@st.cache_resource(show_spinner=False, max_entries=2)
def priorities(path: str, version: float) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The stored ``priorities``, ``priority_quotes`` and ``aspect_scores`` (empty frames when the store has
    none: ``textmine recommend`` or ``textmine run`` writes them)."""
    with duckdb.connect(str(reader_path(path)), read_only=True) as con:
        tables = {row[0] for row in con.execute("SHOW TABLES").fetchall()}
        read = {name: con.execute(f"SELECT * FROM {name}").df() if name in tables else pd.DataFrame()
                for name in ("priorities", "priority_quotes", "aspect_scores")}
    read["priorities"].attrs["by"] = "service_no"
    return read["priorities"], read["priority_quotes"], read["aspect_scores"]


def brief(comments: pd.DataFrame, services: pd.DataFrame, ranked: pd.DataFrame, quotes: pd.DataFrame,
          aspects: pd.DataFrame, service_no: int, lang: str) -> Brief:
    """One service's brief from its ``comments``, the stored ranking and quotes (no embedding needed)."""
    from textmine.insights.brief import Evidence, StoredQuotes, service_brief

    return service_brief(service_no, Evidence(ranked, comments, StoredQuotes(quotes), services, aspects), lang=lang)


def docx_bytes(markdown: str, lang: str) -> bytes:
    """A brief's Markdown, as shown (and possibly edited) on screen, as a DOCX file's bytes."""
    from textmine.insights.brief import markdown_docx

    return markdown_docx([markdown], lang)
