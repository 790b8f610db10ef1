"""Waves: wave of each file, share changes with Newcombe's interval (checked against the worked examples of
Newcombe 1998, Statistics in Medicine 17:873, table II, method 10), new and vanished themes, the brief
section, and a synthetic wave made from the bundled store that is marked synthetic and moves as told."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from textmine.qda import waves
from textmine.qda.published import store_frame
from textmine.qda.wave_brief import brief_section
from textmine.store import Store

NO_ROWS = pd.DataFrame(columns=["source_file", "wave", "synthetic", "at"])


def _counts(coded: dict[tuple[str, int], list[str]]) -> pd.DataFrame:
    """:func:`waves.theme_counts` of comments given as (wave, service) -> theme strings of its comments,
    counted by the SQL of :func:`waves.file_counts` over a store-like pair of tables (file r_<wave>.csv)."""
    comments = pd.DataFrame([{"id": f"{wave}-{service}-{i}", "source_file": f"r_{wave}.csv", "service_no": service,
                              "service_name": f"s{service}", "themes": value}
                             for (wave, service), values in coded.items() for i, value in enumerate(values)])
    with duckdb.connect() as con:
        con.register("comments", comments.drop(columns="themes"))
        con.register("comment_themes", comments[["id", "themes"]])
        sizes, counts = waves.file_counts(lambda sql, p: con.execute(sql, list(p)).df())
    return waves.theme_counts(sizes, counts, NO_ROWS)


def test_file_waves_default_to_the_year_in_the_name() -> None:
    files = pd.Series(["monitoring_report_2018_kk.txt", "survey.csv", "export_2019.xlsx", "x12018.csv"])
    assert waves.file_waves(files, NO_ROWS).tolist() == ["2018", "base", "2019", "base"]
    named = pd.concat([waves.assignment_rows("survey.csv", "2017").assign(at="1"),
                       waves.assignment_rows("survey.csv", "2020").assign(at="2")])
    assert waves.file_waves(files, named).tolist() == ["2018", "2020", "2019", "base"]
    with pytest.raises(ValueError, match="survey.csv"):
        waves.assignment_rows("survey.csv", " ")


def test_changes_match_newcombes_worked_examples() -> None:
    # service 1: queues 48/80 before, 56/70 after -> difference 0.2, interval 0.0524 .. 0.3339 (Newcombe ex. a)
    # service 2: queues 3/10 before, 9/10 after -> 0.6, interval 0.1705 .. 0.8090 (Newcombe ex. b)
    counts = _counts({
        ("2018", 1): ["queues"] * 48 + [""] * 32, ("2019", 1): ["queues"] * 56 + [""] * 14,
        ("2018", 2): ["queues"] * 3 + ["staff_attitude"] + [""] * 6, ("2019", 2): ["queues"] * 9 + ["digital"],
        ("2018", 3): ["queues"], ("2019", 3): ["", "queues;queues"]})
    table = waves.changes(counts, "2018", "2019")
    one = table[(table["service_no"] == 1) & (table["theme"] == "queues")].iloc[0]
    assert (one["n_before"], one["count_before"], one["n_after"], one["count_after"]) == (80, 48, 70, 56)
    assert one["change"] == pytest.approx(0.2)
    assert (one["ci_low"], one["ci_high"]) == pytest.approx((0.0524, 0.3339), abs=5e-5)
    assert one["status"] == "up"
    two = table[table["service_no"] == 2].set_index("theme")
    assert (two.loc["queues", "ci_low"], two.loc["queues", "ci_high"]) == pytest.approx((0.1705, 0.8090), abs=5e-5)
    assert two.loc["staff_attitude", "status"] == "vanished" and two.loc["digital", "status"] == "new"
    # service 3: a theme named twice in one comment counts once: 1/1 before, 1/2 after
    three = table[table["service_no"] == 3].iloc[0]
    assert (three["count_before"], three["n_before"], three["count_after"], three["n_after"]) == (1, 1, 1, 2)
    everyone = table[table["service_name"] == waves.ALL_SERVICES].set_index("theme")
    assert (everyone.loc["queues", "count_before"], everyone.loc["queues", "n_before"]) == (52, 91)
    assert (everyone.loc["queues", "count_after"], everyone.loc["queues", "n_after"]) == (66, 82)


def test_a_service_without_themes_in_one_wave_is_kept() -> None:
    table = waves.changes(_counts({("2018", 1): ["queues", ""], ("2019", 1): ["", "", ""]}), "2018", "2019")
    row = table[table["service_no"] == 1].iloc[0]
    assert (row["theme"], row["count_before"], row["n_before"], row["count_after"], row["n_after"], row["status"]) == (
        "queues", 1, 2, 0, 3, "vanished")


def test_between_needs_two_waves() -> None:
    with pytest.raises(ValueError, match="the store holds 2018"):
        waves.between(_counts({("2018", 1): ["queues"]}))
    with pytest.raises(ValueError, match=r"\(not 2017\)"):
        waves.between(_counts({("2018", 1): ["queues"], ("2019", 1): [""]}), "2017", "2019")


def test_brief_section_kazakh_and_russian() -> None:
    table = waves.changes(_counts({("2018", 1): ["queues"] * 48 + [""] * 32, ("2019", 1): ["queues"] * 56 + [""] * 14}),
                          "2018", "2019")
    services = pd.DataFrame({"service_no": [1], "satisfaction_pct": [73.6], "prev_satisfaction_pct": [65.0],
                             "avg_score": [4.57], "prev_avg_score": [4.54]})
    kk = "\n".join(brief_section(1, "kk", services, table, "2018", "2019", {"queues": "Кезек"}.get))
    assert "## Өткен жолдан бері не өзгерді" in kk
    assert "қанағаттану 65% → 73.6%, орташа балл 4.54 → 4.57" in kk
    assert "Кезек (жиілеген): 60.0% → 80.0% (+20.0 п.т., 95% аралық +5.2…+33.4)" in kk
    ru = "\n".join(brief_section(1, "ru", services, table, "2018", "2019", synthetic=True))
    assert "Волны 2018 → 2019, отзывов 80 → 70 (синтетическая волна" in ru
    assert brief_section(2, "ru", services, table) == []


def test_synthetic_wave_from_the_bundled_store_is_marked_and_moves_as_told(bundled_store: Path, tmp_path: Path) -> None:
    with Store(bundled_store, read_only=True) as store:
        comments, themes = store.read("comments"), store.read("comment_themes")
    new_comments, new_themes, row = waves.synthetic_wave(comments, themes, "2019", {"queues": 0.0}, seed=3)
    assert row.iloc[0].to_dict() | {"at": ""} == {"source_file": "synthetic_wave_2019.csv", "wave": "2019",
                                                  "synthetic": True, "at": ""}
    assert (new_comments["channel"] == waves.SYNTHETIC_CHANNEL).all()
    assert all(json.loads(extra)["synthetic"] for extra in new_comments["extra"])
    assert not new_themes["themes"].str.split(";").map(lambda t: "queues" in t).any()
    again, _, _ = waves.synthetic_wave(comments, themes, "2019", {"queues": 0.0}, seed=3)
    assert again["id"].tolist() == new_comments["id"].tolist()
    path = tmp_path / "two.duckdb"
    with Store(path) as store:
        store.replace_source("monitoring_report_2018_kk.txt", comments, store.read("rejects"))
        store.replace_themes(themes)
        store.replace_source("synthetic_wave_2019.csv", new_comments, store.read("rejects").iloc[0:0])
        store.replace_themes(new_themes)
        store.append("waves", row)
        table, before, after = waves.between(waves.wave_counts(store_frame(store), store.read("waves")))
    assert (before, after) == ("2018", "2019")
    queues = table[(table["theme"] == "queues") & (table["service_name"] == waves.ALL_SERVICES)].iloc[0]
    assert queues["count_before"] == themes["themes"].str.split(";").map(lambda t: "queues" in t).sum()
    assert queues["status"] == "vanished" and queues["count_after"] == 0
