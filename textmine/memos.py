"""Memos: an analyst's free-text note on a quote (a comment), a theme or a service, kept in the store's
``memos`` table (schema ``textmine.schema.MEMOS``). Each author has one memo per target: writing again
edits it, writing an empty text deletes it. Memos travel with quotes into Markdown/DOCX citations
(:func:`with_memos`) and into ``.qdpx`` projects as REFI-QDA notes (:mod:`textmine.insights.qda`)."""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd

from textmine import schema
from textmine.store import Store

KINDS = ("quote", "theme", "service")


def _known_target(store: Store, kind: str, target_id: str) -> None:
    from textmine.classify.taxonomy import load_taxonomy

    if kind not in KINDS:
        raise ValueError(f"memo target must be one of {', '.join(KINDS)}, not {kind!r}")
    if kind == "theme":
        load_taxonomy().theme(target_id)
        return
    table, column = ("comments", "id") if kind == "quote" else ("services", "service_no")
    if kind == "service" and not target_id.isdigit():
        raise ValueError(f"service memo: {target_id!r} is not a service number")
    value = target_id if kind == "quote" else int(target_id)
    found = store.connection.execute(f"SELECT count(*) FROM {table} WHERE {column} = ?", [value]).fetchone()[0]
    if not found:
        raise KeyError(f"no {'comment' if kind == 'quote' else 'service'} {target_id!r} in {store.path}")


def save_memo(store: Store, kind: str, target_id: str, author: str, text: str, at: str | None = None) -> bool:
    """Write ``author``'s memo on the target (replacing their earlier one); an empty ``text`` deletes it.
    Return whether a memo is now stored. Raise ``ValueError``/``KeyError`` for an unknown target or author."""
    target_id, author, text = str(target_id).strip(), author.strip(), text.strip()
    if not author:
        raise ValueError("a memo needs an author")
    _known_target(store, kind, target_id)
    row = pd.DataFrame([{"target_kind": kind, "target_id": target_id, "author": author, "text": text,
                         "at": at or datetime.now(UTC).isoformat(timespec="seconds")}])
    row = schema.validate(row, schema.MEMOS)
    key = [kind, target_id, author]

    def work(con) -> None:
        con.execute("DELETE FROM memos WHERE target_kind = ? AND target_id = ? AND author = ?", key)
        if text:
            con.register("_memo", row)
            con.execute("INSERT INTO memos SELECT * FROM _memo")
            con.unregister("_memo")

    store.transaction(work)
    return bool(text)


def memos_of(memos: pd.DataFrame, kind: str, target_id: object) -> pd.DataFrame:
    """The memos on one target, oldest edit first."""
    chosen = memos[(memos["target_kind"] == kind) & (memos["target_id"] == str(target_id))]
    return chosen.sort_values(["at", "author"], kind="stable").reset_index(drop=True)


def memo_lines(memos: pd.DataFrame) -> list[str]:
    """``author: text`` per memo."""
    return [f"{row.author}: {row.text}" for row in memos.itertuples()]


def with_memos(quotes: pd.DataFrame, memos: pd.DataFrame) -> pd.DataFrame:
    """``quotes`` (with an ``id`` column) plus ``memo``: the memos on each quote as ``author: text`` joined
    by `` | `` (None without memos)."""
    on_quotes = memos[memos["target_kind"] == "quote"].sort_values(["at", "author"], kind="stable")
    joined = on_quotes.groupby("target_id", sort=False).apply(
        lambda group: " | ".join(memo_lines(group)), include_groups=False) if len(on_quotes) else pd.Series(dtype=object)
    return quotes.assign(memo=quotes["id"].astype(str).map(joined).astype(object).where(lambda m: m.notna(), None))
