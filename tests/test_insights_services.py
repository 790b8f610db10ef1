"""Service view from the seed report: figures reproduce the report; intervals and small-N warnings."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from textmine.insights.services import ratings_table, service_table, small_n_warning


@pytest.fixture(scope="module")
def table(seed_report_parse) -> pd.DataFrame:
    return service_table(seed_report_parse.services)


def test_sixty_services_with_identity(table: pd.DataFrame) -> None:
    assert list(table["service_no"]) == list(range(1, 61))
    assert table["service_name"].notna().all()
    assert set(table["provider_level"]) == {"ОМО", "ЖАО"}


def test_counts_reproduce_reported_average_and_satisfaction(table: pd.DataFrame) -> None:
    # The report rounds the average to 0.01 and shares to 0.1 pp.
    assert (table["avg_from_counts"] - table["avg_score"]).abs().max() <= 0.006
    assert (table["satisfaction_from_counts"] - table["satisfaction_pct"]).abs().max() <= 0.05
    assert table["n"].sum() == 10_000  # the survey's 10,000 respondents


def test_first_service_matches_the_report_text(table: pd.DataFrame) -> None:
    # "... қанағаттанушылық 73,6%-ды құрады немесе орташа 4,57 балға ие ... (2017 жылы - 65,0%, 4,54 балл)"
    first = table.iloc[0]
    assert (first["avg_score"], first["satisfaction_pct"]) == (4.57, 73.6)
    assert first["delta_avg"] == pytest.approx(0.03)
    assert first["delta_satisfaction_pp"] == pytest.approx(8.6)
    assert first["avg_ci_low"] < first["avg_score"] < first["avg_ci_high"]
    assert first["satisfaction_ci_low"] < 73.6 < first["satisfaction_ci_high"]


def test_small_services_carry_the_warning_and_wider_intervals(table: pd.DataFrame) -> None:
    small = table[table["n"] < 30]
    assert len(small) >= 1
    assert small["warning"].str.contains("not significant").all()
    assert table.loc[table["n"] >= 30, "warning"].isna().all()
    width = table["avg_ci_high"] - table["avg_ci_low"]
    assert width[table["n"] < 30].min() > width[table["n"] >= 100].median()


def test_ratings_table_from_respondents() -> None:
    ratings = pd.DataFrame({"service_no": [1] * 10 + [2] * 40,
                            "rating": [5, 5, 4, 3, 5, 1, 5, 4, 5, 2] + [5] * 30 + [4] * 10})
    out = ratings_table(ratings).set_index("service_no")
    assert out.loc[1, "n"] == 10 and out.loc[1, "avg"] == pytest.approx(3.9)
    assert out.loc[1, "satisfaction_pct"] == pytest.approx(50.0)
    assert out.loc[1, "warning"].startswith("N=10") and pd.isna(out.loc[2, "warning"])
    assert out.loc[2, "avg"] == pytest.approx(4.75)
    assert np.isclose(out[[f"share_{k}" for k in range(1, 6)]].sum(axis=1), 100).all()


def test_ratings_table_rejects_bad_ratings() -> None:
    with pytest.raises(ValueError, match="outside 1..5"):
        ratings_table(pd.DataFrame({"service_no": [1, 1], "rating": [5, 7]}))
    assert small_n_warning(11).startswith("N=11")
