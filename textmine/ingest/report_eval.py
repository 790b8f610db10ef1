"""Measure quote extraction against a hand-checked gold sample of «...» occurrences."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from textmine.ingest.errors import IngestError
from textmine.ingest.report import ReportParse
from textmine.normalise import fold

GOLD_COLUMNS = ("source_line", "snippet", "is_respondent_quote", "region")
_KEY_CHARS = 25


def _key(text: str) -> str:
    return " ".join(fold(text).split())[:_KEY_CHARS]


def load_gold(path: Path) -> pd.DataFrame:
    """Read the gold CSV; raise :class:`IngestError` naming a missing column or a bad label row."""
    gold = pd.read_csv(path, dtype={"region": str}, keep_default_na=False)
    missing = [c for c in GOLD_COLUMNS if c not in gold.columns]
    if missing:
        raise IngestError(path, f"gold file lacks columns {missing}")
    bad = gold.index[~gold["is_respondent_quote"].isin([0, 1])]
    if len(bad):
        raise IngestError(path, "is_respondent_quote must be 0 or 1", row=int(bad[0]) + 2)
    return gold


def evaluate_quote_extraction(parse: ReportParse, gold_path: Path) -> dict:
    """Precision and recall of quote detection and region accuracy on the gold sample.

    A gold occurrence counts as extracted when a comment starts on its line and its raw text begins with the
    occurrence's snippet up to its first closing mark (so a quote nested inside another one is not counted as extracted on its own).
    Region accuracy is over gold quotes that were extracted: the comment's region equals the gold region
    (empty meaning none).
    """
    gold = load_gold(Path(gold_path))
    by_line: dict[int, list[pd.Series]] = {}
    for _, comment in parse.comments.iterrows():
        by_line.setdefault(int(comment["source_line"]), []).append(comment)
    found, regions_ok, misses, false_hits = [], [], [], []
    for _, row in gold.iterrows():
        key = _key(row["snippet"].split("»")[0])
        hit = next((c for c in by_line.get(int(row["source_line"]), []) if _key(c["raw_text"]).startswith(key)), None)
        found.append(hit is not None)
        if hit is not None and row["is_respondent_quote"] == 1:
            regions_ok.append(("" if pd.isna(hit["region"]) else hit["region"]) == row["region"])
        if row["is_respondent_quote"] == 1 and hit is None:
            misses.append(int(row["source_line"]))
        if row["is_respondent_quote"] == 0 and hit is not None:
            false_hits.append(int(row["source_line"]))
    truth = gold["is_respondent_quote"].to_numpy() == 1
    predicted = pd.Series(found).to_numpy()
    tp, fp, fn = int((truth & predicted).sum()), int((~truth & predicted).sum()), int((truth & ~predicted).sum())
    return {
        "gold_rows": len(gold), "gold_quotes": int(truth.sum()), "true_positives": tp, "false_positives": fp,
        "false_negatives": fn, "precision": tp / (tp + fp) if tp + fp else 1.0, "recall": tp / (tp + fn) if tp + fn else 1.0,
        "region_accuracy": sum(regions_ok) / len(regions_ok) if regions_ok else 1.0,
        "missed_lines": misses, "false_positive_lines": false_hits,
    }
