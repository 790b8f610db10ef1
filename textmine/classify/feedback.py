"""Analysts' corrections: each reviewed comment's latest decisions from ``label_feedback``, as one row."""

from __future__ import annotations

import pandas as pd

CORRECTION_COLUMNS = ["comment_id", "themes", "polarity", "at", "reviewer"]


def corrections(decided: pd.DataFrame) -> pd.DataFrame:
    """Each reviewed comment's latest correction from ``label_feedback`` rows: ``comment_id``, ``themes``
    (the accepted themes, ``;``-joined), ``polarity`` (the fixed polarity or ``None``), ``at`` and
    ``reviewer`` (``None`` for a decision saved before reviewers were recorded), newest first."""
    if decided.empty:
        return pd.DataFrame(columns=CORRECTION_COLUMNS)
    latest = decided[decided["at"] == decided.groupby("comment_id")["at"].transform("max")]
    grouped = latest.groupby("comment_id", sort=False)
    return pd.DataFrame({
        "themes": grouped.apply(lambda g: ";".join(sorted(g.loc[g["decision"] == "accept", "theme"])), include_groups=False),
        "polarity": grouped.apply(lambda g: next(iter(g.loc[g["decision"] == "polarity", "polarity"]), None),
                                  include_groups=False),
        "at": grouped["at"].first(),
        "reviewer": grouped["reviewer"].first(),
    }).reset_index().sort_values("at", ascending=False, kind="stable").reset_index(drop=True)
