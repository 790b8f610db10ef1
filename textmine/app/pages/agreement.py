"""Agreement between coders: a coder (named in the sidebar) labels a seeded sample of the current selection
blind, one comment at a time, seeing neither the model's themes nor the other coders' labels; the agreement
table (percent, Cohen's κ, Krippendorff's α, the model optionally one more coder) and the disagreements,
which can be settled into gold labels for training (by a named coder, recorded as the decision's reviewer),
cover only comments the named coder has already labelled (all comments when no coder is named)."""

from __future__ import annotations

import duckdb
import pandas as pd
import streamlit as st

from textmine.app.context import Context
from textmine.app.query import rows_by_ids
from textmine.qda import agreement
from textmine.qda.published import read_table
from textmine.store import Store

POSITION = "ag_pos_{coder}"  # each coder's place in the sample


def _save(ctx: Context, table_rows: list[tuple[str, pd.DataFrame]]) -> bool:
    tables = tuple(table for table, _ in table_rows)
    try:
        with Store(ctx.path, touches=tables) as store:
            for table, frame in table_rows:
                store.append(table, frame)
    except duckdb.IOException as error:
        st.error(ctx.t("store_busy", error=error))
        return False
    return True


def _move(key: str, step: int, size: int) -> None:
    st.session_state[key] = min(max(st.session_state[key] + step, 0), max(size - 1, 0))


def _label(ctx: Context, coder: str, ids: list[str], mine: pd.DataFrame) -> None:
    """The blind labelling form for the comment at the coder's position in the sample."""
    done = set(mine["comment_id"]) & set(ids)
    key = POSITION.format(coder=coder)
    if key not in st.session_state:  # start at the coder's first comment not yet labelled
        st.session_state[key] = next((i for i, cid in enumerate(ids) if cid not in done), 0)
    position = st.session_state[key] = min(st.session_state[key], len(ids) - 1)
    st.caption(f"{ctx.t('position', i=position + 1, n=len(ids))} · {ctx.t('labelled_by_you', k=len(done), n=len(ids))}")
    nav = st.columns(2)
    nav[0].button(ctx.t("previous"), key="ag_prev", on_click=_move, args=(key, -1, len(ids)), disabled=position == 0)
    nav[1].button(ctx.t("next"), key="ag_next", on_click=_move, args=(key, 1, len(ids)), disabled=position >= len(ids) - 1)
    comment = rows_by_ids(ctx.corpus, [ids[position]]).iloc[0]
    with st.container(border=True):
        st.text(comment["text"])
    before = mine[(mine["comment_id"] == comment["id"]) & mine["present"]]["theme"].tolist()
    with st.form(key=f"ag_form_{coder}_{comment['id']}"):
        chosen = st.multiselect(ctx.t("themes_present"), ctx.taxonomy.theme_ids, default=before,
                                format_func=ctx.theme_name, placeholder=ctx.t("choose"),
                                key=f"ag_themes_{coder}_{comment['id']}")
        submitted = st.form_submit_button(ctx.t("save_label"))
    if submitted and _save(ctx, [("coder_labels", agreement.coder_rows(comment["id"], coder, chosen, ctx.taxonomy.theme_ids))]):
        st.toast(ctx.t("label_saved", n=len(chosen)))
        _move(key, 1, len(ids))
        st.rerun()  # redraw with the saved labels


def _table(ctx: Context, labels: pd.DataFrame) -> None:
    """Per-theme agreement over ``labels``, with the model as a coder when ticked."""
    with_model = st.checkbox(ctx.t("model_as_coder"), key="ag_model")
    coders = sorted(set(labels["coder"]) - {agreement.SETTLED})
    if with_model:
        labels = pd.concat([labels, agreement.model_labels(
            sorted(set(labels["comment_id"])), rows_by_ids(ctx.corpus, sorted(set(labels["comment_id"]))),
            ctx.taxonomy.theme_ids)])
        coders.append(agreement.MODEL)
    st.caption(ctx.t("coders_compared", coders=", ".join(coders), n=labels["comment_id"].nunique()))
    table = agreement.agreement_table(labels, ctx.taxonomy.theme_ids, coders)
    shown = pd.DataFrame({
        ctx.t("theme"): [ctx.theme_name(theme) for theme in table["theme"]],
        ctx.t("units"): table["units"].to_numpy(),
        ctx.t("pct_agreement"): _shown(100 * table["agreement"], 1),
        "Cohen κ": _shown(table["kappa"], 3),
        "Krippendorff α": _shown(table["alpha"], 3),
    })
    st.table(shown.set_index(ctx.t("theme")))


def _shown(values: pd.Series, digits: int) -> list[str]:
    """Numbers as text with ``digits`` decimals; an undefined value as a dash."""
    return ["—" if pd.isna(value) else f"{value:.{digits}f}" for value in values]


def _disagreements(ctx: Context, labels: pd.DataFrame, coder: str | None) -> None:
    """Comments where the coders differ, each settled by the named ``coder`` choosing the label that becomes
    gold."""
    found = agreement.disagreements(labels)
    if found.empty:
        st.info(ctx.t("no_disagreements"))
        return
    texts = rows_by_ids(ctx.corpus, found["comment_id"].unique().tolist()).set_index("id")["text"]
    st.dataframe(pd.DataFrame({ctx.t("text"): found["comment_id"].map(texts).to_numpy(),
                               ctx.t("theme"): [ctx.theme_name(t) for t in found["theme"]],
                               ctx.t("says_present"): found["present"].to_numpy(),
                               ctx.t("says_absent"): found["absent"].to_numpy()}), hide_index=True, key="ag_disagree")
    if coder is None:
        st.info(ctx.t("name_to_settle"))
        return
    choice = st.selectbox(ctx.t("settle_which"), range(len(found)), key="ag_settle_pick",
                          format_func=lambda i: f"{i + 1}. {ctx.theme_name(found.iloc[i]['theme'])} — "
                                                f"{str(texts.get(found.iloc[i]['comment_id'], ''))[:80]}")
    row = found.iloc[choice]
    with st.form(key=f"ag_settle_{row['comment_id']}_{row['theme']}"):
        present = st.radio(ctx.t("settled_label"), (True, False), horizontal=True, key="ag_settle_value",
                           format_func=lambda v: ctx.t("present") if v else ctx.t("absent"))
        if st.form_submit_button(ctx.t("settle")):
            label, feedback = agreement.settle_rows(row["comment_id"], row["theme"], present, coder)
            if _save(ctx, [("coder_labels", label), ("label_feedback", feedback)]):
                st.toast(ctx.t("settled_saved"))
                st.rerun()


def render(ctx: Context) -> None:
    """Draw the agreement page."""
    name = st.sidebar.text_input(ctx.t("coder_name"), key="coder")
    size = st.columns(2)
    n = int(size[0].number_input(ctx.t("sample_size"), 1, 1000, 20, key="ag_n"))
    seed = int(size[1].number_input(ctx.t("sample_seed"), 0, 1_000_000, 0, key="ag_seed"))
    ids = agreement.sample_ids(ctx.corpus.frame, "app_comments", ctx.selection.where, ctx.selection.params, n, seed)
    if not ids:
        st.info(ctx.t("no_comments"))
        return
    labels = agreement.latest(read_table(ctx.path, "coder_labels"))
    labels = labels[labels["comment_id"].isin(ids)]
    coder = None
    if name.strip():
        try:
            coder = agreement.check_coder(name)
        except ValueError as error:
            st.error(str(error))
    mine = labels[labels["coder"] == coder] if coder else labels.iloc[0:0]
    if coder:  # blind: a coder sees agreement only on comments already labelled
        labels = labels[labels["comment_id"].isin(set(mine["comment_id"]))]
    tabs = st.tabs([ctx.t("label_tab"), ctx.t("agreement_tab"), ctx.t("disagreements_tab")])
    with tabs[0]:
        if coder:
            _label(ctx, coder, ids, mine)
        else:
            st.info(ctx.t("name_yourself"))
    with tabs[1]:
        if labels.empty:
            st.info(ctx.t("no_labels_yet"))
        else:
            _table(ctx, labels)
    with tabs[2]:
        _disagreements(ctx, labels, coder)
