"""Overview: corpus size, language mix, themes by polarity, service × theme heatmap, ratings vs theme share."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from textmine.app.context import Context
from textmine.app.query import service_theme_shares, summary, theme_counts, value_counts


def render(ctx: Context) -> None:
    """Draw the overview page."""
    sizes = summary(ctx.corpus, ctx.selection)
    cols = st.columns(4)
    cols[0].metric(ctx.t("comments"), f"{sizes['comments']:,}".replace(",", " "))
    cols[1].metric(ctx.t("services"), sizes["services"])
    cols[2].metric(ctx.t("regions"), sizes["regions"])
    cols[3].metric(ctx.t("with_themes"), sizes["with_themes"])
    if not sizes["comments"]:
        st.info(ctx.t("no_comments"))
        return
    langs = value_counts(ctx.corpus, ctx.selection, "lang").rename(columns={"value": "lang"})
    st.subheader(ctx.t("language_mix"))
    st.altair_chart(alt.Chart(langs).mark_bar().encode(
        x=alt.X("count:Q", title=ctx.t("count")), y=alt.Y("lang:N", sort="-x", title=ctx.t("language")),
        tooltip=["lang", "count"]), width="stretch")
    if not ctx.corpus.has_themes:
        st.info(ctx.t("no_themes"))
        return
    counts = theme_counts(ctx.corpus, ctx.selection)
    counts["theme_name"] = counts["theme"].map(ctx.theme_name)
    counts["polarity_name"] = counts["polarity"].map(ctx.polarity_name)
    st.subheader(ctx.t("themes_by_polarity"))
    st.altair_chart(alt.Chart(counts).mark_bar().encode(
        x=alt.X("sum(count):Q", title=ctx.t("count")),
        y=alt.Y("theme_name:N", sort="-x", title=ctx.t("theme")),
        color=alt.Color("polarity_name:N", title=ctx.t("polarity")),
        tooltip=["theme_name", "polarity_name", "count"]).interactive(), width="stretch")
    shares = service_theme_shares(ctx.corpus, ctx.selection)
    if shares.empty:
        return
    shares["theme_name"] = shares["theme"].map(ctx.theme_name)
    shares["service"] = shares["service_no"].astype(int)
    st.subheader(ctx.t("service_theme_heatmap"))
    st.altair_chart(alt.Chart(shares).mark_rect().encode(
        x=alt.X("theme_name:N", title=ctx.t("theme")), y=alt.Y("service:O", title=ctx.t("service")),
        color=alt.Color("share:Q", title=ctx.t("share_of_comments"), scale=alt.Scale(scheme="oranges")),
        tooltip=["service_name", "theme_name", "count", alt.Tooltip("share:Q", format=".0%")]),
        width="stretch")
    _ratings_scatter(ctx, shares)


def _ratings_scatter(ctx: Context, shares: pd.DataFrame) -> None:
    services = ctx.corpus.services
    if services.empty:
        return
    st.subheader(ctx.t("ratings_vs_theme"))
    theme = st.selectbox(ctx.t("theme"), ctx.corpus.theme_ids, format_func=ctx.theme_name, key="ov_theme")
    points = shares[shares["theme"] == theme].merge(services[["service_no", "avg_score", "satisfaction_pct"]], on="service_no")
    st.altair_chart(alt.Chart(points).mark_circle(size=80).encode(
        x=alt.X("share:Q", title=ctx.t("share_of_comments"), axis=alt.Axis(format="%")),
        y=alt.Y("avg_score:Q", title=ctx.t("avg_score"), scale=alt.Scale(zero=False)),
        tooltip=["service_name", "count", alt.Tooltip("share:Q", format=".0%"), "avg_score", "satisfaction_pct"],
    ).interactive(), width="stretch")
