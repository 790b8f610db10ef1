"""A service section's figures (headline score and %, last year's, rating distribution) and their reconciliation
with the ranking table."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
from rapidfuzz import fuzz
from scipy.optimize import linear_sum_assignment

from textmine.ingest.report_layout import ReportLayout
from textmine.ingest.report_structure import Section, parse_decimal
from textmine.normalise import Normaliser

_SCORE_TOLERANCE = 0.005
_PCT_TOLERANCE = 0.05
_WEAK_NAME_MATCH = 60.0


def section_figures(section: Section, lines: list[str], layout: ReportLayout, normalise: Normaliser) -> dict:
    """Headline ``avg_score``/``satisfaction_pct``, ``prev_*`` and ``n_1..n_5``/``share_1..share_5`` of a section.

    Values not found stay ``None``; the distribution rows are told apart by their content (the labels of the
    shares and counts rows are sometimes swapped in the PDF text).
    """
    caption = layout.pattern("figures.distribution_caption")
    start = section.blocks["results"] + 1
    end = next((i for i in range(start, section.blocks["conclusions"]) if caption.match(lines[i])),
               section.blocks["conclusions"])
    headline = normalise("\n".join(lines[start:end]))
    out: dict = {}
    previous = layout.pattern("figures.previous").search(headline)
    if previous:
        out["prev_satisfaction_pct"] = parse_decimal(previous.group("pct"))
        out["prev_avg_score"] = parse_decimal(previous.group("avg"))
        headline = headline[: previous.start()] + headline[previous.end():]
    for key, name in (("avg_score", "figures.score"), ("satisfaction_pct", "figures.percent")):
        found = layout.pattern(name).search(headline)
        out[key] = parse_decimal(found.group("v")) if found else None
    out.update(_distribution(lines, end, section.blocks["conclusions"], layout))
    return out


def _distribution(lines: list[str], start: int, stop: int, layout: ReportLayout) -> dict:
    row = layout.pattern("figures.distribution_row")
    share, count = layout.pattern("figures.share_value"), layout.pattern("figures.count_value")
    out: dict = {}
    for i in range(start, min(stop, start + 12)):
        found = row.match(lines[i])
        if not found:
            continue
        values = found.group("values")
        if "%" in values:
            shares = [parse_decimal(m.group("v")) for m in share.finditer(values)]
            if len(shares) == 5:
                out.update({f"share_{k}": v for k, v in enumerate(shares, 1)})
        else:
            counts = [int(m.group("v")) for m in count.finditer(values)]
            if len(counts) == 5:
                out.update({f"n_{k}": v for k, v in enumerate(counts, 1)})
    return out


def _name_key(name: str) -> str:
    return " ".join(re.findall(r"\w+", name.lower()))


def match_ranking(names: list[str], ranking_names: list[str]) -> list[tuple[int, float]]:
    """For each section name, the index of its ranking-table row and the name similarity (0-100).

    One-to-one assignment maximising total ``token_set_ratio`` similarity, so near-identical names
    (the three tractor services) cannot both take the same row.
    """
    scores = np.array([[fuzz.token_set_ratio(_name_key(a), _name_key(b)) for b in ranking_names] for a in names])
    rows, cols = linear_sum_assignment(-scores)
    by_row = dict(zip(rows.tolist(), cols.tolist(), strict=True))
    return [(by_row[i], float(scores[i, by_row[i]])) for i in range(len(names))]


def reconcile(services: pd.DataFrame, ranking: pd.DataFrame) -> pd.DataFrame:
    """``services`` with the ranking columns filled and ``reconciled``/``reconcile_note`` set."""
    matches = match_ranking(services["service_name"].tolist(), ranking["ranking_name"].tolist())
    out = services.copy()
    picked = ranking.iloc[[m[0] for m in matches]].reset_index(drop=True)
    for column in ("rank", "ranking_name", "ranking_avg_score", "ranking_satisfaction_pct"):
        out[column] = picked[column].to_numpy()
    reconciled, notes = [], []
    for (_, row), (_, similarity) in zip(out.iterrows(), matches, strict=True):
        problems = []
        if row["avg_score"] is None or pd.isna(row["avg_score"]) or abs(row["avg_score"] - row["ranking_avg_score"]) > _SCORE_TOLERANCE:
            problems.append(f"avg_score {row['avg_score']} vs table 3 {row['ranking_avg_score']}")
        if row["satisfaction_pct"] is None or pd.isna(row["satisfaction_pct"]) \
                or abs(row["satisfaction_pct"] - row["ranking_satisfaction_pct"]) > _PCT_TOLERANCE:
            problems.append(f"satisfaction_pct {row['satisfaction_pct']} vs table 3 {row['ranking_satisfaction_pct']}")
        if similarity < _WEAK_NAME_MATCH:
            problems.append(f"weak name match ({similarity:.0f}) to table 3 row {row['rank']}")
        problems += _internal_checks(row)
        # A weak name match is reported but not held against a row whose figures agree (they corroborate it).
        reconciled.append(not any(p.startswith(("avg_score", "satisfaction_pct")) for p in problems))
        notes.append("; ".join(problems) or None)
    out["reconciled"] = reconciled
    out["reconcile_note"] = notes
    return out


def _internal_checks(row: pd.Series) -> list[str]:
    """Disagreements inside the section itself (reported, not counted against reconciliation)."""
    problems = []
    counts = [row.get(f"n_{k}") for k in range(1, 6)]
    if all(c is not None and not pd.isna(c) for c in counts) and row["n"] is not None and sum(counts) != row["n"]:
        problems.append(f"distribution counts sum to {sum(counts)}, table 1 N is {row['n']}")
    share_5 = row.get("share_5")
    if share_5 is not None and not pd.isna(share_5) and row["satisfaction_pct"] is not None \
            and not pd.isna(row["satisfaction_pct"]) and abs(share_5 - row["satisfaction_pct"]) > _PCT_TOLERANCE:
        problems.append(f"share of 5s {share_5} differs from headline satisfaction {row['satisfaction_pct']}")
    return problems
