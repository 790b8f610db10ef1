"""How discovered clusters relate to taxonomy themes; clusters that fit no theme are new-theme candidates."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import numpy as np
import pandas as pd

from textmine.topics.cluster import OUTLIER


def relate_to_themes(
    labels: np.ndarray,
    themes: Sequence[Sequence[str] | None],
    min_share: float = 0.5,
    min_labelled: int = 3,
) -> pd.DataFrame:
    """Per cluster: its dominant theme, the share of its themed comments carrying it, and whether it is a
    new-theme candidate.

    ``themes`` holds each comment's theme ids (``None``: not classified). A comment may carry several
    themes; a cluster's share of a theme is the fraction of its classified comments that carry it. A
    cluster is a *new-theme candidate* when no theme reaches ``min_share`` of its classified comments
    (with at least ``min_labelled`` of them), or when most of its classified comments have no theme.
    """
    if len(themes) != len(labels):
        raise ValueError(f"got {len(labels)} cluster labels but {len(themes)} theme lists")
    rows = []
    for c in sorted({int(x) for x in labels} - {OUTLIER}):
        member_themes = [themes[i] for i in np.where(labels == c)[0] if themes[i] is not None]
        counts = Counter(t for theme_ids in member_themes for t in set(theme_ids))
        labelled = len(member_themes)
        untagged = sum(1 for theme_ids in member_themes if not theme_ids)
        top, top_n = counts.most_common(1)[0] if counts else (None, 0)
        share = top_n / labelled if labelled else np.nan
        enough = labelled >= min_labelled
        candidate = enough and (share < min_share or untagged > labelled / 2)
        rows.append(
            {
                "cluster": c,
                "n_labelled": labelled,
                "dominant_theme": top,
                "dominant_share": share,
                "themes": dict(counts.most_common()),
                "new_theme_candidate": bool(candidate),
            }
        )
    return pd.DataFrame(rows)
