"""Chunked pipeline: an interrupted run resumes without redoing work and ends equal to an uninterrupted one."""

from __future__ import annotations

import hashlib
import json
import logging
import threading
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from textmine.embed.cache import embed_with_cache
from textmine.scale.chunks import ChunkedSummary, process_file
from textmine.scale.dedup import duplicate_report
from textmine.scale.synth import write_synth
from textmine.store import Store

ROOT = Path(__file__).resolve().parents[1]
HEADS_MODEL_ID = json.loads((ROOT / "models" / "heads" / "card.json").read_text(encoding="utf-8"))["embedding_model_id"]


class HashEmbedder:
    """Deterministic stand-in for the e5 model (same id, so the shipped heads load): a unit vector per text."""

    model_id, dim = HEADS_MODEL_ID, 384

    def __init__(self) -> None:
        self.embedded: list[str] = []

    def embed(self, texts, kind="passage", batch_size=32, show_progress=True) -> np.ndarray:
        self.embedded += list(texts)
        rows = [np.random.default_rng(int(hashlib.sha1(t.encode()).hexdigest()[:12], 16)).normal(size=self.dim)
                for t in texts]
        vectors = np.array(rows, dtype=np.float32).reshape(len(texts), self.dim)
        return vectors / np.linalg.norm(vectors, axis=1, keepdims=True).clip(1e-12)


class RuleAnnotator:
    """Stand-in for the theme heads (loading them takes seconds): themes from the vector, polarity from length."""

    mode = "trained"
    card = SimpleNamespace(training_data_sha1="test", taxonomy_version=1)

    def annotate(self, texts: list[str], vectors: np.ndarray) -> pd.DataFrame:
        themes = [";".join(t for t, v in zip(("queues", "documents"), row[:2], strict=True) if v > 0) for row in vectors]
        return pd.DataFrame({"themes": themes, "theme_scores": [json.dumps({"queues": round(float(r[0]), 3)}) for r in vectors],
                             "theme_uncertain": False,
                             "theme_evidence": [json.dumps({t: [] for t in row.split(";") if t}) for row in themes],
                             "polarity": ["praise" if len(t) < 20 else "complaint" for t in texts],
                             "theme_mode": self.mode})


def run(store: Store, path: Path, embedder: HashEmbedder, **options):
    """``process_file`` with the stand-in annotator, 100-row chunks and no progress bar."""
    return process_file(store, path, embedder, annotator=RuleAnnotator(), progress=False,
                        **{"chunk_rows": 100, **options})


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_synth(300, seed=7, out=tmp_path_factory.mktemp("scale") / "synthetic_300.csv")


def _tables(path: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    with Store(path, read_only=True) as store:
        return (store.read("comments").sort_values("id").reset_index(drop=True),
                store.read("comment_themes").sort_values("id").reset_index(drop=True))


def test_interrupted_run_resumes_and_equals_an_uninterrupted_one(corpus: Path, tmp_path: Path) -> None:
    with Store(tmp_path / "whole.duckdb") as store:
        whole = run(store, corpus, HashEmbedder(), chunk_rows=100)
    assert (whole.chunks, whole.comments) == (3, 300)

    def crash(stage: str, chunk_no: int) -> None:
        if (stage, chunk_no) == ("annotate", 1):
            raise KeyboardInterrupt("simulated interruption")

    with Store(tmp_path / "resumed.duckdb") as store:
        with pytest.raises(KeyboardInterrupt):
            run(store, corpus, HashEmbedder(), chunk_rows=100, hook=crash)
        assert store.count("comments") == 100  # chunk 0 written, chunk 1 rolled back
        calls: list[tuple[str, int]] = []
        embedder = HashEmbedder()
        resumed = run(store, corpus, embedder, chunk_rows=100,
                  hook=lambda stage, no: calls.append((stage, no)))
    assert resumed.skipped == 1
    assert {no for _, no in calls} == {1, 2}
    first_chunk = set(pd.read_csv(corpus, nrows=100)["text"])
    assert not first_chunk & set(embedder.embedded) - set(pd.read_csv(corpus, skiprows=range(1, 101))["text"])
    for got, want in zip(_tables(tmp_path / "resumed.duckdb"), _tables(tmp_path / "whole.duckdb"), strict=True):
        pd.testing.assert_frame_equal(got, want)


def test_rerun_and_appended_rows_process_only_new_chunks(corpus: Path, tmp_path: Path) -> None:
    grown = tmp_path / "synthetic_grown.csv"
    frame = pd.read_csv(corpus, dtype=str, keep_default_na=False)
    frame.iloc[:200].to_csv(grown, index=False)
    with Store(tmp_path / "s.duckdb") as store:
        run(store, grown, HashEmbedder(), chunk_rows=100)
        assert run(store, grown, HashEmbedder(), chunk_rows=100).skipped == 2
        frame.to_csv(grown, index=False)
        more = run(store, grown, HashEmbedder(), chunk_rows=100)
        assert (more.skipped, more.comments) == (2, 100)
        assert store.count("comments") == 300 == store.count("comment_themes")
        frame.iloc[:150].to_csv(grown, index=False)  # the file shrank: rows past its end go
        run(store, grown, HashEmbedder(), chunk_rows=100)
        assert store.count("comments") == 150 == store.count("comment_themes")


def test_identical_texts_are_embedded_once(tmp_path: Path) -> None:
    texts = ["Бәрі жақсы", "Всё хорошо", "Бәрі жақсы", "Кезек өте ұзақ болды", "Всё хорошо", "Бәрі жақсы"]
    source = tmp_path / "synthetic_dups.csv"
    pd.DataFrame({"text": texts, "rating": [5, 5, 4, 2, 5, 5]}).to_csv(source, index=False)
    embedder = HashEmbedder()
    with Store(tmp_path / "d.duckdb") as store:
        summary = run(store, source, embedder, chunk_rows=4)
        themes = store.connection.execute(
            "SELECT c.text, t.themes, t.polarity FROM comments c JOIN comment_themes t USING (id)").df()
    assert sorted(embedder.embedded) == sorted(set(texts)) and summary.new_texts == 3
    assert themes.groupby("text")[["themes", "polarity"]].nunique().max().max() == 1
    report = duplicate_report(texts)
    assert (report.unique, round(report.share, 3), report.top[0]) == (3, 0.5, ("Бәрі жақсы", 3))


def test_an_edited_lexicon_is_a_new_annotator_so_cached_themes_are_not_reused():
    from textmine.classify.taxonomy import load_taxonomy
    from textmine.scale.dedup import annotator_key

    taxonomy = load_taxonomy()
    edited = taxonomy.model_copy(deep=True)
    edited.theme("queues").lexicon.kk.append("тізім*")
    card = SimpleNamespace(training_data_sha1="x", taxonomy_version=taxonomy.version)
    keys = [annotator_key(SimpleNamespace(card=card, taxonomy=t, mode="trained"), HashEmbedder())
            for t in (taxonomy, taxonomy, edited)]
    assert keys[0] == keys[1] != keys[2]


def test_known_hashes_answer_certainly_not_from_memory() -> None:
    from textmine.embed.cache import text_hash
    from textmine.embed.known import KnownHashes

    stored, added, other = "Кезек өте ұзақ болды", "Қызметкерлер сыпайы", "Сайт жиі істемей қалады"
    known = KnownHashes([text_hash(stored)])
    assert known.may_hold([text_hash(t) for t in (stored, added, other)]).tolist() == [True, False, False]
    known.add([text_hash(added)])
    assert known.may_hold([text_hash(t) for t in (other, added, stored)]).tolist() == [False, True, True]
    assert len(known) == 2 and not KnownHashes().may_hold([text_hash(other)]).any()


def test_run_cache_asks_the_tables_only_about_texts_they_may_hold(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    from textmine.embed import cache
    from textmine.embed.cache import text_hash
    from textmine.scale import dedup

    earlier, new = ["Бәрі жақсы", "Всё хорошо"], ["Кезек өте ұзақ болды", "Очередь была очень длинной"]
    embedder, annotator = HashEmbedder(), RuleAnnotator()
    with Store(tmp_path / "r.duckdb") as store:
        dedup.annotate_once(store, embedder, annotator, earlier)
        run_cache = dedup.RunCache.open(store, embedder, annotator)
        asked: dict[str, list[str]] = {"annotations": [], "vectors": []}
        real_cached, real_lookup = dedup._cached, cache._lookup
        monkeypatch.setattr(dedup, "_cached", lambda s, k, h: asked["annotations"].extend(h) or real_cached(s, k, h))
        monkeypatch.setattr(cache, "_lookup", lambda s, m, kd, h, o: asked["vectors"].extend(h) or real_lookup(s, m, kd, h, o))
        chunk = [new[0], earlier[0], new[0], new[1]]
        with_run, fresh = dedup.annotate_once(store, embedder, annotator, chunk, run_cache)
        assert fresh == 2 and asked == {"annotations": [text_hash(earlier[0])], "vectors": []}
        again, fresh = dedup.annotate_once(store, embedder, annotator, chunk[::-1], run_cache)
        assert fresh == 0 and asked["annotations"] == [text_hash(earlier[0])]  # the rest came from memory
        monkeypatch.undo()
        without_run, _ = dedup.annotate_once(store, embedder, annotator, chunk)
    pd.testing.assert_frame_equal(with_run, without_run, check_dtype=False)  # memo rows are object columns
    pd.testing.assert_frame_equal(again, without_run.iloc[::-1].reset_index(drop=True), check_dtype=False)


KEYS = {"comments": "source_file, source_line", "comment_themes": "id", "text_annotations": "annotator_key, text_hash",
        "embeddings": "model_id, kind, text_hash", "scale_chunks": "done_at"}  # chunks in the order written


def _by_key(path: Path) -> dict[str, pd.DataFrame]:
    """Each table in key order (a DuckDB table keeps no insertion order to compare)."""
    with Store(path, read_only=True) as store:
        tables = {table: store.connection.execute(f"SELECT * FROM {table} ORDER BY {key}").df()
                  for table, key in KEYS.items()}
    tables["scale_chunks"] = tables["scale_chunks"].drop(columns=["seconds", "done_at"])  # timings
    return tables


def test_overlapped_run_writes_what_a_sequential_run_writes(tmp_path: Path) -> None:
    first = write_synth(300, seed=7, out=tmp_path / "synthetic_a.csv")
    second = write_synth(250, seed=8, out=tmp_path / "synthetic_b.csv")  # shares stock answers with the first
    embedded = {}
    for overlap in (False, True):
        embedder = HashEmbedder()
        with Store(tmp_path / f"{overlap}.duckdb") as store:
            embed_with_cache(store, embedder, ["Бәрі жақсы", "Всё хорошо"])  # cached vectors, no themes yet
            for source in (first, second):
                summary = run(store, source, embedder, chunk_rows=64, overlap=overlap)
                assert summary.overlap is overlap and len(summary.finished_at) == summary.chunks
        embedded[overlap] = embedder.embedded
    assert embedded[True] == embedded[False]
    assert len(set(embedded[True])) == len(embedded[True])  # each text embedded once: no vector computed twice
    for table, want in _by_key(tmp_path / "False.duckdb").items():
        pd.testing.assert_frame_equal(_by_key(tmp_path / "True.duckdb")[table], want, obj=table)


def test_an_error_while_preparing_ahead_names_the_chunk_and_keeps_what_was_written(corpus: Path,
                                                                                   tmp_path: Path) -> None:
    def broken(stage: str, chunk_no: int) -> None:
        if (stage, chunk_no) == ("embed", 1):
            raise RuntimeError("model file vanished")

    with Store(tmp_path / "e.duckdb") as store:
        with pytest.raises(RuntimeError, match="model file vanished") as raised:
            run(store, corpus, HashEmbedder(), chunk_rows=100, hook=broken, overlap=True)
        assert store.count("comments") == 100
    assert raised.value.__notes__ == [f"(in the background thread, preparing chunk 1 of {corpus.name} (lines 102-201))"]


def test_overlap_is_on_by_default_and_the_setting_turns_it_off(corpus: Path, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    def threads_of_embedding(name: str) -> set[str]:
        seen: set[str] = set()
        with Store(tmp_path / f"{name}.duckdb") as store:
            run(store, corpus, HashEmbedder(), hook=lambda stage, no: stage == "embed" and seen.add(threading.current_thread().name))
        return seen

    assert threads_of_embedding("default") == {"textmine-prepare-ahead"}
    monkeypatch.setenv("TEXTMINE_OVERLAP_CHUNKS", "false")
    assert threads_of_embedding("off") == {"MainThread"}


def test_summary_reports_how_chunk_time_moved_from_the_first_to_the_last_tenth() -> None:
    summary = ChunkedSummary("x.csv", chunks=20, finished_at=[10.0 * i + 0.5 * i * i for i in range(1, 21)])
    assert summary.chunk_seconds[:3] == [10.5, 11.5, 12.5]
    line = summary.flatness_line()
    assert line == "  seconds per chunk: median 20.0; first 2 11.0, last 2 29.0 (+164%)"
    assert line in summary.lines()
    assert ChunkedSummary("y.csv", chunks=3, finished_at=[1.0, 2.0, 3.0]).flatness_line() is None


def test_messages_about_columns_name_the_source_file_once(corpus: Path, tmp_path: Path,
                                                          caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="textmine.ingest.table"), Store(tmp_path / "s.duckdb") as store:
        run(store, corpus, HashEmbedder(), chunk_rows=100, overlap=False)
    extra = [r.getMessage() for r in caplog.records if "kept in 'extra'" in r.getMessage()]
    assert extra == [f"{corpus.name}: columns kept in 'extra': 'respondent_id', 'synthetic'"]


def test_chunks_are_written_under_the_chunk_memory_limit_then_the_store_limit_returns(
        corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEXTMINE_DUCKDB_MEMORY_LIMIT", "700MB")
    monkeypatch.setenv("TEXTMINE_DUCKDB_CHUNK_MEMORY_LIMIT", "300MB")
    seen: set[str] = set()
    with Store(tmp_path / "s.duckdb") as store:
        limit = "SELECT current_setting('memory_limit')"
        run(store, corpus, HashEmbedder(), overlap=False,
            hook=lambda stage, no: stage == "write" and seen.add(store.connection.execute(limit).fetchall()[0][0]))
        after = store.connection.execute(limit).fetchall()[0][0]
    assert seen == {"286.1 MiB"}  # 3 x 10^8 bytes, as DuckDB shows it
    assert after == "667.5 MiB"
