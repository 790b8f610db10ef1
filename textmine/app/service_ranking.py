"""The managers' ranking of services: the report's figures per service (average score, satisfaction,
change from last year, rank), the comments on it and its top problems, worst first."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

COLUMNS = ["service_no", "service_name", "avg_score", "satisfaction_pct", "delta_avg", "delta_satisfaction",
           "rank", "comments", "top_problems", "small_sample"]


def ranking(services: pd.DataFrame, comments: pd.Series, priorities: pd.DataFrame,
            theme_name: Callable[[str], str], top: int = 2) -> pd.DataFrame:
    """One row per service of ``services`` (``schema.SERVICES``) with :data:`COLUMNS`, worst first (highest
    ``rank``, then lowest average score). ``comments``: comment counts by service number; ``priorities``:
    the stored ranking (may be empty), whose ``top`` problems per service are listed as "theme name
    (share of the service's comments)"; ``small_sample`` marks fewer respondents than the report's
    warning threshold or fewer comments than a brief needs."""
    from textmine.insights.priority import SMALL_GROUP
    from textmine.insights.services import SMALL_N

    table = services.assign(
        delta_avg=services["avg_score"] - services["prev_avg_score"],
        delta_satisfaction=services["satisfaction_pct"] - services["prev_satisfaction_pct"],
        comments=services["service_no"].map(comments).fillna(0).astype(int),
    )
    problems = _top_problems(priorities, theme_name, top)
    table["top_problems"] = [problems.get(number, "") for number in table["service_no"]]
    table["small_sample"] = (table["n"].fillna(0) < SMALL_N) | (table["comments"] < SMALL_GROUP)
    table["rank"] = table["rank"].astype("Int64")
    worst = table.sort_values(["rank", "avg_score", "service_no"], ascending=[False, True, True], na_position="last")
    return worst[COLUMNS].reset_index(drop=True)


def _top_problems(priorities: pd.DataFrame, theme_name: Callable[[str], str], top: int) -> pd.Series:
    if priorities.empty:
        return pd.Series(dtype=object)
    problems = priorities[(priorities["kind"] == "problem") & (priorities["rank"] <= top)
                          & (priorities["n_comments"] > 0)].sort_values(["service_no", "rank"])
    described = [f"{theme_name(theme)} ({100 * share:.0f}%)"
                 for theme, share in zip(problems["theme"], problems["share"], strict=True)]
    return pd.Series(described, index=problems["service_no"].to_numpy()).groupby(level=0).agg("; ".join)


def worst(table: pd.DataFrame, n: int = 2) -> pd.DataFrame:
    """The ``n`` worst-rated services of a :func:`ranking` (the highest ranks)."""
    rated = table[table["rank"].notna()]
    return rated.head(n) if len(rated) else table.iloc[:0]


def rank_of(table: pd.DataFrame) -> int:
    """How many services the report ranks (the ``N`` of "rank / N")."""
    return int(np.nanmax(table["rank"].astype(float))) if table["rank"].notna().any() else 0
