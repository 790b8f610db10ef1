"""The app's view of the recommendations: stored priorities and quotes, per-service briefs, their downloads."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from textmine.app.query import Corpus, connect
from textmine.insights.brief import Brief, briefs_docx, service_brief


@st.cache_resource(show_spinner=False, max_entries=2)
def priorities(path: str, version: float) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The stored ``priorities``, ``priority_quotes`` and ``aspect_scores`` (empty frames when the store has
    none: ``textmine recommend`` or ``textmine run`` writes them)."""
    con = connect(path)
    try:
        tables = {row[0] for row in con.execute("SHOW TABLES").fetchall()}
        read = {name: con.execute(f"SELECT * FROM {name}").df() if name in tables else pd.DataFrame()
                for name in ("priorities", "priority_quotes", "aspect_scores")}
    finally:
        con.close()
    read["priorities"].attrs["by"] = "service_no"
    return read["priorities"], read["priority_quotes"], read["aspect_scores"]


def brief(corpus: Corpus, ranked: pd.DataFrame, quotes: pd.DataFrame, aspects: pd.DataFrame, service_no: int,
          lang: str) -> Brief:
    """One service's brief from the stored ranking and quotes (no embedding needed)."""
    return service_brief(service_no, ranked, corpus.comments, None, corpus.services, aspects, lang=lang,
                         quotes=quotes)


def docx_bytes(value: Brief) -> bytes:
    """The brief as a DOCX file's bytes."""
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "brief.docx"
        briefs_docx([value], target)
        return target.read_bytes()
