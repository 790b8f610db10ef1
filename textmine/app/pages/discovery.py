"""Discovery: topic clusters of the filtered comments, how they relate to the taxonomy, and promotion of
a new-theme candidate into a working copy of the taxonomy (version bumped)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from textmine.app import data
from textmine.app.context import (
    Context,
    cluster_labels,
    keywords,
    quote_list,
    topics_or_notice,
)
from textmine.app.pages.quotes import DISCOVERY_ROWS
from textmine.app.query import positions, rows_by_ids
from textmine.app.taxonomy_edit import promote_theme
from textmine.classify.codebook import working_path
from textmine.classify.taxonomy import Examples, Names, Theme, taxonomy_path


def _start(rows: tuple[int, ...]) -> None:
    st.session_state[DISCOVERY_ROWS] = rows


def render(ctx: Context) -> None:
    """Draw the discovery page."""
    sample = data.discovery_sample(positions(ctx.corpus, ctx.selection))
    st.button(ctx.t("run_discovery"), key="dc_run", on_click=_start, args=(sample,))
    chosen = st.session_state.get(DISCOVERY_ROWS)
    if chosen is None:
        return
    found = topics_or_notice(ctx, chosen)
    if found is None:
        return
    if len(chosen) >= data.MAX_TOPIC_COMMENTS:
        st.caption(ctx.t("discovery_sample", n=data.MAX_TOPIC_COMMENTS))
    clusters = found.clusters
    only = st.checkbox(ctx.t("candidates_only"), key="dc_only")
    shown = clusters[clusters["new_theme_candidate"].fillna(False)] if only else clusters
    labels = dict(zip(clusters["cluster"], cluster_labels(ctx, clusters), strict=True))
    st.dataframe(pd.DataFrame({
        ctx.t("cluster"): shown["cluster"].to_numpy(),
        ctx.t("label"): shown["cluster"].map(labels).to_numpy(),
        ctx.t("size"): shown["size"].to_numpy(),
        ctx.t("keywords"): keywords(ctx, shown),
        ctx.t("dominant_theme"): shown["dominant_theme"].map(lambda t: ctx.theme_name(t) if isinstance(t, str) else "").to_numpy(),
        ctx.t("candidate"): shown["new_theme_candidate"].fillna(False).to_numpy(),
    }), hide_index=True, key="dc_clusters")
    if shown.empty:
        return
    cluster = st.selectbox(ctx.t("cluster"), shown["cluster"].tolist(), key="dc_cluster",
                           format_func=lambda c: f"{c}: {labels[c]}")
    info = clusters.set_index("cluster").loc[cluster]
    quotes = rows_by_ids(ctx.corpus, info["representative_ids"])
    st.subheader(ctx.t("representative_quotes"))
    quote_list(ctx, quotes.head(5), key="dc_rep")
    _promote_form(ctx, cluster, info, quotes)


def _promote_form(ctx: Context, cluster: int, info: pd.Series, quotes: pd.DataFrame) -> None:
    st.subheader(ctx.t("promote"))
    target = working_path(taxonomy_path())
    st.caption(f"{ctx.t('draft_path')}: {target}")
    keywords = [*info["keywords_kk"][:5], *info["keywords_ru"][:5]]
    with st.form(key=f"dc_form_{cluster}"):
        theme_id = st.text_input(ctx.t("theme_id"), f"topic_{cluster}", key=f"dc_id_{cluster}")
        name_kk = st.text_input(ctx.t("name_kk"), info["label_kk"] or "", key=f"dc_kk_{cluster}")
        name_ru = st.text_input(ctx.t("name_ru"), info["label_ru"] or "", key=f"dc_ru_{cluster}")
        name_en = st.text_input(ctx.t("name_en"), f"Topic {cluster}", key=f"dc_en_{cluster}")
        definition = st.text_area(ctx.t("definition"), "Comments about: " + ", ".join(keywords), key=f"dc_def_{cluster}")
        submitted = st.form_submit_button(ctx.t("promote"))
    if not submitted:
        return
    texts = quotes["text"].head(5)
    langs = quotes["lang"].astype(str).head(5)
    try:
        theme = Theme(id=theme_id.strip(), name=Names(kk=name_kk or theme_id, ru=name_ru or theme_id, en=name_en or theme_id),
                      definition=definition.strip() or theme_id,
                      examples=Examples(kk=texts[langs == "kk"].tolist(), ru=texts[langs == "ru"].tolist()))
        taxonomy = promote_theme(theme, target)
    except ValueError as error:
        st.error(ctx.t("promote_failed", error=error))
        return
    st.success(ctx.t("promoted", id=theme.id, path=target, version=taxonomy.version))
