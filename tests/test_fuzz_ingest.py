"""Fuzzed ingest: on a seeded bad-input corpus every row is a comment or a reject with file, row and reason;
files that cannot be a table are refused with a one-line IngestError; memory stays bounded."""

from __future__ import annotations

import csv
import io
import resource
import subprocess
import sys
import tracemalloc
from pathlib import Path

import pytest
from fuzz.corpus import CorpusFile, Outcome, build_corpus, format_totals, totals
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from textmine import schema
from textmine.cli import app
from textmine.ingest.errors import IngestError
from textmine.ingest.table import read_table

ROOT = Path(__file__).resolve().parents[1]
MEMORY_BOUND = 1 << 30  # bytes


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> dict[str, CorpusFile]:
    return {file.path.name: file for file in build_corpus(tmp_path_factory.mktemp("corpus"), seed=0)}


def _check(file: CorpusFile) -> tuple[Outcome, list[str]]:
    """What reading ``file`` gave, and how that differs from what the corpus built into it."""
    name = file.path.name
    try:
        parsed = read_table(file.path)
    except IngestError as error:
        message, outcome = str(error), Outcome(file, error=str(error))
        if file.error is None:
            return outcome, [f"{name}: refused unexpectedly: {message}"]
        one_line = file.error in message and message.startswith(f"{name}") and "\n" not in message
        return outcome, [] if one_line else [f"{name}: error {message!r} lacks {file.error!r}"]
    outcome = Outcome(file, parsed.rows_in, len(parsed.comments), len(parsed.rejects))
    if file.error is not None:
        return outcome, [f"{name}: read {parsed.rows_in} rows, expected the error {file.error!r}"]
    found = []
    rejects, comments = parsed.rejects, parsed.comments
    if (parsed.rows_in, len(rejects)) != (file.rows, file.rejects):
        found.append(f"{name}: {parsed.rows_in} rows / {len(rejects)} rejects, built {file.rows} / {file.rejects}")
    if parsed.rows_in != len(comments) + len(rejects):
        found.append(f"{name}: {parsed.rows_in} rows in != {len(comments)} comments + {len(rejects)} rejects")
    schema.validate(comments, schema.COMMENTS)
    schema.validate(rejects, schema.REJECTS)
    lines = list(comments["source_line"]) + list(rejects["source_line"])
    if len(set(lines)) != len(lines) or rejects["source_line"].isna().any():
        found.append(f"{name}: rows without a line number or counted twice")
    if not (rejects["source_file"] == name).all() or not rejects["reason"].str.len().gt(0).all():
        found.append(f"{name}: a reject without its file or reason")
    return outcome, found


def test_every_corpus_file_is_read_or_refused_as_built(corpus: dict[str, CorpusFile]) -> None:
    checked = [_check(file) for file in corpus.values()]
    problems = [problem for _, found in checked for problem in found]
    assert not problems, "\n".join(problems)
    table = totals([outcome for outcome, _ in checked])
    print("\n" + format_totals(table))
    rows_in = sum(entry["rows_in"] for entry in table.values())
    assert rows_in >= 10_000
    assert rows_in == sum(entry["processed"] + entry["rejected"] for entry in table.values())
    assert {kind for kind, entry in table.items() if entry["refused"]} >= {"xlsx-zip-bomb", "csv-empty"}


def test_corpus_is_deterministic(tmp_path: Path, corpus: dict[str, CorpusFile]) -> None:
    again = {file.path.name: file for file in build_corpus(tmp_path, seed=0)}
    assert again.keys() == corpus.keys()
    same_bytes = [name for name in corpus if name.endswith((".csv", ".tsv", ".jsonl", ".parquet"))]
    assert all(again[name].path.read_bytes() == corpus[name].path.read_bytes() for name in same_bytes)
    assert [(f.rows, f.rejects, f.error) for f in again.values()] == [(f.rows, f.rejects, f.error)
                                                                      for f in corpus.values()]


def _peak_bytes(action) -> tuple[int, int]:
    """Peak Python allocation (tracemalloc) and growth of the process's peak RSS while ``action`` runs."""
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    tracemalloc.start()
    try:
        action()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 - rss_before


def test_zip_bomb_is_refused_before_it_expands(corpus: dict[str, CorpusFile]) -> None:
    bomb = corpus["zip_bomb.xlsx"].path
    assert bomb.stat().st_size < 2 << 20

    def read() -> None:
        with pytest.raises(IngestError, match="zip bomb: part 'xl/sharedStrings.xml' expands from"):
            read_table(bomb)

    peak, rss_growth = _peak_bytes(read)
    assert peak < 16 << 20 and rss_growth < MEMORY_BOUND


@pytest.mark.parametrize("name", ["big_cell.csv", "big_cell.jsonl", "far_cell.xlsx"])
def test_huge_cells_and_sheets_cost_bounded_memory(corpus: dict[str, CorpusFile], name: str) -> None:
    parsed: list = []
    peak, rss_growth = _peak_bytes(lambda: parsed.append(read_table(corpus[name].path)))
    assert peak < MEMORY_BOUND and rss_growth < MEMORY_BOUND
    assert len(parsed[0].rejects) == corpus[name].rejects


@settings(derandomize=True, max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts=st.lists(st.text(max_size=40), min_size=1, max_size=25))
def test_any_text_round_trips_or_is_rejected_with_a_reason(tmp_path_factory: pytest.TempPathFactory,
                                                           texts: list[str]) -> None:
    path = tmp_path_factory.mktemp("hyp") / "answers.csv"
    buffer = io.StringIO()
    csv.writer(buffer).writerows([["Пікір", "Баға"], *[[text, "5"] for text in texts]])
    path.write_bytes(buffer.getvalue().encode("utf-8", "surrogatepass"))
    parsed = read_table(path)
    assert parsed.rows_in == len(texts) == len(parsed.comments) + len(parsed.rejects)
    for raw_text, line in zip(parsed.comments["raw_text"], parsed.comments["source_line"], strict=True):
        assert raw_text == texts[line - 2]
    assert parsed.rejects["reason"].str.len().gt(0).all()


runner = CliRunner()


@pytest.mark.parametrize("name", ["zip_bomb.xlsx", "unbalanced_quote.csv", "empty.csv", "duplicate_columns.csv",
                                  "utf16_no_bom.csv", "truncated.parquet"])
def test_cli_refuses_unreadable_files_with_one_line(corpus: dict[str, CorpusFile], tmp_path: Path,
                                                    name: str) -> None:
    result = runner.invoke(app, ["ingest", "table", str(corpus[name].path), "--store", str(tmp_path / "s.duckdb")])
    assert result.exit_code == 2 and isinstance(result.exception, SystemExit)
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {name}") and corpus[name].error in lines[0]


@pytest.mark.parametrize("name", ["invalid_utf8_0.csv", "nul_0.csv", "broken.jsonl", "wrong_types.parquet",
                                  "formulas_merged.xlsx", "big_cell.csv"])
def test_cli_stores_damaged_files_row_by_row(corpus: dict[str, CorpusFile], tmp_path: Path, name: str) -> None:
    from textmine.store import Store

    file, store = corpus[name], tmp_path / "s.duckdb"
    result = runner.invoke(app, ["ingest", "table", str(file.path), "--store", str(store)])
    assert result.exit_code == 0, result.output
    assert f"{name}: {file.rows} rows in -> {file.rows - file.rejects} comments, {file.rejects} rejected" in result.output
    with Store(store, read_only=True) as opened:
        assert (opened.count("comments"), opened.count("rejects")) == (file.rows - file.rejects, file.rejects)


def test_cli_subprocess_shows_no_traceback(corpus: dict[str, CorpusFile], tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "textmine.cli", "ingest", "table", str(corpus["zip_bomb.xlsx"].path),
                           "--store", str(tmp_path / "s.duckdb")], check=False, capture_output=True,
                          text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.count("\n") == 1 and done.stderr.startswith("error: zip_bomb.xlsx: refused as a zip bomb")
