"""The app keeps serving while the pipeline writes: a writer process rewrites the store round after round
(two transactions per round, so the store itself is half-updated in between) while the app's query layer
reads in a loop in this process. The reader must never fail and must only ever see complete rounds.

The two processes move in lock step through shared counters (no sleeps, no timing): in every round the
writer holds the store open, half-written, until the reader has completed a read inside that window.
"""

from __future__ import annotations

import multiprocessing
import sys
import time
import types
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from test_store import comment_rows

from textmine import schema
from textmine.app.query import Selection, has_vectors, open_corpus, rows
from textmine.store import Store, snapshot_path

# Respondents' words from the seed report (data/reports/monitoring_report_2018_kk.txt), Kazakh and mixed.
TEXTS = [
    "ХҚКОда айғай-шу, кімге бірінші бару керектігін көрсететін көрсеткіштер жоқ",
    "Мұнда адами факторлар жоқ, тек сен және компьютер",
    "ЦОН-ға бардым, там очередь огромная болды",
]
ROUNDS = 3
HANDSHAKE_S = 120.0  # only a guard against a hung partner: the protocol itself never waits on time


def _comments(source: str, round_no: int) -> pd.DataFrame:
    """Round ``round_no``'s comments of ``source``: ``round_no + 2`` rows, each text tagged with the round."""
    return comment_rows(source, [f"{TEXTS[line % len(TEXTS)]} #{round_no}" for line in range(1, round_no + 3)])


def write_round(store: Store, round_no: int, between=lambda: None) -> None:
    """Replace both sources with round ``round_no``; ``between`` runs after the first transaction."""
    store.replace_source("a.csv", _comments("a.csv", round_no), schema.empty(schema.REJECTS))
    between()
    store.replace_source("b.csv", _comments("b.csv", round_no), schema.empty(schema.REJECTS))


def _wait(counter, value: int, what: str) -> None:
    deadline = time.monotonic() + HANDSHAKE_S
    while counter.value < value:
        if time.monotonic() > deadline:
            raise TimeoutError(f"gave up waiting for {what} {value}")
        time.sleep(0.005)


def writer(path: str, phase, overlap, seen) -> None:
    """The pipeline: each round opens the store, writes half, waits for a read, writes the rest, closes."""
    for round_no in range(1, ROUNDS + 1):
        with Store(path) as store:
            def hold(round_no: int = round_no) -> None:
                phase.value = round_no
                _wait(overlap, round_no, "a read during round")
            write_round(store, round_no, hold)
        phase.value = 0
        _wait(seen, round_no, "the reader to see round")


def _round_of(comments: pd.DataFrame) -> int:
    """The one round all comments come from; fails on a mix of rounds or a partial round."""
    rounds = set(comments["text"].str.rsplit("#", n=1).str[1].astype(int))
    assert len(rounds) == 1, f"mixed rounds {sorted(rounds)}"
    (round_no,) = rounds
    assert len(comments) == 2 * (round_no + 2), f"round {round_no} has {len(comments)} comments"
    return round_no


def test_app_queries_see_complete_rounds_while_the_pipeline_writes(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    # A spawned child re-imports ``__main__``; after an AppTest in the same session that is app.py, which
    # would draw the app in the child. Give the child a bare main module instead.
    monkeypatch.setitem(sys.modules, "__main__", types.ModuleType("__main__"))
    path = tmp_path / "textmine.duckdb"
    with Store(path) as store:
        write_round(store, 0)
    context = multiprocessing.get_context("spawn")
    phase, overlap, seen = (context.Value("i", 0) for _ in range(3))
    process = context.Process(target=writer, args=(str(path), phase, overlap, seen))
    process.start()
    observed, during_writes, locked_out, fallback_rounds = set(), [], 0, []
    try:
        while process.is_alive() or seen.value < ROUNDS:
            writing = phase.value
            corpus = open_corpus(path)
            has_vectors(corpus)
            round_no = _round_of(rows(corpus, Selection()))
            corpus.connection.close()
            observed.add(round_no)
            if writing and phase.value == writing and overlap.value < writing:
                during_writes.append((writing, round_no))
                try:
                    duckdb.connect(str(path), read_only=True).close()
                except duckdb.IOException:
                    locked_out += 1
                with Store(path, read_only=True) as fallback:
                    assert fallback.source == snapshot_path(path)
                    fallback_rounds.append(_round_of(fallback.read("comments")))
                overlap.value = writing
            seen.value = max(seen.value, round_no)
            if not process.is_alive() and seen.value < ROUNDS:
                break
    finally:
        process.join(timeout=HANDSHAKE_S)
    assert process.exitcode == 0
    assert observed == set(range(ROUNDS + 1))
    # every round was read while the writer held the store half-written, and the read saw the round before
    assert during_writes == [(k, k - 1) for k in range(1, ROUNDS + 1)]
    assert fallback_rounds == [k - 1 for k in range(1, ROUNDS + 1)]
    assert locked_out == ROUNDS  # the store itself could not be opened then: the snapshot is what kept the app up
