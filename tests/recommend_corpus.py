"""A synthetic coded corpus with a known answer for the priority and brief tests, built from real
Kazakh seed quotes (hand labels give their themes and polarity).

Six services, 20 comments each. Every service gets a seeded mix of single-theme complaints on
documents, information, staff competence, access and queues. Service 3 instead gets 10 deadline
complaints and 3 praise comments on staff attitude; its deadline aspect score is 4.10 against 4.60–4.75
for the others. Every service also scores documents 4.60 and information 4.65, so service 3's own mean over
its scored themes is (4.10 + 4.60 + 4.65) / 3 = 4.45.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer

from textmine.insights.labels import read_labels

BACKGROUND = ("documents", "information", "staff_competence", "access_conditions", "queues")
SERVICES = range(1, 7)
TARGET = 3
DEADLINE_SCORES = {1: 4.65, 2: 4.70, 3: 4.10, 4: 4.60, 5: 4.75, 6: 4.62}


def _pool(labels: pd.DataFrame, themes: str, polarity: str) -> pd.DataFrame:
    rows = labels[(labels["themes"] == themes) & (labels["polarity"] == polarity)]
    return rows.drop_duplicates("text").reset_index(drop=True)


def corpus(seed: int = 0) -> pd.DataFrame:
    """The coded comments (columns as the store's comments joined with their themes; ``rating`` null)."""
    rng = np.random.default_rng(seed)
    labels = read_labels()
    background = pd.concat([_pool(labels, theme, "complaint") for theme in BACKGROUND], ignore_index=True)
    deadlines = _pool(labels, "deadlines", "complaint").head(10)
    praise = labels[(labels["polarity"] == "praise") & labels["themes"].str.contains("staff_attitude", na=False)]
    praise = praise.drop_duplicates("text").head(3).assign(themes="staff_attitude;praise")
    order = rng.permutation(len(background))
    parts, used = [], 0
    for service in SERVICES:
        own = [deadlines, praise] if service == TARGET else []
        fill = 20 - sum(len(p) for p in own)
        parts.append(pd.concat([*own, background.iloc[order[used:used + fill]]], ignore_index=True)
                     .assign(service_no=service))
        used += fill
    frame = pd.concat(parts, ignore_index=True)
    return pd.DataFrame({
        "id": [f"c{i:03d}" for i in range(len(frame))],
        "text": frame["text"],
        "lang": "kk",
        "service_no": frame["service_no"].astype("Int64"),
        "service_name": frame["service_no"].map(lambda s: f"Қызмет {s}"),
        "agency": frame["service_no"].map(lambda s: "ӘМ" if s <= 3 else "ІІМ"),
        "region": np.where(np.arange(len(frame)) % 2, "Алматы", "Астана"),
        "rating": pd.array([pd.NA] * len(frame), dtype="Int64"),
        "source_file": "monitoring_report_2018_kk.txt",
        "source_line": frame["source_line"].astype("Int64"),
        "themes": frame["themes"],
        "theme_scores": "",
        "polarity": frame["polarity"],
    })


def services() -> pd.DataFrame:
    """The services table (the columns the brief reads)."""
    return pd.DataFrame({"service_no": pd.array(list(SERVICES), dtype="Int64"),
                         "service_name": [f"Қызмет {s}" for s in SERVICES],
                         "agency": ["ӘМ" if s <= 3 else "ІІМ" for s in SERVICES],
                         "n": [150, 120, 90, 60, 200, 40], "avg_score": [4.6, 4.7, 4.2, 4.5, 4.8, 4.4],
                         "satisfaction_pct": [80.0, 85.5, 61.2, 75.0, 90.1, 70.0]})


def aspects() -> pd.DataFrame:
    """The aspect table contract: deadline, documents and information scores per service, plus a theme-less
    aspect."""
    rows = [{"service_no": s, "aspect": "deadlines", "aspect_text": "қызмет көрсету мерзімдері",
             "satisfaction_pct": 80.0, "score": score, "channel": None, "theme": "deadlines",
             "source_line": 1000 + s, "source": "monitoring_report_2018_kk.txt"}
            for s, score in DEADLINE_SCORES.items()]
    rows += [{"service_no": s, "aspect": theme, "aspect_text": theme, "satisfaction_pct": 80.0, "score": score,
              "channel": None, "theme": theme, "source_line": line + s, "source": "monitoring_report_2018_kk.txt"}
             for s in DEADLINE_SCORES for theme, score, line in (("documents", 4.60, 1100), ("information", 4.65, 1200))]
    rows.append({"service_no": TARGET, "aspect": "trust", "aspect_text": "сенім", "satisfaction_pct": 81.1,
                 "score": 4.71, "channel": None, "theme": None, "source_line": 2000,
                 "source": "monitoring_report_2018_kk.txt"})
    return pd.DataFrame(rows)


def vectors(coded: pd.DataFrame) -> np.ndarray:
    """Character n-gram TF-IDF rows (L2-normalised): a cheap stand-in for sentence embeddings."""
    return TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4)).fit_transform(coded["text"]).toarray()
