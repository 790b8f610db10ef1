"""Overview: corpus size, language mix, themes by polarity, service × theme heatmap, ratings vs theme share."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from textmine.app.charts import (
    SCORE_FORMAT,
    SHARE_FORMAT,
    count_axis,
    label_axis,
    short_labels,
)
from textmine.app.context import Context
from textmine.app.i18n import LANGUAGE_NAMES
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
    if len(langs) == 1:  # one bar would say nothing a sentence cannot
        only, n = langs["lang"].iloc[0], int(langs["count"].iloc[0])
        st.caption(ctx.t("one_language", language=LANGUAGE_NAMES.get(only, only), n=n))
    else:
        st.altair_chart(alt.Chart(langs).mark_bar().encode(
            x=alt.X("count:Q", axis=count_axis(ctx.t("count"))), y=alt.Y("lang:N", sort="-x", title=ctx.t("language")),
            tooltip=["lang", alt.Tooltip("count:Q", format="d")]), width="stretch")
    if not ctx.corpus.has_themes:
        st.info(ctx.t("no_themes"))
        return
    counts = theme_counts(ctx.corpus, ctx.selection)
    counts["theme_name"] = counts["theme"].map(ctx.theme_name)
    counts["polarity_name"] = counts["polarity"].map(ctx.polarity_name)
    st.subheader(ctx.t("themes_by_polarity"))
    st.altair_chart(alt.Chart(counts).mark_bar().encode(
        x=alt.X("sum(count):Q", axis=count_axis(ctx.t("count"))),
        y=alt.Y("theme_name:N", sort="-x", axis=label_axis()),
        color=alt.Color("polarity_name:N", title=ctx.t("polarity")),
        tooltip=["theme_name", "polarity_name", "count"]).interactive(), width="stretch")
    shares = service_theme_shares(ctx.corpus, ctx.selection)
    if shares.empty:
        return
    shares["theme_name"] = shares["theme"].map(ctx.theme_name)
    services = shares.drop_duplicates("service_no").sort_values("service_no")
    short = dict(zip(services["service_no"], short_labels(services["service_name"].astype(str).tolist(), width=40), strict=True))
    shares["service"] = [f"{int(n)}. {short[n]}" for n in shares["service_no"]]
    st.subheader(ctx.t("service_theme_heatmap"))
    st.altair_chart(alt.Chart(shares).mark_rect().encode(
        x=alt.X("theme_name:N", axis=label_axis(ctx.t("theme"), angle=-40)),
        y=alt.Y("service:N", sort=[f"{int(n)}. {short[n]}" for n in services["service_no"]], axis=label_axis()),
        color=alt.Color("share:Q", title=ctx.t("share_of_comments"), scale=alt.Scale(scheme="oranges"),
                        legend=alt.Legend(format="%")),
        tooltip=[alt.Tooltip("service_name:N", title=ctx.t("service")),
                 alt.Tooltip("theme_name:N", title=ctx.t("theme")),
                 alt.Tooltip("count:Q", title=ctx.t("count"), format="d"),
                 alt.Tooltip("share:Q", title=ctx.t("share_of_comments"), format=SHARE_FORMAT)],
    ).properties(height=max(300, 20 * len(services))), width="stretch")
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
        tooltip=[alt.Tooltip("service_name:N", title=ctx.t("service")),
                 alt.Tooltip("count:Q", title=ctx.t("count"), format="d"),
                 alt.Tooltip("share:Q", title=ctx.t("share_of_comments"), format=SHARE_FORMAT),
                 alt.Tooltip("avg_score:Q", title=ctx.t("avg_score"), format=SCORE_FORMAT),
                 alt.Tooltip("satisfaction_pct:Q", title=ctx.t("satisfaction"), format=".1f")],
    ).interactive(), width="stretch")
