"""Demo stores for the app's tests and benchmark: the bundled seed comments (optionally recombined
into a larger synthetic corpus) with keyword-rule themes, so the app can be driven without the
trained classifier. Not an analysis: the themes here are crude on purpose.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from textmine import schema
from textmine.store import Store

BUNDLED = Path("data/comments")

# theme id -> lower-case word stems (Kazakh and Russian) that mark it
KEYWORDS: dict[str, tuple[str, ...]] = {
    "deadlines": ("мерзім", "срок", "ұзақ", "долго", "ай ", "күн"),
    "queues": ("кезек", "очеред", "талон", "терезе", "окн"),
    "staff_competence": ("білікт", "сауат", "маман", "компетент", "специалист"),
    "staff_attitude": ("дөрекі", "әдепті", "сыпайы", "груб", "вежлив"),
    "documents": ("құжат", "анықтама", "документ", "справк"),
    "information": ("ақпарат", "түсінік", "информац", "консультац"),
    "portal_failures": ("портал", "egov", "сайт", "жүйе", "систем"),
    "costs": ("ақы", "төле", "қымбат", "баж", "оплат", "дорог"),
}
PRAISE = ("рахмет", "жақсы", "риза", "спасибо", "хорошо", "доволен")
SUGGESTION = ("керек", "болса екен", "нужно", "хотелось", "ұсын")


def bundled_tables(folder: Path = BUNDLED) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The bundled comments and services CSVs, validated against their schemas."""
    comments = pd.read_csv(folder / "comments.csv", dtype={"rating": "Int64", "service_no": "Int64", "source_line": "Int64"})
    services = pd.read_csv(folder / "services.csv")
    return (schema.validate(comments[list(schema.COMMENTS.columns)], schema.COMMENTS),
            schema.validate(services[list(schema.SERVICES.columns)], schema.SERVICES))


def keyword_themes(comments: pd.DataFrame) -> pd.DataFrame:
    """``COMMENT_THEMES`` rows from keyword rules: a theme scores 0.6-0.9 when its stems occur, else a
    deterministic 0.05-0.45; polarity from praise/suggestion words, complaint otherwise."""
    rows = []
    for comment_id, text in zip(comments["id"], comments["text"], strict=True):
        lowered = f" {text.lower()} "
        jitter = np.random.default_rng(int(comment_id[:8], 16)).uniform(0.05, 0.45, len(KEYWORDS))
        scores = {}
        for (theme, stems), low in zip(KEYWORDS.items(), jitter, strict=True):
            hits = sum(lowered.count(stem) for stem in stems)
            scores[theme] = round(min(0.6 + 0.1 * hits, 0.9) if hits else float(low), 3)
        themes = [theme for theme, score in sorted(scores.items(), key=lambda kv: -kv[1]) if score >= 0.5]
        polarity = ("praise" if any(w in lowered for w in PRAISE) and not themes
                    else "suggestion" if any(w in lowered for w in SUGGESTION) else "complaint" if themes else "neutral")
        evidence = {theme: [stem for stem in KEYWORDS[theme] if stem in lowered] for theme in themes}
        rows.append({"id": comment_id, "themes": ";".join(themes), "theme_scores": json.dumps(scores),
                     "theme_uncertain": False, "theme_evidence": json.dumps(evidence, ensure_ascii=False),
                     "polarity": polarity, "theme_mode": "zero_shot"})
    return pd.DataFrame(rows, columns=list(schema.COMMENT_THEMES.columns))


def recombine(comments: pd.DataFrame, n: int, seed: int = 0) -> pd.DataFrame:
    """``n`` synthetic comments: each takes a random seed comment's attributes and its text, joined half
    of the time with another random comment's text; ids are fresh and stable for a given seed."""
    rng = np.random.default_rng(seed)
    base = comments.iloc[rng.integers(0, len(comments), n)].reset_index(drop=True)
    other = comments["text"].to_numpy()[rng.integers(0, len(comments), n)]
    joined = rng.random(n) < 0.5
    text = np.where(joined, base["text"].to_numpy() + " " + other, base["text"].to_numpy())
    ratings = pd.array(rng.integers(1, 6, n), dtype="Int64")
    lines = pd.array(np.arange(1, n + 1), dtype="Int64")
    out = base.assign(text=text, raw_text=text, rating=ratings, source_file="synthetic.csv", source_line=lines)
    out["id"] = [schema.comment_id("synthetic.csv", i, t) for i, t in zip(range(1, n + 1), text, strict=True)]
    return out


def build_demo_store(path: Path, n: int | None = None, seed: int = 0, folder: Path = BUNDLED) -> Path:
    """Write a store at ``path`` from the bundled tables (recombined to ``n`` comments when given)."""
    comments, services = bundled_tables(folder)
    if n is not None:
        comments = recombine(comments, n, seed)
    with Store(path) as store:
        for source, part in comments.groupby("source_file"):
            store.replace_source(str(source), part, schema.empty(schema.REJECTS))
        store.replace_services(services)
        store.replace_themes(keyword_themes(comments))
    return path
