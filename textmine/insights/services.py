"""Service view: one row per service with N, rating distribution, average, satisfaction and change.

Figures come from the report's ``services`` table or are computed from respondents' ratings. Both get
95% confidence intervals (t interval for the mean, Wilson interval for the satisfaction share) and a
small-sample warning, because the report itself says that 10–11 respondents are not significant.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.stats.proportion import proportion_confint

SMALL_N = 30
SMALL_N_WARNING = (
    "N={n} < {limit}: too few respondents for a reliable figure (the report warns that 10–11 respondents "
    "per region are not significant)"
)
SCORES = np.arange(1, 6)
IDENTITY = ["service_no", "service_name", "agency", "provider_level"]


def _interval(counts: np.ndarray, level: float = 0.95) -> dict[str, float]:
    """Mean, t interval of the mean and Wilson interval of the share of 5s, from counts of 1..5."""
    n = int(counts.sum())
    if n == 0:
        return {"n": 0, "avg": np.nan, "avg_ci_low": np.nan, "avg_ci_high": np.nan,
                "satisfaction_pct": np.nan, "satisfaction_ci_low": np.nan, "satisfaction_ci_high": np.nan}
    mean = float((counts * SCORES).sum() / n)
    if n > 1:
        var = float((counts * (SCORES - mean) ** 2).sum() / (n - 1))
        half = float(stats.t.ppf(0.5 + level / 2, n - 1) * np.sqrt(var / n))
    else:
        half = np.nan
    low, high = proportion_confint(int(counts[4]), n, alpha=1 - level, method="wilson")
    return {"n": n, "avg": mean, "avg_ci_low": max(1.0, mean - half), "avg_ci_high": min(5.0, mean + half),
            "satisfaction_pct": 100 * counts[4] / n, "satisfaction_ci_low": 100 * low,
            "satisfaction_ci_high": 100 * high}


def small_n_warning(n: float | None, limit: int = SMALL_N) -> str | None:
    """The warning text for a group of ``n`` respondents, or None when ``n`` is large enough."""
    if n is None or pd.isna(n) or n >= limit:
        return None
    return SMALL_N_WARNING.format(n=int(n), limit=limit)


def service_table(services: pd.DataFrame, small_n: int = SMALL_N) -> pd.DataFrame:
    """The report's service figures with changes vs. last year, intervals and a check of its arithmetic.

    ``services`` follows ``schema.SERVICES``. Added columns: ``delta_avg`` and ``delta_satisfaction_pp``
    (vs. the previous year), ``avg_from_counts`` and ``satisfaction_from_counts`` (recomputed from the
    1..5 counts; they agree with the report to rounding), 95% ``avg_ci_*`` / ``satisfaction_ci_*``, and
    ``warning`` for small samples.
    """
    rows = []
    for record in services.sort_values("service_no").to_dict("records"):
        counts = np.array([record.get(f"n_{k}") for k in SCORES], dtype=float)
        figures = _interval(np.zeros(5) if np.isnan(counts).any() else counts)
        n = record.get("n")
        rows.append({
            **{key: record.get(key) for key in IDENTITY},
            "n": n,
            **{f"n_{k}": record.get(f"n_{k}") for k in SCORES},
            **{f"share_{k}": record.get(f"share_{k}") for k in SCORES},
            "avg_score": record.get("avg_score"),
            "satisfaction_pct": record.get("satisfaction_pct"),
            "prev_avg_score": record.get("prev_avg_score"),
            "prev_satisfaction_pct": record.get("prev_satisfaction_pct"),
            "delta_avg": _difference(record.get("avg_score"), record.get("prev_avg_score")),
            "delta_satisfaction_pp": _difference(record.get("satisfaction_pct"), record.get("prev_satisfaction_pct")),
            "avg_from_counts": figures["avg"],
            "satisfaction_from_counts": figures["satisfaction_pct"],
            **{key: figures[key] for key in ("avg_ci_low", "avg_ci_high", "satisfaction_ci_low", "satisfaction_ci_high")},
            "rank": record.get("rank"),
            "warning": small_n_warning(n, small_n),
        })
    return pd.DataFrame(rows)


def _difference(current: float | None, previous: float | None) -> float:
    if current is None or previous is None or pd.isna(current) or pd.isna(previous):
        return np.nan
    return round(float(current) - float(previous), 4)


def ratings_table(comments: pd.DataFrame, by: str | list[str] = "service_no", rating: str = "rating",
                  small_n: int = SMALL_N) -> pd.DataFrame:
    """Service (or any group) figures computed from respondents' 1–5 ratings, with 95% intervals.

    Rows without a rating are ignored; groups keep their key columns, ``n``, ``n_1``..``n_5``,
    ``share_1``..``share_5`` (percent), ``avg``, ``satisfaction_pct`` (share of 5s), intervals and ``warning``.
    """
    keys = [by] if isinstance(by, str) else list(by)
    missing = [column for column in [*keys, rating] if column not in comments.columns]
    if missing:
        raise KeyError(f"ratings_table: columns missing from the comments: {', '.join(missing)}")
    rated = comments.dropna(subset=[rating])
    bad = rated[~rated[rating].isin(SCORES)]
    if len(bad):
        raise ValueError(f"ratings_table: {len(bad)} ratings outside 1..5, e.g. {bad[rating].iloc[0]!r}")
    rows = []
    for key, group in rated.groupby(keys, dropna=False, sort=True):
        counts = np.bincount(group[rating].astype(int), minlength=6)[1:].astype(float)
        figures = _interval(counts)
        key = key if isinstance(key, tuple) else (key,)
        rows.append({
            **dict(zip(keys, key, strict=True)),
            **{f"n_{k}": int(counts[k - 1]) for k in SCORES},
            **{f"share_{k}": 100 * counts[k - 1] / figures["n"] for k in SCORES},
            **figures,
            "warning": small_n_warning(figures["n"], small_n),
        })
    return pd.DataFrame(rows)
