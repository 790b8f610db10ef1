"""Agreement between coders: named coders label the same seeded sample blind; per theme percent
agreement, Cohen's κ (two coders) and Krippendorff's α (any number, missing labels allowed), with the model
as one more coder when asked; disagreements are settled into gold labels that training reads.

Labels live in the store's ``coder_labels`` (``comment_id, coder, theme, present, at``), append-only: a
coder's latest label of a comment and theme counts. A coder labels a comment by choosing the themes present;
every other theme of the taxonomy is recorded absent, so a comment the coder never saw stays missing. A
settled label is a row of the reserved coder ``settled``, and the same decision goes to ``label_feedback``
as an accept (present) or reject (absent), with the settling coder as its ``reviewer``: ``textmine train``
applies it like any analyst's decision.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from itertools import combinations

import numpy as np
import pandas as pd
from sklearn.metrics import cohen_kappa_score

from textmine import schema

MODEL = "model"
SETTLED = "settled"
RESERVED = (MODEL, SETTLED)
TABLE_COLUMNS = ["theme", "units", "coders", "agreement", "kappa", "alpha"]


def check_coder(name: str) -> str:
    """The coder's name stripped; refuses an empty or reserved name."""
    name = name.strip()
    if not name:
        raise ValueError("a coder needs a name")
    if name.lower() in RESERVED:
        raise ValueError(f"coder name {name!r} is reserved ({', '.join(RESERVED)}); choose another")
    return name


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def sample_ids(frame: Callable[[str, Sequence], pd.DataFrame], table: str, where: str, params: Sequence,
               n: int, seed: int) -> list[str]:
    """``n`` comment ids of ``table`` (``comments`` in the store, ``app_comments`` in the read model) passing
    ``where``, drawn by ``seed``: ordered by the MD5 of ``seed:id``, so every coder, the app and the CLI
    draw the same sample from the same comments. ``frame(sql, params)`` runs a query."""
    if n < 1:
        raise ValueError(f"a sample needs at least one comment, got n={n}")
    found = frame(f"SELECT id FROM {table} WHERE {where} ORDER BY md5(? || ':' || id), id LIMIT {int(n)}",
                  [*params, str(int(seed))])
    return found["id"].tolist()


def coder_rows(comment_id: str, coder: str, present: Sequence[str], theme_ids: Sequence[str]) -> pd.DataFrame:
    """A coder's labels of one comment: every theme of ``theme_ids``, present when in ``present``."""
    unknown = sorted(set(present) - set(theme_ids))
    if unknown:
        raise ValueError(f"themes not in the taxonomy: {', '.join(unknown)}")
    at = _now()
    return pd.DataFrame({"comment_id": comment_id, "coder": coder, "theme": list(theme_ids),
                         "present": [theme in present for theme in theme_ids], "at": at},
                        columns=list(schema.CODER_LABELS.columns))


def settle_rows(comment_id: str, theme: str, present: bool, by: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A settled label: its ``coder_labels`` row (coder ``settled``) and its ``label_feedback`` row
    (accept when present, reject when absent; reviewer: ``by``, the settling coder, checked as a coder's
    name), the gold ``textmine train`` reads."""
    by = check_coder(by)
    at = _now()
    label = pd.DataFrame([{"comment_id": comment_id, "coder": SETTLED, "theme": theme, "present": present, "at": at}])
    feedback = pd.DataFrame([{"comment_id": comment_id, "theme": theme, "decision": "accept" if present else "reject",
                              "polarity": None, "at": at, "reviewer": by}], columns=list(schema.LABEL_FEEDBACK.columns))
    return label, feedback


def latest(labels: pd.DataFrame) -> pd.DataFrame:
    """Each coder's latest label per comment and theme."""
    ordered = labels.sort_values("at", kind="stable")
    return ordered.drop_duplicates(["comment_id", "coder", "theme"], keep="last").reset_index(drop=True)


def model_labels(comment_ids: Sequence[str], assigned: pd.DataFrame, theme_ids: Sequence[str]) -> pd.DataFrame:
    """The model's labels of ``comment_ids`` as coder ``model``: a theme is present when the comment's
    ``themes`` (``assigned``: ``id``, ``themes`` as ``'a;b'``, optionally ``theme_uncertain``) hold it, unless
    it is only an uncertain best guess (under the threshold); comments it did not code are left out."""
    themes = assigned.set_index("id")["themes"]
    if "theme_uncertain" in assigned:
        themes = themes.where(~assigned["theme_uncertain"].fillna(False).astype(bool).to_numpy(), "")
    rows = [{"comment_id": cid, "coder": MODEL, "theme": theme, "present": theme in str(themes[cid]).split(";"),
             "at": ""} for cid in comment_ids if cid in themes.index for theme in theme_ids]
    return pd.DataFrame(rows, columns=list(schema.CODER_LABELS.columns))


def reliability_matrix(labels: pd.DataFrame, theme: str, coders: Sequence[str]) -> np.ndarray:
    """Coders × comments of 1 (present), 0 (absent) or NaN (not labelled) for ``theme``."""
    chosen = labels[(labels["theme"] == theme) & labels["coder"].isin(coders)]
    table = chosen.pivot_table(index="coder", columns="comment_id", values="present", aggfunc="last")
    return table.reindex(list(coders)).astype(float).to_numpy()


def krippendorff_alpha(matrix: np.ndarray) -> float:
    """Krippendorff's α for nominal values: ``matrix`` is coders × units, NaN where a coder gave no value.

    Built from the coincidence matrix (Krippendorff 2011, "Computing Krippendorff's alpha-reliability"):
    α = 1 − (n − 1) Σ_{c≠k} o_ck / Σ_{c≠k} n_c n_k over pairable values (units coded at least twice).
    NaN when fewer than two pairable values or only one value occurs (no variation to agree on)."""
    matrix = np.asarray(matrix, dtype=float)
    values = np.unique(matrix[~np.isnan(matrix)])
    coincidence = np.zeros((len(values), len(values)))
    for unit in matrix.T:
        coded = unit[~np.isnan(unit)]
        if len(coded) < 2:
            continue
        counts = np.array([(coded == value).sum() for value in values], dtype=float)
        coincidence += (np.outer(counts, counts) - np.diag(counts)) / (len(coded) - 1)
    totals = coincidence.sum(axis=1)
    n = totals.sum()
    expected = n * n - (totals**2).sum()
    if n < 2 or expected == 0:
        return float("nan")
    observed = coincidence.sum() - np.trace(coincidence)
    return float(1 - (n - 1) * observed / expected)


def percent_agreement(matrix: np.ndarray) -> float:
    """Share of agreeing pairs among every pair of coders who both labelled a unit (NaN when none)."""
    agree = pairs = 0
    for unit in np.asarray(matrix, dtype=float).T:
        coded = unit[~np.isnan(unit)]
        for a, b in combinations(coded, 2):
            agree += a == b
            pairs += 1
    return agree / pairs if pairs else float("nan")


def cohen_kappa(matrix: np.ndarray) -> float:
    """Cohen's κ of a two-coder matrix over the units both labelled (NaN when undefined: fewer than two such
    units, or both coders gave one same value throughout)."""
    both = ~np.isnan(matrix).any(axis=0)
    first, second = matrix[0, both], matrix[1, both]
    if both.sum() < 2 or len(np.unique(np.concatenate([first, second]))) < 2:
        return float("nan")
    return float(cohen_kappa_score(first, second))


def agreement_table(labels: pd.DataFrame, theme_ids: Sequence[str], coders: Sequence[str] | None = None) -> pd.DataFrame:
    """Per theme: ``units`` (comments labelled by two or more of the coders), ``coders``, percent
    ``agreement``, Cohen's ``kappa`` (only with exactly two coders) and Krippendorff's ``alpha``.

    ``labels``: coder labels (latest per coder, comment and theme; add :func:`model_labels` to count the
    model as a coder); ``coders``: whom to compare (default: every coder but ``settled``)."""
    labels = latest(labels)
    coders = list(coders) if coders is not None else sorted(set(labels["coder"]) - {SETTLED})
    rows = []
    for theme in theme_ids:
        matrix = reliability_matrix(labels, theme, coders) if coders else np.zeros((0, 0))
        pairable = int((np.sum(~np.isnan(matrix), axis=0) >= 2).sum()) if matrix.size else 0
        rows.append({"theme": theme, "units": pairable, "coders": len(coders),
                     "agreement": percent_agreement(matrix) if matrix.size else float("nan"),
                     "kappa": cohen_kappa(matrix) if len(coders) == 2 and matrix.size else float("nan"),
                     "alpha": krippendorff_alpha(matrix) if matrix.size else float("nan")})
    return pd.DataFrame(rows, columns=TABLE_COLUMNS)


def disagreements(labels: pd.DataFrame, coders: Sequence[str] | None = None) -> pd.DataFrame:
    """Comment × theme pairs where the coders' latest labels differ and no settled label exists yet:
    ``comment_id``, ``theme``, ``present`` (coders saying present) and ``absent`` (coders saying absent)."""
    labels = latest(labels)
    settled = set(labels.loc[labels["coder"] == SETTLED, ["comment_id", "theme"]].itertuples(index=False, name=None))
    coders = list(coders) if coders is not None else sorted(set(labels["coder"]) - {SETTLED})
    votes = labels[labels["coder"].isin(coders)]
    rows = []
    for (comment_id, theme), group in votes.groupby(["comment_id", "theme"], sort=True):
        if group["present"].nunique() > 1 and (comment_id, theme) not in settled:
            rows.append({"comment_id": comment_id, "theme": theme,
                         "present": ", ".join(sorted(group.loc[group["present"], "coder"])),
                         "absent": ", ".join(sorted(group.loc[~group["present"], "coder"]))})
    return pd.DataFrame(rows, columns=["comment_id", "theme", "present", "absent"])
