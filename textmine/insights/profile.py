"""Theme profiles: share of comments per theme and polarity by group, the service × theme matrix, and
theme co-occurrence.

All functions take a *coded* comment table: comment columns plus ``themes`` (theme ids joined by ``;``)
and ``polarity``, as :func:`join_themes` builds from the store's ``comments`` and ``comment_themes``.
"""

from __future__ import annotations

import pandas as pd

from textmine.classify.labels import split_themes

POLARITIES = ("complaint", "praise", "suggestion", "neutral")


def join_themes(comments: pd.DataFrame, comment_themes: pd.DataFrame) -> pd.DataFrame:
    """Comments with their ``themes``, ``theme_scores`` and ``polarity`` (inner join on ``id``)."""
    columns = [c for c in ("id", "themes", "theme_scores", "polarity") if c in comment_themes.columns]
    return comments.merge(comment_themes[columns], on="id", how="inner", validate="one_to_one")


def theme_indicators(coded: pd.DataFrame, theme_ids: list[str] | None = None) -> pd.DataFrame:
    """A 0/1 matrix, one row per comment (same index) and one column per theme."""
    lists = coded["themes"].map(split_themes)
    if theme_ids is None:
        theme_ids = sorted({theme for themes in lists for theme in themes})
    return pd.DataFrame({theme: lists.map(lambda ts, t=theme: int(t in ts)) for theme in theme_ids},
                        index=coded.index, dtype="int64")


def theme_profile(coded: pd.DataFrame, by: str | list[str] | None = None,
                  theme_ids: list[str] | None = None) -> pd.DataFrame:
    """Per group and theme: comments in the group, comments raising the theme, their share, and counts
    by polarity. ``by`` is any comment column(s) (service_no, agency, region, lang) or None for all."""
    keys = [] if by is None else ([by] if isinstance(by, str) else list(by))
    indicators = theme_indicators(coded, theme_ids)
    frame = pd.concat([coded[keys + ["polarity"]].reset_index(drop=True),
                       indicators.reset_index(drop=True)], axis=1)
    grouped = frame.groupby(keys, dropna=False, sort=True) if keys else [((), frame)]
    rows = []
    for key, group in grouped:
        key = key if isinstance(key, tuple) else (key,)
        for theme in indicators.columns:
            raised = group[group[theme] == 1]
            polarity = raised["polarity"].value_counts()
            rows.append({
                **dict(zip(keys, key, strict=True)),
                "theme": theme,
                "n_comments": len(group),
                "n_theme": len(raised),
                "share": len(raised) / len(group) if len(group) else float("nan"),
                **{f"n_{p}": int(polarity.get(p, 0)) for p in POLARITIES},
            })
    return pd.DataFrame(rows)


def service_theme_matrix(coded: pd.DataFrame, value: str = "share", by: str = "service_no",
                         theme_ids: list[str] | None = None) -> pd.DataFrame:
    """Groups × themes: ``value`` is ``share`` (of the group's comments) or ``n_theme`` (counts)."""
    if value not in ("share", "n_theme"):
        raise ValueError(f"value must be 'share' or 'n_theme', not {value!r}")
    profile = theme_profile(coded.dropna(subset=[by]), by, theme_ids)
    return profile.pivot(index=by, columns="theme", values=value)


def cooccurrence(coded: pd.DataFrame, theme_ids: list[str] | None = None) -> pd.DataFrame:
    """Themes × themes: how many comments raise both (diagonal: comments raising the theme)."""
    indicators = theme_indicators(coded, theme_ids)
    return indicators.T @ indicators
