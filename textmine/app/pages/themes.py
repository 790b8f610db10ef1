"""Themes: one theme's definition, size, spread over services and regions, quotes and sub-clusters."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from textmine.app import data
from textmine.app.charts import count_axis, label_axis, short_labels
from textmine.app.context import (
    Context,
    cluster_labels,
    keywords,
    quote_list,
    quotes_table,
    topics_or_notice,
)
from textmine.app.insights_adapter import representative_quotes
from textmine.app.memos import memo_box
from textmine.app.query import (
    Selection,
    count,
    positions,
    rows,
    value_counts,
    with_theme,
)

TABLE_ROWS = 1000


def _bar(ctx: Context, selection: Selection, column: str, title: str) -> None:
    chart_data = value_counts(ctx.corpus, selection, column, limit=15)
    if chart_data.empty:
        return
    chart_data["value"] = [ctx.value_name(column, value) for value in chart_data["value"]]
    chart_data["label"] = short_labels(chart_data["value"].tolist(), width=40)
    st.altair_chart(alt.Chart(chart_data, title=title).mark_bar().encode(
        x=alt.X("count:Q", axis=count_axis(ctx.t("count"))),
        y=alt.Y("label:N", sort="-x", axis=label_axis()),
        tooltip=[alt.Tooltip("value:N", title=title), alt.Tooltip("count:Q", title=ctx.t("count"), format="d")]),
        width="stretch")


def render(ctx: Context) -> None:
    """Draw the themes page."""
    if not ctx.corpus.has_themes:
        st.info(ctx.t("no_themes"))
        return
    theme = st.selectbox(ctx.t("theme"), ctx.corpus.theme_ids, format_func=ctx.theme_name, key="th_theme")
    if theme in ctx.taxonomy.theme_ids:
        st.markdown(f"**{ctx.t('definition')}**")
        st.text(ctx.definition(theme))
    memo_box(ctx, "theme", theme, "th")
    in_theme = with_theme(ctx.corpus, ctx.selection, theme)
    size = count(ctx.corpus, in_theme)
    left, right = st.columns(2)
    left.metric(ctx.t("size"), size)
    right.metric(ctx.t("share_of_comments"), f"{100 * size / max(count(ctx.corpus, ctx.selection), 1):.1f}%")
    if not size:
        st.info(ctx.t("no_comments"))
        return
    left, right = st.columns(2)
    with left:
        _bar(ctx, in_theme, "service_name", ctx.t("by_service"))
    with right:
        _bar(ctx, in_theme, "region", ctx.t("by_region"))
    st.subheader(ctx.t("representative_quotes"))
    model = data.vector_model(str(ctx.path), ctx.version)
    quote_list(ctx, representative_quotes(ctx.corpus, ctx.selection, theme=theme, k=5, embedder=model), key="th_rep")
    st.subheader(ctx.t("all_quotes"))
    score = ctx.corpus.score(theme)
    shown = rows(ctx.corpus, in_theme, order=f"{score} DESC NULLS LAST, pos", limit=TABLE_ROWS,
                 extra=(f"{score} AS score",))
    if size > TABLE_ROWS:
        st.caption(ctx.t("first_rows", shown=TABLE_ROWS, n=size))
    quotes_table(ctx, shown, key="th_all", score=shown["score"].round(2))
    st.subheader(ctx.t("sub_clusters"))
    if st.button(ctx.t("find_sub_clusters"), key="th_sub"):
        _sub_clusters(ctx, in_theme)


def _sub_clusters(ctx: Context, selection: Selection) -> None:
    found = topics_or_notice(ctx, data.discovery_sample(positions(ctx.corpus, selection)))
    if found is None:
        return
    st.dataframe(pd.DataFrame({
        ctx.t("cluster"): cluster_labels(ctx, found.clusters),
        ctx.t("size"): found.clusters["size"].to_numpy(),
        ctx.t("keywords"): keywords(ctx, found.clusters),
    }), hide_index=True, key="th_sub_table")
