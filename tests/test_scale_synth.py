"""Synthetic corpus: deterministic, marked synthetic, realistic mixture, readable by the table ingest."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from textmine.ingest.table import read_table
from textmine.scale.synth import LETTERLESS, synth_corpus, write_synth

KAZAKH_LETTERS = set("әөүұқғіңһ")


def test_same_seed_same_corpus_other_seed_other_corpus() -> None:
    pd.testing.assert_frame_equal(synth_corpus(500, seed=4), synth_corpus(500, seed=4))
    assert not synth_corpus(500, seed=4)["text"].equals(synth_corpus(500, seed=5)["text"])


def test_every_row_is_marked_and_plausible() -> None:
    corpus = synth_corpus(3000, seed=1)
    assert corpus["synthetic"].all() and corpus["channel"].str.startswith("synthetic:").all()
    assert corpus["service_no"].between(1, 60).all() and corpus["rating"].between(1, 5).all()
    texts = corpus["text"]
    assert texts.str.contains("Бәрі жақсы|Всё хорошо").sum() > 20  # stock answers repeat
    assert 0.1 < 1 - texts.nunique() / len(texts) < 0.6
    letterless = texts[texts.str.contains("бирден|кызмет|кужат|жаксы", case=False)]
    assert len(letterless) and not letterless.map(lambda t: bool(KAZAKH_LETTERS & set(t.lower()))).all()
    praise = corpus.loc[texts.isin(["Рахмет", "Всё хорошо", "Спасибо"]), "rating"].mean()
    assert praise > corpus["rating"].mean() + 0.5  # ratings follow polarity
    assert "Бәрі жақсы".translate(LETTERLESS) == "Бари жаксы"


def test_written_file_reads_as_survey_table(tmp_path: Path) -> None:
    parsed = read_table(write_synth(200, 0, tmp_path / "synthetic_200.csv"))
    assert (len(parsed.comments), len(parsed.rejects)) == (200, 0)
    assert parsed.comments["extra"].str.contains('"synthetic": "true"').all()
    assert set(parsed.comments["lang"].isna()) == {True}  # languages come later, from the tagger


def test_name_must_say_synthetic(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="must contain 'synthetic'"):
        write_synth(10, 0, tmp_path / "comments.csv")
