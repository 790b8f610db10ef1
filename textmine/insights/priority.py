"""Priorities: per group (service, agency, region or the whole survey), the themes that pull it down
(``kind='problem'``) and the themes it does well on (``kind='strength'``), ranked by a transparent score.

Evidence comments: a problem counts the group's comments with polarity ``complaint`` or ``suggestion``
that raise the theme (a suggestion such as "shorten the term" points at a problem); a strength counts
``praise`` comments. The ``praise`` theme (general thanks) is never a problem.

The score reads a service the way the report's authors do (``docs/recommendations.md``): what many of its
own respondents raise, its own weakest aspects, and how it is delivered; not how unusual it is against other
services. Four components, each turned into 0–1 points (problem: the worse, the higher; strength: the better):

========== ========================================================== ================================
component  value shown                                                points
========== ========================================================== ================================
share      ``shrunk_share`` = (evidence comments + k × ``prior_share``) min(1, shrunk_share / 0.5)
           / (the group's comments + k): the group's ``share`` pulled
           toward the survey-wide share ``prior_share`` by k comments
           (empirical Bayes; a group with 3 comments says little)
impact     ``impact`` = the group's mean rating − its mean without    problem: clip(−impact / 0.5);
           the evidence comments (per-comment ratings only)           strength: clip(impact / 0.5)
aspect     ``aspect_score`` (the report's 1–5 score of the aspects    problem: clip(0.5 − gap / 0.25);
           mapped to the theme) and ``aspect_gap`` = score −          strength: clip(0.5 + gap / 0.25)
           ``aspect_own``, the group's own mean over its scored       (0.5 at the group's own mean)
           themes (its weakest aspects, not the gap to other groups)
delivery   ``delivery_form``: the form the report states for the      problem, ``digitalisation`` only:
           service (``services.delivery_form``, by service only)      paper 1, paper and electronic
                                                                      0.5, electronic 0
========== ========================================================== ================================

``score`` = Σ weight × points / Σ weight over the components present. The weights and k were fitted by
leave-one-service-out cross-validation against labels of the report authors' own conclusions
(``textmine eval recommend``): :data:`WEIGHTS`, :data:`PRIOR_WEIGHT`. A component missing from the whole
analysis (no per-comment ratings, as in the seed report; no aspect scores at all, e.g. by region) is shown as
NaN, named in ``missing``, and its weight is shared out among the others: the effective weights are the
``w_*`` columns. ``delivery`` applies to the ``digitalisation`` problem of a service alone (elsewhere it is NaN
and not named in ``missing``; a service whose section states no form has it named there). A theme the report
gives no aspect score for, while other themes have one, is named in ``missing`` too but scored neutral (0.5, as
at the group's own mean). ``rank`` orders each group's problems (and strengths) by score, then by evidence
comments, then specific themes before the general ``praise``, then theme id.

A theme is listed as a problem when at least one evidence comment raises it, its aspect score is
below the group's own mean, or (``digitalisation``) the service is delivered on paper only; as a strength when
one praise comment raises it, or when its aspect score is above the group's own mean and its comments do not
criticise it more than the median group's do (a brief should not praise what respondents single out for
complaint). ``few_comments`` flags an item resting on fewer than :data:`FEW_COMMENTS` evidence comments;
``small_n`` flags groups with fewer than ``min_comments`` comments.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from textmine.insights.drivers import impact as impact_table
from textmine.insights.profile import split_themes, theme_indicators

KINDS = ("problem", "strength")
POLARITIES = {"problem": ("complaint", "suggestion"), "strength": ("praise",)}
POSITIVE_THEMES = ("praise",)
COMPONENTS = ("share", "impact", "aspect", "delivery")
WEIGHTS = {"share": 1.0, "impact": 0.25, "aspect": 0.0, "delivery": 0.5}
PRIOR_WEIGHT = 20.0  # k: the survey-wide mix counts as this many comments of every group
SCALES = {"share": 0.5, "impact": 0.5, "aspect": 0.25}
NEUTRAL = 0.5  # aspect points at the group's own mean score, and for a theme the report gives no score
SMALL_GROUP = 10
FEW_COMMENTS = 5
ASPECT_COLUMNS = ("service_no", "theme", "score")
DIGITAL_THEME = "digitalisation"
DELIVERY_POINTS = {"paper": 1.0, "paper_and_electronic": 0.5, "electronic": 0.0}


def priorities(coded: pd.DataFrame, services: pd.DataFrame | None = None, aspects: pd.DataFrame | None = None,
               by: str | None = "service_no", rating: str = "rating", theme_ids: list[str] | None = None,
               weights: dict[str, float] | None = None, prior_weight: float = PRIOR_WEIGHT,
               min_comments: int = SMALL_GROUP) -> pd.DataFrame:
    """Problems and strengths per ``by`` group (None: the whole survey), ranked; see the module doc.

    ``coded``: comments with ``themes`` and ``polarity`` (and ``rating`` when respondents rated);
    ``services``: the services table (maps services to agencies for agency-level aspect scores);
    ``aspects``: the aspect table (``service_no``, ``theme``, ``score``, optional ``channel``);
    the services' ``delivery_form`` (when ``services`` has it and ``by`` is ``service_no``) scores the
    ``digitalisation`` problem;
    ``prior_weight``: k, how many comments the survey-wide mix is worth in each group's shrunk share.
    """
    weights = {**WEIGHTS, **(weights or {})}
    keys = [] if by is None else [by]
    _check(coded, keys, weights, prior_weight)
    coded = coded.dropna(subset=keys).reset_index(drop=True)
    aspect = _aspect_scores(aspects, services, by)
    forms = services if by == "service_no" and services is not None and "delivery_form" in services else None
    if theme_ids is None:
        found = {theme for themes in coded["themes"] for theme in split_themes(themes)}
        theme_ids = sorted(found | set(aspect.columns) | ({DIGITAL_THEME} if forms is not None else set()))
    indicators = theme_indicators(coded, theme_ids)
    rated = rating in coded.columns and coded[rating].notna().any()
    parts, criticised = [], None
    for kind in KINDS:  # both kinds list the same groups × themes in the same order
        evidence = indicators.mul(coded["polarity"].isin(POLARITIES[kind]).astype(int), axis=0)
        table = _shares(coded[keys], evidence, keys, prior_weight)
        table["impact"] = _impacts(coded, evidence, keys, rating) if rated else np.nan
        table = _with_aspects(table, aspect, keys)
        table = _with_delivery(table, forms if kind == "problem" else None)
        if kind == "problem":
            typical = table.groupby("theme")["shrunk_share"].transform("median")
            criticised = ((table["n_comments"] > 0) & (table["shrunk_share"] > typical)).to_numpy()
            listed = (table["n_comments"] > 0) | (table["aspect_gap"] < 0) | (table["delivery_points"] == 1.0)
            listed &= ~table["theme"].isin(POSITIVE_THEMES)
        else:
            listed = (table["n_comments"] > 0) | ((table["aspect_gap"] > 0) & ~criticised)
        parts.append(_score(table.assign(kind=kind), kind, weights, delivery=forms is not None)[listed])
    table = pd.concat(parts, ignore_index=True)
    table = table.assign(_generic=table["theme"].isin(POSITIVE_THEMES))
    table = table.sort_values([*keys, "kind", "score", "n_comments", "_generic", "theme"],
                              ascending=[*[True] * len(keys), True, False, False, True, True])
    table["rank"] = table.groupby([*keys, "kind"], sort=False).cumcount() + 1
    table["small_n"] = table["n_group"] < min_comments
    table["few_comments"] = table["n_comments"] < FEW_COMMENTS
    columns = [*keys, "kind", "rank", "theme", "score", "n_group", "n_comments", "share", "prior_share",
               "shrunk_share", "impact", "aspect_score", "aspect_own", "aspect_gap", "delivery_form",
               "delivery_form_line",
               *[f"pts_{c}" for c in COMPONENTS], *[f"w_{c}" for c in COMPONENTS], "missing", "few_comments",
               "small_n"]
    result = table[columns].reset_index(drop=True)
    result.attrs |= {"by": by, "weights": weights, "scales": dict(SCALES), "prior_weight": prior_weight,
                     "min_comments": min_comments}
    return result


def _check(coded: pd.DataFrame, keys: list[str], weights: dict[str, float], prior_weight: float) -> None:
    missing = [column for column in [*keys, "themes", "polarity"] if column not in coded.columns]
    if missing:
        raise KeyError(f"priorities: the coded comments lack column(s) {', '.join(missing)}")
    unknown = sorted(set(weights) - set(COMPONENTS))
    if unknown or any(w < 0 for w in weights.values()):
        raise ValueError(f"priorities: weights must be non-negative and for {', '.join(COMPONENTS)}; got {weights}")
    if not prior_weight >= 0:
        raise ValueError(f"priorities: prior_weight (comments the survey-wide mix is worth) must be >= 0; "
                         f"got {prior_weight}")


def _shares(groups: pd.DataFrame, evidence: pd.DataFrame, keys: list[str], prior_weight: float) -> pd.DataFrame:
    """Per group and theme: n_group, n_comments (evidence), share, prior_share and shrunk_share."""
    frame = pd.concat([groups, evidence], axis=1)
    grouped = frame.groupby(keys, sort=True) if keys else frame.assign(_all=0).groupby("_all")
    counts = grouped[list(evidence.columns)].sum()
    sizes = grouped.size()
    prior = evidence.sum() / max(len(evidence), 1)
    shrunk = (counts + prior_weight * prior).div(sizes + prior_weight, axis=0)
    table = pd.DataFrame({
        "n_group": np.repeat(sizes.to_numpy(), len(evidence.columns)),
        "theme": np.tile(evidence.columns, len(sizes)),
        "n_comments": counts.to_numpy().ravel(),
        "share": counts.div(sizes, axis=0).to_numpy().ravel(),
        "prior_share": np.tile(prior.to_numpy(), len(sizes)),
        "shrunk_share": shrunk.to_numpy().ravel(),
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
    """Adds ``aspect_score``, the group's own mean over its scored themes (``aspect_own``) and the gap."""
    if aspect.empty or not keys:
        return table.assign(aspect_score=np.nan, aspect_own=np.nan, aspect_gap=np.nan)
    long = aspect.stack().rename("aspect_score").rename_axis([keys[0], "theme"]).reset_index()
    long[keys[0]] = long[keys[0]].astype(table[keys[0]].dtype)
    own = aspect.mean(axis=1).rename("aspect_own").rename_axis(keys[0]).reset_index()
    own[keys[0]] = own[keys[0]].astype(table[keys[0]].dtype)
    table = table.merge(long, on=[keys[0], "theme"], how="left").merge(own, on=keys[0], how="left")
    table["aspect_own"] = table["aspect_own"].where(table["aspect_score"].notna())
    table["aspect_gap"] = table["aspect_score"] - table["aspect_own"]
    return table


def _with_delivery(table: pd.DataFrame, services: pd.DataFrame | None) -> pd.DataFrame:
    """Adds the service's ``delivery_form`` (and its line) and ``delivery_points`` on each ``digitalisation`` row
    from ``services``' forms; NaN elsewhere, and everywhere without ``services``."""
    if services is None:
        return table.assign(delivery_form=None, delivery_form_line=pd.array([pd.NA] * len(table), dtype="Int64"),
                            delivery_points=np.nan)
    forms = services.set_index("service_no")
    digital = table["theme"] == DIGITAL_THEME
    form = table["service_no"].map(forms["delivery_form"]).where(digital)
    line = table["service_no"].map(forms["delivery_form_line"]).where(digital).astype("Int64")
    return table.assign(delivery_form=form, delivery_form_line=line, delivery_points=form.map(DELIVERY_POINTS))


def _score(table: pd.DataFrame, kind: str, weights: dict[str, float], delivery: bool) -> pd.DataFrame:
    """Component points, effective weights, ``missing`` and the combined ``score``; ``delivery``: the services
    have delivery forms (the component applies to their ``digitalisation`` problems)."""
    sign = -1.0 if kind == "problem" else 1.0
    points = pd.DataFrame({
        "share": (table["shrunk_share"] / SCALES["share"]).clip(0, 1),
        "impact": (sign * table["impact"] / SCALES["impact"]).clip(0, 1),
        "aspect": (NEUTRAL + sign * table["aspect_gap"] / SCALES["aspect"]).clip(0, 1),
        "delivery": table["delivery_points"],
    })
    present = points.notna()
    applies = pd.DataFrame({c: True for c in COMPONENTS}, index=table.index)
    applies["delivery"] = delivery and kind == "problem" and (table["theme"] == DIGITAL_THEME)
    missing = (~present & applies).apply(lambda row: ",".join(c for c in COMPONENTS if row[c]), axis=1)
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
