"""The labelled set, one row per labelled text: ``text, lang, variant, themes (list), polarity, group,
origin``.

Origins:
- ``seed``: hand-labelled Kazakh quotes of the 2018 report, with their Russian, letterless and code-switched
  renderings (which inherit the original's labels);
- ``kzgov``: real citizens' appeals to akimats, each in Kazakh and Russian (KZgovData, MIT), labelled by us
  (``kzgov_labels.csv``; the Russian inherits the Kazakh labels);
- ``written``: comments written for training in the registers real text comes in (informal Kazakh
  without Kazakh letters, app reviews, code-switching, hard negatives). **Training only**: never in a
  quality figure;
- ``analyst``: corrections from the store (added by ``train.apply_feedback``).

``group`` keys what must stay in one cross-validation fold: a quote and its renderings; an appeal's two
languages and every appeal with the same text. ``pair`` keys one text and its renderings (a quote and its
translations, an appeal in its two languages).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

KK_LABELS = "data/labels/kk_seed_labels*.csv"
PARALLEL = "data/eval/parallel_kk_ru*.csv"
MIXED = "data/labels/mixed_renderings*.csv"
KZGOV = "data/labels/kzgov_labels.csv"
WRITTEN = "data/labels/written_comments*.csv"

LABEL_COLUMNS = ["text", "lang", "variant", "themes", "polarity", "group", "origin", "pair"]
ORIGINS = ("seed", "kzgov", "written", "analyst")


def real_rows(labelled: pd.DataFrame) -> np.ndarray:
    """Boolean mask of the labelled rows that are real text (every origin but ``written``)."""
    return (labelled["origin"] != "written").to_numpy()


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
    joined = rendered[["order", column]].merge(originals, on="order", how="inner")
    return joined.assign(text=joined[column], lang=lang, variant=variant)[LABEL_COLUMNS]


def _same_text_groups(frame: pd.DataFrame, columns: list[str], prefix: str) -> pd.Series:
    """A group key per row joining rows that share a text in any of ``columns`` (connected components)."""
    parent = list(range(len(frame)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for column in columns:
        first: dict[str, int] = {}
        for i, text in enumerate(frame[column].fillna("").str.strip()):
            if text in first:
                parent[root(i)] = root(first[text])
            else:
                first[text] = i
    ids = frame["id"].astype(str).tolist()
    return pd.Series([f"{prefix}:{ids[root(i)]}" for i in range(len(frame))], index=frame.index)


def load_kzgov(data_dir: Path = Path(".")) -> pd.DataFrame:
    """The labelled appeals, one row per language (``variant`` ``kzgov_kk`` / ``kzgov_ru``)."""
    path = data_dir / KZGOV
    if not path.exists():
        return pd.DataFrame(columns=LABEL_COLUMNS)
    appeals = pd.read_csv(path, dtype=str, keep_default_na=False)
    group = _same_text_groups(appeals, ["text_kk", "text_ru"], "kzgov")
    parts = [pd.DataFrame({"text": appeals[f"text_{lang}"], "lang": lang, "variant": f"kzgov_{lang}",
                           "themes": appeals["themes"].map(split_themes), "polarity": appeals["polarity"],
                           "group": group, "origin": "kzgov", "pair": "kzgov:" + appeals["id"]})
             for lang in ("kk", "ru")]
    return pd.concat(parts, ignore_index=True)


def load_written(data_dir: Path = Path(".")) -> pd.DataFrame:
    """The written training comments (``variant`` ``written_<register>``)."""
    written = _read_parts(data_dir, WRITTEN)
    if written.empty:
        return pd.DataFrame(columns=LABEL_COLUMNS)
    written = written.fillna("")
    # an item written in two languages (an appeal in Kazakh and Russian) shares its ``pair`` key
    pair = written["pair"].astype(str) if "pair" in written.columns else pd.Series(range(len(written))).astype(str)
    pair = "written:" + pair.where(pair != "", pd.Series(range(len(written))).astype(str).radd("row"))
    return pd.DataFrame({"text": written["text"], "lang": written["lang"],
                         "variant": "written_" + written["register"], "themes": written["themes"].map(split_themes),
                         "polarity": written["polarity"], "group": pair.to_numpy(), "origin": "written",
                         "pair": pair.to_numpy()})


def load_labelled(data_dir: Path = Path("."), origins: tuple[str, ...] = ("seed", "kzgov", "written")) -> pd.DataFrame:
    """The labelled texts of ``origins`` under ``data_dir`` (the project root by default)."""
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
        "group": "seed:" + seed["order"].astype(str),
        "origin": "seed",
        "pair": "seed:" + seed["order"].astype(str),
        "order": seed["order"],
    })
    parts = [
        originals[LABEL_COLUMNS] if "seed" in origins else None,
        _renderings(originals, data_dir, PARALLEL, "ru", "ru", "ru") if "seed" in origins else None,
        _renderings(originals, data_dir, PARALLEL, "kk_letterless", "kk", "kk_letterless") if "seed" in origins else None,
        _renderings(originals, data_dir, MIXED, "mixed", "mixed", "mixed") if "seed" in origins else None,
        load_kzgov(data_dir) if "kzgov" in origins else None,
        load_written(data_dir) if "written" in origins else None,
    ]
    return pd.concat([part for part in parts if part is not None and len(part)], ignore_index=True)
