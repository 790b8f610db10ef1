"""Services (for managers): the ranking of all services, worst first (selecting a row opens the service);
then one service's evidence brief (problems to fix first, strengths, quotes; editable, downloadable),
its rating card, complaint themes with impact and typical complaints."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from textmine.app import briefs, data
from textmine.app.charts import count_axis, short_labels
from textmine.app.context import Context, quote_list
from textmine.app.insights_adapter import complaint_themes, representative_quotes
from textmine.app.memos import memo_box
from textmine.app.query import Selection, rows
from textmine.app.service_ranking import rank_of, ranking, worst


def _delta(now: object, before: object) -> str | None:
    return None if pd.isna(now) or pd.isna(before) else f"{float(now) - float(before):+.2f}"


def render(ctx: Context) -> None:
    """Draw the services page."""
    services = ctx.corpus.services
    if services.empty:
        st.info(ctx.t("no_service_data"))
        return
    table = _ranking(ctx, services)
    labels = {int(row.service_no): f"{int(row.service_no)}. {row.service_name}" for row in services.itertuples()}
    if st.session_state.get("sv_service") not in labels:
        st.session_state["sv_service"] = int(table["service_no"].iloc[0])
    number = st.selectbox(ctx.t("service"), list(labels), format_func=labels.get, key="sv_service")
    memo_box(ctx, "service", number, "sv")
    brief_tab, figures_tab = st.tabs([ctx.t("brief"), ctx.t("figures")])
    with brief_tab:
        _brief(ctx, number)
    with figures_tab:
        _figures(ctx, services, number)


def _open_selected(order: list[int]) -> None:
    """Open the service of the row selected in the ranking."""
    chosen = st.session_state["sv_ranking"]["selection"]["rows"]
    if chosen:
        st.session_state["sv_service"] = order[chosen[0]]


def _ranking(ctx: Context, services: pd.DataFrame) -> pd.DataFrame:
    """The services table, worst first, with the worst-rated services pointed out; returns the ranking."""
    ranked, _, _ = briefs.priorities(str(ctx.path), ctx.version)
    counts = ctx.corpus.frame("SELECT service_no, count(*) AS n FROM app_comments WHERE service_no IS NOT NULL "
                              "GROUP BY service_no").set_index("service_no")["n"]
    table = ranking(services, counts, ranked, ctx.theme_name)
    out_of = rank_of(table)
    st.subheader(ctx.t("ranking"))
    lowest = worst(table)
    if len(lowest):
        names = short_labels(lowest["service_name"].tolist(), width=70)
        st.warning(ctx.t("worst_rated", services="; ".join(
            f"{row.service_no}. {name} — {row.avg_score:.2f}, {row.rank} / {out_of}"
            for row, name in zip(lowest.itertuples(), names, strict=True))), icon="⚠️")
    view = pd.DataFrame({
        ctx.t("service"): [f"{no}. {name}" for no, name in zip(table["service_no"], table["service_name"], strict=True)],
        ctx.t("avg_score"): table["avg_score"], ctx.t("satisfaction"): table["satisfaction_pct"],
        ctx.t("change_avg"): table["delta_avg"], ctx.t("change_satisfaction"): table["delta_satisfaction"],
        ctx.t("rank_of"): table["rank"], ctx.t("comments"): table["comments"],
        ctx.t("top_problems_share"): table["top_problems"], ctx.t("small_sample"): table["small_sample"],
    })
    if table[["delta_avg", "delta_satisfaction"]].isna().all().all():  # a first survey: no change to show
        view = view.drop(columns=[ctx.t("change_avg"), ctx.t("change_satisfaction")])
        st.caption(ctx.t("no_previous_year"))
    config = {
        ctx.t("service"): st.column_config.TextColumn(width="large"),
        ctx.t("top_problems_share"): st.column_config.TextColumn(width="large"),
        ctx.t("avg_score"): st.column_config.NumberColumn(format="%.2f"),
        ctx.t("satisfaction"): st.column_config.NumberColumn(format="%.1f"),
        ctx.t("change_avg"): st.column_config.NumberColumn(format="%+.2f", help=ctx.t("vs_last_year")),
        ctx.t("change_satisfaction"): st.column_config.NumberColumn(format="%+.1f", help=ctx.t("vs_last_year")),
        ctx.t("rank_of"): st.column_config.NumberColumn(format=f"%d / {out_of}" if out_of else "%d"),
        ctx.t("comments"): st.column_config.NumberColumn(format="%d"),
        ctx.t("small_sample"): st.column_config.CheckboxColumn(help=ctx.t("small_sample_help")),
    }
    order = table["service_no"].astype(int).tolist()
    st.dataframe(view, hide_index=True, column_config=config, key="sv_ranking",
                 on_select=lambda: _open_selected(order), selection_mode="single-row")
    st.caption(ctx.t("ranking_help"))
    return table


def _brief(ctx: Context, number: int) -> None:
    """The service's draft conclusions and recommendations, in Kazakh or Russian, editable and downloadable."""
    from textmine.insights.brief import brief_markdown

    ranked, quotes, aspects = briefs.priorities(str(ctx.path), ctx.version)
    if ranked.empty or number not in set(ranked["service_no"].astype(int)):
        st.info(ctx.t("no_priorities"))
        return
    lang = st.radio(ctx.t("brief_language"), ("kk", "ru"), index=int(ctx.lang == "ru"), horizontal=True,
                    format_func={"kk": "Қазақша", "ru": "Русский"}.get, key="sv_brief_lang")
    own = rows(ctx.corpus, Selection().narrow("service_no = ?", number))
    value = briefs.brief(own, ctx.corpus.services, ranked, quotes, aspects, number, lang)
    draft = brief_markdown(value)
    with st.expander(ctx.t("edit_brief")):
        edited = st.text_area(ctx.t("edit_brief"), draft, height=400, key=f"sv_brief_text_{number}_{lang}",
                              label_visibility="collapsed")
    cols = st.columns(2)
    cols[0].download_button(ctx.t("download_md"), edited, f"brief_{number}_{lang}.md", "text/markdown",
                            key="sv_brief_md", on_click="ignore")
    cols[1].download_button(ctx.t("download_docx"), lambda: briefs.docx_bytes(edited, lang),
                            f"brief_{number}_{lang}.docx",
                            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                            key="sv_brief_docx", on_click="ignore")
    st.markdown(edited)


def _figures(ctx: Context, services: pd.DataFrame, number: int) -> None:
    """Rating card, score distribution, complaint themes with impact, representative complaints."""
    card = services.set_index("service_no").loc[number]
    cols = st.columns(4)
    cols[0].metric(ctx.t("respondents"), "—" if pd.isna(card["n"]) else int(card["n"]))
    cols[1].metric(ctx.t("avg_score"), "—" if pd.isna(card["avg_score"]) else f"{card['avg_score']:.2f}",
                   _delta(card["avg_score"], card["prev_avg_score"]), help=ctx.t("vs_last_year"))
    cols[2].metric(ctx.t("satisfaction"), "—" if pd.isna(card["satisfaction_pct"]) else f"{card['satisfaction_pct']:.1f}",
                   _delta(card["satisfaction_pct"], card["prev_satisfaction_pct"]), help=ctx.t("vs_last_year"))
    cols[3].metric(ctx.t("rank"), "—" if pd.isna(card["rank"]) else f"{int(card['rank'])} / {rank_of(services)}")
    if isinstance(card.get("delivery_form"), str):
        line = ctx.t("report_line").format(line=int(card["delivery_form_line"]))
        st.caption(f"{ctx.t('delivery_form')}: {ctx.t('delivery_' + card['delivery_form'])} ({line})")
    distribution = pd.DataFrame({"score": [1, 2, 3, 4, 5], "count": [card[f"n_{k}"] for k in range(1, 6)]}).dropna()
    if not distribution.empty:
        st.subheader(ctx.t("distribution"))
        st.altair_chart(alt.Chart(distribution).mark_bar().encode(
            x=alt.X("score:O", title=ctx.t("rating"), axis=alt.Axis(labelAngle=0)),
            y=alt.Y("count:Q", axis=count_axis(ctx.t("count"))),
            tooltip=["score", "count"]), width="stretch")
    name = str(card["service_name"])
    st.subheader(ctx.t("top_complaints"))
    table = complaint_themes(ctx.corpus, ctx.selection, name)
    if table.empty:
        st.info(ctx.t("no_comments"))
        return
    st.dataframe(pd.DataFrame({ctx.t("theme"): table["theme"].map(ctx.theme_name),
                               ctx.t("complaints"): table["complaints"],
                               f"{ctx.t('impact')}, %": table["impact"]}), hide_index=True, key="sv_complaints",
                 column_config={f"{ctx.t('impact')}, %": st.column_config.NumberColumn(format="%.1f")})
    st.subheader(ctx.t("representative_complaints"))
    in_service = ctx.selection.narrow("service_name = ?", name)
    top = table["theme"].head(3).tolist()
    embedder = data.vector_model(str(ctx.path), ctx.version)  # cached vectors, no model load
    quotes = pd.concat([representative_quotes(ctx.corpus, in_service, theme=theme, polarity="complaint", k=2,
                                              embedder=embedder) for theme in top])
    quote_list(ctx, quotes.drop_duplicates("id"), key="sv_rep")
