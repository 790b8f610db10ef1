"""Quote picking for briefs: the representative evidence comments of a group's theme, and the two
sources a brief draws them from: picked now from comment vectors (:class:`EmbeddedQuotes`) or read from
the quotes :func:`priority_quotes` picked earlier and the store keeps (:class:`StoredQuotes`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np
import pandas as pd

from textmine.insights.priority import POLARITIES
from textmine.insights.profile import split_themes
from textmine.insights.quotes import representative_quotes

QUOTE_COLUMNS = ["service_no", "kind", "theme", "quote_rank", "id", "text", "region", "lang", "source_file",
                 "source_line"]


def theme_quotes(coded: pd.DataFrame, vectors: np.ndarray, group: object, theme: str, kind: str, k: int = 3,
                 by: str = "service_no") -> pd.DataFrame:
    """The ``k`` representative evidence comments of ``group`` on ``theme`` (complaints and suggestions
    for a problem, praise for a strength); ``vectors`` align with ``coded`` row by row."""
    if len(vectors) != len(coded):
        raise ValueError(f"{len(vectors)} vectors for {len(coded)} comments: they must align row by row")
    mask = (coded[by] == group).fillna(False).astype(bool) & coded["polarity"].isin(POLARITIES[kind])
    mask &= coded["themes"].map(lambda value: theme in split_themes(value))
    positions = np.flatnonzero(mask.to_numpy())
    if not len(positions):
        return pd.DataFrame(columns=["rank", "id", "text"])
    return representative_quotes(coded.iloc[positions].reset_index(drop=True), np.asarray(vectors)[positions],
                                 k=k, theme=theme)


def priority_quotes(priorities: pd.DataFrame, coded: pd.DataFrame, vectors: np.ndarray, k: int = 3,
                    top: int | None = None) -> pd.DataFrame:
    """Quotes for every ranked row of ``priorities`` (or its ``top`` rows per group and kind): one row
    per quote with the group, kind, theme, ``quote_rank``, id, verbatim text and source columns."""
    by = priorities.attrs.get("by") or "service_no"
    rows = priorities if top is None else priorities[priorities["rank"] <= top]
    parts = []
    for group, members in coded.groupby(by, sort=False).indices.items():
        wanted = rows[rows[by] == group]
        if wanted.empty:
            continue
        subset, subvectors = coded.iloc[members].reset_index(drop=True), np.asarray(vectors)[members]
        for row in wanted.itertuples(index=False):
            if row.n_comments == 0:
                continue
            quotes = theme_quotes(subset, subvectors, group, row.theme, row.kind, k=k, by=by)
            if len(quotes):
                parts.append(quotes.rename(columns={"rank": "quote_rank"}).assign(
                    **{by: group}, kind=row.kind, theme=row.theme))
    columns = [by, *QUOTE_COLUMNS[1:]]
    if not parts:
        return pd.DataFrame(columns=columns)
    quotes = pd.concat(parts, ignore_index=True)
    return quotes[[c for c in columns if c in quotes.columns] + [c for c in quotes.columns if c not in columns]]


class QuoteSource(Protocol):
    """Where a brief gets its quotes from."""

    def pick(self, service_no: int, kind: str, theme: str, k: int) -> pd.DataFrame:
        """Up to ``k`` quotes of the service's ``kind`` item on ``theme``, best first (``id``, ``text`` and
        the source columns ``region``, ``lang``, ``source_file``, ``source_line`` when known)."""
        ...


@dataclass(frozen=True)
class EmbeddedQuotes:
    """Quotes picked now from the comments and their vectors (aligned row by row)."""

    coded: pd.DataFrame
    vectors: np.ndarray

    def pick(self, service_no: int, kind: str, theme: str, k: int) -> pd.DataFrame:
        """The ``k`` most representative evidence comments (:func:`theme_quotes`)."""
        return theme_quotes(self.coded, self.vectors, service_no, theme, kind, k=k)


@dataclass(frozen=True)
class StoredQuotes:
    """Quotes picked earlier by :func:`priority_quotes` (the store's ``priority_quotes``), so a brief cites
    the same comments as ``recommendations.csv``; no vectors needed."""

    quotes: pd.DataFrame

    def pick(self, service_no: int, kind: str, theme: str, k: int) -> pd.DataFrame:
        """The stored quotes of the item in their ``quote_rank`` order."""
        quotes = self.quotes
        if quotes.empty:
            return pd.DataFrame(columns=QUOTE_COLUMNS)
        chosen = quotes[(quotes["service_no"] == service_no) & (quotes["kind"] == kind) & (quotes["theme"] == theme)]
        return chosen.sort_values("quote_rank").head(k)
