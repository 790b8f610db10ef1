"""Crash safety: `textmine ingest table` / `embed` / `annotate` killed with SIGKILL at seeded moments leave a
store that opens, holds no duplicates or half-written rows (a source file's rows are the previous
complete state or the new one), no half-written output file, and a rerun gives the uninterrupted result.

The commands run as real CLI invocations in children forked from one warm process
(:mod:`fuzz.killable`), so a trial costs the command's work, not seconds of imports; the uninterrupted
ingest reference run is an ordinary ``python -m textmine.cli`` subprocess. Moments are drawn with
``random.Random(SEED)`` within the measured length of an uninterrupted run; half of the ingest trials
wait for DuckDB's write-ahead log to appear (the commit) and kill up to half a second later. The
annotate trials load the real embedding model (tens of seconds each) and run only with
``TEXTMINE_SLOW_TESTS=1``.
"""

from __future__ import annotations

import csv
import json
import os
import random
import select
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from fuzz.corpus import FIELDS, Generator

from textmine.pipeline import ingest_table
from textmine.store import Store

ROOT = Path(__file__).resolve().parents[1]
SEED = 20240610
INGEST_TRIALS = 18
EMBED_TRIALS = 2
ANNOTATE_TRIALS = 2
slow = pytest.mark.skipif(os.environ.get("TEXTMINE_SLOW_TESTS") != "1", reason="set TEXTMINE_SLOW_TESTS=1")


def write_survey(path: Path, rows: int, seed: int) -> Path:
    """A survey export of real Kazakh quotes, Russian and mixed answers, with some bad rows."""
    path.parent.mkdir(parents=True, exist_ok=True)
    generated = Generator(seed).rows(rows, bad_share=0.03)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Пікір", "Баға", "Күні", "Қызмет", "Облыс", "id"])
        writer.writerows([row.cells[field] for field in FIELDS] for row in generated)
    return path


def cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "textmine.cli", *args]


class Killable:
    """Client of :mod:`fuzz.killable`: runs CLI commands in forked children and SIGKILLs them on cue."""

    def __init__(self) -> None:
        self.server = subprocess.Popen([sys.executable, "-m", "fuzz.killable"], cwd=ROOT, stdin=subprocess.PIPE,
                                       stdout=subprocess.PIPE, bufsize=0,
                                       env={**os.environ, "PYTHONPATH": str(ROOT / "tests")})
        self.buffer = b""

    def _line(self, wait: bool) -> bytes | None:
        while b"\n" not in self.buffer:
            if not wait and not select.select([self.server.stdout], [], [], 0)[0]:
                return None
            chunk = os.read(self.server.stdout.fileno(), 4096)
            assert chunk, "the killable server died"
            self.buffer += chunk
        line, self.buffer = self.buffer.split(b"\n", 1)
        return line

    def run(self, args: list[str], delay: float, wait_for: Path | None = None) -> bool:
        """Run ``textmine ARGS``; SIGKILL it ``delay`` s after it starts, or after a file matching the glob
        ``wait_for`` appears. True if it was still running when killed."""
        self.server.stdin.write((json.dumps(args) + "\n").encode())
        pid = int(self._line(wait=True))
        status = None
        while wait_for is not None and status is None and not list(wait_for.parent.glob(wait_for.name)):
            status = self._line(wait=False)
        started = time.monotonic()
        while status is None and time.monotonic() - started < delay:
            status = self._line(wait=False)
            time.sleep(0.001)
        if status is not None:
            return False
        os.kill(pid, signal.SIGKILL)
        return os.WTERMSIG(int(self._line(wait=True))) == signal.SIGKILL

    def timed(self, args: list[str]) -> float:
        """Seconds an uninterrupted run of ``textmine ARGS`` takes in a forked child."""
        started = time.monotonic()
        assert not self.run(args, float("inf"))
        return time.monotonic() - started

    def close(self) -> None:
        self.server.stdin.close()
        self.server.wait(timeout=60)


@pytest.fixture(scope="module")
def killable() -> Iterator[Killable]:
    server = Killable()
    yield server
    server.close()


def timed_run(command: list[str]) -> float:
    started = time.monotonic()
    subprocess.run(command, cwd=ROOT, check=True, capture_output=True, timeout=300)
    return time.monotonic() - started


def source_state(store_path: Path) -> tuple[frozenset[str], int]:
    """The comment ids and reject count of the survey in the store, after checking the store's integrity."""
    with Store(store_path) as store:  # read-write, as the next run opens it: replays the write-ahead log
        total, distinct = store.connection.execute("SELECT count(*), count(DISTINCT id) FROM comments").fetchone()
        assert total == distinct, "duplicate comment ids"
        comments = store.read("comments")  # validates every row against schema.COMMENTS
        rejects = store.read("rejects")
    return frozenset(comments["id"]), len(rejects)


def tables(store_path: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    with Store(store_path, read_only=True) as store:
        comments = store.read("comments").sort_values("id").reset_index(drop=True)
        rejects = store.read("rejects").sort_values(["source_file", "source_line"]).reset_index(drop=True)
    return comments, rejects


@pytest.fixture(scope="module")
def surveys(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The same file name in two versions, and a store holding the first version (the previous state)."""
    root = tmp_path_factory.mktemp("crash")
    old, new = write_survey(root / "v1" / "survey.csv", 150, 1), write_survey(root / "v2" / "survey.csv", 300, 2)
    with Store(root / "previous.duckdb") as store:
        ingest_table(store, old)
    return {"old": old, "new": new, "previous": root / "previous.duckdb", "root": root}


def test_ingest_killed_at_random_moments_leaves_a_whole_state(surveys: dict[str, Path], tmp_path: Path,
                                                               killable: Killable) -> None:
    reference = tmp_path / "reference.duckdb"
    shutil.copy(surveys["previous"], reference)
    timed_run(cli("ingest", "table", str(surveys["new"]), "--store", str(reference)))  # the real CLI, uninterrupted
    shutil.copy(surveys["previous"], tmp_path / "measure.duckdb")
    length = killable.timed(["ingest", "table", str(surveys["new"]), "--store", str(tmp_path / "measure.duckdb")])
    old_state, new_state = source_state(surveys["previous"]), source_state(reference)
    assert old_state != new_state
    expected = tables(reference)
    rng = random.Random(SEED)
    killed, outcomes = 0, []
    for trial in range(INGEST_TRIALS):
        store = tmp_path / f"trial{trial}.duckdb"
        shutil.copy(surveys["previous"], store)
        at_commit = trial % 2 == 1
        delay = rng.uniform(0, 0.5) if at_commit else rng.uniform(0.2 * length, 1.1 * length)
        wal = store.with_name(store.name + ".wal")
        killed += killable.run(["ingest", "table", str(surveys["new"]), "--store", str(store)], delay,
                               wal if at_commit else None)
        state = source_state(store)
        assert state in (old_state, new_state), f"trial {trial}: a partial state after SIGKILL at {delay:.2f} s"
        outcomes.append("new" if state == new_state else "old")
        with Store(store) as opened:  # the rerun
            ingest_table(opened, surveys["new"])
        for got, want in zip(tables(store), expected, strict=True):
            pd.testing.assert_frame_equal(got, want)
        assert {p.name for p in tmp_path.iterdir() if p.name.startswith(store.name)} <= {store.name, wal.name}
    print(f"\ningest: {INGEST_TRIALS} trials, {killed} killed mid-run, states after the kill: "
          f"{outcomes.count('old')} previous / {outcomes.count('new')} new; uninterrupted run {length:.1f} s")
    assert killed >= INGEST_TRIALS // 2


def embedding_rows(store_path: Path) -> pd.DataFrame:
    with Store(store_path) as store:
        return store.connection.execute(
            "SELECT model_id, kind, text_hash, vector FROM embeddings ORDER BY model_id, kind, text_hash").df()


def check_embeddings(rows: pd.DataFrame, reference: pd.DataFrame) -> None:
    """No duplicate keys, every vector whole and equal (to float rounding) to the uninterrupted run's."""
    keys = ["model_id", "kind", "text_hash"]
    assert not rows.duplicated(keys).any(), "duplicate cached vectors"
    joined = rows.merge(reference, on=keys, suffixes=("", "_ref"), validate="one_to_one")
    assert len(joined) == len(rows), "a cached vector the uninterrupted run does not have"
    if len(rows):
        got, want = np.stack(joined["vector"].to_numpy()), np.stack(joined["vector_ref"].to_numpy())
        np.testing.assert_allclose(got, want, atol=1e-5)


def test_embed_killed_at_random_moments_keeps_a_clean_cache(surveys: dict[str, Path], tmp_path: Path,
                                                            killable: Killable) -> None:
    reference = tmp_path / "reference.duckdb"
    shutil.copy(surveys["previous"], reference)
    length = killable.timed(["embed", "--store", str(reference)])
    expected = embedding_rows(reference)
    rng = random.Random(SEED + 1)
    for trial in range(EMBED_TRIALS):
        store = tmp_path / f"trial{trial}.duckdb"
        shutil.copy(surveys["previous"], store)
        killable.run(["embed", "--store", str(store)], rng.uniform(0.3 * length, length))
        check_embeddings(embedding_rows(store), expected)
        assert source_state(store) == source_state(surveys["previous"])
    killable.timed(["embed", "--store", str(store)])
    rerun = embedding_rows(store)
    check_embeddings(rerun, expected)
    assert len(rerun) == len(expected)


@slow
def test_annotate_killed_while_writing_leaves_no_half_file(tmp_path: Path, killable: Killable) -> None:
    source = write_survey(tmp_path / "in" / "survey.csv", 300, 3)
    reference = tmp_path / "reference" / "tagged.csv"
    reference.parent.mkdir()
    killable.timed(["annotate", str(source), "--out", str(reference)])
    rng = random.Random(SEED + 2)
    for trial in range(ANNOTATE_TRIALS):
        folder = tmp_path / f"trial{trial}"
        folder.mkdir()
        out = folder / "tagged.csv"
        out.write_text("previous complete output\n", encoding="utf-8")
        previous = out.read_bytes()
        killable.run(["annotate", str(source), "--out", str(out)], rng.uniform(0, 0.05),
                     wait_for=folder / f".{out.name}.*.tmp")
        assert out.read_bytes() in (previous, reference.read_bytes()), "half-written output"
        assert [p.name for p in folder.iterdir() if not p.name.startswith(".")] == ["tagged.csv"]
        killable.timed(["annotate", str(source), "--out", str(out)])
        assert out.read_bytes() == reference.read_bytes()


