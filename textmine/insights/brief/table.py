"""The bundled ``recommendations.csv``: one row per service × ranked theme with the ids of its quotes."""

from __future__ import annotations

import pandas as pd

TABLE_COLUMNS = ["service_no", "kind", "rank", "theme", "n_comments", "share", "impact", "aspect_score", "score",
                 "quote_ids"]


def recommendations_table(priorities: pd.DataFrame, quotes: pd.DataFrame) -> pd.DataFrame:
    """One row per service × ranked theme with exactly :data:`TABLE_COLUMNS`; ``quote_ids`` joins the ids
    of :func:`~textmine.insights.brief.quote_source.priority_quotes` in quote order with ``;``."""
    if priorities.attrs.get("by", "service_no") != "service_no" or "service_no" not in priorities.columns:
        raise ValueError("recommendations_table needs priorities computed with by='service_no'")
    keys = ["service_no", "kind", "theme"]
    if len(quotes):
        ordered = quotes.sort_values([*keys, "quote_rank"])
        ids = ordered.groupby(keys, sort=False)["id"].agg(";".join).rename("quote_ids").reset_index()
        ids["service_no"] = ids["service_no"].astype(priorities["service_no"].dtype)
    else:
        ids = pd.DataFrame(columns=[*keys, "quote_ids"])
    table = priorities.merge(ids, on=keys, how="left")
    table["quote_ids"] = table["quote_ids"].fillna("")
    table = table.sort_values(["service_no", "kind", "rank"], ignore_index=True)[TABLE_COLUMNS]
    return table.round({"share": 4, "impact": 4, "aspect_score": 3, "score": 4})
