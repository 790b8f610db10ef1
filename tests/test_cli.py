"""The command line end to end: the main job reproduces the bundled data; annotate keeps every row."""

import io
import json
from pathlib import Path

import pandas as pd
from typer.testing import CliRunner

from textmine.cli import app

ROOT = Path(__file__).resolve().parents[1]
runner = CliRunner()


def test_run_regenerates_the_bundled_dataset_exactly(tmp_path):
    result = runner.invoke(app, ["run", "--report", str(ROOT / "data/reports/monitoring_report_2018_kk.txt"),
                                 "--out-dir", str(tmp_path), "--store", str(tmp_path / "s.duckdb")])
    assert result.exit_code == 0, result.output
    assert "986 comments" in result.output
    for name in ("comments.csv", "services.csv", "aspect_scores.csv", "rejects.csv", "recommendations.csv"):
        regenerated = pd.read_csv(tmp_path / name, dtype=str, keep_default_na=False)
        bundled = pd.read_csv(ROOT / "data/comments" / name, dtype=str, keep_default_na=False)
        pd.testing.assert_frame_equal(regenerated, bundled, obj=name)
    _recommend_reads_the_ranked_store(tmp_path / "s.duckdb", tmp_path / "recommendations.csv")


def _recommend_reads_the_ranked_store(store: Path, ranked_csv: Path) -> None:
    """`textmine recommend` on the store `run` wrote: the brief leads with the service's rank-1 problem."""
    from textmine.classify.taxonomy import load_taxonomy

    ranked = pd.read_csv(ranked_csv)
    top = ranked[(ranked["service_no"] == 2) & (ranked["kind"] == "problem")].sort_values("rank").iloc[0]
    result = runner.invoke(app, ["recommend", "--service", "2", "--lang", "ru", "--store", str(store)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("# 2. ") and "## Приоритетные проблемы" in result.output
    assert f"### 1. {load_taxonomy().theme(top['theme']).name.ru}" in result.output
    table = runner.invoke(app, ["recommend", "--service", "2", "--format", "csv", "--store", str(store)])
    assert table.exit_code == 0, table.output
    shown = pd.read_csv(io.StringIO(table.output))
    expected = ranked[ranked["service_no"] == 2].reset_index(drop=True)
    pd.testing.assert_frame_equal(shown, expected)
    refused = runner.invoke(app, ["recommend", "--service", "99", "--store", str(store)])
    assert refused.exit_code != 0 and "99" in refused.output


def test_rerunning_ingest_into_the_same_store_adds_no_duplicates(tmp_path):
    store = str(tmp_path / "s.duckdb")
    report = str(ROOT / "data/reports/monitoring_report_2018_kk.txt")
    for _ in range(2):
        assert runner.invoke(app, ["ingest", "report", report, "--store", store]).exit_code == 0
    info = runner.invoke(app, ["info", "--store", store])
    assert "comments: 986" in info.output and "services: 60" in info.output


def test_annotate_keeps_rows_and_order_and_adds_languages(tmp_path):
    source = tmp_path / "survey.csv"
    pd.DataFrame({
        "Отзыв": ["ХҚКОда айғай-шу, кімге бірінші бару керектігін көрсететін көрсеткіштер жоқ",
                  "Простоял в очереди два часа, работало одно окно", "", "ЦОН-ға бардым, там очередь огромная болды"],
        "Оценка": ["2", "3", "5", "1"],
    }).to_csv(source, index=False)
    out = tmp_path / "tagged.xlsx"
    result = runner.invoke(app, ["annotate", str(source), "--out", str(out), "--text-column", "Отзыв"])
    assert result.exit_code == 0, result.output
    tagged = pd.read_excel(out, dtype=str, keep_default_na=False)
    assert tagged["Оценка"].tolist() == ["2", "3", "5", "1"]
    assert tagged["lang"].tolist() == ["kk", "ru", "unknown", "mixed"]
    assert "queues" in tagged["themes"].iloc[1].split(";")  # "простоял в очереди два часа"
    assert tagged["themes"].iloc[2] == "" and tagged["polarity"].iloc[2] == ""  # empty comment: nothing assigned
    assert set(tagged["polarity"].iloc[[0, 1, 3]]) <= {"complaint", "suggestion", "praise", "neutral"}
    # every assigned theme names the words it was assigned on
    for themes, evidence in zip(tagged["themes"], tagged["theme_evidence"], strict=True):
        assigned = [t for t in themes.split(";") if t]
        found = json.loads(evidence) if evidence else {}
        assert list(found) == assigned and all(found[t] for t in assigned), (themes, evidence)
    assert "очереди" in json.loads(tagged["theme_evidence"].iloc[1])["queues"]
    assert set(tagged["theme_uncertain"]) <= {"True", "False", ""}


def test_annotate_without_a_text_column_fails_with_a_clear_message(tmp_path):
    source = tmp_path / "survey.csv"
    pd.DataFrame({"a": ["x"], "b": ["y"]}).to_csv(source, index=False)
    result = runner.invoke(app, ["annotate", str(source), "--out", str(tmp_path / "o.csv")])
    assert result.exit_code == 2
    assert "survey.csv: no comment text column; columns found: 'a', 'b'" in result.output
