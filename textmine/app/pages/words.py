"""Word views of the current selection, on Kazakh and Russian lemmas: frequency bar chart, keyword in
context, and the words that set the selection apart from a second one (weighted log-odds); the stop words
are editable (stored in the store's ``stop_word_edits``)."""

from __future__ import annotations

import duckdb
import pandas as pd
import streamlit as st

from textmine.app import data
from textmine.app.context import Context
from textmine.app.query import Selection
from textmine.qda import words
from textmine.qda.published import read_table
from textmine.store import Store
from textmine.topics.lemmas import WordForm

MAX_COMMENTS = 5000  # lemmatised per selection in the app (a fixed sample beyond)
OTHERS = "__others__"
VIEWS = ("word_frequency", "kwic", "compare_words")  # also their interface-text keys


@st.cache_data(show_spinner="…", max_entries=8)
def _words(path: str, version: float, clauses: tuple[str, ...], params: tuple, edits: pd.DataFrame):
    """Texts, lemma frequencies and word forms of the selection ``clauses``/``params`` (cached per store
    version and stop-word edits)."""
    return words.selection_words(data.corpus(path, version), Selection(clauses, params), words.stop_words(edits),
                                 MAX_COMMENTS)


@st.cache_data(show_spinner=False, max_entries=4)
def _stop_word_edits(path: str, version: float) -> pd.DataFrame:
    """The store's stop-word edits (read once per store version: a saved edit publishes a new one)."""
    return read_table(path, "stop_word_edits")


def _edit_stop_words(ctx: Context, edits: pd.DataFrame) -> None:
    saved = st.session_state.pop("wd_stop_saved", None)
    with st.expander(ctx.t("stop_words"), expanded=saved is not None):
        if saved is not None:
            st.success(ctx.t("stop_saved", n=saved))
        with st.form("wd_stop_form"):
            typed = st.text_input(ctx.t("stop_words_typed"), key="wd_stop_words")
            lang = st.radio(ctx.t("language"), words.LANGS, horizontal=True, key="wd_stop_lang")
            add, remove = st.columns(2)
            adding = add.form_submit_button(ctx.t("stop_add"))
            removing = remove.form_submit_button(ctx.t("stop_remove"))
        if (adding or removing) and typed.split():
            try:
                with Store(ctx.path, touches=("stop_word_edits",)) as store:
                    store.append("stop_word_edits", words.edit_rows(typed.split(), lang, adding))
            except duckdb.IOException as error:
                st.error(ctx.t("store_busy", error=error))
            else:  # draw the page again on the edits just published
                st.session_state["wd_stop_saved"] = len(typed.split())
                st.rerun()
        if len(edits):
            st.dataframe(edits.sort_values("at", ascending=False), hide_index=True, key="wd_stop_edits")


def _second_selection(ctx: Context) -> tuple[Selection, str]:
    """The selection to compare with: the other comments, or those of one theme or polarity."""
    choices = [OTHERS, *(f"theme:{t}" for t in ctx.corpus.theme_ids), *(f"polarity:{p}" for p in ctx.taxonomy.polarity_ids)]

    def name(choice: str) -> str:
        kind, _, value = choice.partition(":")
        return {"theme": ctx.theme_name, "polarity": ctx.polarity_name}.get(kind, lambda _: ctx.t("other_comments"))(value)

    choice = st.selectbox(ctx.t("compare_with"), choices, format_func=name, key="wd_compare")
    kind, _, value = choice.partition(":")
    if kind == "theme":
        return Selection().narrow(ctx.corpus.flag(value)), name(choice)
    if kind == "polarity":
        return Selection().narrow("polarity = ?", value), name(choice)
    return Selection().narrow(f"NOT ({ctx.selection.where})", *ctx.selection.params), name(choice)


def render(ctx: Context) -> None:
    """Draw the words page."""
    edits = _stop_word_edits(str(ctx.path), ctx.version)
    _edit_stop_words(ctx, edits)
    found, freq, forms = _words(str(ctx.path), ctx.version, ctx.selection.clauses, ctx.selection.params, edits)
    if found.empty:
        st.info(ctx.t("no_comments"))
        return
    st.caption(ctx.t("words_of", n=len(found)))
    # One view at a time: tabs would work out all three on every rerun, the comparison's second selection too.
    view = st.radio(ctx.t("words_view"), VIEWS, format_func=ctx.t, horizontal=True, key="wd_view",
                    label_visibility="collapsed")
    if view == "word_frequency":
        top = freq.head(30)
        st.bar_chart(top.set_index("lemma")["count"], horizontal=True, sort="-count")
        st.dataframe(freq.rename(columns={"lemma": ctx.t("lemma"), "count": ctx.t("occurrences"),
                                          "comments": ctx.t("comments_with")}), hide_index=True, key="wd_freq")
    elif view == "kwic":
        _keyword_in_context(ctx, found, forms)
    else:
        _comparison(ctx, freq, edits)


def _keyword_in_context(ctx: Context, found: pd.DataFrame, forms: list[list[WordForm]]) -> None:
    word = st.text_input(ctx.t("kwic_word"), key="wd_kwic")
    if word.strip():
        lines = words.kwic(found["id"].tolist(), forms, word)
        st.caption(ctx.t("kwic_found", n=len(lines)))
        st.dataframe(lines[["left", "keyword", "right"]], hide_index=True, key="wd_kwic_table",
                     column_config={"left": st.column_config.TextColumn(ctx.t("left_context")),
                                    "keyword": st.column_config.TextColumn(ctx.t("keyword")),
                                    "right": st.column_config.TextColumn(ctx.t("right_context"))})


def _comparison(ctx: Context, freq: pd.DataFrame, edits: pd.DataFrame) -> None:
    other, label = _second_selection(ctx)
    _, other_freq, _ = _words(str(ctx.path), ctx.version, other.clauses, other.params, edits)
    if other_freq.empty:
        st.info(ctx.t("no_comments"))
        return
    table = words.compare(freq, other_freq)
    st.caption(ctx.t("compare_caption", other=label))
    st.dataframe(table.rename(columns={"word": ctx.t("lemma"), "count_a": ctx.t("count_selected"),
                                       "count_b": ctx.t("count_other"), "side": ctx.t("typical_of")})
                 .replace({ctx.t("typical_of"): {"A": ctx.t("this_selection"), "B": label}}).round(3),
                 hide_index=True, key="wd_compare_table")
