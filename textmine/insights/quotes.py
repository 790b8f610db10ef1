"""Representative quotes: for any group of comments pick k that are central, diverse, quotable and
attributed, and show the scores that got each one picked.

- centrality: cosine to the group's centroid, min–max scaled within the group (e5 similarities are
  compressed into a narrow band, so raw cosines say little);
- theme score: the classifier's score for the theme (1 for hand labels, absent for non-theme groups);
- quotability: a sensible length, a complete thought, mostly letters (:func:`quotability`);
- diversity: maximal marginal relevance; redundancy is the largest similarity to an already chosen
  quote, scaled between the group's median pairwise similarity (0) and identity (1); candidates at
  ``duplicate_cosine`` or above of a chosen quote are never taken.
"""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd

from textmine.insights.profile import split_themes

_WORD = re.compile(r"\w+", re.UNICODE)
_FRAGMENT_END = ("...", "…", ",", ":", ";", "-", "–", "(")
WEIGHTS = {"centrality": 0.4, "theme_score": 0.35, "quotability": 0.25}
ATTRIBUTION_COLUMNS = ["id", "service_no", "service_name", "agency", "region", "lang", "source_file", "source_line"]


def quotability(text: str, shortest: int = 5, longest: int = 40) -> float:
    """0..1: how well a text stands alone as a quote.

    Length: full marks from ``shortest`` to ``longest`` words, less outside. Completeness: a fragment
    (starts in lower case, ends on a comma, colon or ellipsis) counts 0.6. Noise: the share of letters
    among non-space characters scales the score down below 0.8.
    """
    text = text.strip()
    words = len(_WORD.findall(text))
    if words == 0:
        return 0.0
    length = min(1.0, words / shortest) if words < longest else max(0.3, longest / words)
    first = text.lstrip("«\"'(")[:1]
    fragment = (first.isalpha() and first.islower()) or text.endswith(_FRAGMENT_END)
    compact = [c for c in text if not c.isspace()]
    letters = sum(c.isalpha() for c in compact) / max(1, len(compact))
    return round(length * (0.6 if fragment else 1.0) * min(1.0, letters / 0.8), 4)


def filter_comments(coded: pd.DataFrame, theme: str | None = None, **equals: object) -> pd.DataFrame:
    """Comments raising ``theme`` (if given) whose columns equal the given values (``service_no=12``,
    ``region="Астана"``, ``polarity="complaint"``, ``cluster=3``); ``None`` values are ignored."""
    mask = pd.Series(True, index=coded.index)
    if theme is not None:
        mask &= coded["themes"].map(lambda value: theme in split_themes(value))
    for column, value in equals.items():
        if value is None:
            continue
        if column not in coded.columns:
            raise KeyError(f"cannot filter on {column!r}: no such column (have {', '.join(coded.columns)})")
        mask &= coded[column] == value
    return coded[mask.fillna(False).astype(bool)]


def _theme_scores(group: pd.DataFrame, theme: str | None) -> np.ndarray:
    if theme is None or "theme_scores" not in group.columns:
        return np.ones(len(group))
    def score(value: object) -> float:
        if not isinstance(value, str) or not value:
            return 1.0
        return float(json.loads(value).get(theme, 0.0))
    return group["theme_scores"].map(score).to_numpy(float)


def representative_quotes(coded: pd.DataFrame, vectors: np.ndarray, k: int = 5, theme: str | None = None,
                          diversity: float = 0.3, min_quotability: float = 0.35, duplicate_cosine: float = 0.95,
                          weights: dict[str, float] | None = None, **equals: object) -> pd.DataFrame:
    """The ``k`` best quotes of the comments selected by ``theme`` and ``equals`` (see
    :func:`filter_comments`), best first, with attribution and the scores that picked them.

    ``vectors`` holds one L2-normalised embedding per row of ``coded`` (same order). ``diversity`` is the
    MMR trade-off (0: relevance only). Candidates below ``min_quotability`` are used only when too few
    remain. Columns: ``rank``, ``text``, attribution columns, ``centrality``, ``theme_score``,
    ``quotability``, ``relevance``, ``redundancy``, ``mmr``.
    """
    if len(vectors) != len(coded):
        raise ValueError(f"{len(vectors)} vectors for {len(coded)} comments: they must align row by row")
    weights = weights or WEIGHTS
    positions = coded.index.get_indexer(filter_comments(coded, theme, **equals).index)
    group, matrix = coded.iloc[positions], np.asarray(vectors, dtype=np.float64)[positions]
    if group.empty:
        return pd.DataFrame(columns=["rank", "text", *ATTRIBUTION_COLUMNS])
    centroid = matrix.mean(axis=0)
    raw = matrix @ (centroid / np.linalg.norm(centroid))
    spread = raw.max() - raw.min()
    scores = pd.DataFrame({
        "centrality": (raw - raw.min()) / spread if spread > 0 else np.ones(len(group)),
        "theme_score": _theme_scores(group, theme),
        "quotability": group["text"].map(quotability).to_numpy(float),
    })
    scores["relevance"] = sum(weights[name] * scores[name] for name in weights) / sum(weights.values())
    similarity = matrix @ matrix.T
    floor = float(np.median(similarity[np.triu_indices(len(group), 1)])) if len(group) > 1 else 0.0
    chosen, redundancy, mmr = _mmr(scores, similarity, floor, k, diversity, min_quotability, duplicate_cosine)
    attribution = [c for c in ATTRIBUTION_COLUMNS if c in group.columns]
    picked = group.iloc[chosen][["text", *attribution]].reset_index(drop=True)
    result = pd.concat([picked, scores.iloc[chosen].reset_index(drop=True)], axis=1)
    result["redundancy"], result["mmr"] = redundancy, mmr
    result.insert(0, "rank", range(1, len(result) + 1))
    return result.round({name: 4 for name in ("centrality", "theme_score", "quotability", "relevance",
                                              "redundancy", "mmr")})


def _mmr(scores: pd.DataFrame, similarity: np.ndarray, floor: float, k: int, diversity: float,
         min_quotability: float, duplicate_cosine: float) -> tuple[list[int], list[float], list[float]]:
    """Greedy maximal marginal relevance; quotable candidates first, near-duplicates never."""
    relevance = scores["relevance"].to_numpy()
    quotable = scores["quotability"].to_numpy() >= min_quotability
    chosen: list[int] = []
    redundancies: list[float] = []
    mmrs: list[float] = []
    blocked = np.zeros(len(scores), dtype=bool)
    while len(chosen) < k:
        if chosen:
            nearest = similarity[:, chosen].max(axis=1)
            redundancy = np.clip((nearest - floor) / (1 - floor), 0, 1) if floor < 1 else nearest
            blocked |= nearest >= duplicate_cosine
        else:
            redundancy = np.zeros(len(scores))
        value = (1 - diversity) * relevance - diversity * redundancy
        open_ = ~blocked
        open_[chosen] = False
        pool = open_ & quotable if (open_ & quotable).any() else open_
        if not pool.any():
            break
        best = int(np.flatnonzero(pool)[np.argmax(value[pool])])
        chosen.append(best)
        redundancies.append(float(redundancy[best]))
        mmrs.append(float(value[best]))
    return chosen, redundancies, mmrs


ATTRIBUTION_WORDS = {  # the words of an attribution per language: service, line, language names
    "en": ("service {n}", "line {line}", {"kk": "Kazakh", "ru": "Russian", "mixed": "mixed"}),
    "kk": ("{n}-қызмет", "{line}-жол", {"kk": "қазақша", "ru": "орысша", "mixed": "аралас"}),
    "ru": ("услуга {n}", "строка {line}", {"kk": "казахский", "ru": "русский", "mixed": "смешанный"}),
}


def attribution(row: pd.Series | dict, lang: str = "en") -> str:
    """Human-readable source of a quote in ``lang`` (en, kk or ru): service, region, language and report line."""
    if lang not in ATTRIBUTION_WORDS:
        raise ValueError(f"attribution language must be one of {', '.join(ATTRIBUTION_WORDS)}, not {lang!r}")
    service, line, languages = ATTRIBUTION_WORDS[lang]
    get = row.get
    parts = []
    if _present(get("service_no")):
        name = f" «{get('service_name')}»" if _present(get("service_name")) else ""
        parts.append(service.format(n=int(get("service_no"))) + name)
    if _present(get("region")):
        parts.append(str(get("region")))
    if _present(get("lang")):
        parts.append(languages.get(str(get("lang")), str(get("lang"))))
    if _present(get("source_line")):
        source = get("source_file") if _present(get("source_file")) else "source"
        parts.append(f"{source}, {line.format(line=int(get('source_line')))}")
    return "; ".join(parts)


def _present(value: object) -> bool:
    return value is not None and not (isinstance(value, float) and np.isnan(value)) and value is not pd.NA \
        and str(value) != ""
