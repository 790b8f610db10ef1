"""Inter-annotator agreement between the first annotator's seed labels and a second annotator's file.

Annotator 1 (A1, the reference) is the union of the seed label files (quotes only); annotator 2 (A2) is
a CSV with columns order, source_line, text, themes, polarity. Rows are matched on (source_line, text).
Prints micro-F1 over the five required themes, macro-F1 over all taxonomy themes, per-theme F1, top-theme
agreement, polarity agreement and Cohen's kappa, once for all matched quotes and once without the quotes that
GUIDE.md or the taxonomy's Kazakh examples reproduce (those were labelled in the guide itself, so they inflate
agreement). `--show N` also prints N rows where the theme sets differ.

`--set kzgov` compares the two blind annotators of the real appeals instead
(`data/labels/kzgov_double_labelled.csv`: 240 appeals, both annotators' labels before adjudication).

Usage: .venv/bin/python bench/label_agreement.py [--set seed|kzgov] [--second PATH] [--show N]
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import cohen_kappa_score, f1_score
from sklearn.preprocessing import MultiLabelBinarizer

from textmine.classify.taxonomy import REQUIRED_THEMES, load_taxonomy

LABELS = Path("data/labels")
FIRST = (LABELS / "kk_seed_labels.csv", LABELS / "kk_seed_labels_part2.csv")
SECOND = LABELS / "kk_second_annotator.csv"
KZGOV_DOUBLE = LABELS / "kzgov_double_labelled.csv"
GUIDE = LABELS / "GUIDE.md"
KEY = ["source_line", "text"]


def read_labels(path: Path, known: set[str]) -> pd.DataFrame:
    """Read one label file (quotes only), check columns and theme ids, return key + themes list + polarity."""
    frame = pd.read_csv(path, keep_default_na=False, dtype={"themes": str, "polarity": str})
    missing = {*KEY, "themes", "polarity"} - set(frame.columns)
    if missing:
        raise ValueError(f"{path}: missing column(s) {sorted(missing)}")
    if "is_quote" in frame.columns:
        frame = frame[frame["is_quote"].astype(int) == 1]
    frame = frame.assign(themes=frame["themes"].map(lambda s: [t for t in s.split(";") if t]))
    for row, themes in frame["themes"].items():
        unknown = set(themes) - known
        if unknown:
            raise ValueError(f"{path}: row {row + 2}: unknown theme id(s) {sorted(unknown)}")
    return frame[[*KEY, "themes", "polarity"]]


def paired(first: pd.DataFrame, second: pd.DataFrame) -> pd.DataFrame:
    """Inner-join the two annotators on (source_line, text); every A2 row must find exactly one A1 row."""
    if first.duplicated(KEY).any():
        raise ValueError(f"annotator 1 has duplicate (source_line, text) keys: {first[first.duplicated(KEY)].head()}")
    merged = second.merge(first, on=KEY, how="left", suffixes=("_a2", "_a1"), indicator=True)
    lost = merged[merged["_merge"] != "both"]
    if len(lost):
        raise ValueError(f"{len(lost)} second-annotator row(s) have no match in annotator 1, e.g. "
                         f"source_line={lost.iloc[0]['source_line']}")
    return merged.drop(columns="_merge")


def _normalise(text: str) -> str:
    """Lower-case, ӛ→ө, punctuation to spaces, whitespace collapsed."""
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower().replace("ӛ", "ө")).split())


def guide_fragments(guide: Path, kk_examples: list[str]) -> list[str]:
    """Normalised «…» quotes of the guide (split at ellipses) and the taxonomy's Kazakh examples."""
    quoted = re.findall(r"«([^«»]*)»", guide.read_text(encoding="utf-8"))
    pieces = [piece for q in quoted for piece in re.split(r"…|\.\.\.", q)] + kk_examples
    return [f for f in map(_normalise, pieces) if len(f) >= 12]


def in_guide(text: str, fragments: list[str]) -> bool:
    """True when a guide fragment of 30+ characters, or covering half the quote, occurs in the quote."""
    quote = _normalise(text)
    return any(f in quote and (len(f) >= 30 or 2 * len(f) >= len(quote)) for f in fragments)


def theme_scores(pairs: pd.DataFrame, theme_ids: list[str]) -> dict[str, object]:
    """Micro-F1 (required themes), macro-F1 (all themes present in either set) and per-theme F1, A1 as reference."""
    binarizer = MultiLabelBinarizer(classes=theme_ids)
    y1 = binarizer.fit_transform(pairs["themes_a1"])
    y2 = binarizer.transform(pairs["themes_a2"])
    required = [theme_ids.index(t) for t in REQUIRED_THEMES]
    used = [i for i in range(len(theme_ids)) if y1[:, i].any() or y2[:, i].any()]
    per_theme = f1_score(y1, y2, average=None, zero_division=0.0)
    return {
        "micro_required": f1_score(y1[:, required], y2[:, required], average="micro", zero_division=0.0),
        "macro_all": f1_score(y1[:, used], y2[:, used], average="macro", zero_division=0.0),
        "micro_all": f1_score(y1, y2, average="micro", zero_division=0.0),
        "exact_set": float(np.mean((y1 == y2).all(axis=1))),
        "per_theme": {t: (per_theme[i], int(y1[:, i].sum()), int(y2[:, i].sum())) for i, t in enumerate(theme_ids)},
    }


def bootstrap_micro_required(pairs: pd.DataFrame, draws: int = 1000) -> tuple[float, float]:
    """95% percentile interval of the required-theme micro-F1 over quotes resampled with replacement (seed 0)."""
    binarizer = MultiLabelBinarizer(classes=list(REQUIRED_THEMES))
    y1 = binarizer.fit_transform(pairs["themes_a1"].map(lambda t: [x for x in t if x in REQUIRED_THEMES]))
    y2 = binarizer.transform(pairs["themes_a2"].map(lambda t: [x for x in t if x in REQUIRED_THEMES]))
    rows = np.random.default_rng(0).integers(0, len(pairs), (draws, len(pairs)))
    both = (y1 & y2).sum(axis=1)[rows].sum(axis=1)
    total = (y1.sum(axis=1) + y2.sum(axis=1))[rows].sum(axis=1)
    low, high = np.percentile(2 * both / np.maximum(total, 1), [2.5, 97.5])
    return float(low), float(high)


def top_theme_agreement(pairs: pd.DataFrame) -> tuple[float, float]:
    """Share of quotes whose first theme agrees ('' when empty); and the share among quotes both labelled."""
    top1 = pairs["themes_a1"].map(lambda t: t[0] if t else "")
    top2 = pairs["themes_a2"].map(lambda t: t[0] if t else "")
    both = (top1 != "") & (top2 != "")
    return float((top1 == top2).mean()), float((top1[both] == top2[both]).mean())


def report(pairs: pd.DataFrame, theme_ids: list[str]) -> None:
    """Print every agreement number for one set of paired quotes."""
    scores = theme_scores(pairs, theme_ids)
    top_all, top_both = top_theme_agreement(pairs)
    low, high = bootstrap_micro_required(pairs)
    print(f"micro-F1, required themes ({', '.join(REQUIRED_THEMES)}): {scores['micro_required']:.3f} "
          f"(bootstrap 95% CI {low:.3f}-{high:.3f})")
    print(f"macro-F1, all themes used: {scores['macro_all']:.3f}   micro-F1, all themes: {scores['micro_all']:.3f}")
    print(f"exact theme-set match: {scores['exact_set']:.3f}")
    print(f"top-theme agreement: {top_all:.3f} (all quotes, empty counts as a value), "
          f"{top_both:.3f} (quotes both annotators labelled)")
    print("per-theme F1 (n_A1, n_A2):")
    for theme, (f1, n1, n2) in scores["per_theme"].items():
        print(f"  {theme:18s} {f1:.3f}  ({n1:3d}, {n2:3d})")
    agree = float((pairs["polarity_a1"] == pairs["polarity_a2"]).mean())
    kappa = cohen_kappa_score(pairs["polarity_a1"], pairs["polarity_a2"])
    print(f"polarity agreement: {agree:.3f}   Cohen's kappa: {kappa:.3f}")
    print(pd.crosstab(pairs["polarity_a1"], pairs["polarity_a2"], rownames=["A1"], colnames=["A2"]).to_string())


def kzgov_pairs(path: Path, known: set[str]) -> pd.DataFrame:
    """The double-labelled appeals as pairs (``themes_a1``/``themes_a2`` lists, polarities), theme ids checked."""
    frame = pd.read_csv(path, keep_default_na=False, dtype=str)
    for column in ("themes_a1", "themes_a2"):
        frame[column] = frame[column].map(lambda s: [t for t in s.split(";") if t])
        for row, themes in frame[column].items():
            if set(themes) - known:
                raise ValueError(f"{path}: row {row + 2}: unknown theme id(s) {sorted(set(themes) - known)}")
    return frame


def main_kzgov(show: int) -> None:
    taxonomy = load_taxonomy()
    pairs = kzgov_pairs(KZGOV_DOUBLE, set(taxonomy.theme_ids))
    print(f"== {len(pairs)} real appeals labelled blind by two annotators ({KZGOV_DOUBLE})")
    report(pairs, taxonomy.theme_ids)
    differ = pairs[pairs["themes_a1"].map(set) != pairs["themes_a2"].map(set)]
    for _, row in differ.head(show).iterrows():
        print(f"\n[id {row['id']}]\n  A1: {';'.join(row['themes_a1'])}\n  A2: {';'.join(row['themes_a2'])}")


def main(second_path: Path, show: int) -> None:
    taxonomy = load_taxonomy()
    known = set(taxonomy.theme_ids)
    first = pd.concat([read_labels(p, known) for p in FIRST], ignore_index=True)
    pairs = paired(first, read_labels(second_path, known))
    fragments = guide_fragments(GUIDE, [e for t in taxonomy.themes for e in t.examples.kk])
    quoted = pairs["text"].map(lambda text: in_guide(text, fragments))
    print(f"A1 (reference) = {', '.join(map(str, FIRST))}; A2 = {second_path}")
    print(f"\n== all {len(pairs)} matched quotes")
    report(pairs, taxonomy.theme_ids)
    print(f"\n== {int((~quoted).sum())} quotes not reproduced in the guide or taxonomy examples "
          f"({int(quoted.sum())} left out)")
    report(pairs[~quoted], taxonomy.theme_ids)
    differ = pairs[pairs["themes_a1"].map(set) != pairs["themes_a2"].map(set)]
    for _, row in differ.head(show).iterrows():
        print(f"\n[{row['source_line']}] {row['text']}\n  A1: {';'.join(row['themes_a1'])} / {row['polarity_a1']}"
              f"\n  A2: {';'.join(row['themes_a2'])} / {row['polarity_a2']}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--second", type=Path, default=SECOND, help="second annotator's CSV")
    parser.add_argument("--show", type=int, default=0, help="print this many theme disagreements")
    parser.add_argument("--set", choices=("seed", "kzgov"), default="seed", help="which double-labelled set")
    args = parser.parse_args()
    if args.set == "kzgov":
        main_kzgov(args.show)
    else:
        main(args.second, args.show)
