"""Priorities on a synthetic corpus of real Kazakh quotes with a known answer (see recommend_corpus)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import recommend_corpus as synthetic

from textmine.insights.priority import COMPONENTS, WEIGHTS, priorities


@pytest.fixture(scope="module")
def coded() -> pd.DataFrame:
    return synthetic.corpus()


@pytest.fixture(scope="module")
def ranked(coded: pd.DataFrame) -> pd.DataFrame:
    return priorities(coded, synthetic.services(), synthetic.aspects(), prior_weight=10)


def _rows(table: pd.DataFrame, service: int, kind: str) -> pd.DataFrame:
    return table[(table["service_no"] == service) & (table["kind"] == kind)].sort_values("rank")


def test_many_deadline_complaints_and_a_low_aspect_score_rank_deadlines_first(ranked: pd.DataFrame) -> None:
    problems = _rows(ranked, synthetic.TARGET, "problem")
    top = problems.iloc[0]
    assert top["theme"] == "deadlines" and top["rank"] == 1
    assert top["n_comments"] == 10 and top["share"] == pytest.approx(0.5)
    assert top["prior_share"] == pytest.approx(10 / 120)  # the survey's only deadline complaints are these 10
    assert top["shrunk_share"] == pytest.approx((10 + 10 * 10 / 120) / (20 + 10))
    assert top["aspect_score"] == pytest.approx(4.10)
    assert top["aspect_own"] == pytest.approx((4.10 + 4.60 + 4.65) / 3)
    assert top["aspect_gap"] == pytest.approx(4.10 - 4.45)
    assert list(problems["rank"]) == list(range(1, len(problems) + 1))
    assert problems["score"].is_monotonic_decreasing


def test_a_praised_theme_is_a_strength_not_a_problem(ranked: pd.DataFrame) -> None:
    assert "staff_attitude" in set(_rows(ranked, synthetic.TARGET, "strength")["theme"])
    assert "staff_attitude" not in set(_rows(ranked, synthetic.TARGET, "problem")["theme"])
    assert "praise" not in set(ranked.loc[ranked["kind"] == "problem", "theme"])


def test_missing_impact_is_shown_and_the_other_weights_renormalised(ranked: pd.DataFrame) -> None:
    assert ranked["impact"].isna().all() and ranked["w_impact"].isna().all()
    assert ranked["missing"].str.contains("impact").all()
    weights = ranked[[f"w_{c}" for c in COMPONENTS]]
    assert np.allclose(weights.sum(axis=1), 1.0)
    top = _rows(ranked, synthetic.TARGET, "problem").iloc[0]
    present = WEIGHTS["share"] + WEIGHTS["aspect"]
    assert top["w_share"] == pytest.approx(WEIGHTS["share"] / present)
    assert top["w_aspect"] == pytest.approx(WEIGHTS["aspect"] / present)
    no_aspect = ranked[ranked["aspect_score"].isna()].iloc[0]
    assert no_aspect["missing"] == "impact,aspect"
    assert no_aspect["pts_aspect"] == pytest.approx(0.5)  # unscored theme: neutral, its weight kept
    assert no_aspect["w_share"] == pytest.approx(WEIGHTS["share"] / present)


def test_score_is_the_weighted_sum_of_the_shown_components(ranked: pd.DataFrame) -> None:
    points = ranked[[f"pts_{c}" for c in COMPONENTS]].fillna(0).to_numpy()
    weights = ranked[[f"w_{c}" for c in COMPONENTS]].fillna(0).to_numpy()
    assert np.allclose((points * weights).sum(axis=1), ranked["score"])


def test_per_comment_impact_is_used_when_ratings_exist(coded: pd.DataFrame) -> None:
    rated = coded.assign(rating=np.where(coded["themes"] == "deadlines", 2, 5)).astype({"rating": "Int64"})
    table = priorities(rated, synthetic.services(), synthetic.aspects())
    top = _rows(table, synthetic.TARGET, "problem").iloc[0]
    assert top["theme"] == "deadlines"
    assert top["impact"] == pytest.approx(3.5 - 5.0)  # mean 3.5 with the 10 ratings of 2, 5.0 without
    assert top["pts_impact"] == 1.0 and top["missing"] == ""
    praised = _rows(table, synthetic.TARGET, "strength").set_index("theme").loc["staff_attitude"]
    assert praised["impact"] > 0


def test_an_aspect_scored_low_without_comments_is_still_a_problem(coded: pd.DataFrame) -> None:
    extra = pd.DataFrame({"service_no": [1, 2, 3], "theme": "costs", "score": [3.9, 4.6, 4.7], "channel": None})
    table = priorities(coded, synthetic.services(), pd.concat([synthetic.aspects(), extra], ignore_index=True))
    costs = _rows(table, 1, "problem").set_index("theme").loc["costs"]
    assert costs["n_comments"] == 0 and costs["aspect_gap"] == pytest.approx(3.9 - np.mean([4.65, 4.60, 4.65, 3.9]))
    assert "costs" in set(_rows(table, 3, "strength")["theme"])


def test_a_high_aspect_score_is_no_strength_when_comments_single_the_theme_out(coded: pd.DataFrame,
                                                                                 ranked: pd.DataFrame) -> None:
    shares = ranked[(ranked["kind"] == "problem") & (ranked["theme"] == "documents")].set_index("service_no")["share"]
    shares = shares.reindex(list(synthetic.SERVICES), fill_value=0.0)
    worst, mild = int(shares.idxmax()), int(shares.idxmin())
    assert shares[worst] > shares.median() >= shares[mild]
    high = pd.DataFrame({"service_no": [worst, mild, *[s for s in synthetic.SERVICES if s not in (worst, mild)]],
                         "theme": "documents", "score": [4.9, 4.9, 4.5, 4.5, 4.5, 4.5], "channel": None})
    table = priorities(coded, synthetic.services(), pd.concat([synthetic.aspects(), high], ignore_index=True))
    assert "documents" not in set(_rows(table, worst, "strength")["theme"])
    assert "documents" in set(_rows(table, mild, "strength")["theme"])


def test_a_paper_only_service_has_digitalisation_as_a_problem_from_its_delivery_form(coded: pd.DataFrame) -> None:
    forms = {1: "paper", 2: "electronic", 3: None}
    services = synthetic.services().assign(
        delivery_form=[forms.get(s, "electronic") for s in synthetic.SERVICES],
        delivery_form_line=pd.array([None if forms.get(s, "e") is None else 100 * s for s in synthetic.SERVICES],
                                    dtype="Int64"))
    assert not coded["themes"].str.contains("digitalisation").any()  # no comment raises it
    table = priorities(coded, services, synthetic.aspects())
    digital = _rows(table, 1, "problem").set_index("theme").loc["digitalisation"]
    assert digital["n_comments"] == 0 and digital["delivery_form"] == "paper" and digital["delivery_form_line"] == 100
    assert digital["pts_delivery"] == 1.0 and "delivery" not in digital["missing"]
    present = WEIGHTS["share"] + WEIGHTS["aspect"] + WEIGHTS["delivery"]
    assert digital["w_delivery"] == pytest.approx(WEIGHTS["delivery"] / present)
    assert digital["score"] == pytest.approx(digital["w_share"] * digital["pts_share"]
                                             + digital["w_aspect"] * 0.5 + digital["w_delivery"])
    assert "digitalisation" not in set(_rows(table, 2, "problem")["theme"])  # electronic, no comment: not listed
    others = table[table["theme"] != "digitalisation"]
    assert others["pts_delivery"].isna().all() and not others["missing"].str.contains("delivery").any()
    assert table.loc[table["kind"] == "strength", "pts_delivery"].isna().all()
    by_region = priorities(coded, services, synthetic.aspects(), by="region")
    assert by_region["pts_delivery"].isna().all()


def test_whole_service_aspect_rows_win_over_channel_rows(coded: pd.DataFrame) -> None:
    channel = pd.DataFrame({"service_no": [synthetic.TARGET], "theme": ["deadlines"], "score": [2.0],
                            "channel": ["Мемкорпорация"]})
    table = priorities(coded, synthetic.services(), pd.concat([synthetic.aspects(), channel], ignore_index=True))
    assert _rows(table, synthetic.TARGET, "problem").iloc[0]["aspect_score"] == pytest.approx(4.10)


def test_other_groupings(coded: pd.DataFrame) -> None:
    agencies = priorities(coded, synthetic.services(), synthetic.aspects(), by="agency")
    problems = agencies[(agencies["agency"] == "ӘМ") & (agencies["kind"] == "problem")].set_index("theme")
    deadlines = np.mean([4.65, 4.70, 4.10])  # the agency's three services
    assert problems.loc["deadlines", "aspect_score"] == pytest.approx(deadlines)
    assert problems.loc["deadlines", "aspect_own"] == pytest.approx(np.mean([deadlines, 4.60, 4.65]))
    regions = priorities(coded, synthetic.services(), synthetic.aspects(), by="region")
    assert regions["aspect_score"].isna().all() and set(regions["region"]) == {"Алматы", "Астана"}
    survey = priorities(coded, synthetic.services(), synthetic.aspects(), by=None)
    assert survey["n_group"].eq(len(coded)).all()
    assert np.allclose(survey["shrunk_share"], survey["share"])  # one group: its own mix is the prior


def test_small_groups_are_flagged(coded: pd.DataFrame) -> None:
    table = priorities(coded, synthetic.services(), synthetic.aspects(), min_comments=25)
    assert table["small_n"].all()
    assert not priorities(coded, synthetic.services(), synthetic.aspects())["small_n"].any()


def test_bad_input_is_named(coded: pd.DataFrame) -> None:
    bad = synthetic.aspects().assign(score=lambda f: f["score"].where(f["service_no"] != 2, 7.5))
    with pytest.raises(ValueError, match=r"7\.5 outside 1\.\.5 for service 2 \(source line 1002\)"):
        priorities(coded, synthetic.services(), bad)
    with pytest.raises(KeyError, match="polarity"):
        priorities(coded.drop(columns="polarity"))
    with pytest.raises(ValueError, match="weights"):
        priorities(coded, weights={"popularity": 1.0})
