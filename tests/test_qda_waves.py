"""Waves: wave of each file, share changes with Newcombe's interval (checked against the worked examples of
Newcombe 1998, Statistics in Medicine 17:873, table II, method 10), new and vanished themes, the brief
section, and a synthetic wave made from the bundled store that is marked synthetic and moves as told."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from textmine.qda import waves
from textmine.qda.wave_brief import brief_section
from textmine.store import Store

BUNDLED = Path(__file__).resolve().parents[1] / "data" / "textmine.duckdb"
NO_ROWS = pd.DataFrame(columns=["source_file", "wave", "synthetic", "at"])


def _comments(counts: dict[tuple[str, int], list[str]]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(wave, service) -> theme strings of its comments."""
    comments, themes = [], []
    for (wave, service), coded in counts.items():
        for i, value in enumerate(coded):
            cid = f"{wave}-{service}-{i}"
            comments.append({"id": cid, "wave": wave, "service_no": service, "service_name": f"s{service}"})
            themes.append({"id": cid, "themes": value})
    return pd.DataFrame(comments), pd.DataFrame(themes)


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
    comments, themes = _comments({
        ("2018", 1): ["queues"] * 48 + [""] * 32, ("2019", 1): ["queues"] * 56 + [""] * 14,
        ("2018", 2): ["queues"] * 3 + ["staff_attitude"] + [""] * 6, ("2019", 2): ["queues"] * 9 + ["digital"]})
    table = waves.changes(waves.theme_counts(comments, themes), "2018", "2019")
    one = table[(table["service_no"] == 1) & (table["theme"] == "queues")].iloc[0]
    assert (one["n_before"], one["count_before"], one["n_after"], one["count_after"]) == (80, 48, 70, 56)
    assert one["change"] == pytest.approx(0.2)
    assert (one["ci_low"], one["ci_high"]) == pytest.approx((0.0524, 0.3339), abs=5e-5)
    assert one["status"] == "up"
    two = table[table["service_no"] == 2].set_index("theme")
    assert (two.loc["queues", "ci_low"], two.loc["queues", "ci_high"]) == pytest.approx((0.1705, 0.8090), abs=5e-5)
    assert two.loc["staff_attitude", "status"] == "vanished" and two.loc["digital", "status"] == "new"
    everyone = table[table["service_name"] == waves.ALL_SERVICES].set_index("theme")
    assert (everyone.loc["queues", "count_before"], everyone.loc["queues", "n_before"]) == (51, 90)
    assert (everyone.loc["queues", "count_after"], everyone.loc["queues", "n_after"]) == (65, 80)


def test_store_changes_needs_two_waves() -> None:
    comments = pd.DataFrame({"id": ["a"], "service_no": [1], "service_name": ["s"], "source_file": ["r_2018.txt"]})
    with pytest.raises(ValueError, match="the store holds 2018"):
        waves.store_changes(comments, pd.DataFrame({"id": ["a"], "themes": ["queues"]}), NO_ROWS)


def test_brief_section_kazakh_and_russian() -> None:
    comments, themes = _comments({("2018", 1): ["queues"] * 48 + [""] * 32, ("2019", 1): ["queues"] * 56 + [""] * 14})
    table = waves.changes(waves.theme_counts(comments, themes), "2018", "2019")
    services = pd.DataFrame({"service_no": [1], "satisfaction_pct": [73.6], "prev_satisfaction_pct": [65.0],
                             "avg_score": [4.57], "prev_avg_score": [4.54]})
    kk = "\n".join(brief_section(1, "kk", services, table, "2018", "2019", {"queues": "Кезек"}.get))
    assert "## Өткен жолдан бері не өзгерді" in kk
    assert "қанағаттану 65% → 73.6%, орташа балл 4.54 → 4.57" in kk
    assert "Кезек (жиілеген): 60.0% → 80.0% (+20.0 п.т., 95% аралық +5.2…+33.4)" in kk
    ru = "\n".join(brief_section(1, "ru", services, table, "2018", "2019", synthetic=True))
    assert "Волны 2018 → 2019, отзывов 80 → 70 (синтетическая волна" in ru
    assert brief_section(2, "ru", services, table) == []


def test_synthetic_wave_from_the_bundled_store_is_marked_and_moves_as_told(tmp_path) -> None:
    with Store(BUNDLED, read_only=True) as store:
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
        table, before, after = waves.store_changes(store.read("comments"), store.read("comment_themes"), store.read("waves"))
    assert (before, after) == ("2018", "2019")
    queues = table[(table["theme"] == "queues") & (table["service_name"] == waves.ALL_SERVICES)].iloc[0]
    assert queues["count_before"] == themes["themes"].str.split(";").map(lambda t: "queues" in t).sum()
    assert queues["status"] == "vanished" and queues["count_after"] == 0
