"""The audit trail: runs record inputs (sha256), counts, model, taxonomy, code version, stage timings and
status; a failed run is recorded as failed and leaves the store as it was; `textmine runs` lists them."""

from __future__ import annotations

import hashlib
import importlib.util
import json
from importlib import metadata
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from textmine import schema
from textmine.audit import list_runs, recorded_run
from textmine.classify.taxonomy import load_taxonomy
from textmine.cli import app
from textmine.store import Store

# Respondents' words from the seed report (data/reports/monitoring_report_2018_kk.txt), plus Russian and mixed.
KAZAKH = "ХҚКОда айғай-шу, кімге бірінші бару керектігін көрсететін көрсеткіштер жоқ"
RUSSIAN = "Простоял в очереди два часа, работало одно окно"
MIXED = "ЦОН-ға бардым, там очередь огромная болды"
ROOT = Path(__file__).resolve().parents[1]
runner = CliRunner()


def _survey(path: Path) -> Path:
    pd.DataFrame({"Отзыв": [KAZAKH, RUSSIAN, "", MIXED], "Оценка": ["2", "3", "5", "1"]}).to_csv(path, index=False)
    return path


def _comment(text: str) -> pd.DataFrame:
    return pd.DataFrame([{
        "id": schema.comment_id("a.csv", 1, text), "text": text, "raw_text": text, "lang": "kk",
        "lang_confidence": 0.9, "service_no": 1, "service_name": "Апостиль", "agency": "ӘМ", "region": None,
        "rating": 2, "aspect_context": None, "date": None, "channel": None, "source_file": "a.csv",
        "source_line": 1, "extra": None,
    }])


def test_a_run_records_input_hashes_counts_stages_and_versions(tmp_path: Path) -> None:
    survey = _survey(tmp_path / "survey.csv")
    with Store(tmp_path / "s.duckdb") as store:
        with recorded_run(store, "ingest table", inputs=[survey], arguments={"map": ["Отзыв=text"]}) as run:
            with run.stage("read"):
                pass
            with run.stage("store"):
                store.replace_source("a.csv", _comment(KAZAKH), schema.empty(schema.REJECTS))
            run.count(rows_in=2, processed=1, rejected=1)
            run.count(rows_in=1, processed=1)
            run.note(model_id="intfloat/multilingual-e5-small")
        runs, stages = list_runs(store)
    row = runs.iloc[0]
    assert json.loads(row["inputs"]) == [{"path": str(survey), "bytes": survey.stat().st_size,
                                          "sha256": hashlib.sha256(survey.read_bytes()).hexdigest()}]
    assert (row["status"], row["command"], row["error"]) == ("ok", "ingest table", None)
    assert (row["rows_in"], row["processed"], row["rejected"]) == (3, 2, 1)
    assert row["model_id"] == "intfloat/multilingual-e5-small"
    assert row["taxonomy_version"] == load_taxonomy().version
    assert row["code_version"] == metadata.version("textmine")
    assert row["arguments"] == '{"map": ["Отзыв=text"]}'
    assert row["started_at"] <= row["ended_at"] and row["seconds"] >= stages["seconds"].sum()
    assert stages[["position", "stage", "status"]].values.tolist() == [[1, "read", "ok"], [2, "store", "ok"]]


def test_a_failed_run_is_recorded_and_its_half_done_work_rolled_back(tmp_path: Path) -> None:
    path = tmp_path / "s.duckdb"
    with Store(path) as store:
        store.replace_source("a.csv", _comment(KAZAKH), schema.empty(schema.REJECTS))
    with (pytest.raises(RuntimeError, match="disk on fire"), Store(path) as store,
          recorded_run(store, "classify") as run, run.stage("classify")):
        store.connection.execute("BEGIN TRANSACTION")
        store.connection.execute("DELETE FROM comments")
        raise RuntimeError("disk on fire")
    with Store(path) as store:
        assert store.read("comments")["text"].tolist() == [KAZAKH]
        runs, stages = list_runs(store)
        store.replace_source("a.csv", _comment(RUSSIAN), schema.empty(schema.REJECTS))  # still writable
        assert store.read("comments")["text"].tolist() == [RUSSIAN]
    assert (runs.loc[0, "status"], runs.loc[0, "error"]) == ("failed", "RuntimeError: disk on fire")
    assert stages[["stage", "status"]].values.tolist() == [["classify", "failed"]]


def test_a_missing_input_fails_the_run_naming_the_file(tmp_path: Path) -> None:
    missing = tmp_path / "absent.csv"
    with (pytest.raises(FileNotFoundError), Store(tmp_path / "s.duckdb") as store,
          recorded_run(store, "ingest table", inputs=[missing])):
        pass
    with Store(tmp_path / "s.duckdb", read_only=True) as store:
        runs, _ = list_runs(store)
    assert runs.loc[0, "status"] == "failed" and str(missing) in runs.loc[0, "error"]


def test_cli_ingest_is_audited_and_runs_lists_it(tmp_path: Path) -> None:
    store, survey = str(tmp_path / "s.duckdb"), _survey(tmp_path / "survey.csv")
    ok = runner.invoke(app, ["ingest", "table", str(survey), "--map", "Отзыв=text", "--map", "Оценка=rating",
                             "--store", store])
    assert ok.exit_code == 0, ok.output
    bad = runner.invoke(app, ["ingest", "table", str(survey), "--map", "Нет=text", "--store", store])
    assert bad.exit_code == 2
    with Store(store, read_only=True) as opened:
        comments, rejects = opened.count("comments"), opened.count("rejects")
        runs, _ = list_runs(opened)
    assert runs["status"].tolist() == ["failed", "ok"]
    assert "IngestError" in runs.loc[0, "error"]
    assert (runs.loc[1, "processed"], runs.loc[1, "rejected"]) == (comments, rejects)
    assert runs.loc[1, "rows_in"] == comments + rejects == 4

    listed = runner.invoke(app, ["runs", "--store", store])
    assert listed.exit_code == 0, listed.output
    lines = listed.output.strip().splitlines()
    assert len(lines) == 2 and " failed " in lines[0] and " ok " in lines[1]
    digest = hashlib.sha256(survey.read_bytes()).hexdigest()[:12]
    assert f"survey.csv (sha256 {digest})" in lines[1] and f"rows in 4, processed {comments}" in lines[1]
    last = runner.invoke(app, ["runs", "--last", "1", "--store", store]).output.strip().splitlines()
    assert last == lines[:1]


def test_runs_on_a_store_without_runs_says_so(tmp_path: Path) -> None:
    with Store(tmp_path / "s.duckdb"):
        pass
    listed = runner.invoke(app, ["runs", "--store", str(tmp_path / "s.duckdb")])
    assert listed.exit_code == 0 and "no runs recorded" in listed.output


def _dependency_audit():
    spec = importlib.util.spec_from_file_location("audit_deps", ROOT / "scripts" / "audit_deps.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_dependency_audit_fails_only_on_vulnerabilities_with_a_fix() -> None:
    summarise = _dependency_audit().summarise
    unfixed = {"name": "tornado", "version": "6.0", "vulns": [{"id": "GHSA-aaaa", "fix_versions": []}]}
    fixed = {"name": "jinja2", "version": "2.4", "vulns": [{"id": "PYSEC-1", "fix_versions": ["2.4.1"]},
                                                          {"id": "PYSEC-2", "fix_versions": ["3.1.6"]}]}
    clean = {"name": "duckdb", "version": "2.0.1", "vulns": []}
    skipped = {"name": "textmine", "skip_reason": "distribution marked as editable"}
    lines, fixable = summarise({"dependencies": [unfixed, clean, skipped]})
    assert fixable == 0 and "tornado 6.0: GHSA-aaaa no fix released yet" in lines
    assert lines[0].startswith("audited 2 of 3 installed packages: 1 known vulnerabilities in 1 packages")
    assert "  textmine: distribution marked as editable" in lines
    lines, fixable = summarise({"dependencies": [unfixed, fixed, clean]})
    assert fixable == 2 and "jinja2 2.4: PYSEC-1 fixed in 2.4.1" in lines


def test_process_and_the_topic_commands_are_audited_and_process_keeps_raw_only_when_asked(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from test_scale_chunks import HashEmbedder, RuleAnnotator

    monkeypatch.setattr("textmine.embed.default_embedder", HashEmbedder)
    monkeypatch.setattr("textmine.classify.annotator.ThemeAnnotator", lambda *args, **kwargs: RuleAnnotator())
    phone = "87011234567"
    texts = [f"{KAZAKH} {i}" if i % 3 else f"{RUSSIAN} {i}" for i in range(29)] + [f"{MIXED}, мой номер {phone}"]
    survey = tmp_path / "survey.csv"
    pd.DataFrame({"text": texts, "rating": [1 + i % 5 for i in range(30)]}).to_csv(survey, index=False)
    masked, kept = str(tmp_path / "masked.duckdb"), str(tmp_path / "kept.duckdb")

    for arguments in (["process", str(survey), "--chunk-rows", "10", "--store", masked],
                      ["process", str(survey), "--keep-raw", "--store", kept],
                      ["topics-refit", "--sample", "30", "--clusters", "3", "--store", masked],
                      ["topics-assign", "--store", masked]):
        result = runner.invoke(app, arguments)
        assert result.exit_code == 0, result.output
    with Store(masked, read_only=True) as opened:
        runs, _ = list_runs(opened)
        raw = opened.read("comments")["raw_text"].str.cat()
    assert runs.sort_values("started_at")["command"].tolist() == ["process", "topics-refit", "topics-assign"]
    assert runs["status"].tolist() == ["ok"] * 3
    process = runs.set_index("command").loc["process"]
    assert (process["rows_in"], process["processed"], process["rejected"]) == (30, 30, 0)
    assert json.loads(process["inputs"])[0]["sha256"] == hashlib.sha256(survey.read_bytes()).hexdigest()
    assert runs.set_index("command").loc["topics-refit", "processed"] == 30
    assert phone not in raw
    with Store(kept, read_only=True) as opened:
        assert phone in opened.read("comments")["raw_text"].str.cat()
        assert json.loads(list_runs(opened)[0].loc[0, "arguments"])["keep_raw"] is True
