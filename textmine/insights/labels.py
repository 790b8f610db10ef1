"""Hand labels matched to the store's comments: stand-in themes for analysis and the gold standard for
measuring quote selection.

A label row matches a comment with the same text; failing that, the comment within ``line_window``
lines of the label's ``source_line`` whose text is most similar (rapidfuzz ratio ≥ ``min_ratio``):
the labels were made on an earlier extraction whose spacing and quote splits differ slightly.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pandas as pd
from rapidfuzz import fuzz

LABEL_FILES = ("data/labels/kk_seed_labels.csv", "data/labels/kk_seed_labels_part2.csv")
REQUIRED = ("source_line", "text", "is_quote", "themes", "polarity")


def read_labels(paths: Iterable[Path | str] = LABEL_FILES) -> pd.DataFrame:
    """Quote rows (``is_quote`` = 1) of the label files, with a ``label_file`` column."""
    parts = []
    for path in paths:
        frame = pd.read_csv(path, dtype={"themes": str, "polarity": str})
        missing = [column for column in REQUIRED if column not in frame.columns]
        if missing:
            raise ValueError(f"{path}: label file lacks columns {', '.join(missing)}")
        parts.append(frame.assign(label_file=str(path)))
    labels = pd.concat(parts, ignore_index=True)
    return labels[labels["is_quote"].astype(int) == 1].reset_index(drop=True)


def match_labels(comments: pd.DataFrame, labels: pd.DataFrame, line_window: int = 3,
                 min_ratio: float = 90.0) -> pd.DataFrame:
    """Comment-theme rows (``id``, ``themes``, ``polarity``) for every label matched to a comment."""
    by_text = comments.drop_duplicates("text").set_index("text")["id"]
    lines = comments.dropna(subset=["source_line"])
    rows = []
    for label in labels.itertuples(index=False):
        comment_id = by_text.get(label.text)
        if comment_id is None:
            near = lines[(lines["source_line"] - int(label.source_line)).abs() <= line_window]
            ratios = [fuzz.ratio(label.text, text) for text in near["text"]]
            if ratios and max(ratios) >= min_ratio:
                comment_id = near["id"].iloc[ratios.index(max(ratios))]
        if comment_id is not None:
            rows.append({"id": comment_id, "themes": label.themes if isinstance(label.themes, str) else "",
                         "polarity": label.polarity})
    return pd.DataFrame(rows, columns=["id", "themes", "polarity"]).drop_duplicates("id", keep="last")
