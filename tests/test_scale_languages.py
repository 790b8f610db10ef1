"""Language tags of texts the store tagged before are reused by the chunked pipeline (and equal the tagger's),
and a tagger with another fingerprint tags every text again."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from test_scale_chunks import HashEmbedder, run

from textmine.langid import tag_languages
from textmine.scale import languages
from textmine.scale.synth import write_synth
from textmine.store import Store

NEW = ["Кезек өте ұзақ, екі сағат күттім", "Сотрудники ЦОНа были вежливы", "Egov ти работает, ЭЦП не принимает"]


def _recorded(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    tagged: list[str] = []

    def recording(texts: list[str]) -> pd.DataFrame:
        tagged.extend(texts)
        return tag_languages(texts)

    monkeypatch.setattr(languages, "tag_languages", recording)
    return tagged


def test_texts_tagged_before_are_not_tagged_again_and_keep_the_taggers_tags(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    first = write_synth(200, seed=11, out=tmp_path / "synthetic_first.csv")
    old = pd.read_csv(first, dtype=str, keep_default_na=False)
    second = tmp_path / "second.csv"
    pd.concat([old.iloc[:120], pd.DataFrame({"text": NEW, "rating": ["2", "5", "1"]})]).to_csv(second, index=False)
    with Store(tmp_path / "s.duckdb") as store:
        run(store, first, HashEmbedder())
        tagged = _recorded(monkeypatch)
        run(store, second, HashEmbedder())
        assert sorted(tagged) == sorted(NEW)
        stored = store.read("comments", "source_file = 'second.csv' ORDER BY source_line")
        fresh = tag_languages(stored["text"].tolist())
        assert stored["lang"].tolist() == fresh["lang"].tolist()
        assert stored["lang_confidence"].tolist() == fresh["lang_confidence"].tolist()
        kept = store.connection.execute("SELECT count(*), count(DISTINCT tagger_key) FROM text_languages").fetchall()[0]
        assert kept == (stored["text"].nunique() + old.iloc[120:]["text"].nunique()
                        - len(set(old.iloc[120:]["text"]) & set(stored["text"])), 1)
        monkeypatch.setattr(languages, "tagger_key", lambda: "another tagger")
        tagged.clear()
        again = tmp_path / "again.csv"
        pd.read_csv(second, dtype=str, keep_default_na=False).to_csv(again, index=False)
        run(store, again, HashEmbedder())
        assert sorted(set(tagged)) == sorted(set(stored["text"]))
