"""Memos in the app: the notes on a quote, a theme or a service shown where it is shown, and a small form to
write or edit one's own (``textmine.memos``: one memo per author and target; an empty text deletes it)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from textmine.app.context import Context
from textmine.memos import memos_of

AUTHOR = "memo_author"


@st.cache_data(show_spinner=False, max_entries=2)
def all_memos(path: str, version: float) -> pd.DataFrame:
    """Every memo as last published (empty when the store has none yet)."""
    import duckdb

    from textmine import schema
    from textmine.store import reader_path

    with duckdb.connect(str(reader_path(Path(path))), read_only=True) as con:
        if "memos" not in {row[0] for row in con.execute("SHOW TABLES").fetchall()}:
            return schema.empty(schema.MEMOS)
        return con.execute("SELECT * FROM memos").df()


def _save(path: Path, kind: str, target_id: str, key: str) -> None:
    from textmine.memos import save_memo
    from textmine.store import Store

    author, text = st.session_state.get(f"{key}-author", ""), st.session_state.get(f"{key}-text", "")
    st.session_state[AUTHOR] = author
    try:
        with Store(path, touches=("memos",)) as store:
            save_memo(store, kind, target_id, author, text)
    except (KeyError, ValueError) as error:
        st.session_state[f"{key}-error"] = str(error)


def memo_box(ctx: Context, kind: str, target_id: object, key: str) -> None:
    """The memos on one target, and a form to write or edit one's own."""
    found = memos_of(all_memos(str(ctx.path), ctx.version), kind, target_id)
    with st.expander(ctx.t("memos_count", n=len(found))):
        for row in found.itertuples():
            st.text(row.text)
            st.caption(f"{row.author} · {row.at}")
        key = f"memo-{key}-{kind}-{target_id}"
        author = st.session_state.get(AUTHOR, "")
        mine = found[found["author"] == author]["text"]
        with st.form(key):
            st.text_input(ctx.t("memo_author"), value=author, key=f"{key}-author")
            st.text_area(ctx.t("memo_text"), value=mine.iloc[0] if len(mine) else "", key=f"{key}-text")
            st.form_submit_button(ctx.t("memo_save"), on_click=_save, args=(ctx.path, kind, str(target_id), key))
        error = st.session_state.pop(f"{key}-error", None)
        if error:
            st.error(error)
