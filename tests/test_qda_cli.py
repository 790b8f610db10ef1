"""``textmine agreement``, ``words``, ``stopwords`` and ``waves`` on a copy of a store of the bundled comments."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from textmine.cli import app
from textmine.qda import agreement
from textmine.qda.published import store_frame
from textmine.store import Store

THEMES = ["queues", "documents"]


@pytest.fixture()
def store(bundled_store: Path, tmp_path: Path) -> Path:
    return Path(shutil.copy(bundled_store, tmp_path / "store.duckdb"))


def _run(*args: str) -> str:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_agreement_prints_the_per_theme_table_for_the_sample(store: Path) -> None:
    failed = CliRunner().invoke(app, ["agreement", "--store", str(store)])
    assert failed.exit_code == 2 and "no coder labels" in failed.output
    with Store(store) as opened:
        ids = agreement.sample_ids(store_frame(opened), "comments", "true", [], 4, 0)
        for coder, chosen in (("aigerim", [["queues"], ["queues"], [], []]), ("boris", [["queues"], [], [], []])):
            for cid, themes in zip(ids, chosen, strict=True):
                opened.append("coder_labels", agreement.coder_rows(cid, coder, themes, THEMES))
    out = _run("agreement", "--sample", "4", "--seed", "0", "--disagreements", "--store", str(store))
    # queues: 1,1,0,0 vs 1,0,0,0 -> 3 of 4 agree; kappa: po .75, pe .5*.25+.5*.75 = .5 -> (.75-.5)/.5 = .5;
    # alpha: o11 2, o10 = o01 1, o00 4, n1 3, n0 5, n 8 -> 1 - 7*2/(2*3*5) = 0.533
    queues = next(line.split() for line in out.splitlines() if line.strip().startswith("queues"))
    assert queues == ["queues", "4", "2", "0.75", "0.5", "0.533"]
    assert "comments labelled: 4" in out and ids[1] in out  # the one disagreement is listed
    with_model = _run("agreement", "--with-model", "--store", str(store))
    assert "coders: aigerim, boris, model" in with_model


def test_words_kwic_compare_and_stop_words(store: Path) -> None:
    out = _run("words", "--theme", "queues", "--top", "5", "--store", str(store))
    assert "кезек" in out
    out = _run("words", "--kwic", "кезек", "--theme", "queues", "--store", str(store))
    assert "Кезек" in out or "кезек" in out
    out = _run("words", "--polarity", "complaint", "--compare", "polarity=praise", "--top", "3", "--store", str(store))
    assert "log_odds" in out and " B" in out
    _run("stopwords", "--add", "Құжат", "--lang", "kk", "--store", str(store))
    assert "құжат" not in _run("words", "--top", "40", "--store", str(store)).split()
    bad = CliRunner().invoke(app, ["words", "--compare", "colour=red", "--store", str(store)])
    assert bad.exit_code == 2 and "unknown selection key colour" in bad.output


def test_waves_with_a_synthetic_second_wave(store: Path) -> None:
    failed = CliRunner().invoke(app, ["waves", "--store", str(store)])
    assert failed.exit_code == 2 and "the store holds 2018" in failed.output
    assert "986 comments" in _run("waves", "synthetic", "--wave", "2019", "--shift", "queues=0", "--store", str(store))
    out = _run("waves", "--store", str(store))
    assert "waves 2018 -> 2019 (synthetic: synthetic_wave_2019.csv)" in out
    everyone = next(line for line in out.splitlines() if " all " in f" {line} " and "queues" in line)
    assert everyone.split()[-1] == "vanished"
    bad = CliRunner().invoke(app, ["waves", "synthetic", "--shift", "nope=2", "--store", str(store)])
    assert bad.exit_code == 2 and "not in the taxonomy: nope" in bad.output
