"""Crosstab: themes × an attribute with counts and row/column %; selecting a cell opens its quotes;
theme co-occurrence."""

from __future__ import annotations

from functools import partial

import pandas as pd
import streamlit as st

from textmine.app.context import Context, quotes_table
from textmine.app.insights_adapter import escape_markdown
from textmine.app.query import (
    ATTRIBUTES,
    cooccurrence,
    count,
    crosstab,
    percentages,
    rows,
    with_theme,
    with_values,
)

CELL_ROWS = 1000

MODES = ("counts", "row_pct", "col_pct")


def _pick_cell(table_key: str, themes: list[str], values: dict[str, str]) -> None:
    """Copy a cell selected in the table into the cell pickers (``values``: column label -> value)."""
    cells = st.session_state[table_key]["selection"]["cells"]
    if cells:
        row, column = cells[0]
        st.session_state["xt_theme"], st.session_state["xt_value"] = themes[row], values.get(column, column)


def render(ctx: Context) -> None:
    """Draw the crosstab page."""
    if not ctx.corpus.has_themes:
        st.info(ctx.t("no_themes"))
        return
    left, right = st.columns(2)
    attribute = left.selectbox(ctx.t("attribute"), ATTRIBUTES, key="xt_attribute",
                               format_func=lambda a: ctx.t({"service_name": "service", "lang": "language"}.get(a, a)))
    mode = right.radio(ctx.t("show"), MODES, format_func=ctx.t, key="xt_mode", horizontal=True)
    counts = crosstab(ctx.corpus, ctx.selection, attribute)
    counts = counts.loc[counts.sum(axis=1) > 0] if len(counts.columns) else counts
    if counts.empty or not len(counts.columns):
        st.info(ctx.t("no_values"))
        return
    shown = counts if mode == "counts" else percentages(counts, ctx.corpus, ctx.selection, attribute,
                                                          "row" if mode == "row_pct" else "column")
    themes = counts.index.tolist()
    view = shown.rename(index=ctx.theme_name, columns=lambda value: ctx.value_name(attribute, value))
    if mode != "counts":
        st.caption(ctx.t("pct_note"))
    table_key = f"xt_table_{attribute}_{mode}"
    number = st.column_config.NumberColumn(format="%d" if mode == "counts" else "%.1f%%")
    labels = dict(zip(view.columns, shown.columns, strict=True))
    st.dataframe(view, key=table_key, on_select=lambda: _pick_cell(table_key, themes, labels), selection_mode="single-cell",
                 column_config={column: number for column in view.columns})
    st.subheader(ctx.t("open_cell"))
    left, right = st.columns(2)
    values = counts.columns.astype(str).tolist()
    if st.session_state.get("xt_value") not in values:
        st.session_state["xt_value"] = values[0]
    if st.session_state.get("xt_theme") not in themes:
        st.session_state["xt_theme"] = themes[0]
    theme = left.selectbox(ctx.t("theme"), themes, format_func=ctx.theme_name, key="xt_theme")
    value = right.selectbox(ctx.t("attribute"), values, key="xt_value", format_func=partial(ctx.value_name, attribute))
    cell = with_values(with_theme(ctx.corpus, ctx.selection, theme), attribute, [value])
    size = count(ctx.corpus, cell)
    name = ctx.value_name(attribute, value)
    st.markdown(f"**{escape_markdown(ctx.t('cell_quotes', theme=ctx.theme_name(theme), value=name, n=size))}**")
    if size > CELL_ROWS:
        st.caption(ctx.t("first_rows", shown=CELL_ROWS, n=size))
    quotes_table(ctx, rows(ctx.corpus, cell, limit=CELL_ROWS), key="xt_cell_quotes")
    st.subheader(ctx.t("cooccurrence"))
    pairs = cooccurrence(ctx.corpus, ctx.selection).loc[themes, themes]
    st.dataframe(pd.DataFrame(pairs.to_numpy(), index=[ctx.theme_name(t) for t in themes],
                              columns=[ctx.theme_name(t) for t in themes]), key="xt_cooc")
