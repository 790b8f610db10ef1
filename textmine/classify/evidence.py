"""Evidence for each assigned theme: the words of the comment that triggered it.

First the codebook lexicon's words found in the text (what an analyst wrote into the theme's lexicon);
for a theme the lexicon did not fire on, the text's lemma terms that raised that theme's score most in the
trained heads (positive weight x TF-IDF), else its words or word pairs that did. Zero-shot assignments have
only lexicon evidence.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import numpy as np

from textmine.classify.features import lexicon_hits
from textmine.classify.lexicon import compiled, frozen

if TYPE_CHECKING:
    from textmine.classify.model import TrainedThemeClassifier

MAX_MODEL_TERMS = 3


def _model_terms(texts: list[str], missing: list[tuple[int, int]], heads: TrainedThemeClassifier,
                 block: str) -> dict[tuple[int, int], list[str]]:
    """For each (row, theme) in ``missing``: up to :data:`MAX_MODEL_TERMS` terms of the row's text in the
    heads' ``block`` (lemmas, words) with the largest positive contribution to the theme."""
    rows = sorted({i for i, _ in missing})
    values, weights, terms = heads.term_contributions([texts[i] for i in rows], block)
    if not terms:
        return {}
    where = {i: k for k, i in enumerate(rows)}
    found = {}
    for i, j in missing:
        row = values.getrow(where[i])
        contributions = row.data * weights[j, row.indices]
        best = np.argsort(-contributions, kind="stable")[:MAX_MODEL_TERMS]
        found[(i, j)] = [terms[row.indices[k]] for k in best if contributions[k] > 0]
    return found


def theme_evidence(texts: list[str], chosen: np.ndarray, theme_ids: list[str],
                   lexicon: dict[str, dict[str, list[str]]],
                   heads: TrainedThemeClassifier | None = None, scores: np.ndarray | None = None) -> list[str]:
    """Per text, a JSON object: assigned theme (highest ``scores`` first, as in ``themes``) -> its evidence
    words (lexicon words as written in the text, else the heads' strongest lemma terms, else words; ``[]``
    when none is found)."""
    matcher = compiled(frozen(lexicon))
    evidence: list[dict[str, list[str]]] = []
    missing = []
    for i, text in enumerate(texts):
        columns = np.flatnonzero(chosen[i])
        if scores is not None:
            columns = columns[np.argsort(-scores[i, columns], kind="stable")]
        picked = [theme_ids[j] for j in columns]
        hits = lexicon_hits(text, matcher) if picked else {}
        evidence.append({theme: list(hits[theme].words) if theme in hits else [] for theme in picked})
        missing += [(i, theme_ids.index(theme)) for theme in picked if theme not in hits]
    for block in ("lemmas", "words"):
        if not missing or heads is None:
            break
        for (i, j), terms in _model_terms(texts, missing, heads, block).items():
            evidence[i][theme_ids[j]] = terms
        missing = [(i, j) for i, j in missing if not evidence[i][theme_ids[j]]]
    return [json.dumps(row, ensure_ascii=False) for row in evidence]
