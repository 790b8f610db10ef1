"""Quotes (analysts, authors): filters, full-text and semantic search, attribution, the citation basket
and its exports."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from textmine.app import data
from textmine.app.context import BASKET, Context, basket, quote_list
from textmine.app.insights_adapter import export_csv, export_docx, export_markdown
from textmine.app.query import semantic_rank, text_mask

DISCOVERY_ROWS = "discovery_rows"


def _clear_basket() -> None:
    st.session_state[BASKET] = []


def _remove(comment_id: str) -> None:
    basket().remove(comment_id)


def cluster_mask(ctx: Context) -> np.ndarray | None:
    """Rows in the clusters picked in the cluster filter (offered once Discovery has run), else None."""
    rows = st.session_state.get(DISCOVERY_ROWS)
    if rows is None:
        return None
    found = data.topics(str(ctx.path), ctx.version, rows)
    if found is None:
        return None
    labels = dict(zip(found.clusters["cluster"], found.clusters["label_kk" if ctx.lang == "kk" else "label_ru"].fillna("")))
    picked = st.multiselect(ctx.t("cluster"), list(labels), format_func=lambda c: f"{c}: {labels[c]}", key="q_cluster")
    if not picked:
        return None
    mask = np.zeros(len(ctx.corpus.comments), dtype=bool)
    assigned = found.assignments
    mask[assigned.loc[assigned["cluster"].isin(picked), "row"].to_numpy()] = True
    return mask


def _semantic(ctx: Context, query: str, mask: np.ndarray) -> pd.DataFrame | None:
    try:
        vectors = data.vectors(str(ctx.path), ctx.version)
        ranked = semantic_rank(vectors, data.query_vector(query), mask, k=50)
    except FileNotFoundError as error:
        st.warning(f"{ctx.t('no_vectors')} ({error})")
        return None
    missing = int(mask.sum() - mask[vectors.rows].sum())
    if missing:
        st.caption(ctx.t("semantic_partial", n=missing))
    st.caption(ctx.t("semantic_results", n=len(ranked)))
    return ranked


def render(ctx: Context) -> None:
    """Draw the quotes page."""
    mask = ctx.mask.copy()
    clusters = cluster_mask(ctx)
    if clusters is not None:
        mask &= clusters
    left, right = st.columns(2)
    words = left.text_input(ctx.t("full_text"), key="q_text")
    query = right.text_input(ctx.t("semantic"), key="q_semantic")
    if words.strip():
        mask &= text_mask(ctx.corpus, words)
    comments = ctx.corpus.comments
    if query.strip():
        ranked = _semantic(ctx, query.strip(), mask)
        rows = comments.iloc[ranked["row"]] if ranked is not None else comments[mask]
        similarity = None if ranked is None else ranked["similarity"].map(lambda s: f"{ctx.t('similarity')} {s:.3f}")
    else:
        rows, similarity = comments[mask], None
    st.caption(ctx.t("selected_comments", n=len(rows), total=len(comments)))
    _basket_section(ctx)
    st.download_button(ctx.t("export_all_csv"), lambda: export_csv(rows), "comments.csv", "text/csv",
                       key="q_export_all", on_click="ignore")
    if rows.empty:
        st.info(ctx.t("no_comments"))
        return
    quote_list(ctx, rows, key="q", extra=similarity)


def _basket_section(ctx: Context) -> None:
    chosen = basket()
    with st.expander(ctx.t("basket_count", n=len(chosen)), expanded=bool(chosen)):
        if not chosen:
            st.caption(ctx.t("basket_empty"))
            return
        comments = ctx.corpus.comments
        rows = comments[comments["id"].isin(chosen)].set_index("id").loc[[i for i in chosen if i in set(comments["id"])]].reset_index()
        st.dataframe(pd.DataFrame({ctx.t("text"): rows["text"], ctx.t("service"): rows["service_name"].astype(str),
                                   ctx.t("region"): rows["region"].astype(str)}), hide_index=True, key="q_basket_table")
        remove = st.selectbox(ctx.t("remove"), [None, *chosen], key="q_remove",
                              format_func=lambda i: "—" if i is None else comments.loc[comments["id"] == i, "text"].iloc[0][:80])
        if remove is not None:
            st.button(ctx.t("remove"), key="q_remove_button", on_click=_remove, args=(remove,))
        title = ctx.t("basket")
        cols = st.columns(4)
        cols[0].download_button(ctx.t("export_md"), lambda: export_markdown(rows, title), "quotes.md", "text/markdown",
                                key="q_md", on_click="ignore")
        cols[1].download_button(ctx.t("export_docx"), lambda: export_docx(rows, title), "quotes.docx",
                                "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                                key="q_docx", on_click="ignore")
        cols[2].download_button(ctx.t("export_csv"), lambda: export_csv(rows), "quotes.csv", "text/csv",
                                key="q_csv", on_click="ignore")
        cols[3].button(ctx.t("clear_basket"), on_click=_clear_basket, key="q_clear")
