"""Codebook: the taxonomy's history of operations, parent themes with their counts rolled up, what must be
retrained, and the merge and rename operations (``textmine.classify.codebook``; the result goes to the
taxonomy in use, or to a working copy when that is the packaged one, which the app then uses)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from textmine.app.context import Context
from textmine.app.query import count
from textmine.classify import codebook
from textmine.classify.taxonomy import Names, taxonomy_path, use_taxonomy

RESULT = "cb_result"


def _run(operation, *args: object, **kwargs: object) -> None:
    """Apply a codebook operation from a form; keep the outcome for the next run to show."""
    try:
        changed, target = codebook.apply_change(operation, *args, **kwargs)
    except (KeyError, ValueError) as error:
        st.session_state[RESULT] = ("error", str(error).strip('"'))
        return
    use_taxonomy(target)
    st.session_state[RESULT] = ("success", f"v{changed.version} → {target}")


def _merge() -> None:
    state = st.session_state
    _run(codebook.merge, state["cb_merge_source"], state["cb_merge_target"], state["cb_merge_why"],
         by=state["cb_by"] or None)


def _rename(theme: str) -> None:
    state = st.session_state
    names = Names(kk=state[f"cb_rename_kk_{theme}"], ru=state[f"cb_rename_ru_{theme}"], en=state[f"cb_rename_en_{theme}"])
    _run(codebook.rename, theme, state[f"cb_rename_id_{theme}"].strip(), state[f"cb_rename_why_{theme}"],
         names=names, by=state["cb_by"] or None)


def _retrain(ctx: Context) -> None:
    """What must be retrained: the heads are tied to the taxonomy version they were trained on."""
    trained = codebook.trained_version()
    if trained == ctx.taxonomy.version:
        st.caption(ctx.t("cb_heads_current", version=trained))
        return
    stale = codebook.stale_themes(ctx.taxonomy, trained or 0)
    st.warning(ctx.t("cb_retrain", trained=trained or "—", version=ctx.taxonomy.version,
                     themes=", ".join(stale) or "—", path=taxonomy_path()))


def _history(ctx: Context) -> None:
    history = ctx.taxonomy.history
    if not history:
        st.caption(ctx.t("cb_no_history", version=ctx.taxonomy.version))
        return
    st.dataframe(pd.DataFrame({
        ctx.t("cb_version"): [c.version for c in history], ctx.t("cb_when"): [c.at for c in history],
        ctx.t("cb_who"): [c.by for c in history], ctx.t("cb_operation"): [c.op for c in history],
        ctx.t("themes"): [", ".join(c.sources) + (f" → {c.target}" if c.target else "") for c in history],
        ctx.t("cb_why"): [c.why for c in history],
    }), hide_index=True, key="cb_history")


def _parents(ctx: Context) -> None:
    """Per parent theme: its children and the comments (in the selection) with any of them."""
    if not ctx.taxonomy.parents:
        return
    st.subheader(ctx.t("cb_parents"))
    rows = []
    for parent in ctx.taxonomy.parents:
        flags = [ctx.corpus.flag(theme) for theme in parent.themes if theme in ctx.corpus.columns]
        size = count(ctx.corpus, ctx.selection.narrow(" OR ".join(flags))) if flags else 0
        rows.append({ctx.t("theme"): getattr(parent.name, ctx.lang),
                     ctx.t("themes"): ", ".join(ctx.theme_name(theme) for theme in parent.themes),
                     ctx.t("size"): size})
    st.dataframe(pd.DataFrame(rows), hide_index=True, key="cb_parent_table")


def render(ctx: Context) -> None:
    """Draw the codebook page."""
    taxonomy = ctx.taxonomy
    st.caption(ctx.t("cb_file", path=taxonomy_path(), version=taxonomy.version))
    outcome = st.session_state.pop(RESULT, None)
    if outcome:
        (st.success if outcome[0] == "success" else st.error)(outcome[1])
    _retrain(ctx)
    st.subheader(ctx.t("cb_history"))
    _history(ctx)
    _parents(ctx)
    st.text_input(ctx.t("cb_by"), key="cb_by")
    themes = taxonomy.theme_ids
    merge_tab, rename_tab = st.tabs([ctx.t("cb_merge"), ctx.t("cb_rename")])
    with merge_tab, st.form("cb_merge_form"):
        st.selectbox(ctx.t("cb_merge_source"), themes, format_func=ctx.theme_name, key="cb_merge_source")
        st.selectbox(ctx.t("cb_merge_target"), themes, format_func=ctx.theme_name, key="cb_merge_target")
        st.text_input(ctx.t("cb_why"), key="cb_merge_why")
        st.form_submit_button(ctx.t("cb_merge"), on_click=_merge)
    with rename_tab:
        chosen = st.selectbox(ctx.t("theme"), themes, format_func=ctx.theme_name, key="cb_rename_theme")
        names = taxonomy.theme(chosen).name
        with st.form(f"cb_rename_form_{chosen}"):
            st.text_input(ctx.t("theme_id"), chosen, key=f"cb_rename_id_{chosen}")
            st.text_input(ctx.t("name_kk"), names.kk, key=f"cb_rename_kk_{chosen}")
            st.text_input(ctx.t("name_ru"), names.ru, key=f"cb_rename_ru_{chosen}")
            st.text_input(ctx.t("name_en"), names.en, key=f"cb_rename_en_{chosen}")
            st.text_input(ctx.t("cb_why"), key=f"cb_rename_why_{chosen}")
            st.form_submit_button(ctx.t("cb_rename"), on_click=_rename, args=(chosen,))
