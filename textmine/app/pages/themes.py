"""Themes: one theme's definition, size, spread over services and regions, quotes and sub-clusters."""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

from textmine.app import data
from textmine.app.context import Context, quote_list, quotes_table, topics_or_notice
from textmine.app.insights_adapter import representative_quotes


def _bar(frame: pd.DataFrame, column: str, title: str, ctx: Context) -> None:
    counts = frame[column].astype(str).replace("nan", np.nan).dropna().value_counts().head(15)
    if counts.empty:
        return
    chart_data = counts.rename_axis("value").reset_index(name="count")
    st.altair_chart(alt.Chart(chart_data, title=title).mark_bar().encode(
        x=alt.X("count:Q", title=ctx.t("count")), y=alt.Y("value:N", sort="-x", title=None),
        tooltip=["value", "count"]), width="stretch")


def render(ctx: Context) -> None:
    """Draw the themes page."""
    if not ctx.corpus.has_themes:
        st.info(ctx.t("no_themes"))
        return
    theme = st.selectbox(ctx.t("theme"), ctx.corpus.theme_ids, format_func=ctx.theme_name, key="th_theme")
    if theme in ctx.taxonomy.theme_ids:
        st.markdown(f"**{ctx.t('definition')}**")
        st.text(ctx.definition(theme))
    in_theme = ctx.mask & ctx.corpus.flags[theme].to_numpy()
    rows = ctx.corpus.comments[in_theme]
    left, right = st.columns(2)
    left.metric(ctx.t("size"), int(in_theme.sum()))
    right.metric(ctx.t("share_of_comments"), f"{100 * in_theme.sum() / max(int(ctx.mask.sum()), 1):.1f}%")
    if rows.empty:
        st.info(ctx.t("no_comments"))
        return
    left, right = st.columns(2)
    with left:
        _bar(rows, "service_name", ctx.t("by_service"), ctx)
    with right:
        _bar(rows, "region", ctx.t("by_region"), ctx)
    st.subheader(ctx.t("representative_quotes"))
    vectors = data.available_vectors(str(ctx.path), ctx.version)
    quote_list(ctx, representative_quotes(ctx.corpus, ctx.mask, theme=theme, k=5, vectors=vectors), key="th_rep")
    st.subheader(ctx.t("all_quotes"))
    order = ctx.corpus.scores.loc[rows.index, theme].sort_values(ascending=False, kind="stable")
    quotes_table(ctx, rows.loc[order.index], key="th_all", score=order.round(2))
    st.subheader(ctx.t("sub_clusters"))
    if st.button(ctx.t("find_sub_clusters"), key="th_sub"):
        _sub_clusters(ctx, np.flatnonzero(in_theme))


def _sub_clusters(ctx: Context, rows: np.ndarray) -> None:
    found = topics_or_notice(ctx, tuple(int(r) for r in rows))
    if found is None:
        return
    label = "label_kk" if ctx.lang == "kk" else "label_ru"
    keywords = "keywords_kk" if ctx.lang == "kk" else "keywords_ru"
    st.dataframe(pd.DataFrame({
        ctx.t("cluster"): found.clusters[label].fillna(found.clusters["label_ru"]).fillna(""),
        ctx.t("size"): found.clusters["size"],
        ctx.t("keywords"): found.clusters[keywords].map(", ".join),
    }), hide_index=True, key="th_sub_table")
