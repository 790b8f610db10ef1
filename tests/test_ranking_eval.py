"""The recommendation-ranking evaluation: metrics computed by hand, the baselines, and the fit that must
recover a known answer on the synthetic corpus (see recommend_corpus)."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest
import recommend_corpus as synthetic

from textmine.insights.ranking_eval import (
    fit_ranking,
    read_conclusions,
    score_rankings,
    service_frequency,
    survey_top,
    textmine_rankings,
)


def test_metrics_by_hand() -> None:
    rankings = {1: ["a", "b", "c", "d"], 2: ["x", "y"]}
    reference = {1: ["b", "d"], 2: ["y", "z", "w"], 3: []}  # service 3 names no problem: left out
    scores = score_rankings(rankings, reference, k=3)
    assert scores.services == 2
    assert scores.recall == pytest.approx(2 / 5) and scores.precision == pytest.approx(2 / 5)
    first = (1 / math.log2(3)) / (1 + 1 / math.log2(3))
    second = (1 / math.log2(3)) / (1 + 1 / math.log2(3) + 1 / math.log2(4))
    assert scores.ndcg == pytest.approx((first + second) / 2)


def test_capped_recall_counts_only_what_a_top_k_can_hold() -> None:
    reference = {1: ["a", "b", "c", "d", "e"], 2: ["x"]}  # five named: a top 3 can hold three of them
    scores = score_rankings({1: ["a", "c", "z"], 2: ["y", "x"]}, reference, k=3)
    assert scores.recall == pytest.approx(3 / 6)
    assert scores.capped_recall == pytest.approx(3 / 4)


def _coded(rows: list[tuple[int, str, str]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["service_no", "themes", "polarity"])


def test_baselines_count_complaints_and_suggestions_never_praise() -> None:
    coded = _coded([(1, "costs", "complaint"), (1, "costs", "suggestion"), (1, "queues", "complaint"),
                    (2, "queues", "complaint"), (2, "queues;praise", "praise"), (2, "documents", "complaint"),
                    (2, "praise", "complaint"), (3, "documents", "neutral")])
    assert survey_top(coded)[3][:2] == ["costs", "queues"]  # 2 and 2: the first column wins the tie
    frequency = service_frequency(coded)
    assert frequency[1] == ["costs", "queues"]
    assert frequency[2] == ["queues", "documents"]  # praise is never a problem
    assert frequency[3] == []


def test_fit_recovers_a_ranking_by_the_services_own_counts() -> None:
    coded = synthetic.corpus()
    counts = coded[coded["polarity"] == "complaint"].groupby(["service_no", "themes"]).size().unstack(fill_value=0)
    reference = {}
    for service, row in counts.iterrows():
        top = row.sort_values(ascending=False)
        if top.iloc[0] > top.iloc[1]:
            reference[int(service)] = [top.index[0]]
    assert reference[synthetic.TARGET] == ["deadlines"] and len(reference) >= 3
    pulled = textmine_rankings(coded, synthetic.services(), synthetic.aspects(), prior_weight=1000.0, aspect_weight=0.0,
                               delivery_weight=0.0)
    assert score_rankings(pulled, reference, k=1).recall < 1  # near the survey mix, the own top theme is lost
    fitted = fit_ranking(coded, synthetic.services(), synthetic.aspects(), reference, priors=(1000.0, 0.0),
                         aspect_weights=(0.0,), delivery_weights=(0.0,), k=1)
    assert fitted.prior_weight == 0.0 and fitted.in_sample.recall == 1.0 and fitted.loso.recall == 1.0
    assert len(fitted.loso_choices) == len(reference)


def test_fit_weighs_the_delivery_form_when_the_authors_ask_paper_services_to_go_digital() -> None:
    coded = synthetic.corpus()
    paper = [1, 2, 4]
    services = synthetic.services().assign(
        delivery_form=["paper" if s in paper else "electronic" for s in synthetic.SERVICES],
        delivery_form_line=pd.array([100 * s for s in synthetic.SERVICES], dtype="Int64"))
    reference = {int(s): ["digitalisation"] if s in paper else ["deadlines"] for s in synthetic.SERVICES}
    fitted = fit_ranking(coded, services, synthetic.aspects(), reference, priors=(10.0,), aspect_weights=(0.0,),
                         delivery_weights=(0.0, 10.0), k=1)
    assert fitted.delivery_weight == 10.0
    without = score_rankings(textmine_rankings(coded, services, synthetic.aspects(), 10.0, 0.0, 0.0), reference, k=1)
    assert fitted.in_sample.recall == without.recall + len(paper) / len(reference)
    assert (fitted.loso_choices["delivery_weight"] == 10.0).all()


def test_reference_file_errors_name_the_file(tmp_path: Path) -> None:
    path = tmp_path / "conclusions.csv"
    path.write_text("service,problems\n1,costs\n", encoding="utf-8")
    with pytest.raises(KeyError, match="conclusions.csv: missing column"):
        read_conclusions(path)
    path.write_text("service_no,problems\n1,costs\n7,costs;parking\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"conclusions.csv, service 7: unknown theme\(s\) parking"):
        read_conclusions(path, theme_ids=["costs", "queues"])
