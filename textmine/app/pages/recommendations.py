"""Recommendations (authors, managers): across the selected services, the problems that bite most and
where, with each problem's recommendation sentence; items resting on few comments are marked."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from textmine.app import briefs
from textmine.app.charts import SCORE_FORMAT, SHARE_FORMAT, label_axis, short_labels
from textmine.app.context import Context

FEW = "⚠️ "


def problem_summary(problems: pd.DataFrame, top: int = 3) -> pd.DataFrame:
    """Per theme: services where it is among the ``top`` problems, evidence comments, mean and best score."""
    leading = problems[problems["rank"] <= top]
    summary = problems.groupby("theme").agg(comments=("n_comments", "sum"), mean_score=("score", "mean"),
                                            max_score=("score", "max"))
    summary["services_top"] = leading.groupby("theme").size().reindex(summary.index).fillna(0).astype(int)
    return summary.sort_values(["services_top", "comments"], ascending=False).reset_index()


def sentences_language(lang: str) -> str:
    """The language of the recommendation sentences shown for an interface language (they exist in kk and ru)."""
    return "kk" if lang == "kk" else "ru"


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
    numbers = sorted(problems["service_no"].unique())
    short = dict(zip(numbers, short_labels([names.get(n, "") for n in numbers], width=40), strict=True))
    problems = problems.assign(theme_name=problems["theme"].map(ctx.theme_name),
                               service=problems["service_no"].map(lambda n: f"{n}. {names.get(n, '')}"),
                               service_label=problems["service_no"].map(lambda n: f"{n}. {short[n]}"))
    st.caption(ctx.t("priority_formula"))
    summary = problem_summary(problems)
    filtered = bool(ctx.selection.clauses)
    st.subheader(ctx.t("problems_across_selected", n=len(numbers)) if filtered else ctx.t("problems_across"))
    st.dataframe(pd.DataFrame({
        ctx.t("theme"): summary["theme"].map(ctx.theme_name),
        ctx.t("services_top3"): summary["services_top"],
        ctx.t("complaints"): summary["comments"],
        ctx.t("mean_priority"): summary["mean_score"].round(2),
    }), hide_index=True, key="rc_summary",
        column_config={ctx.t("mean_priority"): st.column_config.NumberColumn(format="%.2f")})
    _heatmap(ctx, problems)
    _top_problems(ctx, problems)


def _heatmap(ctx: Context, problems: pd.DataFrame) -> None:
    st.subheader(ctx.t("where_it_bites"))
    order = problems.drop_duplicates("service_no").sort_values("service_no")["service_label"].tolist()
    st.altair_chart(alt.Chart(problems).mark_rect().encode(
        x=alt.X("theme_name:N", axis=label_axis(ctx.t("theme"), angle=-40)),
        y=alt.Y("service_label:N", sort=order, axis=label_axis()),
        color=alt.Color("score:Q", title=ctx.t("priority"), scale=alt.Scale(scheme="orangered")),
        tooltip=[alt.Tooltip("service:N", title=ctx.t("service")), alt.Tooltip("theme_name:N", title=ctx.t("theme")),
                 alt.Tooltip("score:Q", title=ctx.t("priority"), format=SCORE_FORMAT),
                 alt.Tooltip("n_comments:Q", title=ctx.t("complaints"), format="d"),
                 alt.Tooltip("share:Q", title=ctx.t("share_of_comments"), format=SHARE_FORMAT),
                 alt.Tooltip("aspect_score:Q", title=ctx.t("aspect_score"), format=SCORE_FORMAT),
                 alt.Tooltip("aspect_own:Q", title=ctx.t("aspect_own"), format=SCORE_FORMAT)],
    ).properties(height=max(300, 20 * len(order))), width="stretch")


def _top_problems(ctx: Context, problems: pd.DataFrame) -> None:
    """The highest-priority problems with their recommendation; few-comment items marked."""
    from textmine.insights.brief.wording import default_templates

    st.subheader(ctx.t("top_problems"))
    lang = sentences_language(ctx.lang)
    if lang != ctx.lang:
        st.caption(ctx.t("recommendation_language"))
    templates = default_templates()
    top = problems.sort_values("score", ascending=False).head(30)
    few = top["few_comments"].astype(bool)
    if few.any():
        st.warning(ctx.t("few_comments_warning"))
    st.dataframe(pd.DataFrame({
        ctx.t("service"): top["service_label"],
        ctx.t("theme"): [FEW * flag + name for flag, name in zip(few, top["theme_name"], strict=True)],
        ctx.t("recommendation"): [templates.sentence(theme, "problem", lang) for theme in top["theme"]],
        ctx.t("priority_order"): top["rank"], ctx.t("priority"): top["score"],
        ctx.t("complaints"): top["n_comments"], ctx.t("service_comments"): top["n_group"],
        ctx.t("share"): 100 * top["share"], ctx.t("aspect_score"): top["aspect_score"],
        ctx.t("aspect_own"): top["aspect_own"], ctx.t("few_comments"): few,
        ctx.t("missing_components"): top["missing"],
    }), hide_index=True, key="rc_top", column_config={
        ctx.t("priority"): st.column_config.NumberColumn(format="%.2f"),
        ctx.t("share"): st.column_config.NumberColumn(format="%.1f"),
        ctx.t("aspect_score"): st.column_config.NumberColumn(format="%.2f"),
        ctx.t("aspect_own"): st.column_config.NumberColumn(format="%.2f"),
        ctx.t("service"): st.column_config.TextColumn(width="medium"),
        ctx.t("recommendation"): st.column_config.TextColumn(width="large"),
    })
