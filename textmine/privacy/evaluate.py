"""Precision / recall / F1 of the PII detector on a labelled set (data/eval/pii_testset.csv)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from textmine.privacy.detect import PLACEHOLDERS, find_pii

TESTSET = Path("data/eval/pii_testset.csv")
LANGS = ("kk", "ru", "mixed")
Span = tuple[int, int, str]


def read_testset(path: Path = TESTSET) -> pd.DataFrame:
    """The labelled sentences with their gold ``spans`` parsed to lists of (start, end, kind); bad rows raise."""
    frame = pd.read_csv(path, dtype={"id": str, "lang": str, "text": str, "spans": str}, keep_default_na=False)
    missing = {"id", "lang", "text", "spans"} - set(frame.columns)
    if missing:
        raise ValueError(f"{path}: missing column(s) {sorted(missing)}")
    gold = []
    for row, record in enumerate(frame.itertuples(index=False), start=2):
        where = f"{path}, line {row} (id {record.id})"
        if record.lang not in LANGS:
            raise ValueError(f"{where}: lang must be one of {LANGS}, got {record.lang!r}")
        try:
            spans = [(int(start), int(end), str(kind)) for start, end, kind in json.loads(record.spans)]
        except (ValueError, TypeError) as error:
            raise ValueError(f"{where}: spans must be a JSON list of [start, end, kind]: {error}") from None
        for start, end, kind in spans:
            if kind not in PLACEHOLDERS or not 0 <= start < end <= len(record.text):
                raise ValueError(f"{where}: bad span {[start, end, kind]} for a text of {len(record.text)} chars")
        gold.append(spans)
    return frame.assign(spans=gold)


def _scores(gold: list[set[Span]], pred: list[set[Span]], kind: str | None) -> dict[str, float | int]:
    def pick(spans: set[Span]) -> set[Span]:
        return {span for span in spans if kind is None or span[2] == kind}

    def overlaps(span: Span, others: set[Span]) -> bool:
        return any(span[2] == o[2] and span[0] < o[1] and o[0] < span[1] for o in others)

    tp = fp = fn = overlap_tp_pred = overlap_tp_gold = 0
    for gold_spans, pred_spans in zip(gold, pred, strict=True):
        g, p = pick(gold_spans), pick(pred_spans)
        tp, fp, fn = tp + len(g & p), fp + len(p - g), fn + len(g - p)
        overlap_tp_pred += sum(overlaps(span, g) for span in p)
        overlap_tp_gold += sum(overlaps(span, p) for span in g)
    n_gold, n_pred = tp + fn, tp + fp
    precision = tp / n_pred if n_pred else 1.0
    recall = tp / n_gold if n_gold else 1.0
    return {"support": n_gold, "predicted": n_pred, "tp": tp, "fp": fp, "fn": fn, "precision": precision,
            "recall": recall, "f1": 2 * precision * recall / (precision + recall) if precision + recall else 0.0,
            "overlap_precision": overlap_tp_pred / n_pred if n_pred else 1.0,
            "overlap_recall": overlap_tp_gold / n_gold if n_gold else 1.0}


def evaluate_pii(testset: Path | pd.DataFrame = TESTSET) -> pd.DataFrame:
    """Span-level exact-match P/R/F1 (and overlap P/R) per kind, per language and overall.

    Rows: one per kind (all languages), one per language (all kinds) and ``all``; plus the share of
    sentences without personal data in which something was flagged (``clean_flagged``, on every row).
    """
    frame = testset if isinstance(testset, pd.DataFrame) else read_testset(Path(testset))
    gold = [set(spans) for spans in frame["spans"]]
    pred = [{(span.start, span.end, span.kind) for span in find_pii(text)} for text in frame["text"]]
    rows = [{"scope": "kind", "name": kind, **_scores(gold, pred, kind)} for kind in PLACEHOLDERS]
    for lang in LANGS:
        chosen = (frame["lang"] == lang).to_numpy()
        rows.append({"scope": "lang", "name": lang, **_scores(
            [g for g, keep in zip(gold, chosen, strict=True) if keep], [p for p, keep in zip(pred, chosen, strict=True) if keep], None)})
    rows.append({"scope": "overall", "name": "all", **_scores(gold, pred, None)})
    clean = [bool(p) for g, p in zip(gold, pred, strict=True) if not g]
    result = pd.DataFrame(rows)
    result["clean_flagged"] = sum(clean) / len(clean) if clean else 0.0
    return result.round(3)
