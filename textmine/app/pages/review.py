"""Label review: walk the not yet reviewed comments whose theme is a best guess (uncertain) first, then the
least certain ones; accept/reject/add themes and fix polarity; decisions go to the store's
``label_feedback`` for the next training run, under the reviewer's name (typed in the sidebar; required to
save). Progress (reviewed of selected) and the saved corrections (themes and polarity as corrected, when and
by whom) are shown."""

from __future__ import annotations

import duckdb
import pandas as pd
import streamlit as st

from textmine.app import data
from textmine.app.context import Context
from textmine.app.insights_adapter import escape_markdown
from textmine.app.query import count, rows, rows_by_ids, theme_scores, with_ids
from textmine.classify.feedback import corrections

POSITION = "review_pos"
SAVED = "review_saved"
REVIEWER = "reviewer"  # the sidebar name; kept across pages (main.KEPT_ACROSS_PAGES)
LEAST_CERTAIN_FIRST = "theme_uncertain DESC, uncertainty NULLS LAST, id"  # best-guess themes first
SHOWN_CORRECTIONS = 200


def _move(step: int, size: int) -> None:
    st.session_state[POSITION] = min(max(st.session_state.get(POSITION, 0) + step, 0), max(size - 1, 0))


def render(ctx: Context) -> None:
    """Draw the label-review page."""
    reviewer = st.sidebar.text_input(ctx.t("reviewer_name"), key=REVIEWER).strip()
    if SAVED in st.session_state:
        st.success(st.session_state.pop(SAVED))
    corrected = corrections(data.feedback(ctx.path, ctx.version))
    reviewed_ids = corrected["comment_id"].tolist()
    total = count(ctx.corpus, ctx.selection)
    reviewed = count(ctx.corpus, with_ids(ctx.selection, reviewed_ids)) if reviewed_ids else 0
    st.progress(reviewed / total if total else 0.0, text=ctx.t("review_progress", n=reviewed, total=total))
    queue = ctx.selection.narrow("NOT list_contains(?::VARCHAR[], id)", reviewed_ids) if reviewed_ids else ctx.selection
    size = total - reviewed
    if not size:
        st.info(ctx.t("review_done") if total else ctx.t("no_comments"))
    else:
        _review_one(ctx, queue, size, reviewer)
    _corrections_table(ctx, corrected)


def _review_one(ctx: Context, queue, size: int, reviewer: str) -> None:
    """The comment at the current queue position, its scores and the correction form."""
    position = min(st.session_state.get(POSITION, 0), size - 1)
    row = rows(ctx.corpus, queue, order=LEAST_CERTAIN_FIRST, limit=1, offset=position).iloc[0]
    st.caption(f"{ctx.t('review_queue')}: {ctx.t('position', i=position + 1, n=size)}")
    nav = st.columns(2)
    nav[0].button(ctx.t("previous"), key="rv_prev", on_click=_move, args=(-1, size), disabled=position == 0)
    nav[1].button(ctx.t("next"), key="rv_next", on_click=_move, args=(1, size), disabled=position >= size - 1)
    with st.container(border=True):
        st.text(row["text"])
        st.caption(escape_markdown(ctx.attribution(row)))
        evidence = ctx.evidence(row["theme_evidence"])
        if row["theme_uncertain"]:
            st.caption(escape_markdown(f"{ctx.chips(row['themes'], True)}"))
        if evidence:
            st.caption(escape_markdown(evidence))
    current = [theme for theme in row["themes"].split(";") if theme]
    scores = theme_scores(ctx.corpus, int(row["pos"]))
    if len(scores):
        st.dataframe(pd.DataFrame({
            ctx.t("theme"): [ctx.theme_name(theme) for theme in scores.index],
            ctx.t("score"): scores.round(3).to_numpy(),
            ctx.t("current_themes"): [theme in current for theme in scores.index],
        }).sort_values(ctx.t("score"), ascending=False), hide_index=True, key="rv_scores")
    polarities = ctx.taxonomy.polarity_ids
    old_polarity = row["polarity"] if isinstance(row["polarity"], str) else None
    with st.form(key=f"rv_form_{row['id']}"):
        chosen = st.multiselect(ctx.t("correct_themes"), ctx.taxonomy.theme_ids, default=[t for t in current if t in ctx.taxonomy.theme_ids],
                                format_func=ctx.theme_name, key=f"rv_themes_{row['id']}", placeholder=ctx.t("choose"))
        polarity = st.selectbox(ctx.t("correct_polarity"), polarities, format_func=ctx.polarity_name,
                                index=polarities.index(old_polarity) if old_polarity in polarities else 0,
                                key=f"rv_polarity_{row['id']}")
        submitted = st.form_submit_button(ctx.t("save"))
    if submitted:
        _save(ctx, row["id"], current, chosen, old_polarity, polarity, reviewer)


def _corrections_table(ctx: Context, corrected: pd.DataFrame) -> None:
    """The saved corrections, newest first: text, the model's themes, the corrected themes and polarity, when,
    by whom."""
    st.subheader(ctx.t("feedback_so_far"))
    shown = corrected.head(SHOWN_CORRECTIONS)
    if shown.empty:
        st.caption(ctx.t("no_corrections"))
        return
    found = rows_by_ids(ctx.corpus, shown["comment_id"].tolist()).set_index("id")
    model = found["themes"].reindex(shown["comment_id"]).fillna("")
    st.dataframe(pd.DataFrame({
        ctx.t("text"): found["text"].reindex(shown["comment_id"]).fillna("").to_numpy(),
        ctx.t("model_themes"): [ctx.chips(themes) for themes in model],
        ctx.t("corrected_themes"): [ctx.chips(themes) for themes in shown["themes"]],
        ctx.t("corrected_polarity"): [ctx.polarity_name(p) if isinstance(p, str) else "" for p in shown["polarity"]],
        ctx.t("corrected_at"): shown["at"].to_numpy(),
        ctx.t("reviewer"): [name if isinstance(name, str) else "" for name in shown["reviewer"]],
    }), hide_index=True, key="rv_feedback")


def _save(ctx: Context, comment_id: str, before: list[str], after: list[str], old: str | None, new: str,
          reviewer: str) -> None:
    if before == after and old == new and not after:
        st.info(ctx.t("nothing_to_save"))
        return
    if not reviewer:
        st.error(ctx.t("reviewer_required"))
        return
    decided = data.decisions(comment_id, before, after, old, new, reviewer)
    try:
        data.save_feedback(ctx.path, decided)
    except duckdb.IOException as error:
        st.error(ctx.t("store_busy", error=error))
        return
    st.session_state[SAVED] = ctx.t("saved", n=len(decided))
    st.rerun()
