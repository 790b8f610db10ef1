"""Priorities: per group (service, agency, region or the whole survey), the themes that pull it down
(``kind='problem'``) and the themes it does well on (``kind='strength'``), ranked by a transparent score.

Evidence comments: a problem counts the group's comments with polarity ``complaint`` or ``suggestion``
that raise the theme (a suggestion such as "shorten the term" points at a problem); a strength counts
``praise`` comments. The ``praise`` theme (general thanks) is never a problem.

Four components, each turned into 0–1 points (problem: the worse, the higher; strength: the better):

========== ========================================================== ================================
component  value shown                                                points
========== ========================================================== ================================
share      ``share`` = evidence comments / the group's comments       min(1, share / 0.5)
impact     ``impact`` = the group's mean rating − its mean without    problem: clip(−impact / 0.5);
           the evidence comments (per-comment ratings only)           strength: clip(impact / 0.5)
aspect     ``aspect_score`` (the report's 1–5 score of the aspects    problem: clip(0.5 − gap / 0.5);
           mapped to the theme) and ``aspect_gap`` = score −          strength: clip(0.5 + gap / 0.5)
           ``aspect_median`` (the median group's score)               (0.5 at the median)
relative   share of the *other* groups whose ``share`` on the theme   as is
           is strictly lower (0: lowest, 1: highest of all)
========== ========================================================== ================================

``score`` = Σ weight × points / Σ weight over the components present, weights share 0.4, impact 0.25,
aspect 0.2, relative 0.15. A component missing from the whole analysis (no per-comment ratings, as in the
seed report; no aspect scores at all, e.g. by region; a single group) is shown as NaN, named in ``missing``,
and its weight is shared out among the others: the effective weights are the ``w_*`` columns. A theme the
report gives no aspect score for, while other themes have one, is named in ``missing`` too but scored
neutral (0.5, as at the median): sharing its weight out instead would rank unscored themes above scored
ones whenever the score is about average. ``rank`` orders each group's problems
(and strengths) by score, then by evidence comments, then specific themes before the general ``praise``,
then theme id.

A theme is listed as a problem when at least one evidence comment raises it or its aspect score is
below the median; as a strength when one praise comment raises it, or when its aspect score is above the
median and its comments do not criticise it more than the median group's do (a brief should not praise
what respondents single out for complaint). ``small_n`` flags groups with fewer than ``min_comments`` comments: their shares rest on a handful
of people.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from textmine.insights.drivers import impact as impact_table
from textmine.insights.profile import split_themes, theme_indicators

KINDS = ("problem", "strength")
POLARITIES = {"problem": ("complaint", "suggestion"), "strength": ("praise",)}
POSITIVE_THEMES = ("praise",)
COMPONENTS = ("share", "impact", "aspect", "relative")
WEIGHTS = {"share": 0.4, "impact": 0.25, "aspect": 0.2, "relative": 0.15}
SCALES = {"share": 0.5, "impact": 0.5, "aspect": 0.5}
NEUTRAL = 0.5  # aspect points at the median service's score, and for a theme the report gives no score
SMALL_GROUP = 10
ASPECT_COLUMNS = ("service_no", "theme", "score")


def priorities(coded: pd.DataFrame, services: pd.DataFrame | None = None, aspects: pd.DataFrame | None = None,
               by: str | None = "service_no", rating: str = "rating", theme_ids: list[str] | None = None,
               weights: dict[str, float] | None = None, min_comments: int = SMALL_GROUP) -> pd.DataFrame:
    """Problems and strengths per ``by`` group (None: the whole survey), ranked; see the module doc.

    ``coded``: comments with ``themes`` and ``polarity`` (and ``rating`` when respondents rated);
    ``services``: the services table (maps services to agencies for agency-level aspect scores);
    ``aspects``: the aspect table (``service_no``, ``theme``, ``score``, optional ``channel``).
    """
    weights = {**WEIGHTS, **(weights or {})}
    keys = [] if by is None else [by]
    _check(coded, keys, weights)
    coded = coded.dropna(subset=keys).reset_index(drop=True)
    aspect = _aspect_scores(aspects, services, by)
    if theme_ids is None:
        found = {theme for themes in coded["themes"] for theme in split_themes(themes)}
        theme_ids = sorted(found | set(aspect.columns))
    indicators = theme_indicators(coded, theme_ids)
    rated = rating in coded.columns and coded[rating].notna().any()
    parts, criticised = [], None
    for kind in KINDS:  # both kinds list the same groups × themes in the same order
        evidence = indicators.mul(coded["polarity"].isin(POLARITIES[kind]).astype(int), axis=0)
        table = _shares(coded[keys], evidence, keys)
        table["impact"] = _impacts(coded, evidence, keys, rating) if rated else np.nan
        table = _with_aspects(table, aspect, keys)
        if kind == "problem":
            typical = table.groupby("theme")["share"].transform("median")
            criticised = ((table["n_comments"] > 0) & (table["share"] > typical)).to_numpy()
            listed = (table["n_comments"] > 0) | (table["aspect_gap"] < 0)
            listed &= ~table["theme"].isin(POSITIVE_THEMES)
        else:
            listed = (table["n_comments"] > 0) | ((table["aspect_gap"] > 0) & ~criticised)
        parts.append(_score(table.assign(kind=kind), kind, weights)[listed])
    table = pd.concat(parts, ignore_index=True)
    table = table.assign(_generic=table["theme"].isin(POSITIVE_THEMES))
    table = table.sort_values([*keys, "kind", "score", "n_comments", "_generic", "theme"],
                              ascending=[*[True] * len(keys), True, False, False, True, True])
    table["rank"] = table.groupby([*keys, "kind"], sort=False).cumcount() + 1
    table["small_n"] = table["n_group"] < min_comments
    columns = [*keys, "kind", "rank", "theme", "score", "n_group", "n_comments", "share", "relative", "impact",
               "aspect_score", "aspect_median", "aspect_gap", *[f"pts_{c}" for c in COMPONENTS],
               *[f"w_{c}" for c in COMPONENTS], "missing", "small_n"]
    result = table[columns].reset_index(drop=True)
    result.attrs |= {"by": by, "weights": weights, "scales": dict(SCALES), "min_comments": min_comments}
    return result


def _check(coded: pd.DataFrame, keys: list[str], weights: dict[str, float]) -> None:
    missing = [column for column in [*keys, "themes", "polarity"] if column not in coded.columns]
    if missing:
        raise KeyError(f"priorities: the coded comments lack column(s) {', '.join(missing)}")
    unknown = sorted(set(weights) - set(COMPONENTS))
    if unknown or any(w < 0 for w in weights.values()):
        raise ValueError(f"priorities: weights must be non-negative and for {', '.join(COMPONENTS)}; got {weights}")


def _shares(groups: pd.DataFrame, evidence: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Per group and theme: n_group, n_comments (evidence), share and relative (see module doc)."""
    frame = pd.concat([groups, evidence], axis=1)
    grouped = frame.groupby(keys, sort=True) if keys else frame.assign(_all=0).groupby("_all")
    counts = grouped[list(evidence.columns)].sum()
    sizes = grouped.size()
    shares = counts.div(sizes, axis=0)
    relative = (shares.rank(method="min") - 1) / (len(shares) - 1) if len(shares) > 1 else shares * np.nan
    table = pd.DataFrame({
        "n_group": np.repeat(sizes.to_numpy(), len(evidence.columns)),
        "theme": np.tile(evidence.columns, len(sizes)),
        "n_comments": counts.to_numpy().ravel(),
        "share": shares.to_numpy().ravel(),
        "relative": relative.to_numpy().ravel(),
    })
    if keys:
        table.insert(0, keys[0], np.repeat(sizes.index.to_numpy(), len(evidence.columns)))
    return table


def _impacts(coded: pd.DataFrame, evidence: pd.DataFrame, keys: list[str], rating: str) -> np.ndarray:
    """Per-comment impact of the evidence comments, aligned with :func:`_shares` rows."""
    themes = evidence.apply(lambda row: ";".join(evidence.columns[row.to_numpy() == 1]), axis=1)
    table = impact_table(coded.assign(themes=themes), rating=rating, by=keys or None,
                         theme_ids=list(evidence.columns))
    if not keys:
        return table.set_index("theme")["impact"].reindex(evidence.columns).to_numpy()
    index = pd.MultiIndex.from_product([sorted(coded[keys[0]].unique()), list(evidence.columns)])
    return table.set_index([keys[0], "theme"])["impact"].reindex(index).to_numpy()


def _aspect_scores(aspects: pd.DataFrame | None, services: pd.DataFrame | None, by: str | None) -> pd.DataFrame:
    """Groups × themes: mean aspect score of the aspects mapped to each theme (whole-service rows, i.e.
    without a ``channel``, preferred over per-channel ones). Empty when the groups have no aspect data."""
    if aspects is None or aspects.empty:
        return pd.DataFrame()
    missing = [column for column in ASPECT_COLUMNS if column not in aspects.columns]
    if missing:
        raise KeyError(f"aspect table lacks column(s) {', '.join(missing)}")
    rows = aspects.dropna(subset=["theme", "score", "service_no"])
    bad = rows[(rows["score"] < 1) | (rows["score"] > 5)]
    if len(bad):
        where = f" (source line {bad['source_line'].iloc[0]})" if "source_line" in bad else ""
        raise ValueError(f"aspect table: score {float(bad['score'].iloc[0])} outside 1..5 for service "
                         f"{bad['service_no'].iloc[0]}{where}")
    overall = rows["channel"].isna() if "channel" in rows else pd.Series(True, index=rows.index)
    has_overall = overall.groupby([rows["service_no"], rows["theme"]]).transform("any")
    rows = rows[overall | ~has_overall]
    per_service = rows.groupby(["service_no", "theme"])["score"].mean().unstack()
    if by == "service_no":
        return per_service
    if by is None or services is None or by not in services.columns:
        return pd.DataFrame()
    group = services.set_index("service_no")[by].reindex(per_service.index)
    return per_service.groupby(group.to_numpy()).mean()


def _with_aspects(table: pd.DataFrame, aspect: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    if aspect.empty or not keys:
        return table.assign(aspect_score=np.nan, aspect_median=np.nan, aspect_gap=np.nan)
    long = aspect.stack().rename("aspect_score").rename_axis([keys[0], "theme"]).reset_index()
    long[keys[0]] = long[keys[0]].astype(table[keys[0]].dtype)
    medians = aspect.median().rename("aspect_median")
    table = table.merge(long, on=[keys[0], "theme"], how="left")
    table["aspect_median"] = np.where(table["aspect_score"].notna(), table["theme"].map(medians), np.nan)
    table["aspect_gap"] = table["aspect_score"] - table["aspect_median"]
    return table


def _score(table: pd.DataFrame, kind: str, weights: dict[str, float]) -> pd.DataFrame:
    """Component points, effective weights, ``missing`` and the combined ``score``."""
    sign = -1.0 if kind == "problem" else 1.0
    points = pd.DataFrame({
        "share": (table["share"] / SCALES["share"]).clip(0, 1),
        "impact": (sign * table["impact"] / SCALES["impact"]).clip(0, 1),
        "aspect": (NEUTRAL + sign * table["aspect_gap"] / SCALES["aspect"]).clip(0, 1),
        "relative": table["relative"],
    })
    present = points.notna()
    missing = present.apply(lambda row: ",".join(c for c in COMPONENTS if not row[c]), axis=1)
    if present["aspect"].any():  # the analysis has aspect scores: a theme without one is neutral, not dropped
        points["aspect"] = points["aspect"].fillna(NEUTRAL)
        present = points.notna()
    raw = present.mul(pd.Series(weights), axis=1)
    effective = raw.div(raw.sum(axis=1).replace(0, np.nan), axis=0)
    for component in COMPONENTS:
        table[f"pts_{component}"] = points[component]
        table[f"w_{component}"] = effective[component].where(present[component])
    table["score"] = (points.fillna(0) * effective.fillna(0)).sum(axis=1).where(present.any(axis=1))
    table["missing"] = missing
    return table
