"""How far can a problem ranking built from the report's published evidence agree with the authors' conclusions?

    .venv/bin/python bench/recommend_ceiling.py

Reads the bundled store (the report's quotes with textmine's themes, the services and aspect tables) and the
reference labels of the authors' conclusions (``data/eval/report_conclusions.csv``), and prints recall@3,
capped recall@3, precision@3 and nDCG@3 (:func:`textmine.insights.ranking_eval.score_rankings`) for:

- ``textmine``: the shipped priority score, its parameters fitted leave-one-service-out
  (as ``textmine eval recommend``);
- ``on the annotators' themes``: the same, with the themes and polarity of every quote our annotators labelled
  (``data/labels``, seed rows matched by text) instead of the heads' predictions: is the theme classifier what
  holds the ranking back?
- ``logistic ranker``: a per-(service, theme) logistic regression over every signal the priority table carries
  (shrunk share, share, evidence count, its rank within the service, aspect gap and rank, delivery points),
  fitted leave-one-service-out, without and with the theme itself as a feature (a per-theme bias: how often
  the authors ask for that theme whatever the evidence): would a richer formula over the same signals do better?
- ``best order of the listed themes``: an oracle that puts the authors' problems first among the themes the
  priority table lists for the service (raised by a comment, an aspect below the service's own mean, or
  paper-only digitalisation): the ceiling of any order over these candidates.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from textmine.insights.priority import priorities
from textmine.insights.ranking_eval import Rankings, Scores, fit_ranking, read_conclusions, score_rankings

NUMERIC = ("shrunk_share", "share", "n_comments", "aspect_gap", "pts_aspect", "pts_delivery")


def annotated(coded: pd.DataFrame) -> pd.DataFrame:
    """The quotes with the annotators' themes and polarity where a seed label exists (matched by text)."""
    from textmine.classify.labels import load_labelled

    labels = load_labelled()
    seed = labels[labels["origin"] == "seed"].drop_duplicates("text").set_index("text")
    found = coded["text"].isin(seed.index)
    print(f"annotators' labels found for {found.sum()} of {len(coded)} quotes")
    matched = seed.loc[coded.loc[found, "text"]]
    result = coded.copy()
    result.loc[found, "themes"] = [";".join(t) for t in matched["themes"]]
    result.loc[found, "polarity"] = matched["polarity"].to_numpy()
    return result


def candidate_table(coded: pd.DataFrame, services: pd.DataFrame, aspects: pd.DataFrame,
                    reference: dict[int, list[str]]) -> pd.DataFrame:
    """The listed problems per labelled service with their signals, the within-service count rank and the label."""
    table = priorities(coded, services, aspects)
    table = table[(table["kind"] == "problem") & table["service_no"].isin(list(reference))].copy()
    table["count_rank"] = table.groupby("service_no")["n_comments"].rank(ascending=False, method="min")
    table["aspect_rank"] = table.groupby("service_no")["aspect_score"].rank(method="min")
    table["wanted"] = [theme in reference[s] for s, theme in zip(table["service_no"], table["theme"], strict=True)]
    return table.reset_index(drop=True)


def logistic_ranker(table: pd.DataFrame, theme_bias: bool) -> Rankings:
    """Leave-one-service-out logistic regression over the candidates' signals (and a per-theme bias when
    ``theme_bias``); each service ranked by the model fitted on the others."""
    numeric = table[[*NUMERIC, "count_rank", "aspect_rank"]].astype(float)
    themes = pd.get_dummies(table["theme"], dtype=float) if theme_bias else pd.DataFrame(index=table.index)
    features = pd.concat([numeric, themes], axis=1).to_numpy()
    rankings = {}
    for service in table["service_no"].unique():
        held = (table["service_no"] == service).to_numpy()
        model = make_pipeline(SimpleImputer(strategy="median", add_indicator=True), StandardScaler(),
                              LogisticRegression(max_iter=5000))
        model.fit(features[~held], table["wanted"][~held])
        order = np.argsort(-model.decision_function(features[held]), kind="stable")
        rankings[int(service)] = table["theme"][held].to_numpy()[order].tolist()
    return rankings


def best_order(table: pd.DataFrame) -> Rankings:
    """Oracle: per service, the listed themes the authors name first, then the rest."""
    ordered = table.sort_values(["service_no", "wanted", "rank"], ascending=[True, False, True])
    return {int(s): group["theme"].tolist() for s, group in ordered.groupby("service_no")}


def main() -> None:
    """Print the rows (module doc)."""
    from textmine.pipeline import themed_comments
    from textmine.store import Store

    with Store(read_only=True) as store:
        coded, services, aspects = themed_comments(store), store.read("services"), store.read("aspect_scores")
    reference = read_conclusions()
    labelled = {s: problems for s, problems in reference.items() if problems}
    table = candidate_table(coded, services, aspects, labelled)
    rows: dict[str, Scores] = {
        "textmine, leave-one-service-out": fit_ranking(coded, services, aspects, reference).loso,
        "on the annotators' themes, leave-one-service-out": fit_ranking(annotated(coded), services, aspects,
                                                                        reference).loso,
        "logistic ranker over the same signals, leave-one-service-out": score_rankings(
            logistic_ranker(table, theme_bias=False), reference),
        "the same + a bias per theme, leave-one-service-out": score_rankings(
            logistic_ranker(table, theme_bias=True), reference),
        "best order of the listed themes (oracle)": score_rankings(best_order(table), reference),
    }
    print(pd.DataFrame({name: vars(s) for name, s in rows.items()}).T.round(3).to_string())


if __name__ == "__main__":
    main()
