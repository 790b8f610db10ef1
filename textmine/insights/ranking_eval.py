"""How well the problem ranking agrees with the report authors' own conclusions.

The reference (``data/eval/report_conclusions.csv``) lists, per service, the themes the authors' *Қызмет
жөнінде тұжырымдар мен ұсынымдар* asks the agency to fix, in the order given. Metrics over the services whose
conclusion names at least one problem: recall@k (micro: authors' problems found in the top k / all authors'
problems), capped recall@k (hits / the most a top k can hold, Σ min(k, problems): a service whose authors
name five problems is not counted as a miss for the two no top 3 can show), precision@k (hits / items shown)
and nDCG@k (binary relevance). Rankings compared:

- ``survey top k``: the same top k themes of the whole survey (complaints + suggestions) for every service;
- ``service frequency``: each service's own complaint + suggestion count per theme (ties: survey-wide);
- ``textmine``: :func:`textmine.insights.priority.priorities`, its prior weight, aspect weight and delivery
  weight fitted on the labels (in-sample, the shipped defaults) and leave-one-service-out (each service ranked
  with the parameters that do best on the other services: the honest figure).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import product
from pathlib import Path

import numpy as np
import pandas as pd
from tqdm import tqdm

from textmine.insights.priority import (
    POLARITIES,
    POSITIVE_THEMES,
    PRIOR_WEIGHT,
    WEIGHTS,
    priorities,
)
from textmine.insights.profile import theme_indicators

DEFAULT_LABELS = Path("data/eval/report_conclusions.csv")
PRIOR_GRID = (0.0, 2.0, 5.0, 10.0, 15.0, 20.0, 30.0, 50.0)
ASPECT_GRID = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5)
DELIVERY_GRID = (0.0, 0.25, 0.5, 1.0)
K = 3

Rankings = dict[int, list[str]]


@dataclass(frozen=True)
class Scores:
    """recall@k, capped recall@k, precision@k and nDCG@k over the services with at least one reference problem."""

    recall: float
    capped_recall: float
    precision: float
    ndcg: float
    services: int


def read_conclusions(path: Path | str = DEFAULT_LABELS, theme_ids: Iterable[str] | None = None) -> dict[int, list[str]]:
    """Service number → the reference problems in the authors' order (empty list: none named); themes outside
    ``theme_ids`` (when given) are refused with the service they were found on."""
    frame = pd.read_csv(path, dtype={"problems": str}, keep_default_na=False)
    missing = {"service_no", "problems"} - set(frame.columns)
    if missing:
        raise KeyError(f"{path}: missing column(s) {', '.join(sorted(missing))}")
    reference = {int(row.service_no): [t for t in row.problems.split(";") if t] for row in frame.itertuples()}
    known = None if theme_ids is None else set(theme_ids)
    for service, problems in reference.items():
        unknown = [] if known is None else [t for t in problems if t not in known]
        if unknown:
            raise ValueError(f"{Path(path).name}, service {service}: unknown theme(s) {', '.join(unknown)}")
    return reference


def score_rankings(rankings: Rankings, reference: dict[int, list[str]], k: int = K) -> Scores:
    """recall@k, capped recall@k, precision@k, nDCG@k of ``rankings`` against ``reference`` (module doc)."""
    hits = wanted = reachable = shown = 0
    gains = []
    services = [s for s, problems in reference.items() if problems]
    for service in services:
        gold, top = set(reference[service]), rankings.get(service, [])[:k]
        found = [theme in gold for theme in top]
        hits, wanted, shown = hits + sum(found), wanted + len(gold), shown + len(top)
        reachable += min(k, len(gold))
        ideal = sum(1 / np.log2(i + 2) for i in range(min(k, len(gold))))
        gains.append(sum(1 / np.log2(i + 2) for i, hit in enumerate(found) if hit) / ideal)
    return Scores(recall=hits / wanted if wanted else float("nan"),
                  capped_recall=hits / reachable if reachable else float("nan"), precision=hits / shown if shown else float("nan"),
                  ndcg=float(np.mean(gains)) if gains else float("nan"), services=len(services))


def _evidence_counts(coded: pd.DataFrame) -> pd.DataFrame:
    """Services × themes: complaint + suggestion comments raising the theme (never ``praise``)."""
    indicators = theme_indicators(coded).drop(columns=list(POSITIVE_THEMES), errors="ignore")
    evidence = indicators.mul(coded["polarity"].isin(POLARITIES["problem"]).astype(int), axis=0)
    return evidence.groupby(coded["service_no"].to_numpy()).sum()


def survey_top(coded: pd.DataFrame) -> Rankings:
    """Baseline: every service gets the survey's most raised problem themes."""
    counts = _evidence_counts(coded)
    order = counts.sum().sort_values(ascending=False, kind="stable").index.tolist()
    return {int(service): order for service in counts.index}


def service_frequency(coded: pd.DataFrame) -> Rankings:
    """Baseline: each service's own problem counts per theme, ties broken by the survey-wide count."""
    counts = _evidence_counts(coded)
    overall = counts.sum()
    rankings = {}
    for service, row in counts.iterrows():
        frame = pd.DataFrame({"own": row, "overall": overall})
        frame = frame[frame["own"] > 0].sort_values(["own", "overall"], ascending=False, kind="stable")
        rankings[int(service)] = frame.index.tolist()
    return rankings


def textmine_rankings(coded: pd.DataFrame, services: pd.DataFrame | None, aspects: pd.DataFrame | None,
                      prior_weight: float, aspect_weight: float, delivery_weight: float) -> Rankings:
    """The problems of :func:`priorities` per service in rank order, share weight = 1 − aspect weight (the
    delivery weight relative to share + aspect = 1)."""
    weights = {**WEIGHTS, "share": 1.0 - aspect_weight, "aspect": aspect_weight, "delivery": delivery_weight}
    ranked = priorities(coded, services, aspects, weights=weights, prior_weight=prior_weight)
    problems = ranked[ranked["kind"] == "problem"].sort_values(["service_no", "rank"])
    return {int(s): group["theme"].tolist() for s, group in problems.groupby("service_no")}


@dataclass(frozen=True)
class Fitted:
    """The chosen parameters, the in-sample scores with them, and the leave-one-service-out scores."""

    prior_weight: float
    aspect_weight: float
    delivery_weight: float
    in_sample: Scores
    loso: Scores
    loso_choices: pd.DataFrame


def fit_ranking(coded: pd.DataFrame, services: pd.DataFrame | None, aspects: pd.DataFrame | None,
                reference: dict[int, list[str]], priors: Iterable[float] = PRIOR_GRID,
                aspect_weights: Iterable[float] = ASPECT_GRID, delivery_weights: Iterable[float] = DELIVERY_GRID,
                k: int = K) -> Fitted:
    """Grid-search k (prior weight), the aspect weight and the delivery weight for recall@k (then nDCG@k, then
    the simpler parameters); leave-one-service-out: each held-out service is ranked with the parameters best on
    the rest."""
    grid = list(product(priors, aspect_weights, delivery_weights))
    rankings = {params: textmine_rankings(coded, services, aspects, *params) for params in tqdm(grid, desc="grid")}
    labelled = [s for s, problems in reference.items() if problems]

    def best(on: list[int]) -> tuple[float, float, float]:
        subset = {s: reference[s] for s in on}
        def key(params: tuple[float, float, float]) -> tuple[float, float, float, float, float]:
            scores = score_rankings(rankings[params], subset, k)
            return scores.recall, scores.ndcg, -params[2], -params[1], -params[0]
        return max(grid, key=key)

    chosen = best(labelled)
    held_out: Rankings = {}
    choices = []
    for service in labelled:
        params = best([s for s in labelled if s != service])
        held_out[service] = rankings[params].get(service, [])
        choices.append({"service_no": service, "prior_weight": params[0], "aspect_weight": params[1],
                        "delivery_weight": params[2]})
    return Fitted(prior_weight=chosen[0], aspect_weight=chosen[1], delivery_weight=chosen[2],
                  in_sample=score_rankings(rankings[chosen], reference, k),
                  loso=score_rankings(held_out, reference, k), loso_choices=pd.DataFrame(choices))


def evaluate_recommendations(coded: pd.DataFrame, services: pd.DataFrame | None, aspects: pd.DataFrame | None,
                             reference: dict[int, list[str]], k: int = K,
                             echo: Callable[[str], None] = print) -> pd.DataFrame:
    """Prints and returns the comparison table (one row per ranking) and the fitted parameters."""
    fitted = fit_ranking(coded, services, aspects, reference, k=k)
    rows = {
        f"survey top {k} (same for every service)": score_rankings(survey_top(coded), reference, k),
        "service frequency (own complaint+suggestion counts)": score_rankings(service_frequency(coded), reference, k),
        "textmine, shipped weights": score_rankings(
            textmine_rankings(coded, services, aspects, PRIOR_WEIGHT,
                              WEIGHTS["aspect"] / (WEIGHTS["share"] + WEIGHTS["aspect"]),
                              WEIGHTS["delivery"] / (WEIGHTS["share"] + WEIGHTS["aspect"])),
            reference, k),
        "textmine, fitted (in-sample)": fitted.in_sample,
        "textmine, leave-one-service-out": fitted.loso,
    }
    table = pd.DataFrame({name: {f"recall@{k}": s.recall, f"capped recall@{k}": s.capped_recall,
                                 f"precision@{k}": s.precision, f"nDCG@{k}": s.ndcg,
                                 "services": s.services} for name, s in rows.items()}).T
    echo(table.round(3).to_string())
    echo(f"\nfitted on all labelled services: prior weight k = {fitted.prior_weight:g} comments, "
         f"weights share {1 - fitted.aspect_weight:.2f} / aspect {fitted.aspect_weight:.2f} / delivery "
         f"{fitted.delivery_weight:.2f} (impact {WEIGHTS['impact']:.2f} when per-comment ratings exist)")
    spread = (fitted.loso_choices[["prior_weight", "aspect_weight", "delivery_weight"]].value_counts()
              .rename("held-out folds"))
    echo("parameters chosen across the leave-one-service-out folds:\n" + spread.to_string())
    return table

