"""Drivers: which themes go with lower or higher ratings.

Respondent level (comments with a 1–5 ``rating``):
- :func:`with_without` mean rating of comments with vs. without each theme (Welch interval);
- :func:`regression_drivers` OLS of the rating on all theme indicators at once, HC3 robust intervals;
- :func:`impact` how much the average would change if the respondents raising a theme were left out.

Report level only (no respondent ratings): :func:`service_association` correlates services' theme
shares with their average scores across services. That is an association between services, not a cause.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from textmine.insights.profile import theme_indicators

ASSOCIATION_LABEL = "service-level association across services, not cause"


def _rated(coded: pd.DataFrame, rating: str) -> pd.DataFrame:
    if rating not in coded.columns:
        raise KeyError(f"no {rating!r} column: respondent-level drivers need each comment's rating")
    rated = coded.dropna(subset=[rating])
    if rated.empty:
        raise ValueError(f"no comment has a {rating!r}: use service_association for report-level data")
    return rated


def with_without(coded: pd.DataFrame, rating: str = "rating", theme_ids: list[str] | None = None,
                 level: float = 0.95) -> pd.DataFrame:
    """Per theme: n and mean rating with and without it, the difference and its Welch interval."""
    from scipy import stats  # imported where used: seconds, which the app does not need

    rated = _rated(coded, rating)
    scores = rated[rating].astype(float).to_numpy()
    rows = []
    for theme, flags in theme_indicators(rated, theme_ids).items():
        mask = flags.to_numpy() == 1
        with_, without = scores[mask], scores[~mask]
        row = {"theme": theme, "n_with": int(mask.sum()), "mean_with": with_.mean() if mask.any() else np.nan,
               "n_without": int((~mask).sum()), "mean_without": without.mean() if (~mask).any() else np.nan}
        row["difference"] = row["mean_with"] - row["mean_without"]
        if mask.sum() >= 2 and (~mask).sum() >= 2:
            test = stats.ttest_ind(with_, without, equal_var=False)
            interval = test.confidence_interval(level)
            row |= {"ci_low": interval.low, "ci_high": interval.high, "p_value": test.pvalue}
        else:
            row |= {"ci_low": np.nan, "ci_high": np.nan, "p_value": np.nan}
        rows.append(row)
    return pd.DataFrame(rows).sort_values("difference", ignore_index=True)


def regression_drivers(coded: pd.DataFrame, rating: str = "rating", theme_ids: list[str] | None = None,
                       level: float = 0.95) -> pd.DataFrame:
    """OLS of the rating on theme indicators (all themes together, intercept = no theme raised).

    ``coef`` is a theme's estimated effect on the score holding the other themes fixed, with HC3
    (heteroskedasticity-robust) standard errors, interval and p-value. Themes no rated comment raises
    are dropped. Observational: effects are adjusted associations, not proof of cause.
    """
    rated = _rated(coded, rating)
    indicators = theme_indicators(rated, theme_ids)
    indicators = indicators.loc[:, indicators.sum() > 0]
    import statsmodels.api as sm  # imported here: seconds to import, and the app's pages never fit this

    design = sm.add_constant(indicators.astype(float), has_constant="add")
    fit = sm.OLS(rated[rating].astype(float).to_numpy(), design).fit(cov_type="HC3")
    interval = fit.conf_int(alpha=1 - level)
    table = pd.DataFrame({
        "theme": indicators.columns,
        "n_with": indicators.sum().to_numpy(),
        "coef": fit.params[indicators.columns].to_numpy(),
        "std_err": fit.bse[indicators.columns].to_numpy(),
        "ci_low": interval.loc[indicators.columns, 0].to_numpy(),
        "ci_high": interval.loc[indicators.columns, 1].to_numpy(),
        "p_value": fit.pvalues[indicators.columns].to_numpy(),
    })
    table.attrs |= {"intercept": float(fit.params["const"]), "r_squared": float(fit.rsquared), "n": int(fit.nobs)}
    return table.sort_values("coef", ignore_index=True)


def impact(coded: pd.DataFrame, rating: str = "rating", by: str | list[str] | None = None,
           theme_ids: list[str] | None = None) -> pd.DataFrame:
    """Per group and theme: the average, the average without the respondents raising the theme, and
    ``impact`` = average − average without them (−0.12: the theme costs the group 0.12 points)."""
    rated = _rated(coded, rating)
    keys = [] if by is None else ([by] if isinstance(by, str) else list(by))
    indicators = theme_indicators(rated, theme_ids)
    frame = pd.concat([rated[keys + [rating]].reset_index(drop=True), indicators.reset_index(drop=True)], axis=1)
    grouped = frame.groupby(keys, dropna=False, sort=True) if keys else [((), frame)]
    rows = []
    for key, group in grouped:
        key = key if isinstance(key, tuple) else (key,)
        scores = group[rating].astype(float)
        for theme in indicators.columns:
            raised = group[theme] == 1
            without = scores[~raised].mean() if (~raised).any() else np.nan
            rows.append({**dict(zip(keys, key, strict=True)), "theme": theme, "n": len(group),
                         "n_theme": int(raised.sum()), "average": scores.mean(),
                         "average_without_theme": without, "impact": scores.mean() - without})
    return pd.DataFrame(rows).sort_values([*keys, "impact"], ignore_index=True)


def service_association(services: pd.DataFrame, shares: pd.DataFrame, score: str = "avg_score",
                        min_comments: pd.Series | None = None, min_n: int = 3) -> pd.DataFrame:
    """Spearman correlation, across services, of each theme's share of comments with the services' score.

    ``shares`` is a services × themes matrix indexed by ``service_no`` (see ``service_theme_matrix``).
    ``min_comments`` (comments per service, same index) drops services with fewer than ``min_n``
    comments. Every row carries ``kind`` = service-level association, not cause.
    """
    from scipy import stats

    scores = services.set_index("service_no")[score].astype(float)
    if min_comments is not None:
        shares = shares.loc[min_comments.reindex(shares.index).fillna(0) >= min_n]
    joined = shares.join(scores, how="inner").dropna(subset=[score])
    rows = []
    for theme in shares.columns:
        pair = joined[[theme, score]].dropna()
        if len(pair) >= 3 and pair[theme].nunique() > 1:
            result = stats.spearmanr(pair[theme], pair[score])
            rho, p = float(result.statistic), float(result.pvalue)
        else:
            rho, p = np.nan, np.nan
        rows.append({"theme": theme, "n_services": len(pair), "spearman_rho": rho, "p_value": p,
                     "kind": ASSOCIATION_LABEL})
    return pd.DataFrame(rows).sort_values("spearman_rho", ignore_index=True)
