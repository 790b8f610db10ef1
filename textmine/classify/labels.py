"""The labelled set: hand-labelled Kazakh seed quotes, their Russian, letterless and code-switched
renderings (which inherit the original's labels), and analysts' corrections from the store.

One row per labelled text: ``text, lang, variant, themes (list), polarity, group``. ``group`` is the
original quote's key, so cross-validation keeps a quote and its renderings in the same fold.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

KK_LABELS = "data/labels/kk_seed_labels*.csv"
PARALLEL = "data/eval/parallel_kk_ru*.csv"
MIXED = "data/labels/mixed_renderings*.csv"

LABEL_COLUMNS = ["text", "lang", "variant", "themes", "polarity", "group"]


def split_themes(value: object) -> list[str]:
    """``"queues;staff_attitude"`` -> ``["queues", "staff_attitude"]``; empty or missing -> ``[]``."""
    if not isinstance(value, str):
        return []
    return [theme.strip() for theme in value.split(";") if theme.strip()]


def _read_parts(data_dir: Path, pattern: str) -> pd.DataFrame:
    """All files matching ``pattern`` (a set may be split over ``*_part2.csv`` files), concatenated."""
    paths = sorted(data_dir.glob(pattern))
    if not paths:
        return pd.DataFrame()
    return pd.concat([pd.read_csv(path, dtype={"order": int}) for path in paths], ignore_index=True)


def _renderings(originals: pd.DataFrame, data_dir: Path, pattern: str, column: str, lang: str,
                variant: str) -> pd.DataFrame:
    rendered = _read_parts(data_dir, pattern)
    if column not in rendered.columns:
        return pd.DataFrame(columns=LABEL_COLUMNS)
    rendered = rendered[rendered[column].fillna("").str.strip() != ""]
    joined = rendered[["order", column]].merge(originals, left_on="order", right_on="group", how="inner")
    return joined.assign(text=joined[column], lang=lang, variant=variant)[LABEL_COLUMNS]


def load_labelled(data_dir: Path = Path(".")) -> pd.DataFrame:
    """All labelled texts under ``data_dir`` (the project root by default)."""
    seed = _read_parts(data_dir, KK_LABELS)
    if seed.empty:
        raise FileNotFoundError(f"no labelled quotes under {data_dir / KK_LABELS}")
    seed = seed[seed["is_quote"].astype(int) == 1].drop_duplicates("order", keep="last")
    originals = pd.DataFrame({
        "text": seed["text"],
        "lang": "kk",
        "variant": "kk",
        "themes": seed["themes"].map(split_themes),
        "polarity": seed["polarity"],
        "group": seed["order"],
    })
    parts = [
        originals,
        _renderings(originals, data_dir, PARALLEL, "ru", "ru", "ru"),
        _renderings(originals, data_dir, PARALLEL, "kk_letterless", "kk", "kk_letterless"),
        _renderings(originals, data_dir, MIXED, "mixed", "mixed", "mixed"),
    ]
    return pd.concat([part for part in parts if len(part)], ignore_index=True)
