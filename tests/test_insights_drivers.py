"""Driver analysis against a known answer: synthetic respondents with known theme effects."""

from __future__ import annotations

import pandas as pd
import pytest

from textmine.insights.drivers import (
    ASSOCIATION_LABEL,
    impact,
    regression_drivers,
    service_association,
    with_without,
)
from textmine.insights.profile import cooccurrence, service_theme_matrix, theme_profile
from textmine.insights.synthetic import simulate_ratings

EFFECTS = {"staff_attitude": -1.2, "queues": -0.8, "deadlines": -0.4, "costs": 0.0, "praise": 0.5}
ORDER = ["staff_attitude", "queues", "deadlines", "costs", "praise"]  # most harmful first


@pytest.fixture(scope="module", params=[0, 1, 2])
def respondents(request) -> pd.DataFrame:
    return simulate_ratings(EFFECTS, n=3000, seed=request.param)


def test_regression_recovers_signs_order_and_size(respondents: pd.DataFrame) -> None:
    table = regression_drivers(respondents).set_index("theme")
    assert list(table.index) == ORDER
    for theme, effect in EFFECTS.items():
        row = table.loc[theme]
        if effect == 0:  # no effect: the smallest estimate, near zero (rounding + clipping bias it slightly)
            assert abs(row["coef"]) < 0.1 and abs(row["coef"]) == table["coef"].abs().min()
        else:
            assert (row["ci_high"] < 0) if effect < 0 else (row["ci_low"] > 0)
            assert abs(row["coef"] - effect) < 0.25  # rounding to the 1-5 scale shrinks effects a little


def test_with_without_and_impact_agree_on_order(respondents: pd.DataFrame) -> None:
    assert list(with_without(respondents)["theme"]) == ORDER
    overall = impact(respondents)
    assert list(overall["theme"]) == ORDER
    assert (overall.set_index("theme").loc[["staff_attitude", "queues", "deadlines"], "impact"] < 0).all()
    assert overall.set_index("theme").loc["praise", "impact"] > 0
    # impact is exactly "average minus the average without those respondents"
    queues = respondents["themes"].str.contains("queues")
    expected = respondents["rating"].mean() - respondents.loc[~queues, "rating"].mean()
    assert overall.set_index("theme").loc["queues", "impact"] == pytest.approx(expected)


def test_impact_per_service_has_counts() -> None:
    per_service = impact(simulate_ratings(EFFECTS, n=500, seed=3), by="service_no")
    assert set(per_service["service_no"]) == {1, 2, 3, 4, 5}
    assert (per_service.groupby("service_no")["n"].first().sum()) == 500


def test_no_ratings_is_a_clear_error() -> None:
    frame = simulate_ratings(EFFECTS, n=50).assign(rating=pd.NA)
    with pytest.raises(ValueError, match="service_association"):
        regression_drivers(frame)


def test_service_association_is_labelled_and_finds_a_planted_link() -> None:
    coded = pd.DataFrame({
        "service_no": [s for s in range(1, 11) for _ in range(10)],
        "themes": [("queues" if i < s else "documents") for s in range(1, 11) for i in range(10)],
        "polarity": "complaint",
    })
    services = pd.DataFrame({"service_no": range(1, 11), "avg_score": [4.9 - 0.1 * s for s in range(1, 11)]})
    result = service_association(services, service_theme_matrix(coded)).set_index("theme")
    assert result.loc["queues", "spearman_rho"] == pytest.approx(-1.0)
    assert result.loc["documents", "spearman_rho"] == pytest.approx(1.0)
    assert (result["kind"] == ASSOCIATION_LABEL).all() and "not cause" in ASSOCIATION_LABEL


def test_profile_and_cooccurrence_counts() -> None:
    coded = pd.DataFrame({"service_no": [1, 1, 1, 2], "themes": ["queues;deadlines", "queues", "", "deadlines"],
                          "polarity": ["complaint", "praise", "neutral", "complaint"]})
    profile = theme_profile(coded, "service_no").set_index(["service_no", "theme"])
    assert profile.loc[(1, "queues"), "n_theme"] == 2 and profile.loc[(1, "queues"), "share"] == pytest.approx(2 / 3)
    assert profile.loc[(1, "queues"), "n_praise"] == 1 and profile.loc[(2, "queues"), "n_theme"] == 0
    matrix = cooccurrence(coded)
    assert matrix.loc["queues", "deadlines"] == 1 and matrix.loc["queues", "queues"] == 2
