"""Quotes (analysts, authors): filters, full-text and semantic search, attribution, the citation basket
and its exports."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from textmine.app import data
from textmine.app.context import (
    BASKET,
    Context,
    basket,
    cluster_labels,
    paged_quotes,
    quote_list,
)
from textmine.app.insights_adapter import export_csv, export_docx, export_markdown
from textmine.app.memos import all_memos
from textmine.app.query import (
    SEMANTIC_CUTOFF,
    Selection,
    count,
    rows,
    rows_by_ids,
    semantic_rank,
    with_positions,
)
from textmine.app.search import with_forms
from textmine.memos import with_memos

DISCOVERY_ROWS = "discovery_rows"


def _clear_basket() -> None:
    st.session_state[BASKET] = []


def _remove(comment_id: str) -> None:
    basket().remove(comment_id)


def with_clusters(ctx: Context, selection: Selection) -> Selection:
    """``selection`` restricted to the clusters picked in the cluster filter (offered once Discovery has run)."""
    sample = st.session_state.get(DISCOVERY_ROWS)
    if sample is None:
        return selection
    found = data.topics(str(ctx.path), ctx.version, sample)
    if found is None:
        return selection
    labels = dict(zip(found.clusters["cluster"], cluster_labels(ctx, found.clusters), strict=True))
    picked = st.multiselect(ctx.t("cluster"), list(labels), format_func=lambda c: f"{c}: {labels[c]}", key="q_cluster",
                            placeholder=ctx.t("choose"))
    if not picked:
        return selection
    assigned = found.assignments
    return with_positions(selection, assigned.loc[assigned["cluster"].isin(picked), "row"])


def _semantic(ctx: Context, query: str, selection: Selection) -> pd.DataFrame | None:
    """The comments of ``selection`` nearest to ``query``, with a similarity note per row."""
    model = data.vector_embedder(str(ctx.path), ctx.version)
    if model is None:
        st.warning(ctx.t("no_vectors"))
        return None
    ranked, missing = semantic_rank(ctx.corpus, selection, data.query_vector(query), model.model_id,
                                    cutoff=SEMANTIC_CUTOFF)
    if missing:
        st.caption(ctx.t("semantic_partial", n=missing))
    if ranked.empty:
        st.info(ctx.t("semantic_none", cutoff=SEMANTIC_CUTOFF))
        return None
    st.caption(ctx.t("semantic_results", n=len(ranked), cutoff=SEMANTIC_CUTOFF))
    found = rows(ctx.corpus, with_positions(Selection(), ranked["pos"])).set_index("pos").loc[ranked["pos"]].reset_index()
    return found.assign(similarity=ranked["similarity"].map(lambda s: f"{ctx.t('similarity')} {s:.3f}").to_numpy())


def render(ctx: Context) -> None:
    """Draw the quotes page."""
    selection = with_clusters(ctx, ctx.selection)
    left, right = st.columns(2)
    words = left.text_input(ctx.t("full_text"), key="q_text")
    query = right.text_input(ctx.t("semantic"), key="q_semantic")
    hits: frozenset[str] = frozenset()
    data.warm_word_index(str(ctx.path), ctx.version)
    if words.strip():
        selection, hits = with_forms(selection, data.word_index(str(ctx.path), ctx.version), words)
    total = count(ctx.corpus, selection)
    counts = ctx.t("selected_comments", n=total, total=ctx.corpus.size)
    st.caption(f"{counts} · {ctx.t('no_hits', words=words.strip())}" if words.strip() and not total else counts)
    _basket_section(ctx)
    st.download_button(ctx.t("export_all_csv"), lambda: export_csv(rows(ctx.corpus, selection)), "comments.csv",
                       "text/csv", key="q_export_all", on_click="ignore")
    if not total:
        if words.strip() and not query.strip():
            st.button(ctx.t("try_semantic"), key="q_try_semantic", on_click=_to_semantic)
        st.info(ctx.t("no_comments"))
        return
    if query.strip():
        ranked = _semantic(ctx, query.strip(), selection)
        if ranked is not None:
            quote_list(ctx, ranked, key="q", extra=ranked["similarity"], hits=hits)
        return
    paged_quotes(ctx, selection, total, key="q", hits=hits)


def _to_semantic() -> None:
    """Move the full-text words to the semantic search box."""
    st.session_state["q_semantic"], st.session_state["q_text"] = st.session_state.get("q_text", ""), ""


def _basket_section(ctx: Context) -> None:
    chosen = basket()
    with st.expander(ctx.t("basket_count", n=len(chosen)), expanded=bool(chosen)):
        if not chosen:
            st.caption(ctx.t("basket_empty"))
            return
        chosen_rows = with_memos(rows_by_ids(ctx.corpus, chosen), all_memos(str(ctx.path), ctx.version))
        st.dataframe(pd.DataFrame({ctx.t("text"): chosen_rows["text"], ctx.t("service"): [ctx.value_name("service_name", v) for v in chosen_rows["service_name"]],
                                   ctx.t("region"): [ctx.value_name("region", v) for v in chosen_rows["region"]]}), hide_index=True, key="q_basket_table")
        texts = chosen_rows.set_index("id")["text"]
        remove = st.selectbox(ctx.t("remove"), [None, *chosen], key="q_remove",
                              format_func=lambda i: "—" if i is None else str(texts.get(i, i))[:80])
        if remove is not None:
            st.button(ctx.t("remove"), key="q_remove_button", on_click=_remove, args=(remove,))
        title = ctx.t("basket")
        chosen_rows = _export_order(ctx, chosen_rows)
        cols = st.columns(4)
        cols[0].download_button(ctx.t("export_md"), lambda: export_markdown(chosen_rows, title, ctx.lang), "quotes.md",
                                "text/markdown", key="q_md", on_click="ignore")
        cols[1].download_button(ctx.t("export_docx"), lambda: export_docx(chosen_rows, title, ctx.lang), "quotes.docx",
                                "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                                key="q_docx", on_click="ignore")
        cols[2].download_button(ctx.t("export_csv"), lambda: export_csv(chosen_rows), "quotes.csv", "text/csv",
                                key="q_csv", on_click="ignore")
        cols[3].button(ctx.t("clear_basket"), on_click=_clear_basket, key="q_clear")


def _export_order(ctx: Context, chosen: pd.DataFrame) -> pd.DataFrame:
    """The basket in the export order picked here (grouped by service or interleaved), with each service's count."""
    if chosen["service_no"].nunique() < 2:
        return chosen
    from textmine.insights.export import interleave, service_counts

    st.caption(service_counts(chosen, ctx.lang))
    how = st.radio(ctx.t("export_order"), ("grouped", "interleaved"), format_func=lambda h: ctx.t(f"order_{h}"),
                   horizontal=True, key="q_export_order")
    by_service = chosen.sort_values("service_no", kind="stable", na_position="last")
    return by_service if how == "grouped" else interleave(by_service)
