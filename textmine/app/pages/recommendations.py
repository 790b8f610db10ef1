"""Recommendations (authors, managers): across all services, the problems that bite most and where."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from textmine.app import briefs
from textmine.app.context import Context


def problem_summary(problems: pd.DataFrame, top: int = 3) -> pd.DataFrame:
    """Per theme: services where it is among the ``top`` problems, evidence comments, mean and best score."""
    leading = problems[problems["rank"] <= top]
    summary = problems.groupby("theme").agg(comments=("n_comments", "sum"), mean_score=("score", "mean"),
                                            max_score=("score", "max"))
    summary["services_top"] = leading.groupby("theme").size().reindex(summary.index).fillna(0).astype(int)
    return summary.sort_values(["services_top", "comments"], ascending=False).reset_index()


def render(ctx: Context) -> None:
    """Draw the recommendations page."""
    ranked, _, _ = briefs.priorities(str(ctx.path), ctx.version)
    if ranked.empty:
        st.info(ctx.t("no_priorities"))
        return
    selected = ctx.corpus.frame(f"SELECT DISTINCT service_no FROM app_comments WHERE {ctx.selection.where} "
                                "AND service_no IS NOT NULL", ctx.selection.params)["service_no"].astype(int)
    problems = ranked[(ranked["kind"] == "problem") & ranked["service_no"].isin(selected)]
    if problems.empty:
        st.info(ctx.t("no_comments"))
        return
    names = ctx.corpus.services.set_index("service_no")["service_name"] if len(ctx.corpus.services) else pd.Series(dtype=str)
    problems = problems.assign(theme_name=problems["theme"].map(ctx.theme_name),
                               service=problems["service_no"].map(lambda n: f"{n}. {names.get(n, '')}"[:60]))
    st.caption(ctx.t("priority_formula"))
    summary = problem_summary(problems)
    st.subheader(ctx.t("problems_across"))
    st.dataframe(pd.DataFrame({
        ctx.t("theme"): summary["theme"].map(ctx.theme_name),
        ctx.t("services_top3"): summary["services_top"],
        ctx.t("complaints"): summary["comments"],
        ctx.t("mean_priority"): summary["mean_score"].round(2),
    }), hide_index=True, key="rc_summary")
    st.subheader(ctx.t("where_it_bites"))
    st.altair_chart(alt.Chart(problems).mark_rect().encode(
        x=alt.X("theme_name:N", title=ctx.t("theme")),
        y=alt.Y("service_no:O", title=ctx.t("service")),
        color=alt.Color("score:Q", title=ctx.t("priority"), scale=alt.Scale(scheme="orangered")),
        tooltip=[alt.Tooltip("service:N", title=ctx.t("service")), alt.Tooltip("theme_name:N", title=ctx.t("theme")),
                 alt.Tooltip("score:Q", format=".2f"), alt.Tooltip("n_comments:Q"), alt.Tooltip("share:Q", format=".0%"),
                 alt.Tooltip("aspect_score:Q", format=".2f"), alt.Tooltip("aspect_own:Q", format=".2f")],
    ).properties(height=max(300, 14 * problems["service_no"].nunique())), width="stretch")
    st.subheader(ctx.t("top_problems"))
    top = problems.sort_values("score", ascending=False).head(30)
    st.dataframe(pd.DataFrame({
        ctx.t("service"): top["service"], ctx.t("theme"): top["theme_name"], ctx.t("rank"): top["rank"],
        ctx.t("priority"): top["score"].round(2), ctx.t("complaints"): top["n_comments"],
        ctx.t("service_comments"): top["n_group"],
        ctx.t("share"): (100 * top["share"]).round(0), ctx.t("aspect_score"): top["aspect_score"].round(2),
        ctx.t("aspect_own"): top["aspect_own"].round(2), ctx.t("few_comments"): top["few_comments"],
        ctx.t("missing_components"): top["missing"],
    }), hide_index=True, key="rc_top")
